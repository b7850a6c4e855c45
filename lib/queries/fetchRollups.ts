import "server-only";
import { getDb, Prisma, rawQuery } from "../db";
import { ALL_SEGMENTS, ALL_VERSIONS } from "../rollups/deltas";
import type { Doc } from "../rollups/format";
import { ceilMs, floorMs, type ReadQuery } from "./params";

const MINUTE = 60_000;
const HOUR = 3_600_000;

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

/**
 * The metrics rollup rows that cover [from, to) exactly once: hour rows where the range holds whole hours and
 * the query's buckets are whole hours, minute rows elsewhere. A single window is taken to the minute.
 */
export async function fetchMetricRollups(model: string, q: ReadQuery): Promise<RollupRow[]> {
  const from = floorMs(q.from.getTime(), MINUTE);
  const to = ceilMs(q.to.getTime(), MINUTE);
  const hourly = q.stepMs === null || q.stepMs % HOUR === 0;
  const hFrom = hourly ? ceilMs(from, HOUR) : to;
  const hTo = hourly ? Math.max(hFrom, floorMs(to, HOUR)) : to;
  const d = (ms: number) => new Date(ms);
  // Without filters the hour part reads the all-versions-and-segments rows: one row per hour. With filters those
  // rows drop out by themselves (their version is "" and their segment "*").
  const unfiltered = q.version === null && Object.keys(q.segments).length === 0;
  const allRows = unfiltered ? Prisma.sql`AND version = ${ALL_VERSIONS} AND segment = ${ALL_SEGMENTS}` : Prisma.empty;
  // Through the raw executor: these rows are large documents, and Prisma's result mapping is a noticeable cost.
  return rawQuery<RollupRow>(Prisma.sql`
    SELECT bucket, version, data FROM rollups
    WHERE model_id = ${model} AND (
      (level = 'h' AND bucket >= ${d(hFrom)} AND bucket < ${d(hTo)} ${allRows})
      OR (level = 'm' AND ((bucket >= ${d(from)} AND bucket < ${d(Math.min(hFrom, to))}) OR (bucket >= ${d(Math.max(hTo, from))} AND bucket < ${d(to)})))
    ) ${rollupFilters(q)}`);
}

/** Feature rollup rows (hourly) for [from, to) binned on `referenceId`. */
export async function fetchFeatureRollups(model: string, referenceId: bigint, q: ReadQuery): Promise<RollupRow[]> {
  return getDb().$queryRaw<RollupRow[]>(Prisma.sql`
    SELECT bucket, version, data FROM feature_rollups
    WHERE model_id = ${model} AND reference_id = ${referenceId}
      AND bucket >= ${new Date(floorMs(q.from.getTime(), HOUR))} AND bucket < ${new Date(ceilMs(q.to.getTime(), HOUR))}
      ${rollupFilters(q)}`);
}

/**
 * SQL for the number of events stored for a model, from the hourly all-versions rollup rows' `n` column: the
 * cost follows the hours kept, not the events. `modelId` is a value or a column reference (Prisma.raw("m.id")).
 */
export function storedEventsSql(modelId: Prisma.Sql | string): Prisma.Sql {
  return Prisma.sql`coalesce((SELECT sum(r.n) FROM rollups r
    WHERE r.model_id = ${modelId} AND r.level = 'h' AND r.version = ${ALL_VERSIONS} AND r.segment = ${ALL_SEGMENTS}), 0)::float8`;
}
