import "server-only";
import { getDb } from "../db/client";
import { positiveClassOf } from "../rollups/context";
import { type Doc, mergeByKey, mergeInto } from "../rollups/documents";
import { HOUR } from "../domain/time";
import { type MetricsSummary, summariseMetrics } from "../rollups/summarise";
import { fetchMetricRollups } from "./fetchRollups";
import { seriesMetricDocs } from "./seriesDocs";
import { bucketOf, bucketStarts, type ReadQuery } from "./params";

export type MetricsBucket = { start: string; end: string } & MetricsSummary;

export type MetricsResponse = {
  model: string;
  task: string;
  from: string;
  to: string;
  step: string | null;
  window: "series" | "single";
  version: string | null;
  segments: Record<string, string>;
  /** versions first seen before `to`, for deployment markers */
  versions: { version: string; firstSeen: string }[];
  buckets: MetricsBucket[];
};

const stepLabel = (ms: number) =>
  ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / 60_000}m`;

/** Per-bucket traffic, errors, latency, predictions, confidence and labelled performance of a model; null if unknown. */
export async function getMetrics(modelId: string, q: ReadQuery): Promise<MetricsResponse | null> {
  const model = await metricsModel(modelId);
  if (!model) return null;
  const docs = q.stepMs === null ? mergeByKey(await fetchMetricRollups(modelId, q), (row) => bucketOf(q, row.bucket.getTime())) : await seriesMetricDocs(modelId, { ...q, stepMs: q.stepMs });
  return respond(model, q, docs);
}

/**
 * A series and its whole range as one window — what `getMetrics(q)` and `getMetrics({ ...q, stepMs: null })`
 * return — from one read when they read the same rows: a series of whole-hour buckets whose edges are whole hours
 * reads exactly the hour rows the single window [from, to) reads (no minute rows, no raw edges), so the window's
 * document is the sum of the buckets' documents. Other series run both reads side by side. (The model page: its
 * charts and its headline numbers, the confusion matrix.)
 */
export async function getMetricsWithWhole(modelId: string, q: ReadQuery & { stepMs: number }): Promise<{ series: MetricsResponse; whole: MetricsResponse } | null> {
  const single: ReadQuery = { ...q, stepMs: null };
  const aligned = q.stepMs % HOUR === 0 && q.from.getTime() % HOUR === 0 && q.to.getTime() % HOUR === 0;
  if (!aligned) {
    const [series, whole] = await Promise.all([getMetrics(modelId, q), getMetrics(modelId, single)]);
    return series && whole ? { series, whole } : null;
  }
  const [model, docs] = await Promise.all([metricsModel(modelId), seriesMetricDocs(modelId, q)]);
  if (!model) return null;
  // summed before summarising: the summaries read the documents, not change them
  const all: Doc = {};
  for (const doc of docs.values()) mergeInto(all, doc);
  return { series: respond(model, q, docs), whole: respond(model, single, new Map([[q.from.getTime(), all]])) };
}

type MetricsModel = NonNullable<Awaited<ReturnType<typeof metricsModel>>>;

function metricsModel(modelId: string) {
  return getDb().model.findUnique({
    where: { id: modelId },
    select: { id: true, task: true, classes: true, positiveClass: true, versions: { orderBy: { firstSeen: "asc" } } },
  });
}

function respond(model: MetricsModel, q: ReadQuery, docs: ReadonlyMap<number, Readonly<Doc>>): MetricsResponse {
  const classes = (model.classes as string[]) ?? [];
  const summaryModel = { task: model.task, classes, positiveClass: positiveClassOf(model.task, model.positiveClass, classes) };
  const buckets = bucketStarts(q).map((start) => ({
    start: new Date(start).toISOString(),
    end: new Date(q.stepMs === null ? q.to.getTime() : start + q.stepMs).toISOString(),
    ...summariseMetrics(docs.get(start) ?? {}, summaryModel),
  }));
  return {
    model: model.id,
    task: model.task,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    step: q.stepMs === null ? null : stepLabel(q.stepMs),
    window: q.stepMs === null ? "single" : "series",
    version: q.version,
    segments: q.segments,
    versions: model.versions
      .filter((v) => v.firstSeen < q.to)
      .map((v) => ({ version: v.version, firstSeen: v.firstSeen.toISOString() })),
    buckets,
  };
}
