import net from 'node:net';
import { backoffDelayMs, parseRetryAfterMs, MAX_RETRY_DELAY_MS } from '../../../src/vsee/retry';
import { armConnectTimeout, CONNECT_TIMEOUT_CODE } from '../../../src/vsee/transport';

describe('retry timing', () => {
  it('full jitter stays within [0, min(cap, base·2^n))', () => {
    expect(backoffDelayMs(0, 100, () => 0)).toBe(0);
    expect(backoffDelayMs(0, 100, () => 0.999)).toBe(99);
    expect(backoffDelayMs(2, 100, () => 0.5)).toBe(200);
    expect(backoffDelayMs(20, 100, () => 0.999)).toBeLessThan(MAX_RETRY_DELAY_MS);
  });

  it('reads Retry-After as seconds or as an HTTP date, and ignores junk', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('2', now)).toBe(2000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('armConnectTimeout', () => {
  it('destroys a socket that never connects with a recognisable code', async () => {
    const socket = new net.Socket();
    armConnectTimeout(socket, 50, 'connect');

    const error = await new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));

    expect(error.code).toBe(CONNECT_TIMEOUT_CODE);
    expect(socket.destroyed).toBe(true);
  });
});
