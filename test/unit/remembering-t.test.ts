import { loadConfig } from '../../src/config';
import { createI18n, readLocale } from '../../src/web/i18n';
import { rememberingT } from '../../src/web/remembering-t';

const settings = loadConfig({}).portal;
const instance = createI18n(settings);

/** Every leaf key with its text, e.g. [`visits.statusChanged`, 'Status changed {{when}}']. */
function entriesOf(tree: Record<string, unknown>, prefix = ''): Array<[string, string]> {
  return Object.entries(tree).flatMap(([k, v]) =>
    v && typeof v === 'object'
      ? entriesOf(v as Record<string, unknown>, `${prefix}${k}.`)
      : [[`${prefix}${k}`, String(v)] as [string, string]],
  );
}

describe.each(settings.languages)('the remembering t (%s) answers exactly as i18next', (language) => {
  const i18next = instance.getFixedT(language) as unknown as (key: string, values?: object) => string;
  const t = rememberingT(instance, language) as unknown as (key: string, values?: object) => string;
  const entries = entriesOf(readLocale(language));

  it('for every key, asked twice, without values', () => {
    for (const [key] of entries) {
      expect(t(key)).toBe(i18next(key));
      expect(t(key)).toBe(i18next(key));
    }
  });

  it('for every key with placeholders, with each value given, a number, or one left out', () => {
    const withValues = entries.filter(([, text]) => text.includes('{{'));
    expect(withValues.length).toBeGreaterThan(10);
    for (const [key, text] of withValues) {
      const names = [...text.matchAll(/{{\s*([A-Za-z_]\w*)\s*}}/g)].map((m) => m[1]!);
      const given = Object.fromEntries(names.map((name, i) => [name, `<${name} ${i} & "x">`]));
      const numbers = Object.fromEntries(names.map((name, i) => [name, i + 0.5]));
      const missing = Object.fromEntries(names.slice(1).map((name) => [name, 'v']));
      for (const values of [given, numbers, missing, given])
        expect(t(key, values)).toBe(i18next(key, values));
    }
  });

  it('for plurals, a key missing from the file, and a value that is not text: i18next itself', () => {
    const values = { count: 2, clinic: { name: 'x' } };
    expect(t('no.such.key', { when: 'x' })).toBe(i18next('no.such.key', { when: 'x' }));
    expect(t('visits.statusChanged', values)).toBe(i18next('visits.statusChanged', values));
  });
});
