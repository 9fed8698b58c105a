// The JSON-RPC 2.0 envelope as n3n speaks it (MANAGEMENT.md §3): one request object per POST,
// the id echoed back as a string, compact replies with members in n3n's order.
import { err, ok, type Result } from '../../shared/result.js';

export interface RpcRequest {
  readonly method: string;
  /** The id as n3n echoes it: always a string (MANAGEMENT.md §3.3). */
  readonly id: string;
  /** `null` when the request had no `params` member. */
  readonly params: unknown;
}

// V8 parses deep nesting fine but JSON.stringify recurses, so params nested this deep could never be
// echoed back (e.g. into an event). Real clients nest 2 levels; refusing early keeps replies serialisable.
export const MAX_JSON_NESTING = 64;

function nestingWithin(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return false;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return true;
}

/** The id echoed as a JSON string whatever its type: n3nctl compares `body["id"] == str(sent_id)`. */
export function echoedId(id: unknown): string {
  return typeof id === 'string' ? id : (JSON.stringify(id) ?? 'null');
}

/**
 * MANAGEMENT.md §3.2: one JSON object with a string `method` and an `id` of any type. Arrays
 * (JSON-RPC batches) are refused as n3n refuses them: its body must start with `{`. Every field
 * comes from this body only, never from an earlier request (n3n's stale-buffer leak, §3.2).
 */
export function parseRpcRequest(body: string): Result<RpcRequest, 'parse-error'> {
  if (!nestingWithin(body, MAX_JSON_NESTING)) return err('parse-error', 'nesting too deep');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return err('parse-error', 'not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return err('parse-error', 'not an object');
  }
  const fields = parsed as Record<string, unknown>;
  const method = Object.hasOwn(fields, 'method') ? fields['method'] : undefined;
  if (typeof method !== 'string') return err('parse-error', 'no method');
  if (!Object.hasOwn(fields, 'id')) return err('parse-error', 'no id');
  const params = Object.hasOwn(fields, 'params') ? fields['params'] : null;
  return ok({ method, id: echoedId(fields['id']), params });
}

/** Serialises a value for a reply; fails on what JSON cannot carry (BigInt, cycles). */
export function toJson(value: unknown): Result<string, 'not-serialisable'> {
  try {
    return ok(JSON.stringify(value) ?? 'null');
  } catch {
    return err('not-serialisable');
  }
}

export function successBody(id: string, resultJson: string): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${resultJson}}`;
}

export function errorBody(id: string, code: number, message: string, dataJson?: string): string {
  const data = dataJson === undefined ? '' : `,"data":${dataJson}`;
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":{"code":${code},"message":${JSON.stringify(message)}${data}}}`;
}
