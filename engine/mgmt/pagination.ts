// MANAGEMENT.md §5: offset/limit for the list methods, as n3nctl sends them while auto-paginating.

export interface Page {
  readonly offset: number;
  readonly limit: number;
}

const UNLIMITED = 2147483647;

function unsigned(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^[0-9]{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/** n3n finds the keys anywhere in params: `{"limit":3}` and `[{"limit":1}]` both work. */
export function readPage(params: unknown): Page {
  const holder: unknown = Array.isArray(params) ? params.find((item) => typeof item === 'object' && item !== null) : params;
  if (typeof holder !== 'object' || holder === null) return { offset: 0, limit: UNLIMITED };
  const fields = holder as Record<string, unknown>;
  return {
    offset: unsigned(Object.hasOwn(fields, 'offset') ? fields['offset'] : undefined) ?? 0,
    limit: unsigned(Object.hasOwn(fields, 'limit') ? fields['limit'] : undefined) ?? UNLIMITED,
  };
}

/** The limit applies to the whole list, not per group of rows (n3n's quirk, MANAGEMENT.md §5). */
export function paginate<Row>(rows: readonly Row[], params: unknown): Row[] {
  const { offset, limit } = readPage(params);
  return rows.slice(offset, offset + limit);
}
