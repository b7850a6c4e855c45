import { getDb, Prisma } from "../db/client";
import { onShutdown } from "../lifecycle";
import { lockModels } from "../rollups/store/write";
import { getRetention } from "./settings";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHUNK = 10_000;

/** Where retention cuts at `now`: whole hours, so every hour's raw events are either all kept or all gone. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(Math.floor((now.getTime() - days * DAY) / HOUR) * HOUR);
}

export type PruneResult = { cutoff: string | null; events: number; labels: number; models: string[] };

/**
 * Deletes raw prediction events older than the retention (and the labels joined to them); the rollups, which every
 * page and /metrics read, stay. Works per model in chunks, each its own transaction holding the model's shared lock
 * (ingest goes on; a reference being published, which recounts from the raw events, waits). Each chunk first marks
 * the model's `raw_pruned_before`, so a later recount leaves the hours before it alone. Returns what went.
 */
export async function pruneRawEvents(now = new Date(), days?: number | null): Promise<PruneResult> {
  const keep = days === undefined ? (await getRetention()).days : days;
  if (keep === null) return { cutoff: null, events: 0, labels: 0, models: [] };
  const cutoff = retentionCutoff(now, keep);
  const db = getDb();
  const models = await db.$queryRaw<{ model_id: string }[]>(Prisma.sql`
    SELECT m.id AS model_id FROM models m
    WHERE EXISTS (SELECT 1 FROM prediction_events e WHERE e.model_id = m.id AND e.ts < ${cutoff}) ORDER BY m.id`);
  const result: PruneResult = { cutoff: cutoff.toISOString(), events: 0, labels: 0, models: [] };
  for (const { model_id: model } of models) {
    for (;;) {
      const [{ events, labels }] = await db.$transaction(async (tx) => {
        await lockModels(tx, [model], "shared");
        await tx.$executeRaw(Prisma.sql`
          UPDATE models SET raw_pruned_before = greatest(coalesce(raw_pruned_before, ${cutoff}), ${cutoff}) WHERE id = ${model}`);
        return tx.$queryRaw<{ events: number; labels: number }[]>(Prisma.sql`
          WITH gone AS (
            DELETE FROM prediction_events e
            WHERE e.model_id = ${model} AND e.id IN (
              SELECT id FROM prediction_events WHERE model_id = ${model} AND ts < ${cutoff} ORDER BY ts LIMIT ${CHUNK})
            RETURNING e.id),
          gone_labels AS (
            DELETE FROM labels l WHERE l.model_id = ${model} AND l.prediction_id IN (SELECT id FROM gone) RETURNING 1)
          SELECT (SELECT count(*) FROM gone)::int AS events, (SELECT count(*) FROM gone_labels)::int AS labels`);
      });
      result.events += events;
      result.labels += labels;
      if (events < CHUNK) break;
    }
    result.models.push(model);
  }
  return result;
}

type WorkerGlobal = { __driftwatchRetentionWorker?: ReturnType<typeof setInterval>; __driftwatchRetentionRun?: Promise<unknown> };

/**
 * Applies the retention in the background (started by instrumentation.ts): a minute after start, then hourly.
 * Every replica may run it; deletes of the same rows by two replicas are harmless (the second finds none).
 */
export function startRetentionWorker(intervalMs = HOUR, firstAfterMs = 60_000) {
  const g = globalThis as WorkerGlobal;
  if (g.__driftwatchRetentionWorker) return;
  const run = () => {
    if (g.__driftwatchRetentionRun) return;
    g.__driftwatchRetentionRun = pruneRawEvents()
      .then((r) => {
        if (r.events > 0) console.log(`[driftwatch] retention: deleted ${r.events} raw events before ${r.cutoff} (${r.models.length} models); rollups kept`);
      })
      .catch((err) => console.error("[driftwatch] retention pass failed:", err))
      .finally(() => {
        g.__driftwatchRetentionRun = undefined;
      });
  };
  const first = setTimeout(run, firstAfterMs);
  first.unref?.();
  g.__driftwatchRetentionWorker = setInterval(run, intervalMs);
  g.__driftwatchRetentionWorker.unref?.();
  onShutdown("retention", async () => {
    clearTimeout(first);
    if (g.__driftwatchRetentionWorker) clearInterval(g.__driftwatchRetentionWorker);
    g.__driftwatchRetentionWorker = undefined;
    await g.__driftwatchRetentionRun;
  });
}
