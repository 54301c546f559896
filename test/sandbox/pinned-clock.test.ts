import { seedProviders } from '../../src/sandbox/seed';
import { seededSlots } from '../../src/sandbox/slots';
import { beforeNextWorkday } from '../helpers/clinic';

// The appointment tests pin the sandbox clock with beforeNextWorkday so that the first slot the
// portal offers does not depend on the minute they run. The portal asks from the real clock, the
// sandbox answers from its own: this replays that pair at every minute of a day, without waiting.

const DAY = 86_400;
const providers = seedProviders();
const MINUTES = Array.from({ length: 24 * 60 }, (_, m) => m);

/** The first slot the portal would offer at real time `realSec`, with the sandbox clock at `sandboxSec`. */
function firstOffered(realSec: number, sandboxSec: number) {
  return seededSlots(providers, sandboxSec, realSec, realSec + 14 * DAY)[0]!;
}

describe('beforeNextWorkday, the pinned sandbox clock of the appointment tests', () => {
  const midnight = Date.parse('2030-01-07T00:00:00Z');

  it('at every minute of the day, the first slot offered is 09:00 UTC of a coming day, with provider 501', () => {
    for (const minute of MINUTES) {
      const realMs = midnight + minute * 60_000 + 17_000;
      const clock = beforeNextWorkday(realMs);
      const sandboxMs = clock.now() - Date.now() + realMs; // the sandbox clock at that real moment
      const first = firstOffered(Math.floor(realMs / 1000), Math.floor(sandboxMs / 1000));

      expect(first).toEqual({
        providerId: '501',
        start: clock.firstSlotStart,
        end: clock.firstSlotStart + 30 * 60,
      });
      expect(new Date(first.start * 1000).toISOString()).toMatch(/T09:00:00\.000Z$/);
      expect(first.start * 1000).toBeGreaterThan(realMs);
      expect(first.start * 1000 - realMs).toBeLessThanOrEqual(DAY * 1000 + 3_600_000);
    }
  });

  it('the control: on the real clock, the first slot and its provider change within an hour of work', () => {
    const at = (hhmm: string) => Date.parse(`2030-01-07T${hhmm}:00Z`) / 1000;
    expect(firstOffered(at('10:10'), at('10:10'))).toMatchObject({ providerId: '502', start: at('10:15') });
    expect(firstOffered(at('10:20'), at('10:20'))).toMatchObject({ providerId: '501', start: at('10:30') });
  });
});
