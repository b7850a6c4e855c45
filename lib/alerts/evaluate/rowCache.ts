/**
 * The evaluator's rollup rows, kept between cycles in this process and stamped by their row version (PostgreSQL's
 * `xmin`: every insert or update of a row writes a new version with the writing transaction's id), so a cycle reads
 * only the stamps of the rows its windows cover and fetches the documents of the rows that are new or changed
 * since the last cycle. Closed hours and minutes change only through late events, late labels, label corrections
 * or a recount, and each of those rewrites the row, so its stamp changes and the next cycle fetches it again; the
 * minute in progress and the hour in progress are fetched every cycle while traffic arrives.
 *
 * A cycle's rows come back in the database's key order (version, then segment within a bucket), whether served from
 * the cache or fetched: a window's document is merged in that order either way, so a value is the same number with
 * or without the cache (fetchMetricRows and fetchFeatureRows read in the same order).
 *
 * Kept per row: the metrics document when a rule window needs it, and the few numbers the SLOs read (as
 * lib/alerts/slo/read.ts extracts them in SQL: requests, errors, latency counts, labelled and correct); rows no
 * longer covered by any window are dropped at the end of each cycle.
 */
import { Prisma, rawQuery } from "../../db/client";
import { ALL_SEGMENTS, ALL_VERSIONS } from "../../rollups/batch";
import { type Doc, key, LATENCY_BOUNDS_MS, SEP } from "../../rollups/documents";
import type { Interval, SloRow } from "../slo/windows";
import type { EvalModel } from "./fetch";
import type { FeatureRow, MetricRow } from "./windows";

/** The numbers an SLO reads from one row: latency `lg[i]` counts requests at most bound i (buckets 0 … i added). */
type SloNumbers = { n: number; err: number; lc: number; ln: number; ok: number; lg: number[] };

type MetricEntry = { stamp: string; level: "m" | "h"; bucket: number; data: Doc | null; slo: SloNumbers; row?: { idx: string; row: SloRow } };
type FeatureEntry = { stamp: string; bucket: number; data: Doc };

const g = globalThis as typeof globalThis & { __driftwatchAlertRows?: { metrics: Map<string, MetricEntry>; features: Map<string, FeatureEntry> } };
const cache = (g.__driftwatchAlertRows ??= { metrics: new Map(), features: new Map() });

/** Empties the cache (tests: the next cycle reads every row again). */
export function clearRowCache(): void {
  cache.metrics.clear();
  cache.features.clear();
}

/** Rows currently kept (tests, bench). */
export const rowCacheSize = () => ({ metrics: cache.metrics.size, features: cache.features.size });

const LB_KEYS = Array.from({ length: LATENCY_BOUNDS_MS.length + 1 }, (_, i) => key("lb", i));
const CM = "cm" + SEP;

/** What lib/alerts/slo/read.ts's statement extracts from a row, computed from its document. */
function sloNumbers(n: number, doc: Doc): SloNumbers {
  const lg: number[] = [];
  let run = 0;
  for (const k of LB_KEYS) {
    run += doc[k] ?? 0;
    lg.push(run);
  }
  // correct predictions: the diagonal of the confusion counts (cm·<c>·<c>)
  let ok = 0;
  for (const k in doc) {
    if (!k.startsWith(CM)) continue;
    const at = k.indexOf(SEP, CM.length);
    if (at > 0 && k.slice(CM.length, at) === k.slice(at + 1)) ok += doc[k];
  }
  return { n, err: doc.err ?? 0, lc: doc.lc ?? 0, ln: doc.ln ?? 0, ok, lg };
}

/** A cached row as the SLO arithmetic takes it (latencyGood for the thresholds asked, by histogram index); built once per row. */
function toSloRow(e: MetricEntry, latencyIdx: readonly number[], idx: string): SloRow {
  if (e.row?.idx === idx) return e.row.row;
  const s = e.slo;
  const row: SloRow = {
    level: e.level,
    bucket: e.bucket,
    n: s.n,
    err: s.err,
    lc: s.lc,
    latencyGood: Object.fromEntries(latencyIdx.map((i) => [i, s.lg[i] ?? 0])),
    labelled: s.ln,
    correct: s.ok,
  };
  e.row = { idx, row };
  return row;
}

