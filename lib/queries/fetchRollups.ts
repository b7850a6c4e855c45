import "server-only";
import { getDb, Prisma, rawQuery } from "../db/client";
import { modelContexts } from "../rollups/store/contexts";
import { ALL_SEGMENTS, ALL_VERSIONS, RollupBatch, rollupEvent, type StoredEvent } from "../rollups/batch";
import type { Doc } from "../rollups/documents";
import { ceilMs, DAY, floorMs, HOUR, MINUTE } from "../domain/time";
import type { ReadQuery } from "./params";
import { type FeatureRow, featureRowDocs } from "./featureRowDocs";


export type RollupRow = { bucket: Date; version: string; data: Doc };

/** Version and segment filters on rollup rows (segments are stored as canonical JSON text, "" for none). */
export function rollupFilters(q: ReadQuery): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (q.version !== null) parts.push(Prisma.sql`AND version = ${q.version}`);
  for (const [k, v] of Object.entries(q.segments)) {
    // Only JSON segment keys are cast: "" (no segments) and "*" (all-segments rows) never match a filter.
    parts.push(Prisma.sql`AND (CASE WHEN left(segment, 1) = '{' THEN segment::jsonb ->> ${k} END) = ${v}`);
  }
  return parts.length ? Prisma.join(parts, " ") : Prisma.empty;
}

/** Version and segment filters on raw events (columns unqualified: `version`, `segments`). */
export function eventFilters(q: ReadQuery): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (q.version !== null) parts.push(Prisma.sql`AND version = ${q.version}`);
  for (const [k, v] of Object.entries(q.segments)) parts.push(Prisma.sql`AND (segments ->> ${k}) = ${v}`);
  return parts.length ? Prisma.join(parts, " ") : Prisma.empty;
}

/**
 * The metrics rollup rows that cover the query's range exactly once. A series reads hour rows where its buckets
 * are whole hours and minute rows elsewhere. A single window [from, to) is exact to the millisecond: hour rows for
 * the whole hours inside it, minute rows for the whole minutes around them, and the raw events of the partial
 * minutes at its edges counted by the write path's own code.
 */
export async function fetchMetricRollups(model: string, q: ReadQuery): Promise<RollupRow[]> {
  if (q.stepMs !== null) return storedMetricRows(model, q, floorMs(q.from.getTime(), MINUTE), ceilMs(q.to.getTime(), MINUTE), q.stepMs % HOUR === 0);
  const from = q.from.getTime();
  const to = q.to.getTime();
  const mFrom = ceilMs(from, MINUTE);
  const mTo = floorMs(to, MINUTE);
  if (mFrom >= mTo) return rawMetricRows(model, q, from, to);
  return [
    ...(await storedMetricRows(model, q, mFrom, mTo, true)),
    ...(await rawMetricRows(model, q, from, mFrom)),
    ...(await rawMetricRows(model, q, mTo, to)),
  ];
}

/** Stored rows for the whole minutes [from, to): hour rows for its whole hours when `hourly`, minute rows elsewhere. */
function storedMetricRows(model: string, q: ReadQuery, from: number, to: number, hourly: boolean): Promise<RollupRow[]> {
  // Through the raw executor: these rows are large documents, and Prisma's result mapping is a noticeable cost.
  return rawQuery<RollupRow>(Prisma.sql`SELECT bucket, version, data FROM rollups WHERE ${storedMetricWhere(model, q, from, to, hourly)}`);
}

/** The condition on `rollups` of a series' rows: the rows fetchMetricRollups reads for it (see storedMetricRows). */
export function seriesMetricWhere(model: string, q: ReadQuery & { stepMs: number }): Prisma.Sql {
  return storedMetricWhere(model, q, floorMs(q.from.getTime(), MINUTE), ceilMs(q.to.getTime(), MINUTE), q.stepMs % HOUR === 0);
}

