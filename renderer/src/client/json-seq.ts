// RFC 7464 JSON text sequences as the event streams send them (MANAGEMENT.md §7.2): each record is
// RS (0x1E), one JSON text, LF. Chunks may split a record anywhere, so unfinished text is kept.

const RS = '\x1e';

/** Feeds decoded text in, hands complete records out; malformed records are skipped (RFC 7464 §2.3). */
export class JsonSeqParser {
  private pending = '';

  constructor(private readonly maxPendingChars = 1 << 20) {}

  push(text: string): unknown[] {
    this.pending += text;
    const parts = this.pending.split(RS);
    // The last part may be a record still arriving: keep it unless it already ends in LF.
    const last = parts.pop() ?? '';
    const records: unknown[] = [];
    for (const part of parts) pushParsed(records, part);
    if (last.endsWith('\n')) {
      pushParsed(records, last);
      this.pending = '';
    } else {
      this.pending = last;
    }
    if (this.pending.length > this.maxPendingChars) this.pending = '';
    return records;
  }
}

function pushParsed(out: unknown[], text: string): void {
  const trimmed = text.trim();
  if (trimmed === '') return;
  try {
    out.push(JSON.parse(trimmed));
  } catch {
    // A truncated or garbled record: drop it and resynchronise at the next RS.
  }
}
