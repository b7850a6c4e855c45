import crypto from "node:crypto";
import { Prisma, rawQuery, rawRunner, rawTransaction, type SqlTx } from "../db/client";
import { parseBatch, type BodyKind, type RawItem } from "../http/body";
import { config } from "../config";
import type { ModelContext } from "../rollups/context";
import { invalidateModelContext, modelContexts } from "../rollups/store/contexts";
import { RollupBatch } from "../rollups/batch";
import { lockModelsSql, writeRollups } from "../rollups/store/write";
import { copyField, copyJson, copyText } from "../db/copy";
import { layoutIds, layoutSignature, layoutValues } from "../db/featureLayouts";
import { upsertLabels, type LabelRow } from "./labels";
import { registerFromEvents, type RegistrySample, type UnregisteredFeatures } from "./registry";
import { LayoutGoneError, PartitionGoneError, StaleContextError, withRetry } from "./retry";
import { dayOf, ensureEventPartitions, forgetEventPartitions, isMissingPartition } from "../retention/partitions";
import { retentionHorizon } from "../retention/horizon";
import { fastPredictionEvent } from "./fastEvent";
import { compareKeys } from "./keys";
import { outsideRetention, predictionEvent, rejection, type PredictionEventInput, type Rejection } from "./schemas";

export type PredictionIngestResult = {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
  /** per model, feature names its events carried beyond DRIFTWATCH_MAX_FEATURES_PER_MODEL (present only then) */
  unregisteredFeatures?: UnregisteredFeatures;
};

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
  /** sent with an id but no timestamp: stamped with the receive time, so a retry is found by id (adoptStoredTimes) */
  untimed?: true;
  /** the id of the features' key list in feature_layouts (assignLayouts), needed to store the row */
  layoutId?: number;
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

/** The largest of the probabilities, null when there are none. */
function topProbability(probabilities: Record<string, number> | undefined): number | null {
  let top: number | null = null;
  for (const k in probabilities) if (top === null || probabilities[k] > top) top = probabilities[k];
  return top;
}

/** The table row of a parsed event; events sent without an id get a time-ordered one from `newId`. */
export function eventRow(e: PredictionEventInput, receivedAt: Date, newId: (ms: number) => string = timeOrderedId): EventRow {
  const ts = e.timestamp ?? receivedAt;
  const row: EventRow = {
    model: e.model,
    id: e.id ?? newId(ts.getTime()),
    version: e.version ?? "default",
    ts,
    features: e.features,
    prediction: e.prediction ?? null,
    probabilities: e.probabilities,
    // With probabilities and no explicit confidence, the confidence is the top class's probability (none for {}).
    confidence: e.confidence ?? topProbability(e.probabilities),
    latencyMs: e.latencyMs ?? null,
    errorType: e.error?.type ?? null,
    errorMessage: e.error?.message ?? null,
    segments: e.segments ?? null,
    label: e.label,
  };
  if (e.timestamp === undefined && e.id !== undefined) row.untimed = true;
  return row;
}

/**
 * Validates each item on its own; the valid ones become rows, the rest rejections with path and reason. A fast
 * check takes the common valid event; whatever it is not sure of goes through the zod schema. Events older than
 * `horizon` (the retention's cut, when one is set) are rejected with `event_outside_retention`.
 */
export function validatePredictions(items: RawItem[], receivedAt: Date, horizon: Date | null = null): { rows: EventRow[]; rejected: Rejection[] } {
  const rows: EventRow[] = [];
  const rejected: Rejection[] = [];
  const now = Date.now();
  for (const item of items) {
    if (item.parseError) {
      rejected.push(rejection(item));
      continue;
    }
    const fast = fastPredictionEvent(item.value, now);
    let row: EventRow;
    if (fast) row = eventRow(fast, receivedAt);
    else {
      const parsed = predictionEvent.safeParse(item.value);
      if (!parsed.success) {
        rejected.push(rejection(item, parsed.error));
        continue;
      }
      row = eventRow(parsed.data, receivedAt);
    }
    if (horizon !== null && row.ts.getTime() < horizon.getTime()) rejected.push(outsideRetention(item, horizon));
    else rows.push(row);
  }
  return { rows, rejected };
}

