import "server-only";
import { getDb } from "../db/client";
import { currentReference } from "../models/references/store";
import { type FeatureQuality, featureQuality, type MissingPoint, MissingSeries } from "../quality/featureQuality";
import { unprocessable } from "../errors";
import { DAY, HOUR } from "../domain/time";
import type { Doc } from "../rollups/documents";
import { singleWindowFeatureDoc } from "./featureWindow";
import { parseStep, type ReadQuery } from "./params";

export type { FeatureQuality, MissingPoint };
export type QualityResponse = {
  model: string;
  from: string;
  to: string;
  version: string | null;
  segments: Record<string, string>;
  /** the missing-share series' bucket width ("1h", "6h", "1d"), or null when none was asked for */
  step: string | null;
  /** `missingSeries`: the feature's missing share per bucket of `step` over the window, when a step was asked for */
  features: (FeatureQuality & { missingSeries?: MissingPoint[] })[];
};

/**
 * Per-feature data quality over one window [from, to), next to the reference's summary statistics; with
 * `missingStepMs` (whole hours), also each feature's missing share per bucket of that step, added up from the
 * same rows as the window's totals (no second read).
 */
export async function getQuality(modelId: string, q: ReadQuery, missingStepMs: number | null = null): Promise<QualityResponse | null> {
  const from = q.from.getTime();
  // daily rollup rows serve whole days unless the series' buckets are shorter than a day
  const partUnit = missingStepMs !== null && missingStepMs % DAY !== 0 ? HOUR : DAY;
  // The model's features, the window's rows and the reference are independent reads: side by side, so the page
  // waits for the slowest, not their sum. The parts are kept for the missing-share series, which needs the features.
  const parts: [number, Readonly<Doc>][] = [];
  const [model, doc, ref] = await Promise.all([
    getDb().model.findUnique({
      where: { id: modelId },
      select: { id: true, features: { orderBy: [{ inferred: "asc" }, { position: "asc" }, { name: "asc" }] } },
    }),
    singleWindowFeatureDoc(modelId, { ...q, stepMs: null }, "any", missingStepMs === null ? undefined : (at, part) => parts.push([at, part]), partUnit),
    currentReference(modelId, false),
  ]);
  if (!model) return null;
  const series = missingStepMs === null ? null : new MissingSeries(model.features.map((f) => f.name), from, q.to.getTime(), missingStepMs);
  if (series) for (const [at, part] of parts) series.add(at, part);
  const features = featureQuality(doc, model.features, ref?.profile ?? null).map((f) => (series ? { ...f, missingSeries: series.of(f.name, from) } : f));
  return {
    model: model.id,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    version: q.version,
    segments: q.segments,
    step: missingStepMs === null ? null : stepName(missingStepMs),
    features,
  };
}

const stepName = (ms: number) => (ms % DAY === 0 ? `${ms / DAY}d` : `${ms / HOUR}h`);
/** Most buckets a missing-share series may have (as the metrics API's series). */
const MAX_MISSING_BUCKETS = 5_000;

/** `step` of the missing-share series: absent → none; whole hours (feature rollups are hourly), at most 5,000 buckets. */
export function parseMissingStep(raw: string | null, q: ReadQuery): number | null {
  if (raw === null) return null;
  const ms = parseStep(raw);
  if (ms % HOUR !== 0) throw unprocessable("Invalid query.", [{ path: "step", message: "the missing-share series has whole-hour buckets: use 1h or more" }]);
  if (Math.ceil(q.to.getTime() / ms) - Math.floor(q.from.getTime() / ms) > MAX_MISSING_BUCKETS) {
    throw unprocessable("Invalid query.", [{ path: "step", message: `gives more than ${MAX_MISSING_BUCKETS} buckets; use a larger step or a shorter range` }]);
  }
  return ms;
}
