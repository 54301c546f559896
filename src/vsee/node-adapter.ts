import http from 'node:http';
import https from 'node:https';
import { type AxiosAdapter, AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';

const BOM = 0xfeff;

/**
 * axios's request, sent with node:http on our pooled agent. axios's own `http` adapter is general
 * (redirects, proxies, streams, progress events, decompression, form data) and cost ~300 µs of
 * CPU per VSee call here against ~50 µs for the request itself; this one does only what our
 * instance asks for (createHttp): a string body, no redirects, no proxy, a text answer of at most
 * `maxContentLength` bytes, every status returned, abort by `signal`. Errors keep their codes
 * (ECONNREFUSED, ECONNRESET, TLS, HPE_…) for errorFromTransport; the rest are AxiosErrors as axios
 * names them (ERR_BAD_REQUEST, ERR_BAD_RESPONSE, ERR_CANCELED).
 */
export function nodeAdapter(agent: http.Agent): AxiosAdapter {
  return (config) =>
    new Promise((resolve, reject) => {
      const url = new URL(config.url!);
      const body = config.data as string | undefined;
      if (body !== undefined && typeof body !== 'string')
        return reject(new AxiosError('the body must be a string', AxiosError.ERR_BAD_REQUEST, config));
      const headers = AxiosHeaders.from(config.headers).toJSON(true) as Record<string, string>;
      if (body !== undefined) {
        const length = Buffer.byteLength(body);
        if (config.maxBodyLength !== undefined && config.maxBodyLength > -1 && length > config.maxBodyLength)
          return reject(
            new AxiosError(
              'Request body larger than maxBodyLength limit',
              AxiosError.ERR_BAD_REQUEST,
              config,
            ),
          );
        headers['Content-Length'] = String(length);
      }
      // An AbortSignal or our CallAbort: both have `aborted` and the two listener methods.
      const signal = config.signal as
        | (Pick<AbortSignal, 'aborted'> & Pick<EventTarget, 'addEventListener' | 'removeEventListener'>)
        | undefined;
      if (signal?.aborted) return reject(canceled(config));

      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(url, { method: config.method!.toUpperCase(), headers, agent });
      const onAbort = () => {
        req.destroy();
        reject(canceled(config));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      req.on('error', (error) => {
        done();
        reject(error);
      });
      req.on('response', (res) => {
        const limit = config.maxContentLength ?? -1;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (limit > -1 && size > limit) {
            done();
            res.destroy();
            req.destroy();
            reject(
              new AxiosError(
                `maxContentLength size of ${limit} exceeded`,
                AxiosError.ERR_BAD_RESPONSE,
                config,
              ),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => {
          done();
          reject(error);
        });
        res.on('end', () => {
          done();
          let text =
            chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
          if (text.charCodeAt(0) === BOM) text = text.slice(1);
          resolve({
            data: text,
            status: res.statusCode!,
            statusText: res.statusMessage ?? '',
            headers: res.headers as never,
            config,
            request: req,
          });
        });
      });
      req.end(body);
    });
}

function canceled(config: InternalAxiosRequestConfig): AxiosError {
  return new AxiosError('canceled', AxiosError.ERR_CANCELED, config);
}
