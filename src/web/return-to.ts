const MAX_LENGTH = 512;

/**
 * Accepts only a same-site path to come back to after login: one leading `/`, not `//` or `/\`
 * (browsers read both as another host), no scheme, no control characters or backslashes.
 * Anything else yields undefined and the caller falls back to the home page.
 */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return undefined;
  // A path that a URL parser resolves to another origin is not a path.
  try {
    if (new URL(value, 'http://portal.invalid').origin !== 'http://portal.invalid') return undefined;
  } catch {
    return undefined;
  }
  return value;
}
