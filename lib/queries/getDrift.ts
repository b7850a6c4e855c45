import "server-only";
import { computeDrift, DRIFT_METHODS, type DriftMethod, type DriftSettings, type WindowDrift } from "../drift/computeDrift";
import { type WindowFeature, windowCounts, windowFeatureCounts, windowPredictionCounts } from "../drift/windowCounts";
import type { FeatureProfile } from "../references/profile";
import { getDb, Prisma } from "../db";
import { ApiError, unprocessable } from "../errors";
import { currentReference } from "../references/store";
import { type Doc, isSummable, mergeByKey, PREDICTION_FEATURE } from "../rollups/format";
import { singleWindowFeatureDoc } from "./featureWindow";
import { eventFilters, fetchFeatureRollups, fetchMetricRollups } from "./fetchRollups";
import { bucketOf, bucketStarts, type ReadQuery } from "./params";

const HOUR = 3_600_000;
/** Raw values read per window for the raw-value methods; beyond it, a uniform sample of this size. */
export const RAW_LIMIT = 100_000;
const RAW_METHODS: DriftMethod[] = ["ks", "wasserstein", "evidently"];
/** Most series windows a request with raw-value methods may have: each window reads its own raw events. */
export const MAX_RAW_WINDOWS = 60;

export type DriftResponse = {
  model: string;
  /** `sampled`: the raw-value methods compare with a uniform sample of RAW_LIMIT reference values, not all of them */
  reference: { id: string; version: string | null; rows: number; createdAt: string; sampled: boolean };
  from: string;
  to: string;
  step: string | null;
  window: "series" | "single";
  methods: DriftMethod[];
  features: { name: string; type: string; importance: number | null }[];
  windows: ({ start: string; end: string; rawValues?: { count: number; sampled: boolean } } & WindowDrift)[];
};

export function parseMethods(raw: string | null): DriftMethod[] {
  if (!raw) return [];
  const out: DriftMethod[] = [];
  for (const m of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
    if (!(DRIFT_METHODS as readonly string[]).includes(m)) {
      throw unprocessable("Invalid query.", [{ path: "methods", message: `unknown method '${m}'; use ${DRIFT_METHODS.join(", ")}` }]);
    }
    out.push(m as DriftMethod);
  }
  return [...new Set(out)];
}

/** Model drift settings without the "default" entries (the default verdict needs no setting). */
function settings(raw: unknown): DriftSettings {
  const s = (raw ?? {}) as { numerical?: { method: string; threshold?: number }; categorical?: { method: string; threshold?: number }; features?: Record<string, { method: string; threshold?: number }> };
  const keep = (m?: { method: string; threshold?: number }) => (m && m.method !== "default" ? (m as DriftSettings["numerical"]) : undefined);
  return {
    numerical: keep(s.numerical),
    categorical: keep(s.categorical),
    features: Object.fromEntries(Object.entries(s.features ?? {}).flatMap(([k, v]) => (keep(v) ? [[k, keep(v)!]] : []))),
  };
}

type RawEvent = { features: Record<string, unknown>; prediction: unknown };

/**
 * The window's prediction counts on the reference's bins: a classifier's classes from the metrics document, a
 * regression prediction from the feature document (PREDICTION_FEATURE). Null when the feature document holds
 * none (rollups written before predictions were binned, until a reference is published again).
 */
function predictionWindow(featureDoc: Doc, metricDoc: Doc, profile: FeatureProfile | null): WindowFeature | null {
  if (profile === null) return null;
  if (profile.type !== "numerical") return windowPredictionCounts(metricDoc, profile);
  const w = windowFeatureCounts(featureDoc, { ...profile, name: PREDICTION_FEATURE });
  return w.count + w.missing > 0 ? w : null;
}

