import { Prisma } from "../db";
import type { RollupBatch } from "./deltas";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Merges a batch's rollup documents into their rows with `dw_merge`, one statement per table. Rows are written
 * in key order, so concurrent writers take the row locks in the same order and never deadlock; the merge runs
 * inside the database, so no increment is lost between writers.
 */
export async function writeRollups(tx: Prisma.TransactionClient, batch: RollupBatch): Promise<void> {
  if (batch.metrics.size > 0) {
    const rows = [...batch.metrics.entries()].sort((a, b) => cmp(a[0], b[0])).map(([, r]) => r);
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO rollups AS r (model_id, level, bucket, version, segment, data)
      SELECT model_id, level, to_timestamp(bucket / 1000.0), version, segment, data::jsonb
      FROM unnest(${rows.map((r) => r.key.model)}::text[], ${rows.map((r) => r.key.level)}::text[],
                  ${rows.map((r) => r.key.bucket)}::float8[], ${rows.map((r) => r.key.version)}::text[],
                  ${rows.map((r) => r.key.segment)}::text[], ${rows.map((r) => JSON.stringify(r.doc))}::text[])
        WITH ORDINALITY AS t(model_id, level, bucket, version, segment, data, ord)
      ORDER BY ord
      ON CONFLICT (model_id, level, bucket, version, segment) DO UPDATE SET data = dw_merge(r.data, EXCLUDED.data)`);
  }
  if (batch.features.size > 0) {
    const rows = [...batch.features.entries()].sort((a, b) => cmp(a[0], b[0])).map(([, r]) => r);
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO feature_rollups AS r (model_id, reference_id, bucket, version, segment, data)
      SELECT model_id, reference_id::bigint, to_timestamp(bucket / 1000.0), version, segment, data::jsonb
      FROM unnest(${rows.map((r) => r.key.model)}::text[], ${rows.map((r) => r.key.referenceId.toString())}::text[],
                  ${rows.map((r) => r.key.bucket)}::float8[], ${rows.map((r) => r.key.version)}::text[],
                  ${rows.map((r) => r.key.segment)}::text[], ${rows.map((r) => JSON.stringify(r.doc))}::text[])
        WITH ORDINALITY AS t(model_id, reference_id, bucket, version, segment, data, ord)
      ORDER BY ord
      ON CONFLICT (model_id, reference_id, bucket, version, segment) DO UPDATE SET data = dw_merge(r.data, EXCLUDED.data)`);
  }
}

/**
 * Serialises label joins against prediction inserts of the same model: prediction writers share the model's
 * lock, label writers take it alone. Without it a label and its prediction arriving in two concurrent
 * transactions would each miss the other and the pair would never be counted. Locks are taken in model order.
 */
export async function lockModels(tx: Prisma.TransactionClient, models: string[], mode: "shared" | "exclusive") {
  const sorted = [...new Set(models)].sort(); // unnest yields the array in order: locks are taken in model order
  const lock = mode === "shared" ? Prisma.sql`pg_advisory_xact_lock_shared` : Prisma.sql`pg_advisory_xact_lock`;
  await tx.$queryRaw(Prisma.sql`
    SELECT count(*)::int AS n FROM (SELECT ${lock}(hashtext('dw:' || m)) FROM unnest(${sorted}::text[]) AS t(m)) s`);
}
