import type { i18n as I18n, TFunction } from 'i18next';

/** A `{{name}}` placeholder with nothing else in it: no format (`{{n, number}}`), no unescaped `{{- x}}`. */
const PLAIN_PLACEHOLDER = /{{\s*([A-Za-z_]\w*)\s*}}/g;
const ANY_PLACEHOLDER = /{{[^}]*}}/g;
/** Options that change what i18next looks up or how (plurals, context, fallbacks…): always i18next's. */
const LOOKUP_OPTIONS = new Set([
  'count',
  'context',
  'defaultValue',
  'lng',
  'lngs',
  'fallbackLng',
  'ns',
  'keyPrefix',
  'returnObjects',
  'returnDetails',
  'joinArrays',
  'postProcess',
  'interpolation',
  'replace',
  'ordinal',
]);

type Values = Record<string, unknown>;

function onlyPlainValues(options: unknown): options is Record<string, string | number> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false;
  for (const name in options) {
    if (LOOKUP_OPTIONS.has(name)) return false;
    const value = (options as Values)[name];
    if (typeof value !== 'string' && typeof value !== 'number') return false;
  }
  return true;
}

/** The translation itself when i18next would only put values in it; null when it would do more. */
function plainTemplate(instance: I18n, language: string, key: string): string | null {
  const text: unknown = instance.getResource(language, 'translation', key);
  if (typeof text !== 'string' || text.includes('$t(')) return null;
  const all = text.match(ANY_PLACEHOLDER)?.length ?? 0;
  const plain = text.match(PLAIN_PLACEHOLDER)?.length ?? 0;
  return all === plain ? text : null;
}

/**
 * A language's `t` that remembers: a page asks for the same few dozen keys on every request, and
 * i18next resolves each one anew (fallbacks, nesting, formatting), ~20 µs for one with values. A
 * plain lookup's answer is kept; a lookup with plain values (`{ when: '…' }`) fills the kept text
 * the way i18next does (escaping is EJS's, so i18next's is off; a value not given leaves its
 * placeholder). Anything else (plurals, context, formats, nesting, a key only in the fallback
 * language) goes to i18next every time.
 */
export function rememberingT(instance: I18n, language: string): TFunction {
  const t = instance.getFixedT(language) as unknown as (...args: unknown[]) => string;
  const answers = new Map<string, string>();
  const templates = new Map<string, string | null>();
  return ((key: unknown, ...rest: unknown[]) => {
    if (typeof key !== 'string') return t(key, ...rest);
    if (rest.length === 0) {
      let answer = answers.get(key);
      if (answer === undefined) {
        answer = t(key);
        answers.set(key, answer);
      }
      return answer;
    }
    const [values] = rest;
    if (rest.length > 1 || !onlyPlainValues(values)) return t(key, ...rest);
    let template = templates.get(key);
    if (template === undefined) {
      template = plainTemplate(instance, language, key);
      templates.set(key, template);
    }
    if (template === null) return t(key, ...rest);
    return template.replace(PLAIN_PLACEHOLDER, (placeholder, name: string) =>
      Object.hasOwn(values, name) ? String(values[name]) : placeholder,
    );
  }) as unknown as TFunction;
}
