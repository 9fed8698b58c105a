// HTTP to the router, bounded: plain http only, to one permitted address only (a description may
// point its control URLs anywhere — at this computer's own services, at another host on the LAN or
// on the Internet — and is never followed there), no redirects, no proxies, a byte limit on the
// answer and one deadline for the whole exchange.
import { request } from 'node:http';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import { sameAddress } from './datagram.js';

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type HttpError = 'forbidden-host' | 'bad-url' | 'too-large' | 'timeout' | 'failed';

export interface HttpRequest {
  readonly url: string;
  /** The only address this request may go to. */
  readonly allowedAddress: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

/** Checks that `url` is http on the permitted address and returns it parsed. */
export function permittedUrl(url: string, allowedAddress: string): Result<URL, 'forbidden-host' | 'bad-url'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return err('bad-url', 'not a URL');
  }
  if (parsed.protocol !== 'http:' || parsed.username !== '' || parsed.password !== '') return err('bad-url', `only plain http URLs without credentials are used, not ${parsed.protocol}`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!sameAddress(host, allowedAddress)) return err('forbidden-host', `${host} is not the gateway ${allowedAddress}`);
  return ok(parsed);
}

export function httpRequest(options: HttpRequest): Promise<Result<HttpResponse, HttpError>> {
  const url = permittedUrl(options.url, options.allowedAddress);
  if (!url.ok) return Promise.resolve(url);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Result<HttpResponse, HttpError>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
    const req = request(url.value, {
      method: options.method,
      agent: false,
      headers: { ...options.headers, Connection: 'close', ...(body === undefined ? {} : { 'Content-Length': String(body.length) }) },
    });
    const timer = setTimeout(() => settle(err('timeout', `no complete answer from ${url.value.host} within ${options.timeoutMs} ms`)), options.timeoutMs);
    timer.unref();
    req.on('error', (error) => settle(err('failed', error.message)));
    req.on('response', (response) => {
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        settle(err('too-large', `${declared} bytes announced`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) settle(err('too-large', `more than ${options.maxBytes} bytes`));
        else chunks.push(chunk);
      });
      response.on('error', (error) => settle(err('failed', error.message)));
      response.on('end', () => settle(ok({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body: Buffer.concat(chunks).toString('utf8') })));
    });
    req.end(body);
  });
}