/** The window's events for the raw-value methods: all of them up to RAW_LIMIT, else a uniform sample (by hash of id). */
async function rawEvents(model: string, q: ReadQuery, from: number, to: number): Promise<{ rows: RawEvent[]; count: number }> {
  const db = getDb();
  const where = Prisma.sql`model_id = ${model} AND ts >= ${new Date(from)} AND ts < ${new Date(to)} AND error_type IS NULL ${eventFilters(q)}`;
  const [{ n }] = await db.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM prediction_events WHERE ${where}`);
  const order = n > RAW_LIMIT ? Prisma.sql`ORDER BY md5(id) LIMIT ${RAW_LIMIT}` : Prisma.empty;
  const rows = await db.$queryRaw<RawEvent[]>(Prisma.sql`SELECT features, prediction FROM prediction_events WHERE ${where} ${order}`);
  return { rows, count: n };
}

/**
 * Drift of each window against the model's reference: per feature the requested methods and the default verdict
 * (BH across features), the prediction's drift, the share of drifted features and the dataset verdict. Series
 * windows are whole hours (feature rollups are hourly); a single window is exact to the millisecond. Raw-value
 * methods read each window's own events (up to RAW_LIMIT, a uniform sample beyond).
 */
export async function getDrift(modelId: string, q: ReadQuery, methods: DriftMethod[]): Promise<DriftResponse | null> {
  const model = await getDb().model.findUnique({
    where: { id: modelId },
    select: { id: true, driftSettings: true, features: { orderBy: [{ inferred: "asc" }, { position: "asc" }], select: { name: true, type: true, importance: true } } },
  });
  if (!model) return null;
  if (q.stepMs !== null && q.stepMs % HOUR !== 0) {
    throw unprocessable("Invalid query.", [{ path: "step", message: "drift windows are whole hours: use 1h or more (or window=single)" }]);
  }
  const single = q.stepMs === null;
  const thresholds = settings(model.driftSettings);
  // raw values are read for the requested methods and for those the model's drift settings name
  const configured = [thresholds.numerical, thresholds.categorical, ...Object.values(thresholds.features ?? {})].flatMap((m) => (m ? [m.method] : []));
  const wantsRaw = [...methods, ...configured].some((m) => RAW_METHODS.includes(m));
  if (wantsRaw && !single && (q.to.getTime() - q.from.getTime()) / q.stepMs! > MAX_RAW_WINDOWS) {
    throw unprocessable("Invalid query.", [
      {
        path: methods.some((m) => RAW_METHODS.includes(m)) ? "methods" : "step",
        message: `ks, wasserstein and evidently (asked for, or named by the model's drift settings) read each window's raw events: at most ${MAX_RAW_WINDOWS} windows per request (use window=single, a larger step or a shorter range)`,
      },
    ]);
  }
  const ref = await currentReference(modelId, wantsRaw);
  if (!ref) {
    throw new ApiError(409, "no_reference", `Model '${modelId}' has no reference yet; upload one with PUT /api/v1/models/${modelId}/reference.`);
  }

  const byBucket = (row: { bucket: Date }) => bucketOf(q, row.bucket.getTime());
  const featureDocs = single
    ? new Map<number, Doc>([[q.from.getTime(), await singleWindowFeatureDoc(modelId, q, ref.id)]])
    : mergeByKey(await fetchFeatureRollups(modelId, ref.id, q), byBucket);
  const metricDocs = mergeByKey(await fetchMetricRollups(modelId, q), byBucket);

  const windows: DriftResponse["windows"] = [];
  for (const start of bucketStarts(q)) {
    const doc = featureDocs.get(start) ?? {};
    let raw: Record<string, number[] | string[]> | undefined;
    let predictionRaw: number[] | string[] | undefined;
    let rawValues: { count: number; sampled: boolean } | undefined;
    if (wantsRaw) {
      const end = single ? q.to.getTime() : start + q.stepMs!;
      const { rows, count } = await rawEvents(modelId, q, start, end);
      rawValues = { count, sampled: count > RAW_LIMIT };
      raw = {};
      for (const [name, f] of Object.entries(ref.profile.features)) {
        const values = rows.map((r) => r.features[name]);
        raw[name] = f.type === "numerical"
          ? values.filter(isSummable) // as rollups and profiles count them
          : values.flatMap((v) => (typeof v === "string" ? [v] : typeof v === "boolean" ? [String(v)] : typeof v === "number" ? [String(v)] : []));
      }
      if (ref.profile.prediction) {
        predictionRaw = ref.profile.prediction.type === "numerical"
          ? rows.map((r) => r.prediction).filter((v): v is number => typeof v === "number")
          : rows.flatMap((r) => (r.prediction === null || r.prediction === undefined ? [] : [String(r.prediction)]));
      }
    }
    const drift = computeDrift({
      profile: ref.profile,
      window: windowCounts(doc, ref.profile),
      ...(raw ? { raw } : {}),
      prediction: { window: predictionWindow(doc, metricDocs.get(start) ?? {}, ref.profile.prediction), ...(predictionRaw ? { raw: predictionRaw } : {}) },
      methods,
      thresholds,
    });
    windows.push({
      start: new Date(start).toISOString(),
      end: new Date(single ? q.to.getTime() : start + q.stepMs!).toISOString(),
      ...(rawValues ? { rawValues } : {}),
      ...drift,
    });
  }
  return {
    model: model.id,
    reference: {
      id: String(ref.id),
      version: ref.version || null,
      rows: ref.profile.rows,
      createdAt: ref.createdAt.toISOString(),
      sampled: Object.values(ref.profile.features).some((f) => f.sampled) || Boolean(ref.profile.prediction?.sampled),
    },
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    step: single ? null : `${q.stepMs! / HOUR}h`,
    window: single ? "single" : "series",
    methods,
    features: model.features.map((f) => ({ name: f.name, type: f.type, importance: f.importance })),
    windows,
  };
}
