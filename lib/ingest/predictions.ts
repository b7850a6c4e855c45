import crypto from "node:crypto";
import { Prisma, type Db, getDb } from "../db";
import { zodIssues } from "../errors";
import type { RawItem } from "./body";
import { modelContexts } from "../rollups/context";
import { RollupBatch } from "../rollups/deltas";
import { lockModels, writeRollups } from "../rollups/write";
import { upsertLabels, type LabelRow } from "./labels";
import { registerFromEvents, type RegistrySample } from "./registry";
import { withRetry } from "./retry";
import { predictionEvent, type Rejection } from "./schemas";

export type PredictionIngestResult = { accepted: number; duplicates: number; rejected: Rejection[] };

/** A validated event in the shape of its table row. */
type EventRow = RegistrySample & {
  id: string;
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

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** Validates each item on its own; the valid ones become rows, the rest rejections with path and reason. */
export function validatePredictions(items: RawItem[], receivedAt: Date): { rows: EventRow[]; rejected: Rejection[] } {
  const rows: EventRow[] = [];
  const rejected: Rejection[] = [];
  for (const item of items) {
    if (item.parseError) {
      rejected.push({ index: item.index, line: item.line, errors: [{ path: "", message: item.parseError }] });
      continue;
    }
    const parsed = predictionEvent.safeParse(item.value);
    if (!parsed.success) {
      const id = (item.value as { id?: unknown } | null)?.id;
      rejected.push({
        index: item.index,
        ...(item.line === undefined ? {} : { line: item.line }),
        ...(typeof id === "string" || typeof id === "number" ? { id: String(id) } : {}),
        errors: zodIssues(parsed.error),
      });
      continue;
    }
    const e = parsed.data;
    const ts = e.timestamp ?? receivedAt;
    rows.push({
      model: e.model,
      id: e.id ?? timeOrderedId(ts.getTime()),
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
    });
  }
  return { rows, rejected };
}

/**
 * Inserts events in one statement (unnest of column arrays), skipping keys already stored, and records each
 * version's first-seen time. Rows go in key order so concurrent batches with overlapping ids lock in the same
 * order and cannot deadlock; the loser of a race simply finds the key taken and counts a duplicate.
 */
export async function insertEvents(tx: Prisma.TransactionClient, rows: EventRow[]): Promise<{ model_id: string; id: string }[]> {
  const sorted = [...rows].sort((a, b) =>
    a.model < b.model ? -1 : a.model > b.model ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const col = <T>(f: (r: EventRow) => T) => sorted.map(f);
  return tx.$queryRaw<{ model_id: string; id: string }[]>(Prisma.sql`
    WITH input AS (
      SELECT * FROM unnest(
        ${col((r) => r.model)}::text[], ${col((r) => r.id)}::text[], ${col((r) => r.version)}::text[],
        ${col((r) => r.ts.toISOString())}::text[], ${col((r) => JSON.stringify(r.features))}::text[],
        ${col((r) => json(r.prediction))}::text[], ${col((r) => json(r.probabilities))}::text[],
        ${col((r) => r.confidence)}::float8[], ${col((r) => r.latencyMs)}::float8[],
        ${col((r) => r.errorType)}::text[], ${col((r) => r.errorMessage)}::text[], ${col((r) => json(r.segments))}::text[]
      ) WITH ORDINALITY AS t(model_id, id, version, ts, features, prediction, probabilities, confidence, latency_ms,
                              error_type, error_message, segments, ord)
    ), ins AS (
      INSERT INTO prediction_events (model_id, id, version, ts, features, prediction, probabilities, confidence,
                                     latency_ms, error_type, error_message, segments)
      SELECT model_id, id, version, ts::timestamptz, features::jsonb, prediction::jsonb, probabilities::jsonb,
             confidence, latency_ms, error_type, error_message, segments::jsonb
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
    )
    SELECT model_id, id FROM ins`);
}

/** Labels that arrived before these newly stored predictions and wait for them. */
async function waitingLabels(tx: Prisma.TransactionClient, keys: { model_id: string; id: string }[]) {
  return tx.$queryRaw<{ model_id: string; prediction_id: string; actual: unknown }[]>(Prisma.sql`
    SELECT l.model_id, l.prediction_id, l.actual
    FROM unnest(${keys.map((k) => k.model_id)}::text[], ${keys.map((k) => k.id)}::text[]) AS k(model_id, id)
    JOIN labels l ON l.model_id = k.model_id AND l.prediction_id = k.id`);
}

/**
 * Stores events and everything derived from them in one transaction: the events (duplicates skipped), their
 * rollups, the labels that were waiting for them, and inline labels. Returns how many events were new.
 */
async function storeEvents(tx: Prisma.TransactionClient, rows: EventRow[], labels: LabelRow[]): Promise<number> {
  const models = [...new Set(rows.map((r) => r.model))];
  // Inline labels may update labels of stored predictions: that needs the models' exclusive lock.
  await lockModels(tx, models, labels.length > 0 ? "exclusive" : "shared");
  const inserted = await insertEvents(tx, rows);
  const batch = new RollupBatch();
  if (inserted.length > 0) {
    const ctxs = await modelContexts(tx, models);
    // The first of two events sharing an id in one batch is the one stored (insertEvents sorts stably).
    const byKey = new Map<string, EventRow>();
    for (const r of rows) if (!byKey.has(`${r.model}\u0000${r.id}`)) byKey.set(`${r.model}\u0000${r.id}`, r);
    const stored = inserted.map((k) => byKey.get(`${k.model_id}\u0000${k.id}`)!);
    for (const e of stored) {
      const ctx = ctxs.get(e.model);
      if (ctx) batch.addEvent({ ...e, prediction: e.prediction ?? null }, ctx);
    }
    for (const l of await waitingLabels(tx, inserted)) {
      const e = byKey.get(`${l.model_id}\u0000${l.prediction_id}`)!;
      const ctx = ctxs.get(e.model);
      if (ctx) batch.addLabel({ ...e, prediction: e.prediction ?? null }, l.actual, ctx, 1);
    }
  }
  if (labels.length > 0) await upsertLabels(tx, labels, batch);
  await writeRollups(tx, batch);
  return inserted.length;
}

/** The write path of POST /api/v1/predictions: validate, register, store, join inline labels; all or nothing per request. */
export async function ingestPredictions(items: RawItem[], db: Db = getDb()): Promise<PredictionIngestResult> {
  const receivedAt = new Date();
  const { rows, rejected } = validatePredictions(items, receivedAt);
  if (rows.length === 0) return { accepted: 0, duplicates: 0, rejected };
  await withRetry(() => registerFromEvents(db, rows));
  const labels: LabelRow[] = rows
    .filter((r) => r.label !== undefined)
    .map((r) => ({ model: r.model, id: r.id, actual: r.label!, ts: r.ts }));
  const accepted = await withRetry(() =>
    db.$transaction((tx) => storeEvents(tx, rows, labels), { timeout: 120_000, maxWait: 60_000 }),
  );
  return { accepted, duplicates: rows.length - accepted, rejected };
}
