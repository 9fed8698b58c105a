// MANAGEMENT.md §2.2: every non-streaming reply is status line, Content-Type, (401 only)
// WWW-Authenticate, Content-Length, body — no Date, Server or Connection headers. Kith's own
// replies (login, refusals, the web UI's files) may carry a few more headers after those.
import type { ServerResponse } from 'node:http';

export interface HttpReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Buffer;
  /** The 401's WWW-Authenticate value; n3n's `Basic realm="n3n"` unless a reply names another. */
  readonly challenge?: string;
  /** Further header fields, e.g. Set-Cookie or Retry-After. */
  readonly headers?: readonly (readonly [string, string])[];
}

/** n3n's reason words: clients only read the number, but they are cheap to reproduce. */
function reasonWord(status: number): string {
  return status === 401 ? 'unauth' : 'result';
}

export function textReply(status: number, text: string): HttpReply {
  return { status, contentType: 'text/plain', body: text };
}

export function jsonReply(status: number, json: string): HttpReply {
  return { status, contentType: 'application/json', body: json };
}

export const UNAUTHORISED = textReply(401, 'unauthorised\n');

/** n3n's challenge makes a browser prompt for Basic credentials, which browsers may not use here. */
export const BROWSER_CHALLENGE = 'Cookie realm="kith"';

function headerFields(reply: HttpReply): [string, string][] {
  const fields: [string, string][] = [['Content-Type', reply.contentType]];
  // MANAGEMENT.md §2.7: n3n's browser UI relies on this to show its login prompt.
  if (reply.status === 401) fields.push(['WWW-Authenticate', reply.challenge ?? 'Basic realm="n3n"']);
  fields.push(['Content-Length', String(Buffer.byteLength(reply.body))]);
  for (const [name, value] of reply.headers ?? []) fields.push([name, value]);
  return fields;
}

export function sendReply(res: ServerResponse, reply: HttpReply): void {
  res.sendDate = false;
  res.removeHeader('Connection');
  res.writeHead(reply.status, reasonWord(reply.status), headerFields(reply).flat());
  res.end(reply.body);
}

/** For replies written before or outside Node's HTTP parser (connection limit, parse errors). */
export function serializeReply(reply: HttpReply): Buffer {
  const head = headerFields(reply)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return Buffer.concat([
    Buffer.from(`HTTP/1.1 ${reply.status} ${reasonWord(reply.status)}\r\n${head}\r\n`, 'latin1'),
    Buffer.from(reply.body),
  ]);
}
