import { getDb, Prisma } from "../../db/client";
import { invalidateModelContext } from "../../rollups/store/contexts";
import { type FeatureType, PREDICTION_KEY, type Task } from "../../domain/model";
import type { FeatureProfile, ReferenceProfile } from "./profile";
import { createProfileBuilder } from "./profile";
import { own } from "../../domain/records";


/** A profile builder typed by the model's own features and task. */
export async function profileBuilderFor(modelId: string) {
  const model = await getDb().model.findUniqueOrThrow({ where: { id: modelId }, select: { task: true, features: { select: { name: true, type: true } } } });
  const featureTypes: Record<string, FeatureType> = Object.fromEntries(model.features.map((f) => [f.name, f.type as FeatureType]));
  return createProfileBuilder({ featureTypes, task: model.task as Task });
}

/**
 * Stores a reference's profile: bins, counts and moments on the set (small, read by the write path), each
 * feature's sample in reference_samples (large, read only by raw-value tests).
 */
export async function saveProfile(tx: Prisma.TransactionClient, referenceId: bigint, profile: ReferenceProfile) {
  const strip = (f: FeatureProfile): FeatureProfile => ({ ...f, sample: [] });
  const slim: ReferenceProfile = {
    rows: profile.rows,
    features: Object.fromEntries(Object.entries(profile.features).map(([k, f]) => [k, strip(f)])),
    prediction: profile.prediction ? strip(profile.prediction) : null,
    ...(profile.binScheme ? { binScheme: profile.binScheme } : {}),
  };
  await tx.referenceSet.update({ where: { id: referenceId }, data: { profile: slim as unknown as Prisma.InputJsonValue } });
  const samples = [
    ...Object.entries(profile.features).map(([name, f]) => ({ name, values: f.sample })),
    ...(profile.prediction ? [{ name: PREDICTION_KEY, values: profile.prediction.sample }] : []),
  ];
  if (samples.length > 0) {
    await tx.referenceSample.createMany({
      data: samples.map((s) => ({ referenceId, name: s.name, values: s.values as Prisma.InputJsonValue })),
    });
  }
}

export type CurrentReference = {
  id: bigint;
  version: string;
  createdAt: Date;
  profile: ReferenceProfile;
  /** the feature rollups are binned on this reference (the model-wide one, else the newest: the write path's choice) */
  binsRollups: boolean;
};

/**
 * The model's reference (the model-wide one when there is one, else the newest), with or without samples; with
 * `version`, that version's own reference when one exists (`PUT …/reference?version=`), else the same fallback.
 */
export async function currentReference(modelId: string, withSamples: boolean, version?: string | null): Promise<CurrentReference | null> {
  const db = getDb();
  const sets = await db.referenceSet.findMany({
    where: { modelId, status: "ready", NOT: { profile: { equals: Prisma.DbNull } } },
    orderBy: { createdAt: "desc" },
    select: { id: true, version: true, createdAt: true, profile: true },
  });
  const rollupSet = sets.find((s) => s.version === "") ?? sets[0];
  const set = (version ? sets.find((s) => s.version === version) : undefined) ?? rollupSet;
  if (!set) return null;
  const profile = set.profile as unknown as ReferenceProfile;
  if (withSamples) {
    const rows = await db.referenceSample.findMany({ where: { referenceId: set.id } });
    for (const r of rows) {
      const target = r.name === PREDICTION_KEY ? profile.prediction : own(profile.features, r.name);
      if (target) target.sample = r.values as number[] | string[];
    }
  }
  return { id: set.id, version: set.version, createdAt: set.createdAt, profile, binsRollups: set.id === rollupSet.id };
}

export function referenceChanged(modelId: string) {
  invalidateModelContext(modelId);
}
