import "server-only";
import { Prisma, rawQuery } from "../db/client";
import { ApiError } from "../errors";
import { HOUR } from "../domain/time";
import { getDrift } from "./getDrift";
import { getMetrics } from "./getMetrics";
import type { ReadQuery } from "./params";

/** One hour of a model's overview sparklines. */
export type TrendPoint = {
  start: string;
  requests: number;
  errorRate: number | null;
  latencyP99Ms: number | null;
  /** share of the features the default verdict could test that drifted; null without a reference or data */
  driftedShare: number | null;
  /** accuracy (classification) or MAE (regression) of the labelled predictions */
  quality: number | null;
  labelCoverage: number | null;
};

export type ModelTrend = {
  model: string;
  /** the sparklines' range: the current hour and the 23 before it, hourly (the overview's 24 hours) */
  from: string;
  to: string;
  points: TrendPoint[];
  /** the same numbers over the 24 hours before `from`, for the change against the previous period */
  previous: { requests: number; errorRate: number | null; latencyP99Ms: number | null; quality: number | null };
  /** the default verdict of the latest complete hour; null when the model has no reference */
  drift: { start: string; end: string; driftedCount: number; tested: number; features: number } | null;
  qualityKind: "accuracy" | "mae" | null;
};

/**
 * The overview's trends for one model, read with the same queries (and so the same numbers) as
 * `GET /api/v1/models/{m}/metrics?from&to&step=1h`, the same with `window=single` for the previous period, and
 * `GET /api/v1/models/{m}/drift?from&to&step=1h`.
 */
export async function getModelTrend(modelId: string, now = new Date()): Promise<ModelTrend | null> {
  const to = new Date(Math.floor(now.getTime() / HOUR) * HOUR + HOUR);
  const from = new Date(to.getTime() - 24 * HOUR);
  const series: ReadQuery = { from, to, stepMs: HOUR, version: null, segments: {} };
  const before: ReadQuery = { from: new Date(from.getTime() - 24 * HOUR), to: from, stepMs: null, version: null, segments: {} };
  const [metrics, previous, drift] = await Promise.all([getMetrics(modelId, series), getMetrics(modelId, before), hourlyDrift(modelId, from.getTime(), to.getTime())]);
  if (!metrics || !previous) return null;
  const qualityKind = metrics.task === "regression" ? "mae" : metrics.task.endsWith("classification") ? "accuracy" : null;
  const qualityOf = (p: (typeof metrics.buckets)[number]["performance"]) =>
    p === null ? null : p.kind === "classification" ? p.accuracy : p.mae;
  const driftByStart = new Map(drift?.windows.map((w) => [w.start, w]) ?? []);
  const points = metrics.buckets.map((b): TrendPoint => {
    const w = driftByStart.get(b.start);
    return {
      start: b.start,
      requests: b.requests,
      errorRate: b.errors.rate,
      latencyP99Ms: b.latency.p99,
      driftedShare: w && w.tested > 0 ? w.driftedShare : null,
      quality: qualityOf(b.performance),
      labelCoverage: b.labels.coverage,
    };
  });
  // the latest complete hour: the window before the current (open) one
  const last = drift?.windows.at(-2) ?? null;
  const p = previous.buckets[0];
  return {
    model: metrics.model,
    from: from.toISOString(),
    to: to.toISOString(),
    points,
    previous: { requests: p.requests, errorRate: p.errors.rate, latencyP99Ms: p.latency.p99, quality: qualityOf(p.performance) },
    drift:
      drift && last
        ? { start: last.start, end: last.end, driftedCount: last.driftedCount, tested: last.tested, features: drift.features }
        : null,
    qualityKind,
  };
}

type HourDrift = { start: string; end: string; driftedShare: number; driftedCount: number; tested: number };
type CacheEntry = { stamp: string; window: HourDrift; features: number };
const g = globalThis as unknown as { __driftwatchTrendDrift?: Map<string, CacheEntry> };

/**
 * The default verdict of each hour in [from, to), exactly as `GET /drift?from&to&step=1h` computes it, with the
 * hours whose inputs did not change since the last overview served from memory. An hour's stamp is the physical
 * row versions (ctid, xmin) of the rollup and feature-rollup rows it reads, the model's row version and its
 * current reference: PostgreSQL writes a new row version on every update, so any late event, redefinition or new
 * reference changes the stamp and that hour is computed again. Usually only the current hour is. Null when the
 * model has no reference.
 */
async function hourlyDrift(modelId: string, from: number, to: number): Promise<{ windows: HourDrift[]; features: number } | null> {
  const cache = (g.__driftwatchTrendDrift ??= new Map());
  const stamps = await rawQuery<{ h: Date; stamp: string }>(Prisma.sql`
    WITH ref AS (
      SELECT id FROM reference_sets WHERE model_id = ${modelId} AND status = 'ready' AND profile IS NOT NULL
      ORDER BY (version = '') DESC, created_at DESC LIMIT 1
    ), hours AS (SELECT generate_series(${new Date(from)}::timestamptz, ${new Date(to - HOUR)}::timestamptz, interval '1 hour') AS h)
    SELECT hours.h, md5(concat_ws('|',
      (SELECT xmin::text FROM models WHERE id = ${modelId}),
      (SELECT id::text FROM ref),
      (SELECT string_agg(x.ctid::text || x.xmin::text, ',' ORDER BY x.ctid) FROM rollups x
        WHERE x.model_id = ${modelId} AND x.level = 'h' AND x.bucket = hours.h),
      (SELECT string_agg(y.ctid::text || y.xmin::text, ',' ORDER BY y.ctid) FROM feature_rollups y
        WHERE y.model_id = ${modelId} AND y.reference_id = (SELECT id FROM ref) AND y.bucket = hours.h)
    )) AS stamp
    FROM hours ORDER BY hours.h`);
  const key = (h: number) => `${modelId}|${h}`;
  const missing = stamps.filter((s) => cache.get(key(s.h.getTime()))?.stamp !== s.stamp).map((s) => s.h.getTime());
  // compute the changed hours in contiguous runs, with the same query the API runs
  let features = cache.get(key(stamps[0]?.h.getTime() ?? from))?.features ?? 0;
  for (let i = 0; i < missing.length; ) {
    let j = i;
    while (j + 1 < missing.length && missing[j + 1] === missing[j] + HOUR) j++;
    const q: ReadQuery = { from: new Date(missing[i]), to: new Date(missing[j] + HOUR), stepMs: HOUR, version: null, segments: {} };
    let res;
    try {
      res = await getDrift(modelId, q, []);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) return null; // no reference yet
      throw e;
    }
    if (!res) return null;
    features = res.features.length;
    for (const w of res.windows) {
      const h = Date.parse(w.start);
      const stamp = stamps.find((s) => s.h.getTime() === h)!.stamp;
      cache.set(key(h), { stamp, features, window: { start: w.start, end: w.end, driftedShare: w.driftedShare, driftedCount: w.driftedCount, tested: w.tested } });
    }
    i = j + 1;
  }
  if (stamps.length && !cache.has(key(stamps[0].h.getTime()))) return null;
  // forget hours that left every model's 24 hours
  for (const [k] of cache) if (Number(k.slice(k.lastIndexOf("|") + 1)) < from - 24 * HOUR) cache.delete(k);
  const windows = stamps.map((s) => cache.get(key(s.h.getTime()))!.window);
  return { windows, features: features || cache.get(key(stamps[0].h.getTime()))!.features };
}
