import { type AnyTx, Prisma, runSql } from "../../db/client";
import { DAY, floorMs } from "../../domain/time";
import type { FeatureRollupKey, RollupBatch } from "../batch";
import { type Doc, mergeInto } from "../documents";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The batch's rows of one table as a JSON array in key order, for jsonb_to_recordset. */
function rowsJson<K extends { model: string; bucket: number; version: string; segment: string }>(
  map: Map<string, { key: K; doc: Record<string, number> }>,
  extra: (key: K) => string,
): string {
  const ids = [...map.keys()].sort(cmp);
  const rows = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const { key, doc } = map.get(ids[i])!;
    rows[i] = { m: key.model, x: extra(key), b: key.bucket, v: key.version, s: key.segment, d: doc };
  }
  return JSON.stringify(rows);
}

/** The batch's feature documents summed per UTC day: the deltas of its `feature_rollups_daily` rows. */
function dailyFeatures(features: RollupBatch["features"]): Map<string, { key: FeatureRollupKey; doc: Doc }> {
  const days = new Map<string, { key: FeatureRollupKey; doc: Doc }>();
  for (const { key, doc } of features.values()) {
    const day = floorMs(key.bucket, DAY);
    const id = `${key.model}\u001f${key.referenceId}\u001f${day}\u001f${key.version}\u001f${key.segment}`;
    let entry = days.get(id);
    if (!entry) days.set(id, (entry = { key: { ...key, bucket: day }, doc: {} }));
    mergeInto(entry.doc, doc);
  }
  return days;
}

/**
 * Merges a batch's rollup documents into their rows with `dw_merge`, all three tables in one statement (each table's
 * rows passed as one JSON parameter). Rows are written in key order, so concurrent writers take the row locks in
 * the same order and never deadlock; the merge runs inside the database, so no increment is lost between writers.
 */
export async function writeRollups(tx: AnyTx, batch: RollupBatch): Promise<void> {
  if (batch.metrics.size === 0 && batch.features.size === 0) return;
  const metrics = batch.metrics.size > 0 ? rowsJson(batch.metrics, (k) => k.level) : "[]";
  const features = batch.features.size > 0 ? rowsJson(batch.features, (k) => k.referenceId.toString()) : "[]";
  const days = batch.features.size > 0 ? rowsJson(dailyFeatures(batch.features), (k) => k.referenceId.toString()) : "[]";
  await runSql(tx, Prisma.sql`
    WITH m AS (
      INSERT INTO rollups AS r (model_id, level, bucket, version, segment, data, n)
      SELECT t.m, t.x, to_timestamp(t.b / 1000.0), t.v, t.s, t.d, coalesce((t.d ->> 'n')::numeric, 0)::bigint
      FROM ROWS FROM (jsonb_to_recordset(${metrics}::text::jsonb) AS (m text, x text, b float8, v text, s text, d jsonb))
        WITH ORDINALITY AS t(m, x, b, v, s, d, ord)
      ORDER BY t.ord
      ON CONFLICT (model_id, level, bucket, version, segment) DO UPDATE SET data = dw_merge(r.data, EXCLUDED.data), n = r.n + EXCLUDED.n
    ), f AS (
      INSERT INTO feature_rollups AS r (model_id, reference_id, bucket, version, segment, data)
      SELECT t.m, t.x::bigint, to_timestamp(t.b / 1000.0), t.v, t.s, t.d
      FROM ROWS FROM (jsonb_to_recordset(${features}::text::jsonb) AS (m text, x text, b float8, v text, s text, d jsonb))
        WITH ORDINALITY AS t(m, x, b, v, s, d, ord)
      ORDER BY t.ord
      ON CONFLICT (model_id, reference_id, bucket, version, segment) DO UPDATE SET data = dw_merge(r.data, EXCLUDED.data)
    ), d AS (
      INSERT INTO feature_rollups_daily AS r (model_id, reference_id, bucket, version, segment, data)
      SELECT t.m, t.x::bigint, to_timestamp(t.b / 1000.0), t.v, t.s, t.d
      FROM ROWS FROM (jsonb_to_recordset(${days}::text::jsonb) AS (m text, x text, b float8, v text, s text, d jsonb))
        WITH ORDINALITY AS t(m, x, b, v, s, d, ord)
      ORDER BY t.ord
      ON CONFLICT (model_id, reference_id, bucket, version, segment) DO UPDATE SET data = dw_merge(r.data, EXCLUDED.data)
    )
    SELECT 1 AS done`, { name: "dw_write_rollups" });
}

/**
 * Rebuilds a model's daily feature rollups from its hour rows, for the days from `fromDay` on (all days when
 * null): after hour rows were replaced other than through writeRollups (re-binning on a new reference).
 */
export async function rebuildDailyFeatureRollups(tx: AnyTx, model: string, fromDay: Date | null): Promise<void> {
  const since = fromDay ? Prisma.sql`AND bucket >= ${fromDay}` : Prisma.empty;
  await runSql(tx, Prisma.sql`DELETE FROM feature_rollups_daily WHERE model_id = ${model} ${since}`);
  await runSql(tx, Prisma.sql`
    INSERT INTO feature_rollups_daily (model_id, reference_id, bucket, version, segment, data)
    SELECT model_id, reference_id, date_trunc('day', bucket, 'UTC'), version, segment, dw_merge_agg(data ORDER BY bucket)
    FROM feature_rollups WHERE model_id = ${model} ${since}
    GROUP BY model_id, reference_id, date_trunc('day', bucket, 'UTC'), version, segment`);
}

/** SQL taking the models' advisory locks in model order, without parameters (model ids are validated names). */
export function lockModelsSql(models: string[], mode: "shared" | "exclusive"): string {
  const sorted = [...new Set(models)].sort();
  const fn = mode === "shared" ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock";
  const literals = sorted.map((m) => `'${m.replace(/'/g, "''")}'`).join(",");
  // unnest yields the array in order: locks are taken in model order
  return `SELECT count(*)::int AS n FROM (SELECT ${fn}(hashtext('dw:' || m)) FROM unnest(ARRAY[${literals}]::text[]) AS t(m)) s`;
}

/**
 * Serialises label joins against prediction inserts of the same model: prediction writers share the model's
 * lock, label writers take it alone. Without it a label and its prediction arriving in two concurrent
 * transactions would each miss the other and the pair would never be counted. Locks are taken in model order.
 * (The raw write path sends lockModelsSql together with BEGIN instead.)
 */
export async function lockModels(tx: AnyTx, models: string[], mode: "shared" | "exclusive") {
  if ("$queryRaw" in tx) await tx.$queryRawUnsafe(lockModelsSql(models, mode));
  else await tx.query(lockModelsSql(models, mode));
}
