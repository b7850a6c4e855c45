import "server-only";
import { getDb } from "../db/client";
import { positiveClassOf } from "../rollups/context";
import { mergeByKey } from "../rollups/documents";
import { type MetricsSummary, summariseMetrics } from "../rollups/summarise";
import { fetchMetricRollups } from "./fetchRollups";
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
  const db = getDb();
  const model = await db.model.findUnique({
    where: { id: modelId },
    select: { id: true, task: true, classes: true, positiveClass: true, versions: { orderBy: { firstSeen: "asc" } } },
  });
  if (!model) return null;
  const classes = (model.classes as string[]) ?? [];
  const summaryModel = { task: model.task, classes, positiveClass: positiveClassOf(model.task, model.positiveClass, classes) };

  const docs = mergeByKey(await fetchMetricRollups(modelId, q), (row) => bucketOf(q, row.bucket.getTime()));
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
