/**
 * The node flags the server runs with. `npm start` and `npm run dev` pass the same in package.json (which cannot
 * import this); every script that starts the server itself (benches, the demo, the end-to-end tests) takes them
 * from here, so what is measured and tested is what `npm start` serves.
 *
 * `--max-semi-space-size=64`: V8's young generation at 64 MB a semi-space instead of 16. A 1,000-event batch
 * allocates ~2 MB of short-lived objects (parsed JSON, rows, COPY text) and holds them across its database round
 * trips, so with two or more batches in flight a 16 MB semi-space is scavenged every few batches and copies the
 * live batches each time, promoting them to the old generation. At 64 MB the scavenges are a quarter as frequent
 * and the batches have mostly died by then. bench/ingest (2 clients, 1 process, into 10M events): server CPU
 * 25.8 → 20.8 µs an event, 34k → 39k events/s. It costs up to ~100 MB more resident memory under load.
 */
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=64"];

/**
 * node's arguments that serve the app from a checkout's root as `npm start` does: these flags, `extra` (a
 * profiler's, say), then scripts/start.ts through tsx. For the benches that start the server themselves.
 */
export const serverNodeArgs = (extra: string[] = []): string[] => [...SERVER_NODE_FLAGS, ...extra, "--import", "tsx", "scripts/start.ts"];

/** Whether this process was started with the young-generation flag (on its command line or in NODE_OPTIONS). */
export function hasServerNodeFlags(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return given.some((a) => a.startsWith("--max-semi-space-size"));
}
