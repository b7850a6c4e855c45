import { getDb, Prisma, rawQuery } from "../db/client";
import { onShutdown } from "../lifecycle";
import { lockModels } from "../rollups/store/write";
import { retentionCutoff } from "./horizon";
import { dayOf, DAY_MS, ensureEventPartitions, eventPartitions, forgetEventPartitions } from "./partitions";
import { getRetention } from "./settings";

export { retentionCutoff } from "./horizon";

const HOUR = 3_600_000;
/** Days of partitions the maintenance pass keeps made ahead of today. */
const AHEAD_DAYS = 7;
/** One pass at a time across replicas (pg_try_advisory_xact_lock; the alert evaluator's way). */
const PASS_LOCK = 72707417;

export type PruneResult = {
  cutoff: string | null;
  /** the daily partitions dropped, oldest first */
  partitions: string[];
  /** labels deleted with their predictions */
  labels: number;
  /** partitions made ahead of today */
  created: number;
  /** the models that had raw events before the cut (their `raw_pruned_before` moved to it) */
  models: string[];
};

/**
 * The retention and partition maintenance pass: makes the next days' partitions, then drops every daily
 * partition of raw prediction events wholly before the retention's cut (a UTC day boundary), with the labels
 * joined to the events it held. The rollups, which every page and /metrics read, stay. One transaction: it holds
 * every model's shared lock (ingest goes on; a reference being published, which recounts from the raw events,
 * waits) and first moves each model's `raw_pruned_before` to the cut, so a later recount leaves the days before
 * it alone. A replica finding another's pass running skips its own. Returns what went.
 */
export async function pruneRawEvents(now = new Date(), days?: number | null): Promise<PruneResult> {
  const keep = days === undefined ? (await getRetention()).days : days;
  const today = dayOf(now.getTime());
  const created = await ensureEventPartitions(Array.from({ length: AHEAD_DAYS + 1 }, (_, k) => today + k));
  if (keep === null) return { cutoff: null, partitions: [], labels: 0, created, models: [] };
  const cutoff = retentionCutoff(now, keep);
  const cutDay = cutoff.getTime() / DAY_MS;
  const old = (await eventPartitions()).filter((p) => p.day < cutDay).map((p) => p.name);
  const result: PruneResult = { cutoff: cutoff.toISOString(), partitions: [], labels: 0, created, models: [] };
  if (old.length === 0) return result;
  const db = getDb();
  const models = (await db.model.findMany({ select: { id: true } })).map((m) => m.id);
  const labels: { gone: number; moved: string[] } | null = await db.$transaction(
    async (tx) => {
      const [{ ok }] = await tx.$queryRaw<{ ok: boolean }[]>(Prisma.sql`SELECT pg_try_advisory_xact_lock(${PASS_LOCK}) AS ok`);
      if (!ok) return null;
      await lockModels(tx, models, "shared");
      // The models with raw events before the cut. The subqueries are correlated with LIMIT 1 on purpose: as
      // EXISTS the planner hashes every row of the old partitions (seconds at a million events, with no label
      // at all); this way each model, and each stored label, costs one index probe per old partition.
      const moved = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
        UPDATE models m SET raw_pruned_before = ${cutoff}
        WHERE (m.raw_pruned_before IS NULL OR m.raw_pruned_before < ${cutoff})
          AND (SELECT 1 FROM prediction_events e WHERE e.model_id = m.id AND e.ts < ${cutoff} LIMIT 1) IS NOT NULL
        RETURNING m.id`);
      // Labels of the dropped predictions, then the partitions themselves in one statement.
      const gone = await tx.$executeRaw(Prisma.sql`
        DELETE FROM labels l WHERE (
          SELECT 1 FROM prediction_events e WHERE e.ts < ${cutoff} AND e.model_id = l.model_id AND e.id = l.prediction_id LIMIT 1) IS NOT NULL`);
      await tx.$executeRawUnsafe(`DROP TABLE IF EXISTS ${old.map((name) => `"${name}"`).join(", ")}`);
      return { gone, moved: moved.map((m) => m.id).sort() };
    },
    { timeout: 600_000 },
  );
  if (labels === null) return result;
  forgetEventPartitions();
  return { ...result, partitions: old, labels: labels.gone, models: labels.moved };
}

/** Whether raw events older than `cutoff` are still stored (for tests and the bench). */
export async function rawEventsBefore(cutoff: Date): Promise<number> {
  const [{ n }] = await rawQuery<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM prediction_events WHERE ts < ${cutoff}`);
  return n;
}

type WorkerGlobal = { __driftwatchRetentionWorker?: ReturnType<typeof setInterval>; __driftwatchRetentionRun?: Promise<unknown> };

/**
 * Runs the retention and partition maintenance pass in the background (started by instrumentation.ts): a minute
 * after start, then hourly. Every replica runs it; an advisory lock lets one drop at a time.
 */
export function startRetentionWorker(intervalMs = HOUR, firstAfterMs = 60_000) {
  const g = globalThis as WorkerGlobal;
  if (g.__driftwatchRetentionWorker) return;
  const run = () => {
    if (g.__driftwatchRetentionRun) return;
    g.__driftwatchRetentionRun = pruneRawEvents()
      .then((r) => {
        if (r.partitions.length > 0) {
          console.log(`[driftwatch] retention: dropped ${r.partitions.length} daily partitions of raw events before ${r.cutoff} (${r.labels} labels); rollups kept`);
        }
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
