import { clinicName } from '../../../src/email/clinic-name';
import { testConfig } from '../../helpers/portal';

describe('the name emails sign with', () => {
  it("is the clinic's CLINIC_NAME when set", () => {
    expect(clinicName(testConfig({ CLINIC_NAME: 'Riverside Family Clinic' }))).toBe(
      'Riverside Family Clinic',
    );
  });

  it("is the product's name otherwise", () => {
    expect(clinicName(testConfig())).toBe('Patient Portal');
  });
});
