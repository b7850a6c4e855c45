import { config } from "../config";
import { ApiError } from "../errors";

/**
 * Reads that go through raw events rather than rollups (drift with ks / wasserstein / evidently, or against a
 * version's own reference) cost CPU and memory in proportion to the events of their windows. At most
 * DRIFTWATCH_HEAVY_READS of them run at once per process and DRIFTWATCH_HEAVY_READ_QUEUE more wait their turn;
 * beyond that a read is refused with 503 and `Retry-After`, so a burst of them cannot starve the health check,
 * ingest or the dashboard's rollup reads, and their memory is bounded by the slots, not by the callers.
 */
let running = 0;
const waiting: (() => void)[] = [];

export const HEAVY_RETRY_AFTER_SECONDS = 5;

export async function withHeavyReadSlot<T>(fn: () => Promise<T>): Promise<T> {
  const { heavyReads, heavyReadQueue } = config();
  if (running >= heavyReads) {
    if (waiting.length >= heavyReadQueue) {
      throw new ApiError(
        503,
        "busy",
        `${running} raw-value drift reads are running and ${waiting.length} waiting; send again in ${HEAVY_RETRY_AFTER_SECONDS} s (rollup-based methods — the default verdict, psi, js, hellinger, chi2 — are not limited).`,
        { running, waiting: waiting.length },
        { "retry-after": String(HEAVY_RETRY_AFTER_SECONDS) },
      );
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else running++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next(); // the slot passes straight to the next in line
    else running--;
  }
}

/** Lets other requests (the health check, ingest) run between the windows of a heavy read. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
