import { getDb, Prisma, type Db } from "../db";
import { invalidateModelContext, modelContexts } from "./context";
import { RollupBatch } from "./deltas";
import type { Doc } from "./format";
import { writeRollups } from "./write";

const CHUNK = 20_000;

/** Whole hours [from, to): limits a recount, and the stored rows compared with it, to the buckets inside. */
export type HourRange = { from: Date; to: Date };

/**
 * Recomputes a model's rollups from its raw events and labels, chunk by chunk in (ts, id) order, through the same
 * code the write path uses. The result is what the rollup tables should hold (for the current reference), for
 * every bucket or, with `range`, for the buckets inside it.
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
  let after: { ts: Date; id: string } | null = null;
  for (;;) {
    // (ts, id) > (after) spelled so that `ts >= after.ts` bounds the (model_id, ts) index scan: each chunk starts
    // where the last ended instead of rescanning the model's earlier events (quadratic over a long history).
    const cursor: Prisma.Sql = after
      ? Prisma.sql`AND e.ts >= ${after.ts} AND (e.ts > ${after.ts} OR e.id > ${after.id})`
      : Prisma.empty;
    const within: Prisma.Sql = range ? Prisma.sql`AND e.ts >= ${range.from} AND e.ts < ${range.to}` : Prisma.empty;
    const rows = await db.$queryRaw<
      {
        id: string;
        version: string;
        ts: Date;
        features: Record<string, unknown>;
        prediction: string | number | boolean | null;
        probabilities: Record<string, number> | null;
        confidence: number | null;
        latency_ms: number | null;
        error_type: string | null;
        segments: Record<string, string | number | boolean> | null;
        actual: unknown;
        has_label: boolean;
      }[]
    >(Prisma.sql`
      SELECT e.id, e.version, e.ts, e.features, e.prediction, e.probabilities, e.confidence, e.latency_ms, e.error_type,
             e.segments, l.actual, l.prediction_id IS NOT NULL AS has_label
      FROM prediction_events e LEFT JOIN labels l ON l.model_id = e.model_id AND l.prediction_id = e.id
      WHERE e.model_id = ${model} ${within} ${cursor}
      ORDER BY e.ts, e.id LIMIT ${CHUNK}`);
    for (const r of rows) {
      const e = {
        model,
        version: r.version,
        ts: r.ts,
        features: r.features,
        prediction: r.prediction,
        probabilities: r.probabilities,
        confidence: r.confidence,
        latencyMs: r.latency_ms,
        errorType: r.error_type,
        segments: r.segments,
      };
      batch.addEvent(e, ctx);
      if (r.has_label) batch.addLabel(e, r.actual, ctx, 1);
    }
    if (rows.length < CHUNK) break;
    const last = rows[rows.length - 1];
    after = { ts: last.ts, id: last.id };
  }
  return batch;
}

/** The rollup rows stored for a model (with `range`, those of the buckets inside it), keyed like RollupBatch's maps. */
export async function storedRollups(model: string, db: Db = getDb(), range?: HourRange) {
  const within: Prisma.Sql = range ? Prisma.sql`AND bucket >= ${range.from} AND bucket < ${range.to}` : Prisma.empty;
  const metrics = await db.$queryRaw<{ level: string; bucket: Date; version: string; segment: string; data: Doc }[]>(
    Prisma.sql`SELECT level, bucket, version, segment, data FROM rollups WHERE model_id = ${model} ${within}`,
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
 * row of the model. Called when a reference is published; its cost is a pass over the model's raw events.
 */
export async function rebinFeatureRollups(tx: Prisma.TransactionClient, model: string): Promise<number> {
  const batch = await recountRollups(model, tx);
  batch.metrics.clear();
  await tx.$executeRaw(Prisma.sql`DELETE FROM feature_rollups WHERE model_id = ${model}`);
  await writeRollups(tx, batch);
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
  return {
    differences: [...diffDocs(docs(expected.metrics), stored.metrics), ...diffDocs(docs(expected.features), stored.features)],
    rows: stored.metrics.size,
  };
}
