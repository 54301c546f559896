import type { Room, VseeClient } from '../vsee';

/** How long a read of the room is trusted: a clinic edits its room rarely. */
const FRESH_MS = 5 * 60_000;

/**
 * The clinic's VSee room (its visit types and default time zone), read for every patient and kept
 * for a few minutes. The booking page needs both; without one shared read its first view would ask
 * VSee for the same room twice. Callers asking at the same moment share one request. A failed read
 * is not kept: each caller decides how long to go without the room.
 */
export class ClinicRoom {
  private known: { at: number; room: Room } | undefined;
  private reading: Promise<Room> | undefined;

  constructor(private readonly vsee: Pick<VseeClient, 'getRoom'>) {}

  read(now = Date.now()): Promise<Room> {
    if (this.known && now - this.known.at < FRESH_MS) return Promise.resolve(this.known.room);
    this.reading ??= this.vsee
      .getRoom()
      .then((room) => {
        this.known = { at: Date.now(), room };
        return room;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }
}
