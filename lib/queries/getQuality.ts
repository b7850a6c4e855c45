import "server-only";
import { getDb } from "../db/client";
import { currentReference } from "../models/references/store";
import { type FeatureQuality, featureQuality } from "../quality/featureQuality";
import { singleWindowFeatureDoc } from "./featureWindow";
import type { ReadQuery } from "./params";

export type { FeatureQuality };
export type QualityResponse = { model: string; from: string; to: string; version: string | null; segments: Record<string, string>; features: FeatureQuality[] };

/** Per-feature data quality over one window [from, to), next to the reference's summary statistics. */
export async function getQuality(modelId: string, q: ReadQuery): Promise<QualityResponse | null> {
  const model = await getDb().model.findUnique({
    where: { id: modelId },
    select: { id: true, features: { orderBy: [{ inferred: "asc" }, { position: "asc" }, { name: "asc" }] } },
  });
  if (!model) return null;
  const doc = await singleWindowFeatureDoc(modelId, { ...q, stepMs: null }, "any");
  const ref = await currentReference(modelId, false);
  const features = featureQuality(doc, model.features, ref?.profile ?? null);
  return { model: model.id, from: q.from.toISOString(), to: q.to.toISOString(), version: q.version, segments: q.segments, features };
}
