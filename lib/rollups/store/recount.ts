import { getDb, Prisma, type Db } from "../../db/client";
import { type StoredFeatures, withFeatures } from "../../db/featureLayouts";
import { invalidateModelContext, modelContexts } from "./contexts";
import { RollupBatch, rollupEvent, type StoredEvent } from "../batch";
import { type Doc, mergeInto } from "../documents";
import { DAY, floorMs, ceilMs } from "../../domain/time";
import { rebuildDailyFeatureRollups, writeRollups } from "./write";

const CHUNK = 20_000;

/** Whole hours [from, to): limits a recount, and the stored rows compared with it, to the buckets inside. */
export type HourRange = { from: Date; to: Date };

type RawEvent = StoredEvent & { id: string };

/**
 * Recomputes a model's rollups from its raw events and labels, through the same code the write path uses. The
 * result is what the rollup tables should hold (for the current reference), for every bucket or, with `range`,
 * for the buckets inside it.
 *
 * Events are read in chunks in `ts` order, the order of the (model_id, ts) index, so each chunk is an index range
 * scan that stops after CHUNK rows; the events sharing the chunk's last millisecond are read whole by the next
 * query, and the following chunk starts after it. (Chunks ordered by (ts, id) needed a sort of every event left
 * in the range whenever the planner's row estimate was off, as after a large ingest: quadratic over a long
 * history.) Labels come in a second indexed lookup per chunk.
 */
export async function recountRollups(
  model: string,
  db: Db | Prisma.TransactionClient = getDb(),
  range?: HourRange,
): Promise<RollupBatch> {
  invalidateModelContext(model);
  const ctx = (await modelContexts(db, [model])).get(model);
  const batch = new RollupBatch();
  if (!ctx) return batch;
  const within: Prisma.Sql = range ? Prisma.sql`AND ts >= ${range.from} AND ts < ${range.to}` : Prisma.empty;
  const events = async (where: Prisma.Sql): Promise<RawEvent[]> =>
    withFeatures(
      await db.$queryRaw<(Omit<RawEvent, "features"> & StoredFeatures)[]>(Prisma.sql`
        SELECT id, version, ts, layout_id, feature_values, prediction, probabilities, confidence, latency_ms, error_type, segments
        FROM prediction_events WHERE model_id = ${model} ${within} ${where}`),
      (sql) => db.$queryRaw(sql),
    );
  const count = async (rows: RawEvent[]) => {
    if (rows.length === 0) return;
    const labels = await db.$queryRaw<{ prediction_id: string; actual: unknown }[]>(Prisma.sql`
      SELECT prediction_id, actual FROM labels WHERE model_id = ${model} AND prediction_id = ANY(${rows.map((r) => r.id)}::text[])`);
    const actual = new Map(labels.map((l) => [l.prediction_id, l.actual]));
    for (const r of rows) {
      const e = rollupEvent(model, r);
      batch.addEvent(e, ctx);
      if (actual.has(r.id)) batch.addLabel(e, actual.get(r.id), ctx, 1);
    }
  };
  let after: Date | null = null;
  for (;;) {
    const rows = await events(Prisma.sql`${after ? Prisma.sql`AND ts > ${after}` : Prisma.empty} ORDER BY ts LIMIT ${CHUNK}`);
    if (rows.length < CHUNK) {
      await count(rows);
      break;
    }
    const last = rows[rows.length - 1].ts;
    await count(rows.filter((r) => r.ts < last));
    await count(await events(Prisma.sql`AND ts = ${last}`));
    after = last;
  }
  return batch;
}

/**
 * The rollup rows stored for a model (with `range`, those of the buckets inside it), keyed like RollupBatch's maps.
 * Rows of level "r" (what label corrections took back) are left out: a recount sees only the labels that remain.
 * With `range`, the all-time totals (bucket 0) are left out too.
 */
export async function storedRollups(model: string, db: Db = getDb(), range?: HourRange) {
  const within: Prisma.Sql = range ? Prisma.sql`AND bucket >= ${range.from} AND bucket < ${range.to}` : Prisma.empty;
  const metrics = await db.$queryRaw<{ level: string; bucket: Date; version: string; segment: string; data: Doc }[]>(
    Prisma.sql`SELECT level, bucket, version, segment, data FROM rollups WHERE model_id = ${model} AND level <> 'r' ${within}`,
  );
  const features = await db.$queryRaw<{ reference_id: bigint; bucket: Date; version: string; segment: string; data: Doc }[]>(
    Prisma.sql`SELECT reference_id, bucket, version, segment, data FROM feature_rollups WHERE model_id = ${model} ${within}`,
  );
  return {
    metrics: new Map(metrics.map((r) => [`${model}\u001f${r.level}\u001f${r.bucket.getTime()}\u001f${r.version}\u001f${r.segment}`, r.data])),
    features: new Map(features.map((r) => [`${model}\u001f${r.reference_id}\u001f${r.bucket.getTime()}\u001f${r.version}\u001f${r.segment}`, r.data])),
  };
}

