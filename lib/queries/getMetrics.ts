import "server-only";
import { Prisma, rawQuery } from "../db/client";
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
  if (q.stepMs === null && wholeHours(q)) {
    // a single window of whole hours reads exactly the hour rows of its hourly series: their cached documents, summed
    const [model, docs] = await Promise.all([metricsModel(modelId), seriesMetricDocs(modelId, { ...q, stepMs: HOUR })]);
    return model && respond(model, q, new Map([[q.from.getTime(), sumInOrder(docs)]]));
  }
  const model = await metricsModel(modelId);
  if (!model) return null;
  const docs = q.stepMs === null ? mergeByKey(await fetchMetricRollups(modelId, q), (row) => bucketOf(q, row.bucket.getTime())) : await seriesMetricDocs(modelId, { ...q, stepMs: q.stepMs });
  return respond(model, q, docs);
}

const wholeHours = (q: ReadQuery) => q.from.getTime() % HOUR === 0 && q.to.getTime() % HOUR === 0 && q.from < q.to;

/** The buckets' documents added up oldest first (one order for every caller, so the same sums to the last bit). */
function sumInOrder(docs: ReadonlyMap<number, Readonly<Doc>>): Doc {
  const all: Doc = {};
  for (const b of [...docs.keys()].sort((x, y) => x - y)) mergeInto(all, docs.get(b)!);
  return all;
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
  if (q.stepMs % HOUR !== 0 || !wholeHours(q)) {
    const [series, whole] = await Promise.all([getMetrics(modelId, q), getMetrics(modelId, single)]);
    return series && whole ? { series, whole } : null;
  }
  const [model, docs] = await Promise.all([metricsModel(modelId), seriesMetricDocs(modelId, q)]);
  if (!model) return null;
  // summed before summarising: the summaries read the documents, not change them
  return { series: respond(model, q, docs), whole: respond(model, single, new Map([[q.from.getTime(), sumInOrder(docs)]])) };
}

type MetricsModel = { id: string; task: string; classes: string[] | null; positiveClass: string | null; versions: { version: string; firstSeen: Date }[] };

/**
 * The model's task, classes and versions (oldest first) in one raw statement: through Prisma, a findUnique with its
 * versions cost 35–50 ms of the server's CPU on the loaded 2-core machine (a raw SELECT 1: 6 ms), and every series,
 * window and overview row asks for it.
 */
async function metricsModel(modelId: string): Promise<MetricsModel | null> {
  const [m] = await rawQuery<{ id: string; task: string; classes: string[] | null; positive_class: string | null; versions: { version: string; ms: number }[] }>(Prisma.sql`
    SELECT m.id, m.task, m.classes, m.positive_class,
           coalesce((SELECT json_agg(json_build_object('version', v.version, 'ms', (extract(epoch FROM v.first_seen) * 1000)::float8) ORDER BY v.first_seen, v.version)
                     FROM model_versions v WHERE v.model_id = m.id), '[]'::json) AS versions
    FROM models m WHERE m.id = ${modelId}`);
  if (!m) return null;
  return { id: m.id, task: m.task, classes: m.classes, positiveClass: m.positive_class, versions: m.versions.map((v) => ({ version: v.version, firstSeen: new Date(v.ms) })) };
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
