/**
 * Background work registers how to stop itself here, and the server runs every registered stop on SIGTERM/SIGINT
 * after it has stopped accepting requests (scripts/start.ts). Kept on globalThis: Next.js loads instrumentation
 * and the custom server as separate module graphs in one process.
 */
type Stop = () => Promise<void> | void;
const g = globalThis as typeof globalThis & { __driftwatchShutdown?: Map<string, Stop> };

/** Registers (or replaces) the stop function of one piece of background work. */
export function onShutdown(name: string, stop: Stop): void {
  (g.__driftwatchShutdown ??= new Map()).set(name, stop);
}

/** Runs every registered stop (concurrently), once; returns the names of those that ran, and any failures. */
export async function stopBackgroundWork(): Promise<{ stopped: string[]; failed: string[] }> {
  const entries = [...(g.__driftwatchShutdown ?? new Map<string, Stop>())];
  g.__driftwatchShutdown?.clear();
  const results = await Promise.allSettled(entries.map(async ([, stop]) => stop()));
  return {
    stopped: entries.filter((_, i) => results[i].status === "fulfilled").map(([n]) => n),
    failed: entries.filter((_, i) => results[i].status === "rejected").map(([n], i) => `${n}: ${(results[i] as PromiseRejectedResult).reason}`),
  };
}
