import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { BodyKind } from "../../http/body";
import { onShutdown } from "../../lifecycle";

/**
 * Ingest threads: `POST /api/v1/predictions` parsed, validated and stored on worker threads of the server process
 * (DRIFTWATCH_INGEST_THREADS, default 2; started by instrumentation.ts in the production server on PostgreSQL),
 * so one process uses more than one core for ingest (a 1,000-event batch costs its thread ~20 ms of CPU: JSON,
 * validation, COPY text, rollup counting). The main thread keeps HTTP, authentication and the response; it hands
 * a thread the body's bytes and gets back the finished answer (status, headers, body) that the same code would
 * have given in the main thread (lib/ingest/predictions.ts answerPredictions, errors through lib/errors.ts).
 *
 * Each thread is a process of its own as far as the write path is concerned: its own connection pools and caches
 * (model contexts, feature layouts, partitions), which the write path already checks against the database inside
 * every transaction, exactly as it does across the server processes of DRIFTWATCH_WORKERS. PostgreSQL only: the
 * embedded database lives in the main thread.
 */

/** What a thread answers for one request. */
export type ThreadAnswer = { status: number; headers: [string, string][]; body: string };

/** A request for a thread: the body's bytes (transferred, not copied) and how to read them. */
export type ThreadJob = { id: number; body: ArrayBuffer; kind: BodyKind };

/** What a thread reports of itself when asked (`probe`). */
export type ThreadState = { prisma: boolean };
/** A question to a thread about itself, and its answer. */
export type ThreadProbe = { id: number; probe: true };
type ProbeAnswer = { id: number; state: ThreadState };

type Pending = { resolve: (a: ThreadAnswer) => void; reject: (err: Error) => void; thread: Thread };
type Thread = { worker: Worker; pending: number };

export type IngestThreadsOptions = {
  /** threads to run */
  count: number;
  /** V8's young generation per thread, MB: ~192 is what the main thread's --max-semi-space-size=64 gives */
  youngGenerationMb?: number;
};

function spawn(youngGenerationMb: number): Worker {
  // execArgv: not the server's own flags (`--import tsx` among them); the heap's size comes from resourceLimits.
  const options = { resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb }, execArgv: [] as string[] };
  if (process.env.NEXT_RUNTIME) {
    // In the Next.js server the bundler builds the entry (and what it imports) into a chunk of its own.
    return new Worker(new URL("./worker.ts", import.meta.url), options);
  }
  // Outside Next.js (vitest, tsx scripts) the entry is TypeScript source: tsx compiles it inside the thread.
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), "worker.ts");
  return new Worker(`require("tsx/cjs/api").register(); require(${JSON.stringify(entry)});`, { ...options, eval: true });
}

