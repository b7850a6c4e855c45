import { Prisma, runSql, type AnyTx } from "../../db/client";
import type { Bins } from "../../stats";
import { type FeatureContext, type ModelContext, positiveClassOf } from "../context";
import { PREDICTION_KEY } from "../../domain/model";
import { own } from "../../domain/records";

// Short-lived per-process cache: a definition or reference change on another replica reaches this one's
// rollups within this time (this replica's own changes invalidate it at once).
const TTL_MS = 15_000;
const cache = new Map<string, { ctx: ModelContext; until: number }>();
// Counts invalidations: a load that began before one may have read the old definition, so it is not cached.
let invalidations = 0;

// Feature names known to be registered, per model, so steady-state ingest skips the feature upsert. Entries
// expire so that a model deleted and re-created on another replica gets its features registered again.
const KNOWN_FEATURES_MS = 60_000;
const knownFeatures = new Map<string, { names: Set<string>; until: number }>();

/** Forgets what this process cached of a model (of every model without an argument): its context and known features. */
export function invalidateModelContext(model?: string) {
  invalidations++;
  if (model === undefined) {
    cache.clear();
    knownFeatures.clear();
  } else {
    cache.delete(model);
    knownFeatures.delete(model);
  }
}

/** The model's registered feature names as last read, while fresh. */
export function knownFeatureNames(model: string, now = Date.now()): Set<string> | undefined {
  const known = knownFeatures.get(model);
  return known && known.until > now ? known.names : undefined;
}

export function rememberFeatureNames(model: string, names: Set<string>, now = Date.now()) {
  knownFeatures.set(model, { names, until: now + KNOWN_FEATURES_MS });
}

type ProfileBins = { features?: Record<string, { bins?: Bins }>; prediction?: { bins?: Bins } | null } | null;

/**
 * Loads (or takes from the cache) the context of each model, in one query for those not cached. `tx` may be the raw
 * executor: the ingest threads (lib/ingest/threads) never start Prisma, whose query engine would cost each thread
 * ~50 MB.
 */
export async function modelContexts(tx: AnyTx, models: string[], now = Date.now()): Promise<Map<string, ModelContext>> {
  const out = new Map<string, ModelContext>();
  const missing: string[] = [];
  for (const m of models) {
    const hit = cache.get(m);
    if (hit && hit.until > now) out.set(m, hit.ctx);
    else missing.push(m);
  }
  if (missing.length === 0) return out;
  const loadStarted = invalidations;
  // ref_id as text: the drivers disagree on int8 (Prisma gives a bigint, pg a string).
  const rows = await runSql<{
    id: string;
    task: string;
    positive_class: string | null;
    classes: string[];
    features: { name: string; type: string; min: number | null; max: number | null }[] | null;
    ref_id: string | null;
    bins: ProfileBins;
  }>(
    tx,
    Prisma.sql`
    SELECT m.id, m.task, m.positive_class, m.classes,
           (SELECT jsonb_agg(jsonb_build_object('name', f.name, 'type', f.type, 'min', f.min, 'max', f.max) ORDER BY f.position, f.name)
              FROM features f WHERE f.model_id = m.id) AS features,
           r.id::text AS ref_id,
           (SELECT jsonb_build_object('features', jsonb_object_agg(k, jsonb_build_object('bins', v -> 'bins')),
                                      'prediction', jsonb_build_object('bins', r.profile -> 'prediction' -> 'bins'))
              FROM jsonb_each(r.profile -> 'features') AS e(k, v)) AS bins
    FROM models m
    LEFT JOIN LATERAL (
      SELECT id, profile FROM reference_sets s
      WHERE s.model_id = m.id AND s.status = 'ready' AND s.profile IS NOT NULL
      ORDER BY (s.version = '') DESC, s.created_at DESC LIMIT 1
    ) r ON true
    WHERE m.id = ANY(${missing}::text[])`,
  );
  for (const r of rows) {
    const profile = r.bins;
    const predictionBins = r.task === "regression" ? (profile?.prediction?.bins ?? null) : null;
    const ctx: ModelContext = {
      id: r.id,
      task: r.task as ModelContext["task"],
      positiveClass: positiveClassOf(r.task, r.positive_class, r.classes ?? []),
      referenceId: BigInt(r.ref_id ?? 0),
      features: (r.features ?? []).map((f) => {
        // A reference without values for the feature has empty value bins: nothing to bin on (only moments and
        // quality counts are kept), rather than a key per distinct value seen.
        const refBins = own(profile?.features, f.name)?.bins ?? null;
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
            name: PREDICTION_KEY,
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