/** A row as sent to jsonb_to_recordset (short keys; undefined fields are left out, i.e. NULL; `f` the values' JSON text). */
type JsonRow = {
  m: string; i: string; v: string; t: string; lo: number; f: string; p?: unknown; pr?: unknown; c?: number; l?: number; et?: string; em?: string; s?: unknown;
};

export const EVENT_COLUMNS = "model_id, id, version, ts, layout_id, feature_values, prediction, probabilities, confidence, latency_ms, error_type, error_message, segments";
const COPY_EVENTS = `COPY prediction_events (${EVENT_COLUMNS}) FROM STDIN`;

const numberField = (v: number | null) => (v === null ? "\\N" : String(v));

/** The layout id assignLayouts gave a row. */
function layoutOf(r: EventRow): number {
  if (r.layoutId === undefined) throw new Error("an event row without its feature layout (assignLayouts first)");
  return r.layoutId;
}

/** Whether `o`'s own keys are `keys`, in that order (for…in walks a plain object's keys in Object.keys order). */
function sameKeys(keys: string[], o: Record<string, unknown>): boolean {
  let i = 0;
  for (const k in o) if (keys[i++] !== k) return false;
  return i === keys.length;
}

/** Layout ids by signature, as this process found or made them (checked again by each write: afterInsert). */
const knownLayouts = new Map<string, number>();

/**
 * Gives each row the id of its features' layout (feature_layouts), making new layouts in one statement outside
 * any transaction. Layouts this process has seen are cached; each write checks the ones it used (afterInsert), and
 * a stale cache (a database restored or replaced under the process) is dropped and the write retried.
 */
export async function assignLayouts(rows: EventRow[], query: (sql: Prisma.Sql) => Promise<{ id: number; keys: string }[]> = rawQuery): Promise<void> {
  const signatures = new Array<string>(rows.length);
  const missing = new Set<string>();
  // Events of one batch nearly always share their keys: a row whose keys are the previous row's, in the same order,
  // takes its signature without building a new one.
  let keys: string[] = [];
  let signature = "";
  for (let k = 0; k < rows.length; k++) {
    const features = rows[k].features;
    if (k === 0 || !sameKeys(keys, features)) {
      keys = Object.keys(features);
      signature = layoutSignature(features);
      if (!knownLayouts.has(signature)) missing.add(signature);
    }
    signatures[k] = signature;
  }
  if (missing.size > 0) for (const [s, id] of await layoutIds(query, [...missing])) knownLayouts.set(s, id);
  for (let k = 0; k < rows.length; k++) rows[k].layoutId = knownLayouts.get(signatures[k])!;
}

/** One row as a COPY line for EVENT_COLUMNS (its layout assigned: assignLayouts). */
const eventCopyLine = (r: EventRow) =>
  `${r.model}\t${copyField(r.id)}\t${copyField(r.version)}\t${r.ts.toISOString()}\t${layoutOf(r)}\t${copyJson(layoutValues(r.features))}\t${copyJson(r.prediction)}\t${copyJson(r.probabilities)}\t${numberField(r.confidence)}\t${numberField(r.latencyMs)}\t${copyField(r.errorType)}\t${copyField(r.errorMessage)}\t${copyJson(r.segments)}\n`;

/** The rows as COPY text for EVENT_COLUMNS, one line each, in order (their layouts assigned: assignLayouts). */
export function eventsCopyText(rows: EventRow[]): string {
  let text = "";
  for (const r of rows) text += eventCopyLine(r);
  return text;
}

/** Rows per chunk of eventsCopyChunks: ~50 kB, small enough that the server starts on a batch's first rows early. */
const COPY_CHUNK_ROWS = 128;

