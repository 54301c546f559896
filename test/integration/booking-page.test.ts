import {
  type ClinicHarness,
  dayLinksOf,
  launchForm,
  patientOf,
  slotsOf,
  startClinic,
} from '../helpers/clinic';
import { testConfig } from '../helpers/portal';

const THREE_DAYS_MINUTES = 3 * 24 * 60;

describe('the booking page scales: lead time, provider choice, one day at a time', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic({ config: testConfig({ BOOKING_LEAD_MINUTES: String(THREE_DAYS_MINUTES) }) });
  });
  afterAll(() => h.close());

  it('offers no slot sooner than BOOKING_LEAD_MINUTES, and the first available time is the first one offered', async () => {
    const { agent } = await patientOf(h);
    const { page } = await launchForm(agent, '/appointments/new?tz=UTC');
    const slots = slotsOf(page.text);
    expect(slots.length).toBeGreaterThan(0);
    const earliest = Date.now() / 1000 + THREE_DAYS_MINUTES * 60 - 60;
    expect(slots.every((s) => s.start >= earliest)).toBe(true);
  });

  it('with several providers, the patient can choose one; a day link shows that day only', async () => {
    const { agent } = await patientOf(h);
    const { page } = await launchForm(agent, '/appointments/new?tz=UTC');
    const providers = [...page.text.matchAll(/<option value="([^"]+)" >/g)].map((m) => m[1]!);
    expect(providers.length).toBeGreaterThan(1);

    const one = await launchForm(agent, `/appointments/new?tz=UTC&provider=${providers[1]}`);
    const slots = slotsOf(one.page.text);
    expect(slots.length).toBeGreaterThan(0);
    expect(new Set(slots.map((s) => s.providerId))).toEqual(new Set([providers[1]]));

    const days = dayLinksOf(one.page.text);
    const later = await launchForm(agent, days[1]!);
    const laterSlots = slotsOf(later.page.text);
    expect(laterSlots[0]!.day).not.toBe(slots[0]!.day);
    expect(new Set(laterSlots.map((s) => s.day)).size).toBe(1);
  });
});
