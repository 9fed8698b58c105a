// What a request on the loopback TCP listener must show before it is served (DESIGN.md "Trust
// boundaries"): every web page the user opens can make the browser send requests there, and a page
// whose domain was rebound to 127.0.0.1 even reads the answers. So the Host header must name this
// listener (DNS rebinding), a browser's request must come from the listener's own origin (CSRF),
// and a POST must be JSON (which no form can send). Clients that are not browsers (n3nctl, curl,
// kithctl) send neither Origin nor Sec-Fetch-Site and are not affected by the origin rules.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { textReply, type HttpReply } from './http-reply.js';

export interface LocalEndpoint {
  /** The listener's address as the socket reports it: `127.0.0.1`, `::1`. */
  readonly address: string;
  readonly port: number;
}

/** The Host values that name this listener: its own address and port, or `localhost:<port>`. */
export function acceptedHosts(local: LocalEndpoint): ReadonlySet<string> {
  const address = local.address.includes(':') ? `[${local.address.toLowerCase()}]` : local.address;
  const names = [address, 'localhost'];
  // RFC 9110 §7.2: a client leaves out the scheme's default port.
  return new Set(names.flatMap((name) => (local.port === 80 ? [`${name}:80`, name] : [`${name}:${local.port}`])));
}

/**
 * Browsers always send Host; a request without one (n3n's munin plugin over HTTP/1.0-style
 * requests) cannot come from a page, so it passes.
 */
export function hostAccepted(host: string | undefined, accepted: ReadonlySet<string>): boolean {
  return host === undefined || accepted.has(host.toLowerCase());
}

/**
 * A browser sends Origin with every POST and Sec-Fetch-Site with every request to a loopback
 * address; Node's fetch sends Sec-Fetch-Mode only, curl and n3nctl none of them.
 */
export function fromBrowser(headers: IncomingHttpHeaders): boolean {
  return headers.origin !== undefined || headers['sec-fetch-site'] !== undefined;
}

/**
 * Same origin only: Origin, when present, must be this listener as the browser addressed it, and
 * Sec-Fetch-Site must say `same-origin`, or `none` (an address typed by the user) for a GET. A page
 * on another port of 127.0.0.1 is `same-site`, not same-origin, and is refused like any other.
 */
export function sameOrigin(headers: IncomingHttpHeaders, method: string | undefined): boolean {
  const origin = headers.origin;
  if (origin !== undefined && (headers.host === undefined || origin.toLowerCase() !== `http://${headers.host.toLowerCase()}`)) return false;
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || (site === 'none' && method === 'GET');
}

/**
 * POST bodies are JSON. Forms can only send text/plain, urlencoded or multipart; a request with no
 * Content-Type at all is accepted from non-browser clients only (n3n's munin plugin sends none).
 */
export function jsonBody(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type'];
  if (type === undefined) return !fromBrowser(headers);
  return /^application\/json\s*(?:;|$)/i.test(type);
}

/**
 * Why a request on the TCP listener is refused, as the reply; undefined when it may be served.
 * `api` is everything but the web UI's own files, which anyone who may name the host can fetch.
 */
export function guardRefusal(req: IncomingMessage, hosts: ReadonlySet<string>, api: boolean): HttpReply | undefined {
  // RFC 9110 §15.5.20: 421 Misdirected Request, for a Host this server does not answer to.
  if (!hostAccepted(req.headers.host, hosts)) return textReply(421, 'unknown host name: use the address Kith listens on\n');
  if (!api) return undefined;
  if (!sameOrigin(req.headers, req.method)) return textReply(403, 'cross-origin request refused\n');
  if (req.method === 'POST' && !jsonBody(req.headers)) return textReply(415, 'POST needs Content-Type: application/json\n');
  return undefined;
}
