/**
 * `COPY … FROM STDIN` over a plain `pg` client, without pg-copy-streams (not a dependency): a minimal
 * "submittable" that sends the whole payload once the server asks for it. COPY is PostgreSQL's cheapest way in
 * for rows: into a table of 10M events it cost the server ~22 µs of CPU per event where
 * `INSERT … SELECT FROM jsonb_to_recordset(…)` of the same 1,000-event batches cost ~43 µs (2 connections).
 */
import type pg from "pg";

/** The copy-protocol methods pg's Connection has but @types/pg does not declare. */
type CopyConnection = pg.Connection & { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void; sendCopyFail(message: string): void };

const CHUNK = 1 << 20;

/** COPY data: the whole text, its UTF-8 bytes, or chunks of bytes made while the earlier ones are on their way. */
export type CopyData = string | Buffer | Iterable<Buffer>;

class CopyIn implements pg.Submittable {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: Error) => void;
  private failed = false;
  /** an error making the data (thrown by the chunks' producer): reported instead of the server's reply to CopyFail */
  private producerError: Error | undefined;

  constructor(
    private readonly sql: string,
    private readonly data: Iterable<Buffer>,
  ) {
    this.done = new Promise<void>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }

  /**
   * Sends the statement and, without waiting for the server's CopyInResponse, the data in messages of at most
   * 1 MB, then CopyDone. Each chunk goes to the socket as soon as it is made, so the server parses and stores
   * the first rows while the later ones are still being written: on the ingest path the ~5 µs an event of
   * making COPY text overlaps the server's work instead of preceding it, and a round trip is saved. Sending early
   * is safe: should the statement fail before the server enters copy mode, it ignores copy messages outside a
   * COPY (the protocol says so, for this very case), and the failure arrives as an ErrorResponse as usual.
   */
  submit(connection: pg.Connection) {
    // safe because pg's Connection implements these methods (lib/connection.js); only the typings lack them
    const c = connection as CopyConnection;
    c.query(this.sql);
    try {
      for (const chunk of this.data) for (let i = 0; i < chunk.length; i += CHUNK) c.sendCopyFromChunk(chunk.subarray(i, i + CHUNK));
    } catch (err) {
      // The server then fails the COPY, rolling back whatever it stored of it, and ends the statement as usual.
      this.producerError = err instanceof Error ? err : new Error(String(err));
      c.sendCopyFail(this.producerError.message);
      return;
    }
    c.endCopyFrom();
  }

  /** Everything was sent already (submit). */
  handleCopyInResponse() {}

  handleCommandComplete() {}

  handleError(err: Error) {
    this.failed = true;
    this.reject(this.producerError ?? err);
  }

  handleReadyForQuery() {
    if (!this.failed) this.resolve();
  }
}

/**
 * Runs `COPY <table> (<cols>) FROM STDIN` with `data` (COPY's text format: tab-separated lines, `\N` for NULL)
 * on `client`: a string, its UTF-8 bytes (`copyText`), or chunks of bytes made one after another as they are
 * sent (see CopyIn.submit). Encoding the text as UTF-8 turns lone surrogates into U+FFFD, as a text parameter
 * would.
 */
export function copyIn(client: pg.Client | pg.PoolClient, sql: string, data: CopyData): Promise<void> {
  if (typeof data === "string" || Buffer.isBuffer(data)) {
    if (data.length === 0) return Promise.resolve();
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    return client.query(new CopyIn(sql, [bytes])).done;
  }
  return client.query(new CopyIn(sql, data)).done;
}

/**
 * COPY text built line by line straight into UTF-8 bytes: a string of thousands of concatenated lines costs as
 * much again to flatten and encode at the end as it took to build (bench/reference: ~1 µs of a ~400-byte row).
 * `line` must be whole lines (ending in a newline); `bytes` hands back what was written, to send with copyIn.
 */
export function copyText(expectedBytes: number): { line(text: string): void; bytes(): Buffer } {
  let buf = Buffer.allocUnsafe(Math.max(1024, expectedBytes));
  let at = 0;
  return {
    line(text: string) {
      // at most 3 bytes a UTF-16 unit: room for that, so write() never cuts a line short
      if (buf.length - at < text.length * 3) {
        const grown = Buffer.allocUnsafe(Math.max(buf.length * 2, at + text.length * 3));
        buf.copy(grown, 0, 0, at);
        buf = grown;
      }
      at += buf.write(text, at, "utf8");
    },
    bytes: () => buf.subarray(0, at),
  };
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * A value as one field of COPY text: null as `\N`; backslash, tab, newline and carriage return escaped, so any
 * string (ids, messages, JSON) arrives as sent. Numbers print as JavaScript writes them, which float8 reads back
 * exactly.
 */
export function copyField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  const s = typeof v === "number" ? String(v) : v;
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s;
}

/**
 * JSON text as one field of COPY text. JSON.stringify escapes every control character, so a tab or line break
 * never appears raw: only backslashes need doubling, which is cheaper than copyField's general scan on the
 * hundreds of bytes of an event's or a reference row's JSON.
 */
export function copyJsonText(json: string): string {
  return json.indexOf("\\") < 0 ? json : json.replace(/\\/g, "\\\\");
}

/** A value as one JSON field of COPY text, null (or absent) as `\N`. */
export function copyJson(v: unknown): string {
  return v === null || v === undefined ? "\\N" : copyJsonText(JSON.stringify(v));
}
