import type { PortalSettings } from '../portal-settings';

/**
 * The name emails sign with: the clinic's own (CLINIC_NAME) when configured, else `genericName`,
 * the product's name in the email's language (`brand.genericName`).
 */
export function clinicName(settings: PortalSettings, genericName: string): string {
  return settings.clinic.name?.trim() || genericName;
}
