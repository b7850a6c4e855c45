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

/** Reads the whole body as text, refusing (413) as soon as it passes `limit` bytes, before anything is stored. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Splits NDJSON into items; a line that is not JSON becomes an item with a parse error, the others are kept. */
export function parseNdjson(text: string): RawItem[] {
  const items: RawItem[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const item: RawItem = { index: items.length, line: i + 1 };
    try {
      item.value = JSON.parse(line);
    } catch (err) {
      item.parseError = `line ${i + 1} is not valid JSON: ${(err as Error).message}`;
    }
    items.push(item);
  }
  return items;
}

/**
 * Parses an ingest body in any accepted form — one object, an array, `{"<key>": [...]}`, or NDJSON — into items.
 * A JSON body that does not parse is a 400 (nothing in it can be trusted); too many items is a 413.
 */
export function parseBatch(text: string, kind: BodyKind, key: "events" | "labels", maxItems: number): RawItem[] {
  let items: RawItem[];
  if (kind === "ndjson") {
    items = parseNdjson(text);
  } else {
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
 * Streams NDJSON items from a request body without buffering it whole (reference uploads run to millions of rows).
 * Lines that are not JSON become items with a parse error.
 */
export async function* streamNdjson(body: ReadableStream<Uint8Array> | null): AsyncGenerator<RawItem> {
  if (!body) return;
  const decoder = new TextDecoder();
  let rest = "";
  let lineNo = 0;
  let index = 0;
  const toItem = (raw: string): RawItem | null => {
    lineNo++;
    const line = raw.trim();
    if (line === "") return null;
    const item: RawItem = { index: index++, line: lineNo };
    try {
      item.value = JSON.parse(line);
    } catch (err) {
      item.parseError = `line ${lineNo} is not valid JSON: ${(err as Error).message}`;
    }
    return item;
  };
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    rest += done ? decoder.decode() : decoder.decode(value, { stream: true });
    const lines = rest.split("\n");
    rest = done ? "" : lines.pop()!;
    for (const raw of lines) {
      const item = toItem(raw);
      if (item) yield item;
    }
    if (done) break;
  }
}
