import type { Config } from '../config';

/** The product's name, shown until the clinic names itself. */
export const PRODUCT_NAME = 'Patient Portal';

/** The name emails sign with: the clinic's own (CLINIC_NAME) when configured, else the product's. */
export function clinicName(config: Config): string {
  return config.portal.clinic.name?.trim() || PRODUCT_NAME;
}
