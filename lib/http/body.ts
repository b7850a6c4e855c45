import { ApiError } from "../errors";

/** One item of a batch as it arrived: its position, its NDJSON line if any, and the parsed value or the reason. */
export type RawItem = { index: number; line?: number; value?: unknown; parseError?: string };

export type BodyKind = "json" | "ndjson";

const NDJSON_TYPES = new Set(["application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"]);

/** JSON or NDJSON from the Content-Type; no header means JSON; anything else is 415. */
export function bodyKind(request: Request): BodyKind {
  const header = request.headers.get("content-type");
  if (!header) return "json";
  const type = header.split(";")[0].trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (NDJSON_TYPES.has(type)) return "ndjson";
  throw new ApiError(
    415,
    "unsupported_media_type",
    `Content-Type ${type} is not supported; send application/json or application/x-ndjson.`,
  );
}

const tooLarge = (limit: number) =>
  new ApiError(413, "payload_too_large", `The request body exceeds the limit of ${limit} bytes; split it into smaller batches.`, {
    limitBytes: limit,
  });

/**
 * One read from a request body. A body that breaks off before its end (the client went away, or its proxy cut the
 * upload) is a 400, not an internal error: nothing in it is stored, and the client may send it again.
 */
async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (err) {
    throw new ApiError(400, "incomplete_body", `The request body broke off before its end: ${(err as Error)?.message ?? err}`);
  }
}

/** Reads the whole body, refusing (413) as soon as it passes `limit` bytes, before anything is stored. */
export async function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await readChunk(reader);
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

// Fatal: bytes that are not UTF-8 are an error, never U+FFFD (two different byte strings would become one id).
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** `bytes` as text, or undefined when they are not valid UTF-8 (a leading byte-order mark is dropped). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

const notUtf8 = () => new ApiError(400, "invalid_utf8", "The body is not valid UTF-8.");

/** Reads the whole body as UTF-8 text: 413 past `limit` bytes, 400 when it is not UTF-8. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const text = decodeUtf8(await readBody(request, limit));
  if (text === undefined) throw notUtf8();
  return text;
}

/** Splits NDJSON into items; a line that is not JSON becomes an item with a parse error, the others are kept. */
export function parseNdjson(text: string): RawItem[] {
  const items: RawItem[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const item = lineItem(lines[i], items.length, i + 1);
    if (item) items.push(item);
  }
  return items;
}

/** One NDJSON line as an item (null for a blank line). */
function lineItem(raw: string, index: number, lineNo: number): RawItem | null {
  const line = raw.trim();
  if (line === "") return null;
  const item: RawItem = { index, line: lineNo };
  try {
    item.value = JSON.parse(line);
  } catch (err) {
    item.parseError = `line ${lineNo} is not valid JSON: ${(err as Error).message}`;
  }
  return item;
}

/** One NDJSON line's bytes as an item: a line that is not UTF-8 is refused on its own, the others are kept. */
function byteLineItem(bytes: Uint8Array, index: number, lineNo: number): RawItem | null {
  const text = decodeUtf8(bytes);
  if (text !== undefined) return lineItem(text, index, lineNo);
  return { index, line: lineNo, parseError: `line ${lineNo} is not valid UTF-8` };
}

/** NDJSON bytes as items; only when the whole body is not UTF-8 is it split line by line first (newline bytes never occur inside a UTF-8 character). */
function parseNdjsonBytes(bytes: Buffer): RawItem[] {
  const text = decodeUtf8(bytes);
  if (text !== undefined) return parseNdjson(text);
  const items: RawItem[] = [];
  let start = 0;
  for (let lineNo = 1; start <= bytes.length; lineNo++) {
    let nl = bytes.indexOf(10, start);
    if (nl === -1) nl = bytes.length;
    const item = byteLineItem(bytes.subarray(start, nl), items.length, lineNo);
    if (item) items.push(item);
    start = nl + 1;
  }
  return items;
}

/**
 * Parses an ingest body in any accepted form — one object, an array, `{"<key>": [...]}`, or NDJSON — into items.
 * A JSON body that does not parse is a 400 (nothing in it can be trusted); too many items is a 413.
 */