export type RowRanges = { hours: Interval | null; minutes: Interval[] };

const within = (t: number, [a, b]: Interval) => t >= a && t < b;
const covers = (r: RowRanges, level: string, bucket: number) => (level === "h" ? r.hours !== null && within(bucket, r.hours) : r.minutes.some((m) => within(bucket, m)));
const d = (ms: number) => new Date(ms);

function rangeFilter(ranges: RowRanges[]): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  for (const r of ranges) {
    if (r.hours) where.push(Prisma.sql`(level = 'h' AND version = ${ALL_VERSIONS} AND segment = ${ALL_SEGMENTS} AND bucket >= ${d(r.hours[0])} AND bucket < ${d(r.hours[1])})`);
    for (const [a, b] of r.minutes) where.push(Prisma.sql`(level = 'm' AND bucket >= ${d(a)} AND bucket < ${d(b)})`);
  }
  return where;
}

type Listed = { model_id: string; level: "m" | "h"; b: number; version: string; segment: string; x: string };
const rowKey = (r: { model_id: string; level: string; b: number; version: string; segment: string }) => `${r.model_id}\u0000${r.level}\u0000${r.b}\u0000${r.version}\u0000${r.segment}`;

/**
 * The metrics rows of the rules' windows (documents, for `rules.models`) and of the SLOs' burn-rate windows (their
 * numbers, for `slo.models`), from one statement of row stamps and one of the new or changed rows' documents.
 */
export async function cachedMetricRows(
  rules: { models: string[]; ranges: RowRanges },
  slo: { models: string[]; ranges: RowRanges; latencyIdx: readonly number[] },
): Promise<{ rules: Map<string, MetricRow[]>; slo: Map<string, SloRow[]> }> {
  const out = { rules: new Map<string, MetricRow[]>(rules.models.map((m) => [m, []])), slo: new Map<string, SloRow[]>(slo.models.map((m) => [m, []])) };
  const models = [...new Set([...rules.models, ...slo.models])];
  const filters = [...(rules.models.length ? rangeFilter([rules.ranges]) : []), ...(slo.models.length ? rangeFilter([slo.ranges]) : [])];
  if (models.length === 0 || filters.length === 0) return out;
  const listed = await rawQuery<Listed>(Prisma.sql`
    SELECT model_id, level, (extract(epoch FROM bucket) * 1000)::float8 AS b, version, segment, xmin::text AS x
    FROM rollups
    WHERE model_id = ANY(${models}) AND (${Prisma.join(filters, " OR ")})
    ORDER BY model_id, level, bucket, version, segment`);
  const ruleSet = new Set(rules.models);
  const sloSet = new Set(slo.models);
  const plan = listed.map((r) => {
    const forRules = ruleSet.has(r.model_id) && covers(rules.ranges, r.level, r.b);
    const forSlo = sloSet.has(r.model_id) && covers(slo.ranges, r.level, r.b);
    return { r, k: rowKey(r), forRules, forSlo };
  });
  const entries = new Map<string, MetricEntry>();
  const missing: typeof plan = [];
  for (const p of plan) {
    if (!p.forRules && !p.forSlo) continue;
    const e = cache.metrics.get(p.k);
    if (e && e.stamp === p.r.x && (!p.forRules || e.data !== null)) entries.set(p.k, e);
    else missing.push(p);
  }
  if (missing.length > 0) {
    const keys = JSON.stringify(missing.map(({ r }) => ({ m: r.model_id, l: r.level, b: r.b, v: r.version, s: r.segment })));
    const fetched = await rawQuery<Listed & { n: number; data: Doc }>(Prisma.sql`
      SELECT r.model_id, r.level, k.b, r.version, r.segment, r.xmin::text AS x, r.n::float8 AS n, r.data
      FROM jsonb_to_recordset(${keys}::text::jsonb) AS k(m text, l text, b float8, v text, s text)
      JOIN rollups r ON r.model_id = k.m AND r.level = k.l AND r.bucket = to_timestamp(k.b / 1000.0) AND r.version = k.v AND r.segment = k.s`);
    const needsDoc = new Set(missing.filter((p) => p.forRules).map((p) => p.k));
    for (const f of fetched) {
      const k = rowKey(f);
      const e: MetricEntry = { stamp: f.x, level: f.level, bucket: f.b, data: needsDoc.has(k) ? f.data : null, slo: sloNumbers(Number(f.n), f.data) };
      entries.set(k, e);
      cache.metrics.set(k, e);
    }
  }
  // in the listing's (key) order; a row deleted between the two statements is left out
  const idx = slo.latencyIdx.join(",");
  for (const p of plan) {
    const e = entries.get(p.k);
    if (!e) continue;
    if (p.forRules && e.data) out.rules.get(p.r.model_id)!.push({ level: e.level, bucket: e.bucket, data: e.data });
    if (p.forSlo) out.slo.get(p.r.model_id)!.push(toSloRow(e, slo.latencyIdx, idx));
  }
  for (const k of cache.metrics.keys()) if (!entries.has(k)) cache.metrics.delete(k);
  return out;
}

