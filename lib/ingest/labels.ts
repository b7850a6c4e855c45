import { type AnyTx, Prisma, rawRunner, rawTransaction, runSql } from "../db/client";
import type { ModelContext } from "../rollups/context";
import { invalidateModelContext, modelContexts } from "../rollups/store/contexts";
import { RollupBatch } from "../rollups/batch";
import { lockModelsSql, writeRollups } from "../rollups/store/write";
import type { RawItem } from "../http/body";
import { StaleContextError, withRetry } from "./retry";
import { labelEvent, outsideRetention, rejection, type Rejection } from "./schemas";
import { compareKeys } from "./keys";
import { retentionHorizon } from "../retention/horizon";

export type LabelRow = { model: string; id: string; actual: string | number | boolean; ts: Date };

export type LabelUpsertResult = {
  /** labels stored for the first time or replacing a different earlier label */
  accepted: number;
  /** accepted labels whose prediction is stored */
  matched: number;
  /** accepted labels still waiting for their prediction */
  pending: number;
  /** accepted labels that replaced an earlier, different label (corrections) */
  updated: number;
  /** labels equal to the stored one, or older than it: nothing changed */
  duplicates: number;
};

/**
 * Stores labels in one set-based pass and folds the joined ones into `batch`. A label replaces the stored one for
 * its prediction when its time is the same or newer and its value differs; resending a label changes nothing.
 * The upsert keeps the replaced value in `prev_actual`, so a correction takes back exactly what the old label
 * contributed. The caller holds the models' exclusive lock (see lockModels). Rows are written in key order.
 */
export async function upsertLabels(
  tx: AnyTx,
  rows: LabelRow[],
  batch: RollupBatch,
  contexts?: Map<string, ModelContext>,
): Promise<LabelUpsertResult> {
  // Within one batch the newest label per prediction wins (ties: the later one in the batch).
  const latest = new Map<string, LabelRow>();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.id}`;
    const prev = latest.get(key);
    if (!prev || r.ts.getTime() >= prev.ts.getTime()) latest.set(key, r);
  }
  const sorted = [...latest.values()].sort(compareKeys);
  const input = JSON.stringify(sorted.map((r) => ({ m: r.model, i: r.id, a: r.actual, t: r.ts.toISOString() })));
  const changed = await runSql<{
    model_id: string;
    prediction_id: string;
    actual: unknown;
    prev_actual: unknown;
    was_stored: boolean;
    matched: boolean;
    version: string | null;
    ts: Date | null;
    segments: Record<string, unknown> | null;
    prediction: unknown;
    probabilities: Record<string, number> | null;
    error_type: string | null;
    model_exists: boolean;
  }>(tx, Prisma.sql`
    WITH input AS (
      SELECT * FROM ROWS FROM (jsonb_to_recordset(${input}::text::jsonb) AS (m text, i text, a jsonb, t timestamptz))
        WITH ORDINALITY AS t(model_id, prediction_id, actual, ts, ord)
    ), up AS (
      INSERT INTO labels AS l (model_id, prediction_id, actual, ts)
      SELECT model_id, prediction_id, actual, ts FROM input ORDER BY ord
      ON CONFLICT (model_id, prediction_id) DO UPDATE
        SET actual = EXCLUDED.actual, prev_actual = l.actual, ts = EXCLUDED.ts, received_at = now(), revision = l.revision + 1
        WHERE EXCLUDED.ts >= l.ts AND l.actual IS DISTINCT FROM EXCLUDED.actual
      RETURNING l.model_id, l.prediction_id, l.actual, l.prev_actual, l.revision > 0 AS was_stored
    )
    SELECT up.model_id, up.prediction_id, up.actual, up.prev_actual, up.was_stored, p.id IS NOT NULL AS matched,
           p.version, p.ts, p.segments, p.prediction, p.probabilities, p.error_type,
           EXISTS (SELECT 1 FROM models m WHERE m.id = up.model_id) AS model_exists
    FROM up LEFT JOIN prediction_events p ON p.model_id = up.model_id AND p.id = up.prediction_id`);

  const joined = changed.filter((c) => c.matched);
  if (joined.length > 0) {
    const models = [...new Set(joined.map((c) => c.model_id))];
    const ctxs = contexts ?? (await modelContexts(tx, models));
    for (const c of joined) {
      const ctx = ctxs.get(c.model_id);
      if (!ctx) {
        // An event left by a model deleted while it was written (stored before writes re-checked their model):
        // no rollups to count into.
        if (!c.model_exists) continue;
        // The model exists (and stays: we hold its lock), so the contexts were read before a concurrent first
        // batch registered it: read them again.
        invalidateModelContext(c.model_id);
        throw new StaleContextError([c.model_id]);
      }
      const p = { model: c.model_id, version: c.version!, ts: c.ts!, segments: c.segments, prediction: c.prediction, probabilities: c.probabilities, errorType: c.error_type };
      if (c.was_stored) batch.addLabel(p, c.prev_actual, ctx, -1);
      batch.addLabel(p, c.actual, ctx, 1);
    }
  }
  return {
    accepted: changed.length,
    matched: joined.length,
    pending: changed.length - joined.length,
    updated: changed.filter((c) => c.was_stored).length,
    duplicates: rows.length - changed.length,
  };
}

export type LabelIngestResult = LabelUpsertResult & { rejected: Rejection[] };

/** Validates label items one by one and stores the valid ones; invalid ones are reported with their reasons. */
export async function ingestLabels(items: RawItem[]): Promise<LabelIngestResult> {
  const rejected: Rejection[] = [];
  const rows: LabelRow[] = [];
  const receivedAt = new Date();
  const horizon = await retentionHorizon(receivedAt);
  for (const item of items) {
    if (item.parseError) {
      rejected.push(rejection(item));
      continue;
    }
    const parsed = labelEvent.safeParse(item.value);
    if (!parsed.success) {
      rejected.push(rejection(item, parsed.error));
      continue;
    }
    const l = parsed.data;
    // A label dated before the horizon is for a prediction older still, whose raw row is gone or going.
    if (horizon !== null && l.timestamp !== undefined && l.timestamp.getTime() < horizon.getTime()) {
      rejected.push(outsideRetention(item, horizon));
      continue;
    }
    rows.push({ model: l.model, id: l.id, actual: l.actual, ts: l.timestamp ?? receivedAt });
  }
  if (rows.length === 0) return { accepted: 0, matched: 0, pending: 0, updated: 0, duplicates: 0, rejected };
  const models = [...new Set(rows.map((r) => r.model))];
  const result = await withRetry(async () => {
    // Read before the transaction (usually from the cache), so that the lock is held for the writes only.
    const ctxs = await modelContexts(rawRunner, models);
    return rawTransaction(async (tx) => {
      const batch = new RollupBatch();
      const res = await upsertLabels(tx, rows, batch, ctxs);
      await writeRollups(tx, batch);
      return res;
    }, lockModelsSql(models, "exclusive"));
  });
  return { ...result, rejected };
}