/**
 * Differences between two sets of documents (missing keys count as 0; sums compared to a relative 1e-9).
 * Empty when they agree.
 */
export function diffDocs(expected: Map<string, Doc>, actual: Map<string, Doc>): string[] {
  const out: string[] = [];
  for (const id of new Set([...expected.keys(), ...actual.keys()])) {
    const a = expected.get(id) ?? {};
    const b = actual.get(id) ?? {};
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = a[k] ?? 0;
      const y = b[k] ?? 0;
      if (Math.abs(x - y) > 1e-9 * Math.max(1, Math.abs(x), Math.abs(y))) {
        out.push(`${id.replaceAll("\u001f", "·")} ${k.replaceAll("\u001f", "·")}: expected ${x}, stored ${y}`);
      }
    }
  }
  return out;
}

/**
 * Re-bins a model's feature rollups on its current reference, inside `tx` (which must hold the model's exclusive
 * lock, so no event is written meanwhile): recounts them from the raw events and replaces every feature rollup
 * row of the model (from the retention's cut on, when retention has deleted older raw events). Called when a reference is published; its cost is a pass over the model's raw events.
 */
export async function rebinFeatureRollups(tx: Prisma.TransactionClient, model: string): Promise<number> {
  // Hours whose raw events retention deleted cannot be recounted: their rows stay, binned on the reference they
  // were counted on (reads take the current reference's rows, so those hours show no drift or quality after this).
  const [row] = await tx.$queryRaw<{ pruned: Date | null }[]>(Prisma.sql`SELECT raw_pruned_before AS pruned FROM models WHERE id = ${model}`);
  const pruned = row?.pruned ?? null;
  const batch = await recountRollups(model, tx, pruned ? { from: pruned, to: new Date(8.64e15) } : undefined);
  batch.metrics.clear();
  await tx.$executeRaw(Prisma.sql`DELETE FROM feature_rollups WHERE model_id = ${model} ${pruned ? Prisma.sql`AND bucket >= ${pruned}` : Prisma.empty}`);
  await writeRollups(tx, batch);
  // the days around the cut hold hours of both kinds (kept and rewritten): their daily rows are summed again
  await rebuildDailyFeatureRollups(tx, model, pruned ? new Date(floorMs(pruned.getTime(), DAY)) : null);
  return batch.features.size;
}

/**
 * What differs between the rollups stored for a model (in `range`) and a recount from its raw events: empty when
 * the write path kept them exact. `rows` is how many metric rows were compared.
 */
export async function rollupDifferences(model: string, db: Db = getDb(), range?: HourRange): Promise<{ differences: string[]; rows: number }> {
  const expected = await recountRollups(model, db, range);
  const stored = await storedRollups(model, db, range);
  const docs = (m: Map<string, { doc: Doc }>) => new Map([...m].map(([k, v]) => [k, v.doc]));
  // a recount of part of the history has only part of the all-time totals
  const expectedMetrics = new Map([...expected.metrics].filter(([, v]) => !range || v.key.level !== "t"));
  return {
    differences: [
      ...diffDocs(docs(expectedMetrics), stored.metrics),
      ...diffDocs(docs(expected.features), stored.features),
      ...(await dailyDifferences(model, db, stored.features, range)),
    ],
    rows: stored.metrics.size,
  };
}

/**
 * What differs between the stored daily feature rows and the sums of the stored hour rows of their days (the days
 * wholly inside `range`, when given): empty when the write path kept both in step.
 */
async function dailyDifferences(model: string, db: Db, hourly: Map<string, Doc>, range?: HourRange): Promise<string[]> {
  const from = range ? ceilMs(range.from.getTime(), DAY) : 0;
  const to = range ? floorMs(Math.min(range.to.getTime(), 8.64e15), DAY) : 8.64e15;
  const within = range ? Prisma.sql`AND bucket >= ${new Date(from)} AND bucket < ${new Date(to)}` : Prisma.empty;
  const rows = await db.$queryRaw<{ reference_id: bigint; bucket: Date; version: string; segment: string; data: Doc }[]>(
    Prisma.sql`SELECT reference_id, bucket, version, segment, data FROM feature_rollups_daily WHERE model_id = ${model} ${within}`,
  );
  const stored = new Map(rows.map((r) => [`${model}\u001f${r.reference_id}\u001fday ${r.bucket.getTime()}\u001f${r.version}\u001f${r.segment}`, r.data]));
  const summed = new Map<string, Doc>();
  for (const [id, doc] of hourly) {
    const [m, ref, bucket, version, segment] = id.split("\u001f");
    const day = floorMs(Number(bucket), DAY);
    if (day < from || day >= to) continue;
    const dayId = `${m}\u001f${ref}\u001fday ${day}\u001f${version}\u001f${segment}`;
    summed.set(dayId, mergeInto(summed.get(dayId) ?? {}, doc));
  }
  return diffDocs(summed, stored);
}
