import crypto from "node:crypto";
import { getDb, Prisma, rawQuery, rawTransaction, type SqlTx } from "../db";
import type { RawItem } from "./body";
import { invalidateModelContext, modelContexts, type ModelContext } from "../rollups/context";
import { RollupBatch } from "../rollups/deltas";
import { type AnyTx, lockModelsSql, runSql, writeRollups } from "../rollups/write";
import { upsertLabels, type LabelRow } from "./labels";
import { registerFromEvents, type RegistrySample } from "./registry";
import { StaleContextError, withRetry } from "./retry";
import { fastPredictionEvent } from "./fastEvent";
import { compareKeys, wellFormed } from "./keys";
import { predictionEvent, rejection, type PredictionEventInput, type Rejection } from "./schemas";

export type PredictionIngestResult = { accepted: number; duplicates: number; rejected: Rejection[] };

/** A validated event in the shape of its table row. */
export type EventRow = RegistrySample & {
  id: string;
  prediction: string | number | boolean | null;
  version: string;
  ts: Date;
  confidence: number | null;
  latencyMs: number | null;
  errorType: string | null;
  errorMessage: string | null;
  segments: Record<string, string | number | boolean> | null;
};

/**
 * A time-ordered id (UUIDv7 layout: 48-bit milliseconds, then random bits) for events sent without one, so
 * generated keys land at the right edge of the primary-key index. Such events cannot be deduplicated on retry.
 */
export function timeOrderedId(ms: number): string {
  const b = crypto.randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The raw executor outside a transaction (registration). */
const rawRunner: SqlTx = { query: rawQuery };

/** The table row of a parsed event; events sent without an id get a time-ordered one from `newId`. */
export function eventRow(e: PredictionEventInput, receivedAt: Date, newId: (ms: number) => string = timeOrderedId): EventRow {
  const ts = e.timestamp ?? receivedAt;
  return {
    model: e.model,
    id: e.id ?? newId(ts.getTime()),
    version: e.version ?? "default",
    ts,
    features: e.features,
    prediction: e.prediction ?? null,
    probabilities: e.probabilities,
    // With probabilities and no explicit confidence, the confidence is the top class's probability.
    confidence: e.confidence ?? (e.probabilities ? Math.max(...Object.values(e.probabilities)) : null),
    latencyMs: e.latencyMs ?? null,
    errorType: e.error?.type ?? null,
    errorMessage: e.error?.message ?? null,
    segments: e.segments ?? null,
    label: e.label,
  };
}

/**
 * Validates each item on its own; the valid ones become rows, the rest rejections with path and reason. A fast
 * check takes the common valid event; whatever it is not sure of goes through the zod schema.
 */
export function validatePredictions(items: RawItem[], receivedAt: Date): { rows: EventRow[]; rejected: Rejection[] } {
  const rows: EventRow[] = [];
  const rejected: Rejection[] = [];
  for (const item of items) {
    if (item.parseError) {
      rejected.push(rejection(item));
      continue;
    }
    const fast = fastPredictionEvent(item.value);
    if (fast) {
      rows.push(eventRow(fast, receivedAt));
      continue;
    }
    const parsed = predictionEvent.safeParse(item.value);
    if (!parsed.success) {
      rejected.push(rejection(item, parsed.error));
      continue;
    }
    rows.push(eventRow(parsed.data, receivedAt));
  }
  return { rows, rejected };
}

/** A row as sent to jsonb_to_recordset (short keys; undefined fields are left out, i.e. NULL). */
type JsonRow = {
  m: string; i: string; v: string; t: string; f: unknown; p?: unknown; pr?: unknown; c?: number; l?: number; et?: string; em?: string; s?: unknown;
};


/**
 * Inserts events in one statement (the batch as one JSON parameter, unpacked by jsonb_to_recordset: parsed once,
 * where json_to_recordset would parse every jsonb column again), skipping keys already stored, records each
 * version's first-seen time, and returns the stored rows' positions plus the labels that were waiting for them. Rows go in key order so concurrent batches with overlapping ids lock in the same
 * order and cannot deadlock; the loser of a race simply finds the key taken and counts a duplicate. The caller
 * holds the models' lock, so the statement's snapshot already sees every label committed before it.
 * `rows` must be sorted by (model, id) without repeated keys.
 */
export async function insertEvents(
  tx: AnyTx,
  rows: EventRow[],
): Promise<{ inserted: number[]; waiting: [number, unknown][]; references: Record<string, string> }> {
  const json: JsonRow[] = new Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const j: JsonRow = { m: r.model, i: wellFormed(r.id), v: wellFormed(r.version), t: r.ts.toISOString(), f: r.features };
    if (r.prediction !== null && r.prediction !== undefined) j.p = r.prediction;
    if (r.probabilities !== undefined) j.pr = r.probabilities;
    if (r.confidence !== null) j.c = r.confidence;
    if (r.latencyMs !== null) j.l = r.latencyMs;
    if (r.errorType !== null) j.et = wellFormed(r.errorType);
    if (r.errorMessage !== null) j.em = wellFormed(r.errorMessage);
    if (r.segments !== null) j.s = r.segments;
    json[k] = j;
  }
  const [res] = await runSql<{ inserted: string | null; waiting: [number, unknown][] | null; refs: Record<string, string> | null }>(tx, Prisma.sql`
    WITH input AS (
      SELECT * FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(json)}::text::jsonb) AS (
        m text, i text, v text, t timestamptz, f jsonb, p jsonb, pr jsonb, c float8, l float8, et text, em text, s jsonb
      )) WITH ORDINALITY AS t(m, i, v, t, f, p, pr, c, l, et, em, s, ord)
    ), ins AS (
      INSERT INTO prediction_events (model_id, id, version, ts, features, prediction, probabilities, confidence,
                                     latency_ms, error_type, error_message, segments)
      SELECT m, i, v, t, f, p, pr, c, l, et, em, s
      FROM input ORDER BY ord
      ON CONFLICT (model_id, id) DO NOTHING
      RETURNING model_id, id, version, ts
    ), first_seen AS (
      SELECT model_id, version, min(ts) AS ts FROM ins GROUP BY model_id, version
    ), new_versions AS (
      INSERT INTO model_versions (model_id, version, first_seen)
      SELECT model_id, version, ts FROM first_seen ORDER BY model_id, version
      ON CONFLICT (model_id, version) DO NOTHING
    ), earlier_versions AS (
      -- A backfill older than the recorded first sighting moves it back. A plain UPDATE whose WHERE fails takes
      -- no lock, unlike ON CONFLICT DO UPDATE, so concurrent writers of one version do not queue on its row.
      UPDATE model_versions v SET first_seen = f.ts FROM first_seen f
      WHERE v.model_id = f.model_id AND v.version = f.version AND v.first_seen > f.ts
    ), stored AS (
      SELECT input.ord FROM ins JOIN input ON input.m = ins.model_id AND input.i = ins.id
    )
    SELECT (SELECT string_agg((ord - 1)::text, ',' ORDER BY ord) FROM stored) AS inserted,
           (SELECT json_agg(json_build_array(s.ord - 1, l.actual) ORDER BY s.ord)
              FROM stored s JOIN input ON input.ord = s.ord
              JOIN labels l ON l.model_id = input.m AND l.prediction_id = input.i) AS waiting,
           -- each model's current reference, by the rule of lib/rollups/context.ts, to check the context's bins
           (SELECT json_object_agg(model_id, id::text) FROM (
              SELECT DISTINCT ON (model_id) model_id, id FROM reference_sets
              WHERE model_id IN (SELECT DISTINCT m FROM input) AND status = 'ready' AND profile IS NOT NULL
              ORDER BY model_id, (version = '') DESC, created_at DESC) r) AS refs`);
  const inserted = res.inserted === null ? [] : res.inserted.split(",").map(Number);
  return { inserted, waiting: res.waiting ?? [], references: res.refs ?? {} };
}


