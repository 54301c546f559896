/**
 * `next` must be a path inside the clinic: one leading `/`, no `//` or `/\` (which browsers treat as
 * another host), no backslash or control characters. Anything else is refused, never "fixed".
 */
export function safeNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || !next.startsWith('/')) return undefined;
  if (next.startsWith('//') || next.includes('\\')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(next)) return undefined;
  return next;
}
