/** Postgres errors after which the whole transaction may simply run again. */
// serialization_failure, deadlock_detected, and foreign_key_violation: in the write path only a model deleted
// while its events were being registered or written raises it, and the retry registers the model again.
const RETRYABLE = new Set(["40001", "40P01", "23503"]);

function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const o = e as { code?: unknown; cause?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown } } } };
    for (const c of [o.code, o.meta?.code, o.meta?.driverAdapterError?.cause?.originalCode]) {
      if (typeof c === "string" && RETRYABLE.has(c)) return c;
    }
    e = o.cause;
  }
  return undefined;
}

/**
 * Thrown inside a write transaction that finds it used a stale model context (a reference was published since
 * the context was loaded): the transaction rolls back and runs again with a fresh context.
 */
export class StaleContextError extends Error {
  constructor(readonly models: string[]) {
    super(`model context changed during the write: ${models.join(", ")}`);
    this.name = "StaleContextError";
  }
}

/** Thrown when a write found its day's partition gone (dropped by retention): it runs again after re-creating it. */
export class PartitionGoneError extends Error {
  constructor() {
    super("an event partition was dropped during the write");
    this.name = "PartitionGoneError";
  }
}

/** Thrown when a write's feature layouts are not stored as this process cached them: it runs again with fresh ones. */
export class LayoutGoneError extends Error {
  constructor() {
    super("feature layouts changed under the write");
    this.name = "LayoutGoneError";
  }
}

/**
 * Runs a transaction, and again (up to 3 more times, with jitter) when Postgres reports a deadlock or conflict,
 * a model deleted under it, or the transaction found its model context stale.
 */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !(err instanceof StaleContextError || err instanceof PartitionGoneError || err instanceof LayoutGoneError || sqlState(err))) throw err;
      await new Promise((r) => setTimeout(r, 20 * i + Math.random() * 30));
    }
  }
}