function storedMetricWhere(model: string, q: ReadQuery, from: number, to: number, hourly: boolean): Prisma.Sql {
  const hFrom = hourly ? ceilMs(from, HOUR) : to;
  const hTo = hourly ? Math.max(hFrom, floorMs(to, HOUR)) : to;
  const d = (ms: number) => new Date(ms);
  // Without filters the hour part reads the all-versions-and-segments rows: one row per hour. With filters those
  // rows drop out by themselves (their version is "" and their segment "*").
  const unfiltered = q.version === null && Object.keys(q.segments).length === 0;
  const allRows = unfiltered ? Prisma.sql`AND version = ${ALL_VERSIONS} AND segment = ${ALL_SEGMENTS}` : Prisma.empty;
  return Prisma.sql`
    model_id = ${model} AND (
      (level = 'h' AND bucket >= ${d(hFrom)} AND bucket < ${d(hTo)} ${allRows})
      OR (level = 'm' AND ((bucket >= ${d(from)} AND bucket < ${d(Math.min(hFrom, to))}) OR (bucket >= ${d(Math.max(hTo, from))} AND bucket < ${d(to)})))
    ) ${rollupFilters(q)}`;
}

/**
 * Minute rows (one per minute, version and segment) counted from the raw events in [from, to) that match the
 * query's filters, with their labels, by the write path's own RollupBatch: what the stored minute rows would
 * hold for events of exactly that span. Used for the partial minutes at a single window's edges.
 */
async function rawMetricRows(model: string, q: ReadQuery, from: number, to: number): Promise<RollupRow[]> {
  if (from >= to) return [];
  const modelCtx = (await modelContexts(getDb(), [model])).get(model);
  if (!modelCtx) return [];
  // only the metrics documents are kept: neither features are read nor feature documents counted
  const ctx = { ...modelCtx, features: [], prediction: null };
  const rows = await rawQuery<StoredEvent & { actual: unknown; has_label: boolean }>(Prisma.sql`
    SELECT e.version, e.ts, e.prediction, e.probabilities, e.confidence, e.latency_ms, e.error_type, e.segments,
           l.actual, l.prediction_id IS NOT NULL AS has_label
    FROM prediction_events e LEFT JOIN labels l ON l.model_id = e.model_id AND l.prediction_id = e.id
    WHERE e.model_id = ${model} AND e.ts >= ${new Date(from)} AND e.ts < ${new Date(to)} ${eventFilters(q)}`);
  const batch = new RollupBatch();
  for (const r of rows) {
    const e = rollupEvent(model, r);
    batch.addEvent(e, ctx);
    if (r.has_label) batch.addLabel(e, r.actual, ctx, 1);
  }
  const out: RollupRow[] = [];
  for (const { key, doc } of batch.metrics.values()) {
    if (key.level === "m") out.push({ bucket: new Date(key.bucket), version: key.version, data: doc });
  }
  return out;
}

/**
 * Feature rollup rows for [from, to) binned on `referenceId`: daily rows when the series' buckets are whole days
 * (one row per day instead of 24; the same sums), hourly rows otherwise.
 */
export async function fetchFeatureRollups(model: string, referenceId: bigint, q: ReadQuery): Promise<FeatureRow[]> {
  const unit = q.stepMs !== null && q.stepMs % DAY === 0 ? DAY : HOUR;
  // documents of unchanged rows come from the process's cache (featureRowDocs: one statement, row versions)
  return featureRowDocs(model, [{
    table: unit === DAY ? "feature_rollups_daily" : "feature_rollups",
    where: Prisma.sql`model_id = ${model} AND reference_id = ${referenceId.toString()}::int8
      AND bucket >= ${new Date(floorMs(q.from.getTime(), unit))} AND bucket < ${new Date(ceilMs(q.to.getTime(), unit))}
      ${rollupFilters(q)}`,
  }]);
}

/**
 * SQL for the number of events stored for a model, from the hourly all-versions rollup rows' `n` column: the
 * cost follows the hours kept, not the events. `modelId` is a value or a column reference (Prisma.raw("m.id")).
 */
export function storedEventsSql(modelId: Prisma.Sql | string): Prisma.Sql {
  return Prisma.sql`coalesce((SELECT sum(r.n) FROM rollups r
    WHERE r.model_id = ${modelId} AND r.level = 'h' AND r.version = ${ALL_VERSIONS} AND r.segment = ${ALL_SEGMENTS}), 0)::float8`;
}
