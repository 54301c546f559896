import { momentLabel } from '../../../src/clinic/time-zones';

const winter = Date.UTC(2026, 0, 15, 9, 30) / 1000;
const summer = Date.UTC(2026, 6, 15, 9, 30) / 1000;

describe('momentLabel', () => {
  it('says the day, the time and the zone of that moment, the same when asked again', () => {
    expect(momentLabel(winter, 'Europe/Berlin')).toBe('Thursday, 15 January 2026, 10:30 GMT+1');
    expect(momentLabel(summer, 'Europe/Berlin')).toBe('Wednesday, 15 July 2026, 11:30 GMT+2');
    expect(momentLabel(winter, 'Europe/Berlin')).toBe('Thursday, 15 January 2026, 10:30 GMT+1');
  });

  it('keeps moments of different zones apart', () => {
    expect(momentLabel(summer, 'America/New_York')).toBe('Wednesday, 15 July 2026, 05:30 EDT');
    expect(momentLabel(summer, 'UTC')).toBe('Wednesday, 15 July 2026, 09:30 UTC');
    expect(momentLabel(summer, 'America/New_York')).toBe('Wednesday, 15 July 2026, 05:30 EDT');
  });
});
