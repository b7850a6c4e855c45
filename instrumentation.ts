/** Runs once when the server starts: opens the database so the first request does not pay for it, starts background work. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getDb } = await import("./lib/db/client");
  await getDb().$queryRaw`SELECT 1`;
  // Prediction batches are stored on threads of this process (lib/ingest/threads/pool.ts): PostgreSQL only (the
  // embedded database lives in this thread), and not under `npm run dev`, whose edits threads started once would miss.
  const { config } = await import("./lib/config");
  const { databaseUrl, ingestThreads } = config();
  if (databaseUrl && ingestThreads > 0 && process.env.NODE_ENV === "production") {
    const { startIngestThreads } = await import("./lib/ingest/threads/pool");
    startIngestThreads({ count: ingestThreads });
  }
  // Retries queued alert notifications (the queue is in the database, so a restart picks up where it stopped).
  const { startDeliveryWorker } = await import("./lib/alerts/notify/deliver");
  startDeliveryWorker();
  // Deletes raw events older than the retention set in Settings (hourly; rollups stay).
  const { startRetentionWorker } = await import("./lib/retention/prune");
  startRetentionWorker();
  // Evaluates the alert rules every 15 s; every process runs the loop, a lease row lets one of them take each cycle.
  const { startAlertEvaluator } = await import("./lib/alerts/evaluate/loop");
  startAlertEvaluator();
}
