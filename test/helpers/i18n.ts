import { readLocale } from '../../src/web/i18n';

/** The text a key has in a language's file (`login.failed` → "That email and password …"). */
export function textOf(key: string, language = 'en'): string {
  let node: unknown = readLocale(language);
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (typeof node !== 'string') throw new Error(`no text for ${key} in ${language}`);
  return node;
}