type ListedFeature = { model_id: string; b: number; version: string; segment: string; x: string };
const featureKey = (r: { model_id: string; ref: string; b: number; version: string; segment: string }) => `${r.model_id}\u0000${r.ref}\u0000${r.b}\u0000${r.version}\u0000${r.segment}`;

/** The models' feature rows binned on their current reference, hours in [from, to): as fetchFeatureRows, through the cache. */
export async function cachedFeatureRows(models: readonly EvalModel[], from: number, to: number): Promise<Map<string, FeatureRow[]>> {
  const withRef = models.filter((m) => m.ref);
  const out = new Map<string, FeatureRow[]>(models.map((m) => [m.id, []]));
  if (withRef.length === 0 || from >= to) {
    cache.features.clear();
    return out;
  }
  const refOf = new Map(withRef.map((m) => [m.id, m.ref!.id]));
  const json = JSON.stringify(withRef.map((m) => ({ m: m.id, r: m.ref!.id })));
  const listed = await rawQuery<ListedFeature>(Prisma.sql`
    SELECT f.model_id, (extract(epoch FROM f.bucket) * 1000)::float8 AS b, f.version, f.segment, f.xmin::text AS x
    FROM jsonb_to_recordset(${json}::text::jsonb) AS w(m text, r text)
    JOIN feature_rollups f ON f.model_id = w.m AND f.reference_id = w.r::bigint AND f.bucket >= ${d(from)} AND f.bucket < ${d(to)}
    ORDER BY f.model_id, f.bucket, f.version, f.segment`);
  const keyed = listed.map((r) => ({ r, k: featureKey({ ...r, ref: refOf.get(r.model_id)! }) }));
  const entries = new Map<string, FeatureEntry>();
  const missing = keyed.filter(({ r, k }) => {
    const e = cache.features.get(k);
    if (e && e.stamp === r.x) entries.set(k, e);
    return !entries.has(k);
  });
  if (missing.length > 0) {
    const keys = JSON.stringify(missing.map(({ r }) => ({ m: r.model_id, r: refOf.get(r.model_id)!, b: r.b, v: r.version, s: r.segment })));
    const fetched = await rawQuery<ListedFeature & { ref: string; data: Doc }>(Prisma.sql`
      SELECT f.model_id, k.r AS ref, k.b, f.version, f.segment, f.xmin::text AS x, f.data
      FROM jsonb_to_recordset(${keys}::text::jsonb) AS k(m text, r text, b float8, v text, s text)
      JOIN feature_rollups f ON f.model_id = k.m AND f.reference_id = k.r::bigint AND f.bucket = to_timestamp(k.b / 1000.0) AND f.version = k.v AND f.segment = k.s`);
    for (const f of fetched) {
      const k = featureKey(f);
      const e: FeatureEntry = { stamp: f.x, bucket: f.b, data: f.data };
      entries.set(k, e);
      cache.features.set(k, e);
    }
  }
  for (const { r, k } of keyed) {
    const e = entries.get(k);
    if (e) out.get(r.model_id)?.push({ bucket: e.bucket, data: e.data });
  }
  for (const k of cache.features.keys()) if (!entries.has(k)) cache.features.delete(k);
  return out;
}
