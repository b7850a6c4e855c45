import { Prisma, type Db, getDb } from "../db";
import { zodIssues } from "../errors";
import type { RawItem } from "./body";
import { labelEvent, type Rejection } from "./schemas";
import { withRetry } from "./retry";

type Tx = Prisma.TransactionClient;

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
 * Stores labels in one set-based pass. A label replaces the stored one for its prediction when its time is the
 * same or newer and its value differs; resending a label changes nothing. Rows are written in key order, so
 * concurrent writers of the same labels lock them in one order and never deadlock.
 */
export async function upsertLabels(tx: Tx, rows: LabelRow[]): Promise<LabelUpsertResult> {
  // Within one batch the newest label per prediction wins (ties: the later one in the batch).
  const latest = new Map<string, LabelRow>();
  for (const r of rows) {
    const key = `${r.model}\u0000${r.id}`;
    const prev = latest.get(key);
    if (!prev || r.ts.getTime() >= prev.ts.getTime()) latest.set(key, r);
  }
  const batch = [...latest.values()].sort((a, b) =>
    a.model < b.model ? -1 : a.model > b.model ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const models = batch.map((r) => r.model);
  const ids = batch.map((r) => r.id);
  const actuals = batch.map((r) => JSON.stringify(r.actual));
  const times = batch.map((r) => r.ts.toISOString());

  const changed = await tx.$queryRaw<{ model_id: string; prediction_id: string; was_stored: boolean; matched: boolean }[]>(
    Prisma.sql`
    WITH input AS (
      SELECT * FROM unnest(${models}::text[], ${ids}::text[], ${actuals}::text[], ${times}::text[])
        WITH ORDINALITY AS t(model_id, prediction_id, actual, ts, ord)
    ), old AS (
      SELECT l.model_id, l.prediction_id FROM labels l JOIN input i USING (model_id, prediction_id)
    ), up AS (
      INSERT INTO labels AS l (model_id, prediction_id, actual, ts)
      SELECT model_id, prediction_id, actual::jsonb, ts::timestamptz FROM input ORDER BY ord
      ON CONFLICT (model_id, prediction_id) DO UPDATE
        SET actual = EXCLUDED.actual, ts = EXCLUDED.ts, received_at = now(), revision = l.revision + 1
        WHERE EXCLUDED.ts >= l.ts AND l.actual IS DISTINCT FROM EXCLUDED.actual
      RETURNING l.model_id, l.prediction_id
    )
    SELECT up.model_id, up.prediction_id,
           EXISTS (SELECT 1 FROM old o WHERE o.model_id = up.model_id AND o.prediction_id = up.prediction_id) AS was_stored,
           EXISTS (SELECT 1 FROM prediction_events p WHERE p.model_id = up.model_id AND p.id = up.prediction_id) AS matched
    FROM up`,
  );
  const matched = changed.filter((c) => c.matched).length;
  return {
    accepted: changed.length,
    matched,
    pending: changed.length - matched,
    updated: changed.filter((c) => c.was_stored).length,
    duplicates: batch.length - changed.length + (rows.length - batch.length),
  };
}

export type LabelIngestResult = LabelUpsertResult & { rejected: Rejection[] };

/** Validates label items one by one and stores the valid ones; invalid ones are reported with their reasons. */
export async function ingestLabels(items: RawItem[], db: Db = getDb()): Promise<LabelIngestResult> {
  const rejected: Rejection[] = [];
  const rows: LabelRow[] = [];
  const receivedAt = new Date();
  for (const item of items) {
    if (item.parseError) {
      rejected.push({ index: item.index, line: item.line, errors: [{ path: "", message: item.parseError }] });
      continue;
    }
    const parsed = labelEvent.safeParse(item.value);
    if (!parsed.success) {
      const id = (item.value as { id?: unknown } | null)?.id;
      rejected.push({
        index: item.index,
        line: item.line,
        ...(typeof id === "string" || typeof id === "number" ? { id: String(id) } : {}),
        errors: zodIssues(parsed.error),
      });
      continue;
    }
    const l = parsed.data;
    rows.push({ model: l.model, id: l.id, actual: l.actual, ts: l.timestamp ?? receivedAt });
  }
  const empty: LabelUpsertResult = { accepted: 0, matched: 0, pending: 0, updated: 0, duplicates: 0 };
  const result =
    rows.length === 0
      ? empty
      : await withRetry(() => db.$transaction((tx) => upsertLabels(tx, rows), { timeout: 120_000, maxWait: 60_000 }));
  return { ...result, rejected };
}
