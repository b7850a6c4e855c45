import "server-only";
import { Prisma, rawQuery } from "../db/client";
import { positiveClassOf } from "../rollups/context";
import { ALL_SEGMENTS, ALL_VERSIONS } from "../rollups/batch";
import { type Doc, mergeByKey } from "../rollups/documents";
import { summariseMetrics } from "../rollups/summarise";
import { type FiringSummary, firingByModel } from "../alerts/evaluate/timeline";
import { type ModelStatus, statusOf } from "../status/modelStatus";
import { storedEventsSql } from "./fetchRollups";

export type ModelSummary = {
  id: string;
  name: string;
  task: string;
  autoRegistered: boolean;
  createdAt: string;
  status: ModelStatus;
  /** why the status is what it is, in a few words (the firing alerts' reason last) */
  statusReasons: string[];
  /** the alerts firing on the model now (rules and SLO burn rates); null when none fires */
  alerts: FiringSummary | null;
  /** all events stored for the model */
  events: number;
  lastEventAt: string | null;
  /** the current hour and the 23 before it (hourly rollups) */
  last24h: {
    requests: number;
    errors: number;
    errorRate: number | null;
    latencyP99Ms: number | null;
    labelled: number;
    /** labelled ÷ requests that did not fail (failed requests get no label) */
    labelCoverage: number | null;
    /** accuracy (classification) over the labelled predictions */
    accuracy: number | null;
    /** macro F1 (classification) */
    f1: number | null;
    /** mean absolute error (regression) */
    mae: number | null;
  };
};

/** Every model with its headline numbers, from rollups: the cost follows the number of hours, not of events. */
export async function listModels(now = new Date()): Promise<ModelSummary[]> {
  const since = new Date(Math.floor((now.getTime() - 24 * 3600_000) / 3600_000) * 3600_000 + 3600_000);
  // the firing alerts count in the status: a model with an alert firing is not healthy (read beside the rollups)
  const firingOf = firingByModel().catch((err: unknown) => {
    console.error("models: firing alerts read failed; statuses from the numbers alone", err);
    return new Map<string, FiringSummary>();
  });
  // A prepared statement (its text never changes; PostgreSQL keeps a generic plan after five runs): planning the last-event subquery over every daily partition
  // cost ~55 ms a request under load, against ~1 ms to run it; the models read and the hour rows side by side.
  const [models, recent] = await Promise.all([
    rawQuery<{ id: string; name: string; task: string; classes: string[]; positive_class: string | null; auto_registered: boolean; created_at: Date; events: number; last: Date | null }>(
      Prisma.sql`
    SELECT m.id, m.name, m.task, m.classes, m.positive_class, m.auto_registered, m.created_at,
           ${storedEventsSql(Prisma.raw("m.id"))} AS events,
           (SELECT max(e.ts) FROM prediction_events e WHERE e.model_id = m.id) AS last
    FROM models m ORDER BY m.id`,
      { name: "listModels.models" },
    ),
    rawQuery<{ model_id: string; data: Doc }>(Prisma.sql`
    SELECT model_id, data FROM rollups
    WHERE model_id = ANY(ARRAY(SELECT id FROM models)) AND level = 'h' AND bucket >= ${since} AND bucket <= ${now}
      AND version = ${ALL_VERSIONS} AND segment = ${ALL_SEGMENTS}`),
  ]);
  const docs = mergeByKey(recent, (r) => r.model_id);
  const firing = await firingOf;
  return models.map((m) => {
    const classes = m.classes ?? [];
    const s = summariseMetrics(docs.get(m.id) ?? {}, { task: m.task, classes, positiveClass: positiveClassOf(m.task, m.positive_class, classes) });
    const perf = s.performance;
    const last24h = {
      requests: s.requests,
      errors: s.errors.total,
      errorRate: s.errors.rate,
      latencyP99Ms: s.latency.p99,
      labelled: s.labels.labelled,
      labelCoverage: s.labels.coverage,
      accuracy: perf?.kind === "classification" ? perf.accuracy : null,
      f1: perf?.kind === "classification" ? perf.macro.f1 : null,
      mae: perf?.kind === "regression" ? perf.mae : null,
    };
    const alerts = firing.get(m.id) ?? null;
    const { status, reasons } = statusOf({ ...last24h, firing: alerts });
    return {
      id: m.id,
      name: m.name,
      task: m.task,
      autoRegistered: m.auto_registered,
      createdAt: m.created_at.toISOString(),
      status,
      statusReasons: reasons,
      alerts,
      events: m.events,
      lastEventAt: m.last ? m.last.toISOString() : null,
      last24h,
    };
  });
}
