import "server-only";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { config } from "../config";
import { type MethodResult, type RawMethodJob, runRawMethod } from "../drift/computeDrift";
import { yieldToEventLoop } from "./heavyReads";

/**
 * The raw-value drift methods (ks, wasserstein, evidently: sorts and exact KS p-values, ~90 % of a raw read's
 * CPU) run on a small pool of worker threads, so a heavy drift read no longer holds the server's event loop: the
 * health check, ingest and page reads go on meanwhile. DRIFTWATCH_DRIFT_THREADS threads per process (default: one
 * less than the cores, at least 1; 0 runs the methods on the main thread, yielding between them). The threads
 * start on first use, run at a lower priority (nice 10) and do not keep the process alive when idle.
 *
 * A read opens a session (`driftThreadSession`); each window's jobs go to the least busy thread. A reference
 * sample is sent to a thread once per read (the thread keeps it until the session closes), the window's raw values
 * with every batch; numbers travel as transferred Float64Arrays, not cloned arrays.
 */

/** A job as it travels: the reference sample by id (sent once per thread and session), numbers as Float64Array. */
type WireJob = { method: RawMethodJob["method"]; type: RawMethodJob["type"]; sample: number; raw: Float64Array | readonly string[] | readonly number[]; threshold?: number };
export type ToThread = { id: number; drop: number[]; samples: { id: number; values: Float64Array | readonly string[] | readonly number[] }[]; jobs: WireJob[] };
export type FromThread = { id: number; results: MethodResult[] } | { id: number; error: string };

type Pending = { resolve: (r: MethodResult[]) => void; reject: (e: Error) => void };
type Thread = { worker: Worker; pending: Map<number, Pending>; alive: boolean };

/** Heap bound of one drift thread: a read that would need more fails alone instead of growing the process. */
const THREAD_HEAP_MB = 512;

let threads: Thread[] = [];
let nextMessage = 1;
let nextSample = 1;

function spawn(): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB }, execArgv: [] as string[] };
  if (process.env.NEXT_RUNTIME) {
    // In the Next.js server the bundler builds the entry (and what it imports) into a chunk of its own.
    return new Worker(new URL("./driftThreads.worker.ts", import.meta.url), options);
  }
  // Outside Next.js (vitest, tsx scripts) the entry is TypeScript source: tsx compiles it inside the thread.
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "driftThreads.worker.ts");
  const bootstrap = `require("tsx/cjs/api").register(); require(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function startThread(): Thread {
  const t: Thread = { worker: spawn(), pending: new Map(), alive: true };
  const fail = (err: Error) => {
    if (!t.alive) return;
    t.alive = false;
    threads = threads.filter((x) => x !== t);
    for (const p of t.pending.values()) p.reject(err);
    t.pending.clear();
  };
  t.worker.on("message", (m: FromThread) => {
    const p = t.pending.get(m.id);
    if (!p) return;
    t.pending.delete(m.id);
    if (t.pending.size === 0) t.worker.unref();
    if ("error" in m) p.reject(new Error(m.error));
    else p.resolve(m.results);
  });
  t.worker.on("error", fail);
  t.worker.on("exit", (code) => fail(new Error(`drift thread exited (code ${code})`)));
  t.worker.unref();
  return t;
}

/** The least busy thread, starting the pool's threads on first use (and replacing any that died). */
function pickThread(size: number): Thread {
  while (threads.length < size) threads.push(startThread());
  let best = threads[0];
  for (const t of threads) if (t.pending.size < best.pending.size) best = t;
  return best;
}

/** Numbers as a Float64Array (exact for every double), anything else as it is. */
function encode(values: readonly number[] | readonly string[]): Float64Array | readonly number[] | readonly string[] {
  for (const v of values) if (typeof v !== "number") return values;
  return Float64Array.from(values as readonly number[]);
}

export type DriftThreadSession = {
  /** Runs a window's raw-value jobs; the results in the jobs' order, exactly what `runRawMethod` gives. */
  run(jobs: RawMethodJob[]): Promise<MethodResult[]>;
  /** Lets the threads drop this session's reference samples. */
  close(): void;
};

/** A drift read's session with the thread pool (see the top of this file); close it when the read ends. */
export function driftThreadSession(): DriftThreadSession {
  const size = config().driftThreads;
  const ids = new Map<object, number>();
  const sent = new Map<Thread, Set<number>>();
  if (size === 0) {
    return {
      async run(jobs) {
        const out: MethodResult[] = [];
        for (const job of jobs) {
          out.push(runRawMethod(job));
          await yieldToEventLoop();
        }
        return out;
      },
      close() {},
    };
  }
  return {
    run(jobs) {
      const t = pickThread(size);
      let mine = sent.get(t);
      if (!mine) sent.set(t, (mine = new Set()));
      const message: ToThread = { id: nextMessage++, drop: [], samples: [], jobs: [] };
      const transfer: ArrayBuffer[] = [];
      for (const job of jobs) {
        let id = ids.get(job.sample);
        if (id === undefined) ids.set(job.sample, (id = nextSample++));
        if (!mine.has(id)) {
          const values = encode(job.sample);
          message.samples.push({ id, values });
          if (values instanceof Float64Array) transfer.push(values.buffer as ArrayBuffer);
          mine.add(id);
        }
        const raw = encode(job.raw);
        if (raw instanceof Float64Array) transfer.push(raw.buffer as ArrayBuffer);
        message.jobs.push({ method: job.method, type: job.type, sample: id, raw, ...(job.threshold === undefined ? {} : { threshold: job.threshold }) });
      }
      return new Promise<MethodResult[]>((resolve, reject) => {
        t.pending.set(message.id, { resolve, reject });
        t.worker.ref();
        t.worker.postMessage(message, transfer);
      });
    },
    close() {
      for (const [t, mine] of sent) {
        if (t.alive && mine.size > 0) t.worker.postMessage({ id: 0, drop: [...mine], samples: [], jobs: [] } satisfies ToThread);
      }
      sent.clear();
    },
  };
}

/** Ends the pool's threads (tests; the server's threads end with the process). */
export async function stopDriftThreads(): Promise<void> {
  const all = threads;
  threads = [];
  await Promise.all(all.map((t) => t.worker.terminate()));
}