export function parseBatch(body: Buffer, kind: BodyKind, key: "events" | "labels", maxItems: number): RawItem[] {
  let items: RawItem[];
  if (kind === "ndjson") {
    items = parseNdjsonBytes(body);
  } else {
    const text = decodeUtf8(body);
    if (text === undefined) throw notUtf8();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ApiError(400, "malformed_json", `The body is not valid JSON: ${(err as Error).message}`);
    }
    let values: unknown[];
    if (Array.isArray(parsed)) values = parsed;
    else if (parsed !== null && typeof parsed === "object" && key in parsed) {
      const inner = (parsed as Record<string, unknown>)[key];
      if (!Array.isArray(inner)) throw new ApiError(400, "bad_request", `"${key}" must be an array.`);
      values = inner;
    } else if (parsed !== null && typeof parsed === "object") values = [parsed];
    else throw new ApiError(400, "bad_request", `The body must be an object, an array, or {"${key}": [...]}.`);
    items = values.map((value, index) => ({ index, value }));
  }
  if (items.length === 0) throw new ApiError(400, "empty_batch", `The request carries no ${key}.`);
  if (items.length > maxItems) {
    throw new ApiError(413, "too_many_items", `A request may carry at most ${maxItems} ${key}; this one has ${items.length}.`, {
      limit: maxItems,
    });
  }
  return items;
}

/**
 * Streams NDJSON items from a request body without buffering it (reference uploads run to millions of rows): at
 * most one line is held at a time. A line longer than `maxLineBytes` is skipped as it streams and reported as an
 * item with a parse error, as are lines that are not JSON or not UTF-8; past `maxBytes` in all, the upload is
 * refused (413). Each byte is looked at once, so time grows with the body's size, not with the square of a line.
 */
export async function* streamNdjson(
  body: ReadableStream<Uint8Array> | null,
  limits: { maxLineBytes: number; maxBytes: number },
): AsyncGenerator<RawItem> {
  if (!body) return;
  const reader = body.getReader();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let tooLong = false; // the current line passed maxLineBytes: its bytes are dropped up to its newline
  let lineNo = 0;
  let index = 0;
  let total = 0;
  const endLine = (last: Uint8Array): RawItem | null => {
    lineNo++;
    if (tooLong) {
      tooLong = false;
      return { index: index++, line: lineNo, parseError: `line ${lineNo} is longer than the limit of ${limits.maxLineBytes} bytes` };
    }
    const bytes = pending.length === 0 ? last : Buffer.concat([...pending, last]);
    pending = [];
    pendingBytes = 0;
    const item = bytes.length > limits.maxLineBytes
      ? { index, line: lineNo, parseError: `line ${lineNo} is longer than the limit of ${limits.maxLineBytes} bytes` }
      : byteLineItem(bytes, index, lineNo);
    if (item) index++;
    return item;
  };
  const hold = (part: Uint8Array) => {
    if (tooLong || part.length === 0) return;
    if (pendingBytes + part.length > limits.maxLineBytes) {
      tooLong = true;
      pending = [];
      pendingBytes = 0;
      return;
    }
    pending.push(part);
    pendingBytes += part.length;
  };
  // Reading a fast upload resolves from buffered data without ever giving the event loop a turn: other requests
  // (the health check, other clients' ingest) would wait for the whole upload. So every 20 ms of work, yield.
  let slice = performance.now();
  try {
    for (;;) {
      if (performance.now() - slice > 20) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const { done, value } = await readChunk(reader);
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) throw tooLarge(limits.maxBytes);
      let start = 0;
      for (;;) {
        const nl = value.indexOf(10, start);
        if (nl === -1) {
          hold(value.subarray(start));
          break;
        }
        const item = endLine(value.subarray(start, nl));
        if (item) yield item;
        start = nl + 1;
      }
    }
    if (pendingBytes > 0 || tooLong) {
      const item = endLine(new Uint8Array(0));
      if (item) yield item;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
