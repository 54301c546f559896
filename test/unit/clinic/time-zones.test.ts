import { momentLabel } from '../../../src/clinic/time-zones';

const winter = Date.UTC(2026, 0, 15, 9, 30) / 1000;
const summer = Date.UTC(2026, 6, 15, 9, 30) / 1000;

describe('momentLabel', () => {
  it('says the day, the time and the zone of that moment, the same when asked again', () => {
    expect(momentLabel(winter, 'Europe/Berlin')).toBe('Thursday, January 15, 2026, 10:30 AM GMT+1');
    expect(momentLabel(summer, 'Europe/Berlin')).toBe('Wednesday, July 15, 2026, 11:30 AM GMT+2');
    expect(momentLabel(winter, 'Europe/Berlin')).toBe('Thursday, January 15, 2026, 10:30 AM GMT+1');
  });

  it('keeps moments of different zones apart', () => {
    expect(momentLabel(summer, 'America/New_York')).toBe('Wednesday, July 15, 2026, 5:30 AM EDT');
    expect(momentLabel(summer, 'UTC')).toBe('Wednesday, July 15, 2026, 9:30 AM UTC');
    expect(momentLabel(summer, 'America/New_York')).toBe('Wednesday, July 15, 2026, 5:30 AM EDT');
  });

  it('keeps the same moment in different languages apart', () => {
    expect(momentLabel(summer, 'UTC', 'es')).not.toBe(momentLabel(summer, 'UTC'));
    expect(momentLabel(summer, 'UTC', 'es')).toContain('julio');
    expect(momentLabel(summer, 'UTC')).toContain('July');
  });
});
