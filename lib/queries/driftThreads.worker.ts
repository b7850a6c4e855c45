/**
 * A drift thread (see driftThreads.ts): runs the raw-value drift methods (lib/drift `runRawMethod`) off the
 * server's event loop. It keeps the reference samples the main thread sent, by id, until told to drop them.
 * Numerical samples and raw values arrive as Float64Arrays (transferred, not copied) and are turned back into the
 * plain arrays the methods read, so the results are exactly those of the main thread.
 */
import os from "node:os";
import { parentPort } from "node:worker_threads";
import { type MethodResult, runRawMethod } from "../drift/methods";
import type { ToThread, FromThread } from "./driftThreads";

const port = parentPort;
if (!port) throw new Error("driftThreads.worker.ts runs as a worker thread (lib/queries/driftThreads.ts)");

// Linux keeps a nice value per thread and setpriority(PRIO_PROCESS, 0) sets the calling thread's: this thread,
// not the server's main thread, yields the CPU to requests, ingest and PostgreSQL when the machine is busy.
try {
  os.setPriority(0, 10);
} catch {
  // not permitted or not supported: the thread runs at the process's priority
}

const samples = new Map<number, readonly number[] | readonly string[]>();
const plain = (v: Float64Array | readonly string[] | readonly number[]) => (v instanceof Float64Array ? Array.from(v) : v);

port.on("message", (m: ToThread) => {
  for (const id of m.drop) samples.delete(id);
  for (const s of m.samples) samples.set(s.id, plain(s.values));
  if (m.jobs.length === 0) return;
  let reply: FromThread;
  try {
    const results: MethodResult[] = m.jobs.map((j) => {
      const sample = samples.get(j.sample);
      if (!sample) throw new Error(`drift thread: no reference sample ${j.sample}`);
      return runRawMethod({ method: j.method, type: j.type, sample, raw: plain(j.raw), ...(j.threshold === undefined ? {} : { threshold: j.threshold }) });
    });
    reply = { id: m.id, results };
  } catch (err) {
    reply = { id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
});
