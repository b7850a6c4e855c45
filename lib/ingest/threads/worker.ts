/**
 * An ingest thread (see pool.ts): answers each predictions body it is handed exactly as the route handler would in
 * the main thread, errors included (the one error contract, lib/errors.ts).
 */
import { parentPort } from "node:worker_threads";
import { prismaStarted, rawQuery } from "../../db/client";
import { toErrorResponse } from "../../errors";
import { answerPredictions } from "../predictions";
import type { ThreadAnswer, ThreadJob, ThreadProbe, ThreadState } from "./pool";

const port = parentPort;
if (!port) throw new Error("lib/ingest/threads/worker.ts runs as a worker thread (lib/ingest/threads/pool.ts)");

// As in the main thread, where Next.js logs them and serves on: an error nobody awaited (a connection that broke
// outside any statement, say) is logged and the thread keeps answering; the write path's own checks, inside every
// transaction, are what keep the data right.
process.on("uncaughtException", (err) => console.error("[driftwatch] ingest thread: uncaught error:", err));
process.on("unhandledRejection", (err) => console.error("[driftwatch] ingest thread: unhandled rejection:", err));

// The thread's connection is opened now, not by its first batch (a database down now is that batch's to report).
// The write path runs on raw SQL only: Prisma, whose query engine would cost each thread ~50 MB, is never started
// here (tests/integration/ingestThreads.test.ts checks it).
void rawQuery("SELECT 1").catch(() => {});

port.on("message", (job: ThreadJob | ThreadProbe) => {
  if ("probe" in job) {
    const state: ThreadState = { prisma: prismaStarted() };
    return void port.postMessage({ id: job.id, state });
  }
  void (async () => {
    let response: Response;
    try {
      response = await answerPredictions(Buffer.from(job.body), job.kind);
    } catch (err) {
      response = toErrorResponse(err);
    }
    const answer: ThreadAnswer & { id: number } = { id: job.id, status: response.status, headers: [...response.headers], body: await response.text() };
    port.postMessage(answer);
  })();
});