/**
 * Stores events and everything derived from them in one transaction: the events (duplicates skipped), their
 * rollups, the labels that were waiting for them, and inline labels. Returns how many events were new.
 * `unique` is the batch sorted by key with repeated keys dropped (the first of them is the one stored).
 */
async function storeEvents(tx: AnyTx, unique: EventRow[], labels: LabelRow[], ctxs: Map<string, ModelContext>): Promise<number> {
  const { inserted, waiting, references } = await insertEvents(tx, unique);
  // A reference published after the contexts were loaded (it waited for our lock, so it committed before the
  // statement began) re-binned the rollups: counting on the old bins now would miss the new reference's rows.
  const stale = [...ctxs.values()].filter((c) => String(c.referenceId) !== (references[c.id] ?? "0")).map((c) => c.id);
  if (stale.length > 0) {
    for (const m of stale) invalidateModelContext(m);
    throw new StaleContextError(stale);
  }
  const batch = new RollupBatch();
  for (const k of inserted) {
    const e = unique[k];
    const ctx = ctxs.get(e.model);
    if (ctx) batch.addEvent(e, ctx);
  }
  for (const [k, actual] of waiting) {
    const e = unique[k];
    const ctx = ctxs.get(e.model);
    if (ctx) batch.addLabel(e, actual, ctx, 1);
  }
  if (labels.length > 0) await upsertLabels(tx, labels, batch, ctxs);
  await writeRollups(tx, batch);
  return inserted.length;
}

/** The write path of POST /api/v1/predictions: validate, register, store, join inline labels; all or nothing per request. */
export async function ingestPredictions(items: RawItem[]): Promise<PredictionIngestResult> {
  const receivedAt = new Date();
  const { rows, rejected } = validatePredictions(items, receivedAt);
  if (rows.length === 0) return { accepted: 0, duplicates: 0, rejected };
  await withRetry(() => registerFromEvents(rawRunner, rows));
  const labels: LabelRow[] = [];
  for (const r of rows) if (r.label !== undefined) labels.push({ model: r.model, id: r.id, actual: r.label, ts: r.ts });
  // Sorted by key (stably: of two events sharing a key the first is kept, as ON CONFLICT would keep it).
  const sorted = rows.slice().sort(compareKeys);
  const unique: EventRow[] = [];
  for (const r of sorted) {
    const last = unique[unique.length - 1];
    if (!last || last.model !== r.model || last.id !== r.id) unique.push(r);
  }
  const models = [...new Set(unique.map((r) => r.model))];
  // Inline labels may update labels of stored predictions: that needs the models' exclusive lock.
  const lock = lockModelsSql(models, labels.length > 0 ? "exclusive" : "shared");
  const accepted = await withRetry(async () => {
    // Read before the transaction (usually from the cache): on PGlite a Prisma query cannot run inside it.
    const ctxs = await modelContexts(getDb(), models);
    return rawTransaction((tx) => storeEvents(tx, unique, labels, ctxs), lock);
  });
  return { accepted, duplicates: rows.length - accepted, rejected };
}
