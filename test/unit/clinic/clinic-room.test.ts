import { ClinicRoom } from '../../../src/clinic/clinic-room';
import { VisitTypes } from '../../../src/clinic/visit-types';
import { type Room, VseeError } from '../../../src/vsee';

const ROOM: Room = {
  code: 'acmeroom',
  defaultTimezone: 'America/Chicago',
  providerIds: [],
  consultations: [{ id: '7', description: 'Follow-up' }],
};

/** A VSee client whose room answers are scripted, one per call; it counts the calls. */
function scriptedRoom(...answers: Array<Room | VseeError>) {
  const vsee = {
    calls: 0,
    async getRoom(): Promise<Room> {
      const answer = answers[vsee.calls++] ?? ROOM;
      if (answer instanceof VseeError) throw answer;
      return answer;
    },
  };
  return vsee;
}

const unavailable = () => new VseeError('unavailable', 'rooms/:code');

describe('ClinicRoom: one read of the VSee room for every caller', () => {
  it('callers at the same moment share one request, and reads within five minutes ask nothing', async () => {
    const vsee = scriptedRoom();
    const room = new ClinicRoom(vsee);

    const [a, b] = await Promise.all([room.read(), room.read()]);
    await room.read(Date.now() + 4 * 60_000);

    expect(a).toBe(ROOM);
    expect(b).toBe(ROOM);
    expect(vsee.calls).toBe(1);
  });

  it('after five minutes the room is read again (a clinic that edited its visit types)', async () => {
    const edited = { ...ROOM, consultations: [] };
    const vsee = scriptedRoom(ROOM, edited);
    const room = new ClinicRoom(vsee);

    await room.read();
    expect(await room.read(Date.now() + 5 * 60_000 + 1)).toBe(edited);
    expect(vsee.calls).toBe(2);
  });

  it('a failed read is not kept: the next caller asks again', async () => {
    const vsee = scriptedRoom(unavailable(), ROOM);
    const room = new ClinicRoom(vsee);

    await expect(room.read()).rejects.toBeInstanceOf(VseeError);
    await expect(room.read()).resolves.toBe(ROOM);
    expect(vsee.calls).toBe(2);
  });
});

describe('VisitTypes over the shared room', () => {
  it('an unreadable room gives the last types known, and no new request for a minute', async () => {
    const vsee = scriptedRoom(ROOM, unavailable());
    const types = new VisitTypes(new ClinicRoom(vsee));
    const now = Date.now();

    expect(await types.list(now)).toEqual(ROOM.consultations);
    expect(await types.list(now + 6 * 60_000)).toEqual(ROOM.consultations);
    expect(await types.list(now + 6 * 60_000 + 30_000)).toEqual(ROOM.consultations);

    expect(vsee.calls).toBe(2);
  });
});
