// One POST /v1 body in, one HTTP reply out (MANAGEMENT.md §3, §4, §5). Pure apart from the
// handlers it calls, so the fuzz tests can drive it directly. Whether the caller is authorised was
// decided by the server from the request's credentials (context.authorised).
import { errorBody, parseRpcRequest, successBody, toJson } from './jsonrpc.js';
import { RpcError, type AnyMethodSpec, type MethodContext, type MethodTable } from './method-table.js';
import { jsonReply, textReply, UNAUTHORISED, type HttpReply } from './http-reply.js';

export interface RpcDispatchOptions {
  /**
   * MANAGEMENT.md §5: emulate n3n's reply cap for paginated methods (507 "overflow" with the count
   * of rows that fit) so n3nctl's pagination can be exercised. Unset: no cap, never a 507.
   */
  readonly replyLimitBytes?: number;
  readonly log: (line: string) => void;
}

const PARSE_ERROR = textReply(404, 'Error: parsing json\n');
const UNKNOWN_METHOD = textReply(404, 'Unknown method\n');

/** MANAGEMENT.md §5: how many rows fit in a reply of at most `limit` bytes. */
function rowsThatFit(id: string, rows: readonly unknown[], limit: number): number {
  let size = Buffer.byteLength(successBody(id, '[]'));
  let count = 0;
  for (const row of rows) {
    size += Buffer.byteLength(JSON.stringify(row) ?? 'null') + (count > 0 ? 1 : 0);
    if (size > limit) break;
    count++;
  }
  return count;
}

function overflowReply(id: string, count: number): HttpReply {
  // MANAGEMENT.md §3.4: `data` is omitted when no row fits.
  return jsonReply(507, errorBody(id, 507, 'overflow', count > 0 ? `{"count":${count}}` : undefined));
}

// Only the method name and a fixed reason are logged: error messages may quote params.
function internalError(id: string, method: string, reason: string, log: (line: string) => void): HttpReply {
  log(`mgmt: method ${method} failed: ${reason}`);
  return jsonReply(500, errorBody(id, 500, 'internal error'));
}

function errorReply(id: string, error: unknown, method: string, log: (line: string) => void): HttpReply {
  if (error instanceof RpcError && error.code >= 400 && error.code <= 599) {
    const data = error.data === undefined ? undefined : toJson(error.data);
    return jsonReply(error.code, errorBody(id, error.code, error.message, data?.ok === true ? data.value : undefined));
  }
  return internalError(id, method, error instanceof Error ? error.name : typeof error, log);
}

async function runHandler(spec: AnyMethodSpec, params: unknown, context: MethodContext): Promise<unknown> {
  return await spec.handler(params as never, context);
}

export async function dispatchRpc(
  table: MethodTable,
  body: string,
  context: MethodContext,
  options: RpcDispatchOptions,
): Promise<HttpReply> {
  const request = parseRpcRequest(body);
  if (!request.ok) return PARSE_ERROR;
  const { id, method } = request.value;
  const spec = Object.hasOwn(table, method) ? table[method] : undefined;
  if (spec === undefined) return UNKNOWN_METHOD;
  if (spec.needsAuth && !context.authorised) return UNAUTHORISED;

  let params: unknown = request.value.params;
  if (spec.parseParams !== undefined) {
    const parsed = spec.parseParams(params);
    if (!parsed.ok) return jsonReply(400, errorBody(id, 400, parsed.error));
    params = parsed.value;
  }

  let result: unknown;
  try {
    result = await runHandler(spec, params, context);
  } catch (error) {
    return errorReply(id, error, method, options.log);
  }
  const resultJson = toJson(result);
  if (!resultJson.ok) return internalError(id, method, 'result is not JSON', options.log);
  const reply = successBody(id, resultJson.value);
  const cap = options.replyLimitBytes;
  if (cap !== undefined && spec.paginated === true && Array.isArray(result) && Buffer.byteLength(reply) > cap) {
    return overflowReply(id, rowsThatFit(id, result, cap));
  }
  return jsonReply(200, reply);
}