/**
 * The same lines as UTF-8 bytes, `COPY_CHUNK_ROWS` rows a chunk, each chunk made only when the one before has
 * been sent (lib/db/copy.ts copyIn), so the server stores the first rows while the rest are being written. Each
 * line is written into the chunk's buffer as it is made (copyText), without flattening and then encoding one
 * string of a thousand lines.
 */
export function* eventsCopyChunks(rows: EventRow[]): Generator<Buffer> {
  for (let start = 0; start < rows.length; start += COPY_CHUNK_ROWS) {
    const end = Math.min(rows.length, start + COPY_CHUNK_ROWS);
    const out = copyText((end - start) * 256);
    for (let k = start; k < end; k++) out.line(eventCopyLine(rows[k]));
    yield out.bytes();
  }
}

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === "23505";

/**
 * Stores every row with one COPY, the cheapest way in for rows (see lib/db/copy.ts), or nothing at all when one of
 * their keys is stored already: COPY cannot skip a row, so a batch holding a retried event fails its savepoint
 * and goes through insertNewEvents instead. Rows go in key order, so concurrent batches with overlapping keys
 * wait for each other in the same order and cannot deadlock. PostgreSQL only: false on the embedded database.
 * `savepointTaken`: the transaction's first statement already took the savepoint (see ingestPredictions).
 */
async function copyEvents(tx: SqlTx, rows: EventRow[], savepointTaken: boolean): Promise<boolean> {
  if (!tx.copyFrom) return false;
  if (!savepointTaken) await tx.query("SAVEPOINT copy_events");
  try {
    await tx.copyFrom(COPY_EVENTS, eventsCopyChunks(rows));
    return true;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await tx.query("ROLLBACK TO SAVEPOINT copy_events");
    return false;
  }
}

/**
 * Inserts the rows whose keys are not stored yet, in one statement (the batch as one JSON parameter, unpacked by
 * jsonb_to_recordset), and returns the positions of those it stored. Rows go in key order (see copyEvents); the
 * loser of a race simply finds the key taken and counts a duplicate.
 */
async function insertNewEvents(tx: SqlTx, rows: EventRow[]): Promise<number[]> {
  const json: JsonRow[] = new Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const j: JsonRow = { m: r.model, i: r.id, v: r.version, t: r.ts.toISOString(), lo: layoutOf(r), f: JSON.stringify(layoutValues(r.features)) };
    if (r.prediction !== null && r.prediction !== undefined) j.p = r.prediction;
    if (r.probabilities !== undefined) j.pr = r.probabilities;
    if (r.confidence !== null) j.c = r.confidence;
    if (r.latencyMs !== null) j.l = r.latencyMs;
    if (r.errorType !== null) j.et = r.errorType;
    if (r.errorMessage !== null) j.em = r.errorMessage;
    if (r.segments !== null) j.s = r.segments;
    json[k] = j;
  }
  const [res] = await tx.query<{ inserted: string | null }>(Prisma.sql`
    WITH input AS (
      SELECT * FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(json)}::text::jsonb) AS (
        m text, i text, v text, t timestamptz, lo int4, f text, p jsonb, pr jsonb, c float8, l float8, et text, em text, s jsonb
      )) WITH ORDINALITY AS t(m, i, v, t, lo, f, p, pr, c, l, et, em, s, ord)
    ), ins AS (
      INSERT INTO prediction_events (${Prisma.raw(EVENT_COLUMNS)})
      SELECT m, i, v, t, lo, f::json, p, pr, c, l, et, em, s
      FROM input ORDER BY ord
      ON CONFLICT (model_id, id, ts) DO NOTHING
      RETURNING model_id, id
    )
    SELECT string_agg((input.ord - 1)::text, ',' ORDER BY input.ord) AS inserted
    FROM ins JOIN input ON input.m = ins.model_id AND input.i = ins.id`, { name: "dw_insert_new_events" });
  return res.inserted === null ? [] : res.inserted.split(",").map(Number);
}

