import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import axios, { type AxiosInstance } from 'axios';
import { VseeError, type VseeEndpoint } from './errors';
import { nodeAdapter } from './node-adapter';

/** Code of the error a socket is destroyed with when it did not connect in time. */
export const CONNECT_TIMEOUT_CODE = 'VSEE_CONNECT_TIMEOUT';

/**
 * Idle pooled sockets are closed after this long. Below the 5 s keep-alive of a Node server and
 * far below nginx's 75 s, so we close first and never write a request into a socket the server
 * is closing (that race would surface as ECONNRESET on a POST we must not retry).
 */
const FREE_SOCKET_TIMEOUT_MS = 4_000;
const MAX_RESPONSE_BYTES = 1_000_000;
const MAX_REQUEST_BYTES = 64_000;

/** Destroys `socket` with a CONNECT_TIMEOUT_CODE error unless it emits `readyEvent` within `ms`. */
export function armConnectTimeout<S extends Duplex | null | undefined>(
  socket: S,
  ms: number,
  readyEvent: 'connect' | 'secureConnect',
): S {
  if (!(socket instanceof net.Socket)) return socket;
  const timer = setTimeout(() => {
    const error = Object.assign(new Error('connect timeout'), { code: CONNECT_TIMEOUT_CODE });
    socket.destroy(error);
  }, ms);
  timer.unref();
  const clear = () => clearTimeout(timer);
  socket.once(readyEvent, clear);
  socket.once('close', clear);
  return socket;
}

// Node has no connect timeout of its own (a SYN to a black hole waits for the OS, ~2 min), and the
// per-call timeout cannot tell "never connected" from "slow answer". Only new sockets pass here.
class ConnectTimeoutHttpAgent extends http.Agent {
  constructor(
    options: http.AgentOptions,
    private readonly connectMs: number,
  ) {
    super(options);
  }
  override createConnection(...args: Parameters<http.Agent['createConnection']>) {
    return armConnectTimeout(super.createConnection(...args), this.connectMs, 'connect');
  }
}

class ConnectTimeoutHttpsAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private readonly connectMs: number,
  ) {
    super(options);
  }
  override createConnection(...args: Parameters<https.Agent['createConnection']>) {
    // For TLS "connected" means the handshake is done, so a server that accepts and stalls counts too.
    return armConnectTimeout(super.createConnection(...args), this.connectMs, 'secureConnect');
  }
}

export interface TransportOptions {
  connectMs: number;
  maxSockets: number;
}

/** A keep-alive agent for the API's scheme, with a connect timeout. Creating it does no I/O. */
export function createAgent(apiUrl: URL, options: TransportOptions): http.Agent {
  const common = {
    keepAlive: true,
    maxSockets: options.maxSockets,
    maxFreeSockets: options.maxSockets,
    timeout: FREE_SOCKET_TIMEOUT_MS,
    scheduling: 'lifo' as const,
  };
  return apiUrl.protocol === 'https:'
    ? new ConnectTimeoutHttpsAgent({ ...common, rejectUnauthorized: true }, options.connectMs)
    : new ConnectTimeoutHttpAgent(common, options.connectMs);
}

const DEFAULT_HEADERS = { Accept: 'application/json', 'User-Agent': 'vsee-patient-bridge' };

/** The one axios instance: raw text in, every status returned, no redirects, no proxy. */
export function createHttp(agent: http.Agent): AxiosInstance {
  const instance = axios.create({
    // Our node:http adapter on the pooled agent (node-adapter.ts): axios's own cost ~6× more CPU a call.
    adapter: nodeAdapter(agent),
    httpAgent: agent,
    httpsAgent: agent,
    // docs/security.md C3: a redirect could carry our API token to another host; fail closed instead.
    maxRedirects: 0,
    // axios's env-proxy support sends https requests to an http proxy in clear, headers included.
    // An egress proxy, if ever needed, gets configured explicitly here.
    proxy: false,
    // Statuses and JSON are interpreted in one place (client.ts), not by axios defaults.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    // The body arrives as JSON text already (exchange.ts): nothing for axios to transform.
    transformRequest: [(data: unknown) => data],
    maxContentLength: MAX_RESPONSE_BYTES,
    maxBodyLength: MAX_REQUEST_BYTES,
  });
  // axios merges its defaults into every request's config, deep-copying the nested ones. Ours are
  // flat headers only: no per-method header sets, and no `env` (FormData/Blob classes for its
  // fetch and form-data paths) or `transitional` flags (for its own adapters and JSON parsing),
  // none of which our adapter and transforms use. About a third less CPU per call in axios.
  const defaults = instance.defaults as unknown as Record<string, unknown>;
  defaults.headers = { ...DEFAULT_HEADERS };
  delete defaults.env;
  delete defaults.transitional;
  return instance;
}

const TLS_TRUST_CODES =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_CERT)/;
const TIMEOUT_CODES = new Set([CONNECT_TIMEOUT_CODE, 'ETIMEDOUT', 'ECONNABORTED', 'ERR_CANCELED']);
const BAD_RESPONSE_CODES = new Set([
  'ERR_BAD_RESPONSE',
  'ERR_FR_MAX_BODY_LENGTH_EXCEEDED',
  'HPE_INVALID_CONSTANT',
]);

export interface AbortState {
  /** The caller's signal (flow deadline) fired: the budget is gone, do not retry. */
  callerAborted: boolean;
  /** Our per-call timer fired. */
  callTimedOut: boolean;
}

/** Maps a thrown transport error (axios, socket, TLS) to a VseeError that keeps only its code. */
export function errorFromTransport(endpoint: VseeEndpoint, error: unknown, aborts: AbortState): VseeError {
  const code = errorCode(error);
  const cause = code ? { code } : undefined;
  if (aborts.callerAborted) return new VseeError('timeout', endpoint, { retryable: false, cause });
  if (aborts.callTimedOut || (code && TIMEOUT_CODES.has(code)))
    return new VseeError('timeout', endpoint, { cause });
  // A certificate we cannot trust is not a blip: retrying would not help and must not be tried.
  if (code && TLS_TRUST_CODES.test(code))
    return new VseeError('unavailable', endpoint, { retryable: false, cause });
  if (code && BAD_RESPONSE_CODES.has(code)) return new VseeError('bad_response', endpoint, { cause });
  // ECONNREFUSED, ECONNRESET ("socket hang up"), EPIPE, ENOTFOUND, EAI_AGAIN, EHOSTUNREACH, …
  return new VseeError('unavailable', endpoint, { cause });
}

function errorCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code)) return code;
  return errorCode((error as { cause?: unknown }).cause, depth + 1);
}