export class IngestThreads {
  private readonly threads: Thread[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly probes = new Map<number, (s: ThreadState) => void>();
  private nextId = 1;
  private closing = false;
  /** when threads ended lately (ms), to stop replacing threads that cannot even start */
  private readonly ended: number[] = [];

  constructor(private readonly opts: IngestThreadsOptions) {
    for (let i = 0; i < opts.count; i++) this.threads.push(this.spawn());
  }

  private spawn(): Thread {
    const worker = spawn(this.opts.youngGenerationMb ?? 192);
    const thread: Thread = { worker, pending: 0 };
    worker.on("message", (a: (ThreadAnswer & { id: number }) | ProbeAnswer) => {
      if ("state" in a) return void this.probes.get(a.id)?.(a.state);
      const p = this.pending.get(a.id);
      if (!p) return;
      this.pending.delete(a.id);
      p.thread.pending--;
      p.resolve({ status: a.status, headers: a.headers, body: a.body });
    });
    worker.on("error", (err) => console.error("[driftwatch] an ingest thread failed:", err));
    // A thread that ends (it failed, or was terminated) fails its requests — none of them was acknowledged, and
    // its transactions roll back with its connections — and another takes its place.
    worker.on("exit", (code) => {
      for (const [id, p] of this.pending) {
        if (p.thread !== thread) continue;
        this.pending.delete(id);
        p.reject(new Error(`the ingest thread ended (exit code ${code}) before it answered`));
      }
      const k = this.threads.indexOf(thread);
      if (k === -1) return;
      const now = Date.now();
      this.ended.push(now);
      while (this.ended[0] < now - 60_000) this.ended.shift();
      // Threads that keep ending (say, their code cannot load) are not replaced: the route stores batches in its
      // own thread once none is left, rather than failing every request.
      const giveUp = this.ended.length > 3 * this.opts.count;
      if (giveUp && !this.closing) console.error("[driftwatch] ingest threads keep ending; storing prediction batches in the request's thread from now on");
      if (this.closing || giveUp) this.threads.splice(k, 1);
      else this.threads[k] = this.spawn();
    });
    return thread;
  }

  /** Number of threads running. */
  get size(): number {
    return this.threads.length;
  }

  /** The threads' workers (to watch them, or to end one). */
  get workers(): Worker[] {
    return this.threads.map((t) => t.worker);
  }

  /** Stores a predictions body on the thread with the fewest requests in hand; resolves with its answer. */
  predictions(body: Buffer, kind: BodyKind): Promise<ThreadAnswer> {
    if (this.closing || this.threads.length === 0) return Promise.reject(new Error("the ingest threads are stopped"));
    let thread = this.threads[0];
    for (const t of this.threads) if (t.pending < thread.pending) thread = t;
    // The body's own memory is handed over when it is all of an ArrayBuffer; a small body may sit in Node's shared
    // buffer pool, which must not be detached, so it is copied.
    const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer;
    const bytes = whole ? (body.buffer as ArrayBuffer) : new Uint8Array(body).buffer;
    const id = this.nextId++;
    return new Promise<ThreadAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, thread });
      thread.pending++;
      const job: ThreadJob = { id, body: bytes, kind };
      thread.worker.postMessage(job, [bytes]);
    });
  }

  /** What each running thread reports of itself (tests: that the write path never starts Prisma in a thread). */
  probe(): Promise<ThreadState[]> {
    return Promise.all(
      this.threads.map(
        (t) =>
          new Promise<ThreadState>((resolve) => {
            const id = this.nextId++;
            this.probes.set(id, (s) => {
              this.probes.delete(id);
              resolve(s);
            });
            const probe: ThreadProbe = { id, probe: true };
            t.worker.postMessage(probe);
          }),
      ),
    );
  }

  /** Stops the threads once their requests are answered (the server stops taking requests first). */
  async close(): Promise<void> {
    this.closing = true;
    while (this.pending.size > 0) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    this.threads.length = 0;
  }
}

// Shared through globalThis: instrumentation.ts starts the threads, the route handlers (a module graph of their own
// in Next.js) use them, and the server stops them on SIGTERM (lib/lifecycle.ts) once no request is in flight.
const g = globalThis as typeof globalThis & { __driftwatchIngestThreads?: IngestThreads };

/** Starts the process's ingest threads (once), to be stopped with the server's background work. */
export function startIngestThreads(opts: IngestThreadsOptions): IngestThreads {
  if (!g.__driftwatchIngestThreads) {
    g.__driftwatchIngestThreads = new IngestThreads(opts);
    onShutdown("ingest threads", stopIngestThreads);
  }
  return g.__driftwatchIngestThreads;
}

/** The process's ingest threads, if it started any. */
export function ingestThreads(): IngestThreads | undefined {
  return g.__driftwatchIngestThreads;
}

/** Stops the process's ingest threads, if any. */
export async function stopIngestThreads(): Promise<void> {
  const threads = g.__driftwatchIngestThreads;
  g.__driftwatchIngestThreads = undefined;
  await threads?.close();
}