/**
 * What follows storing the rows at `inserted`: each version's first-seen time is recorded (or moved back by a
 * backfill), and the labels that were waiting for these predictions and the current reference of each of
 * `models` are returned. The caller holds the models' lock, so the statement's snapshot sees every label committed before it.
 */
async function afterInsert(
  tx: SqlTx,
  rows: EventRow[],
  inserted: number[],
  models: string[],
): Promise<{ waiting: [number, unknown][]; references: Record<string, string>; present: Set<string> }> {
  // the layouts the rows were written with, to check they are stored as this process knows them
  const layouts = new Map<number, string>();
  for (const r of rows) if (!layouts.has(layoutOf(r))) layouts.set(layoutOf(r), layoutSignature(r.features));
  const firstSeen = new Map<string, { m: string; v: string; t: number }>();
  const keys: [string, string][] = new Array(inserted.length);
  for (let k = 0; k < inserted.length; k++) {
    const r = rows[inserted[k]];
    keys[k] = [r.model, r.id];
    const fs = `${r.model}\u0000${r.version}`;
    const seen = firstSeen.get(fs);
    if (!seen) firstSeen.set(fs, { m: r.model, v: r.version, t: r.ts.getTime() });
    else if (r.ts.getTime() < seen.t) seen.t = r.ts.getTime();
  }
  const versions = [...firstSeen.values()].sort((a, b) => (a.m < b.m ? -1 : a.m > b.m ? 1 : a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  const [res] = await tx.query<{ waiting: [number, unknown][] | null; refs: Record<string, string> | null; present: string[] | null; layouts: number }>(Prisma.sql`
    WITH stored AS (
      SELECT k ->> 0 AS m, k ->> 1 AS i, ord FROM jsonb_array_elements(${JSON.stringify(keys)}::text::jsonb) WITH ORDINALITY AS t(k, ord)
    ), first_seen AS (
      SELECT m AS model_id, v AS version, to_timestamp(t / 1000.0) AS ts
      FROM jsonb_to_recordset(${JSON.stringify(versions)}::text::jsonb) AS (m text, v text, t float8)
    ), new_versions AS (
      INSERT INTO model_versions (model_id, version, first_seen)
      SELECT model_id, version, ts FROM first_seen f
      WHERE EXISTS (SELECT 1 FROM models m WHERE m.id = f.model_id) -- a deleted model: the caller retries (present)
      ON CONFLICT (model_id, version) DO NOTHING
    ), earlier_versions AS (
      -- A backfill older than the recorded first sighting moves it back. A plain UPDATE whose WHERE fails takes
      -- no lock, unlike ON CONFLICT DO UPDATE, so concurrent writers of one version do not queue on its row.
      UPDATE model_versions v SET first_seen = f.ts FROM first_seen f
      WHERE v.model_id = f.model_id AND v.version = f.version AND v.first_seen > f.ts
    )
    SELECT (SELECT json_agg(json_build_array(s.ord - 1, l.actual) ORDER BY s.ord)
              FROM stored s JOIN labels l ON l.model_id = s.m AND l.prediction_id = s.i) AS waiting,
           -- each model's current reference, by the rule of lib/rollups/store/contexts.ts, to check the context's bins
           (SELECT json_object_agg(model_id, id::text) FROM (
              SELECT DISTINCT ON (model_id) model_id, id FROM reference_sets
              WHERE model_id = ANY(${models}::text[]) AND status = 'ready' AND profile IS NOT NULL
              ORDER BY model_id, (version = '') DESC, created_at DESC) r) AS refs,
           -- the models that still exist (a model deleted after this request registered it is registered again)
           (SELECT json_agg(id) FROM models WHERE id = ANY(${models}::text[])) AS present,
           -- the rows' feature layouts as stored (all of them, unless the database changed under this process's cache)
           (SELECT count(*)::int FROM feature_layouts fl
              JOIN unnest(${[...layouts.keys()]}::int[], ${[...layouts.values()]}::text[]) AS u(id, keys) ON fl.id = u.id AND fl.keys::text = u.keys) AS layouts`,
    { name: "dw_after_insert" },
  );
  if (res.layouts !== layouts.size) {
    knownLayouts.clear();
    throw new LayoutGoneError();
  }
  return {
    waiting: (res.waiting ?? []).map(([k, actual]) => [inserted[k], actual]),
    references: res.refs ?? {},
    present: new Set(res.present ?? []),
  };
}

const UNTIMED_WINDOW_MS = 24 * 3_600_000;
const UNTIMED_LOCKS = 64;

/**
 * Events sent with an id but without a timestamp are stamped with the time they arrive, so a retry of one would
 * carry a different time and not meet the stored row's (model, id, ts) key. For those only, the partitions of the
 * last 24 hours are searched for the id (one probe of the key's (model_id, id) prefix per partition), and a stored
 * event's time is taken over, so the insert finds it a duplicate. Concurrent first sends of one id are serialised
 * by one of 64 advisory locks per transaction (taken in order, after the models' locks: no deadlock). A retry of
 * such an event more than 24 hours later is stored again; events with a timestamp need none of this.
 */
async function adoptStoredTimes(tx: SqlTx, rows: EventRow[]): Promise<void> {
  const untimed = rows.filter((r) => r.untimed);
  if (untimed.length === 0) return;
  const buckets = new Set<number>();
  for (const r of untimed) buckets.add(Math.abs(crypto.createHash("sha1").update(`${r.model}\u0000${r.id}`).digest().readInt32BE(0)) % UNTIMED_LOCKS);
  const since = new Date(Math.min(...untimed.map((r) => r.ts.getTime())) - UNTIMED_WINDOW_MS);
  const keys = JSON.stringify(untimed.map((r) => [r.model, r.id]));
  await tx.query(Prisma.sql`
    SELECT count(pg_advisory_xact_lock(72707416, b))::int AS n FROM (SELECT b FROM unnest(${[...buckets].sort((x, y) => x - y)}::int[]) AS b ORDER BY b) s`);
  const found = await tx.query<{ m: string; i: string; ts: Date }>(Prisma.sql`
    SELECT e.model_id AS m, e.id AS i, max(e.ts) AS ts
    FROM jsonb_array_elements(${keys}::text::jsonb) AS k
    JOIN prediction_events e ON e.model_id = k ->> 0 AND e.id = k ->> 1 AND e.ts >= ${since}
    GROUP BY e.model_id, e.id`);
  if (found.length === 0) return;
  const times = new Map(found.map((f) => [`${f.m}\u0000${f.i}`, new Date(f.ts)]));
  for (const r of untimed) {
    const t = times.get(`${r.model}\u0000${r.id}`);
    if (t) r.ts = t;
  }
}

/** The rollups of the rows at `positions` (events of a model without a context are not counted). */
function countEvents(rows: EventRow[], positions: Iterable<number>, ctxs: Map<string, ModelContext>): RollupBatch {
  const batch = new RollupBatch();
  for (const k of positions) {
    const e = rows[k];
    const ctx = ctxs.get(e.model);
    if (ctx) batch.addEvent(e, ctx);
  }
  return batch;
}

/**
 * Stores events and everything derived from them in one transaction: the events (duplicates skipped), their
 * rollups, the labels that were waiting for them, and inline labels. Returns how many events were new.
 * `unique` is the batch sorted by key with repeated keys dropped (the first of them is the one stored).
 */
async function storeEvents(
  tx: SqlTx,
  unique: EventRow[],
  labels: LabelRow[],
  models: string[],
  ctxs: Map<string, ModelContext>,
  savepointTaken: boolean,
): Promise<number> {
  await adoptStoredTimes(tx, unique);
  // The COPY's data is on its way once copyEvents returns (lib/db/copy.ts). While the server stores it, the rows are
  // counted into rollups as if all of them were new, as they nearly always are; should the COPY fail on a stored
  // key, that count is dropped and the rows actually inserted are counted instead. A stale context (below) drops it too.
  const copying = copyEvents(tx, unique, savepointTaken);
  copying.catch(() => {}); // awaited below: this only keeps a throw in the counting from leaving its failure unobserved
  const allNew = tx.copyFrom ? countEvents(unique, unique.keys(), ctxs) : null;
  const copied = await copying;
  const inserted = copied ? unique.map((_, k) => k) : await insertNewEvents(tx, unique);
  // References of every model in the batch, not only of those with new events: a batch of nothing but retried
  // events must still find its contexts current.
  const { waiting, references, present } = await afterInsert(tx, unique, inserted, models);
  // A reference published after the contexts were loaded (it waited for our lock, so it committed before the
  // statement began) re-binned the rollups: counting on the old bins now would miss the new reference's rows.
  // A model deleted since this request registered it (the delete waited for no lock of ours then) must be
  // registered again, or its events would be stored for no model.
  const stale = models.filter((m) => {
    const c = ctxs.get(m);
    return !c || !present.has(m) || String(c.referenceId) !== (references[m] ?? "0");
  });
  if (stale.length > 0) {
    for (const m of stale) invalidateModelContext(m);
    throw new StaleContextError(stale);
  }
  const batch = copied && allNew ? allNew : countEvents(unique, inserted, ctxs);
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
  const { rows, rejected } = validatePredictions(items, receivedAt, await retentionHorizon(receivedAt));
  if (rows.length === 0) return { accepted: 0, duplicates: 0, rejected };
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
  // The COPY's savepoint goes with BEGIN and the locks, a round trip fewer, unless events sent without a timestamp
  // make adoptStoredTimes take advisory locks first (rolling back to a savepoint taken before them would free them).
  const savepointFirst = !unique.some((r) => r.untimed);
  const first = savepointFirst ? `${lock}; SAVEPOINT copy_events` : lock;
  let unregistered: UnregisteredFeatures = {};
  const accepted = await withRetry(async () => {
    // Registered (again, on a retry: the model may have been deleted meanwhile), then the contexts, read before
    // the transaction (usually from the cache).
    unregistered = await registerFromEvents(rawRunner, rows);
    const ctxs = await modelContexts(rawRunner, models);
    // Each day the batch touches needs its partition (usually known to exist: no query).
    const days = new Set<number>();
    for (const r of unique) days.add(dayOf(r.ts.getTime()));
    await ensureEventPartitions(days);
    await assignLayouts(unique);
    try {
      return await rawTransaction((tx) => storeEvents(tx, unique, labels, models, ctxs, savepointFirst), first);
    } catch (err) {
      // A day's partition was dropped since this process last saw it (a retention pass): make it again and retry.
      if (!isMissingPartition(err)) throw err;
      forgetEventPartitions();
      throw new PartitionGoneError();
    }
  });
  const result: PredictionIngestResult = { accepted, duplicates: rows.length - accepted, rejected };
  if (Object.keys(unregistered).length > 0) result.unregisteredFeatures = unregistered;
  return result;
}

/**
 * The answer of POST /api/v1/predictions to a body already read: parsed, stored, and reported. Nothing valid at all
 * is a client error (422); otherwise the valid part was stored and the rest is listed. Runs in the route handler or
 * on an ingest thread (threads/pool.ts), which must answer the same.
 */
export async function answerPredictions(body: Buffer, kind: BodyKind): Promise<Response> {
  const items = parseBatch(body, kind, "events", config().maxBatchEvents);
  const result = await ingestPredictions(items);
  return Response.json(result, { status: result.accepted + result.duplicates === 0 ? 422 : 200 });
}
