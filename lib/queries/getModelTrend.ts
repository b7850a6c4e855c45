import "server-only";
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
  const [metrics, previous, drift] = await Promise.all([
    getMetrics(modelId, series),
    getMetrics(modelId, before),
    getDrift(modelId, series, []).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 409) return null; // no reference yet
      throw e;
    }),
  ]);
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
        ? { start: last.start, end: last.end, driftedCount: last.driftedCount, tested: last.tested, features: drift.features.length }
        : null,
    qualityKind,
  };
}
