/**
 * COPY … FROM STDIN over a plain `pg.Client`, without pg-copy-streams (not a dependency): a minimal "submittable"
 * that sends the whole payload once the server asks for it. The fastest way to bulk-load rows (see
 * ../shared/reference/POSTGRES_LIMITS.md: COPY ~95k rows/s against ~50k/s for unnest INSERTs).
 */
import type pg from "pg";

/** The copy-protocol methods pg's Connection has but @types/pg does not declare. */
type CopyConnection = pg.Connection & { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void };

const CHUNK = 1 << 20;

class CopyIn implements pg.Submittable {
  readonly done: Promise<void>;
  private resolve!: () => void;
  private reject!: (err: Error) => void;
  private failed = false;

  constructor(
    private readonly sql: string,
    private readonly payload: Buffer,
  ) {
    this.done = new Promise<void>((res, rej) => {
      this.resolve = res;
      this.reject = rej;
    });
  }

  submit(connection: pg.Connection) {
    connection.query(this.sql);
  }

  /** The server is ready for data: send it in 1 MB messages, then CopyDone. */
  handleCopyInResponse(connection: pg.Connection) {
    // safe because pg's Connection implements both methods (lib/connection.js); only the typings lack them
    const c = connection as CopyConnection;
    for (let i = 0; i < this.payload.length; i += CHUNK) c.sendCopyFromChunk(this.payload.subarray(i, i + CHUNK));
    c.endCopyFrom();
  }

  handleCommandComplete() {}

  handleError(err: Error) {
    this.failed = true;
    this.reject(err);
  }

  handleReadyForQuery() {
    if (!this.failed) this.resolve();
  }
}

/** Runs `COPY <table> (<cols>) FROM STDIN` with `text` (tab-separated lines, \N for NULL) on `client`. */
export function copyIn(client: pg.Client, sql: string, text: string): Promise<void> {
  if (text.length === 0) return Promise.resolve();
  return client.query(new CopyIn(sql, Buffer.from(text, "utf8"))).done;
}

/** A value as COPY text: backslashes doubled (generated JSON holds no tabs or raw newlines), null as \N. */
export function copyValue(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  const s = String(v);
  return s.includes("\\") ? s.replace(/\\/g, "\\\\") : s;
}
