import { EmailLanguages } from '../../../src/email/email-language';
import { testConfig } from '../../helpers/portal';

describe('the name emails sign with', () => {
  it("is the clinic's CLINIC_NAME when set, in every language", () => {
    const languages = new EmailLanguages(testConfig({ CLINIC_NAME: 'Riverside Family Clinic' }).portal);
    expect(languages.pick('en').clinicName).toBe('Riverside Family Clinic');
    expect(languages.pick('es').clinicName).toBe('Riverside Family Clinic');
  });

  it("is the product's name otherwise, in the email's language", () => {
    const languages = new EmailLanguages(testConfig().portal);
    expect(languages.pick('en').clinicName).toBe('Patient Portal');
    expect(languages.pick('es').clinicName).toBe('Portal del paciente');
  });

  it('speaks the first language the portal offers of those given, else the default', () => {
    const languages = new EmailLanguages(testConfig().portal);
    expect(languages.pick(null, 'es').language).toBe('es');
    expect(languages.pick('es', 'en').language).toBe('es');
    expect(languages.pick('xx', undefined).language).toBe('en');
    expect(languages.pick('es').locale).toBe('es-US');
  });
});
