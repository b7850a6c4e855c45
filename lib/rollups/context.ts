import type { Bins } from "../stats";
import { Prisma, type Db } from "../db";
import { PREDICTION_FEATURE } from "./format";

type Tx = Prisma.TransactionClient | Db;

export type FeatureContext = {
  name: string;
  type: "numerical" | "categorical";
  min: number | null;
  max: number | null;
  /** the reference's frozen bins for this feature, when a reference exists */
  bins: Bins | null;
  /** numeric bin edges as a typed array, for fast binning */
  edges: Float64Array | null;
};

/** What the write path needs to know of a model to fold events into rollups. */
export type ModelContext = {
  id: string;
  task: "binary_classification" | "multiclass_classification" | "regression";
  /** the class whose probability is the ROC score of a binary classifier */
  positiveClass: string | null;
  features: FeatureContext[];
  /**
   * A regression model's prediction as a numerical feature named PREDICTION_FEATURE, on the reference's
   * prediction bins; null for classifiers (their classes are counted in the metrics documents) or without them.
   */
  prediction: FeatureContext | null;
  /** the reference feature rollups are binned on; 0n without one */
  referenceId: bigint;
};

// Short-lived per-process cache: a definition or reference change on another replica reaches this one's
// rollups within this time (this replica's own changes invalidate it at once).
const TTL_MS = 15_000;
const cache = new Map<string, { ctx: ModelContext; until: number }>();
// Counts invalidations: a load that began before one may have read the old definition, so it is not cached.
let invalidations = 0;

export function invalidateModelContext(model?: string) {
  invalidations++;
  if (model === undefined) cache.clear();
  else cache.delete(model);
}

type ProfileBins = { features?: Record<string, { bins?: Bins }>; prediction?: { bins?: Bins } | null } | null;

/** The binary classifier's positive class: the declared one, else "true"/"1"/"yes" when present, else the last class. */
export function positiveClassOf(task: string, declared: string | null, classes: string[]): string | null {
  if (task !== "binary_classification") return null;
  if (declared) return declared;
  for (const c of ["true", "1", "yes", "positive"]) if (classes.includes(c)) return c;
  return classes.length ? [...classes].sort().at(-1)! : null;
}

/** Loads (or takes from the cache) the context of each model, in one query for those not cached. */
export async function modelContexts(tx: Tx, models: string[], now = Date.now()): Promise<Map<string, ModelContext>> {
  const out = new Map<string, ModelContext>();
  const missing: string[] = [];
  for (const m of models) {
    const hit = cache.get(m);
    if (hit && hit.until > now) out.set(m, hit.ctx);
    else missing.push(m);
  }
  if (missing.length === 0) return out;
  const loadStarted = invalidations;
  const rows = await tx.$queryRaw<
    { id: string; task: string; positive_class: string | null; classes: string[]; features: { name: string; type: string; min: number | null; max: number | null }[] | null; ref_id: bigint | null; bins: ProfileBins }[]
  >(Prisma.sql`
    SELECT m.id, m.task, m.positive_class, m.classes,
           (SELECT jsonb_agg(jsonb_build_object('name', f.name, 'type', f.type, 'min', f.min, 'max', f.max) ORDER BY f.position, f.name)
              FROM features f WHERE f.model_id = m.id) AS features,
           r.id AS ref_id,
           (SELECT jsonb_build_object('features', jsonb_object_agg(k, jsonb_build_object('bins', v -> 'bins')),
                                      'prediction', jsonb_build_object('bins', r.profile -> 'prediction' -> 'bins'))
              FROM jsonb_each(r.profile -> 'features') AS e(k, v)) AS bins
    FROM models m
    LEFT JOIN LATERAL (
      SELECT id, profile FROM reference_sets s
      WHERE s.model_id = m.id AND s.status = 'ready' AND s.profile IS NOT NULL
      ORDER BY (s.version = '') DESC, s.created_at DESC LIMIT 1
    ) r ON true
    WHERE m.id = ANY(${missing}::text[])`);
  for (const r of rows) {
    const profile = r.bins;
    const predictionBins = r.task === "regression" ? (profile?.prediction?.bins ?? null) : null;
    const ctx: ModelContext = {
      id: r.id,
      task: r.task as ModelContext["task"],
      positiveClass: positiveClassOf(r.task, r.positive_class, r.classes ?? []),
      referenceId: r.ref_id ?? 0n,
      features: (r.features ?? []).map((f) => {
        // A reference without values for the feature has empty value bins: nothing to bin on (only moments and
        // quality counts are kept), rather than a key per distinct value seen.
        const refBins = profile?.features?.[f.name]?.bins ?? null;
        const bins = refBins && !(refBins.kind === "values" && refBins.values.length === 0) ? refBins : null;
        return {
          name: f.name,
          type: f.type as FeatureContext["type"],
          min: f.min,
          max: f.max,
          bins,
          edges: bins?.kind === "numeric" ? Float64Array.from(bins.edges) : null,
        };
      }),
      prediction: predictionBins
        ? {
            name: PREDICTION_FEATURE,
            type: "numerical",
            min: null,
            max: null,
            bins: predictionBins,
            edges: predictionBins.kind === "numeric" ? Float64Array.from(predictionBins.edges) : null,
          }
        : null,
    };
    if (invalidations === loadStarted) cache.set(r.id, { ctx, until: now + TTL_MS });
    out.set(r.id, ctx);
  }
  return out;
}
