import { getDb, Prisma, rawQuery } from "../../db/client";
import { invalidateModelContext } from "../../rollups/store/contexts";
import { type FeatureType, PREDICTION_KEY, type Task } from "../../domain/model";
import { quantileEdges, quantileRanks } from "../../stats";
import type { FeatureProfile, ReferenceProfile, SpilledBins, SpilledFeature } from "./profile";
import { createProfileBuilder } from "./profile";
import { own } from "../../domain/records";


/** A profile builder typed by the model's own features and task (`valueBudget`: tests of the spilled path). */
export async function profileBuilderFor(modelId: string, valueBudget?: number) {
  const model = await getDb().model.findUniqueOrThrow({ where: { id: modelId }, select: { task: true, features: { select: { name: true, type: true } } } });
  const featureTypes: Record<string, FeatureType> = Object.fromEntries(model.features.map((f) => [f.name, f.type as FeatureType]));
  return createProfileBuilder({ featureTypes, task: model.task as Task, ...(valueBudget === undefined ? {} : { valueBudget }) });
}

/**
 * The spilled feature's values in the stored rows of reference `id`, as float8 `x`, exactly the numbers the builder
 * counted: JSON numbers (jsonb → numeric is exact), converted as JavaScript's JSON.parse converts them (to the
 * nearest double; past ±1e300 they are left out, as anything past ±1e100 is; at most half the smallest subnormal
 * rounds to 0, where PostgreSQL would refuse it), within ±MAX_MAGNITUDE (lib/domain isSummable).
 */
function spilledValues(id: bigint, f: SpilledFeature): Prisma.Sql {
  const json = f.prediction ? Prisma.sql`prediction` : Prisma.sql`features -> ${f.name}`;
  return Prisma.sql`
    SELECT x FROM (
      SELECT CASE WHEN abs(n) > 1e300 THEN NULL
                  WHEN abs(n) <= 2.4703282292062327208828439643411068618252990130716e-324 THEN 0::float8
                  ELSE n::float8 END AS x
      FROM (SELECT (j)::numeric AS n FROM (SELECT ${json} AS j FROM reference_rows WHERE reference_id = ${id}) a WHERE jsonb_typeof(j) = 'number') b
    ) c WHERE x BETWEEN (-1e100)::float8 AND (1e100)::float8`;
}

const pgArray = (xs: number[]) => `{${xs.map(String).join(",")}}`;

/** The quantile bins and counts of a spilled feature, from the stored rows (one sort and one scan in the database). */
async function binSpilled(id: bigint, f: SpilledFeature, quantiles?: readonly number[]): Promise<SpilledBins> {
  const ranks = quantileRanks(f.count, quantiles);
  const found = await rawQuery<{ rn: string; x: number }>(Prisma.sql`
    SELECT rn::text, x FROM (SELECT x, row_number() OVER (ORDER BY x) - 1 AS rn FROM (${spilledValues(id, f)}) v) r
    WHERE rn = ANY(${pgArray(ranks)}::int8[])`);
  const sorted: { length: number; [rank: number]: number } = { length: f.count };
  for (const r of found) sorted[Number(r.rn)] = Number(r.x);
  if (found.length !== ranks.length) throw new Error(`reference ${id}: '${f.name}' has fewer stored values than the profile counted`);
  const edges = quantileEdges(sorted, quantiles);
  // bin i holds the values with exactly i edges below them: right-closed (e[i−1], e[i]], as countIntoBins counts
  const rows = await rawQuery<{ bin: number; n: string }>(Prisma.sql`
    SELECT (SELECT count(*) FROM unnest(${pgArray(edges)}::float8[]) e WHERE e < v.x)::int AS bin, count(*)::text AS n
    FROM (${spilledValues(id, f)}) v GROUP BY 1`);
  const counts = new Array<number>(edges.length + 1).fill(0);
  let total = 0;
  for (const r of rows) {
    counts[r.bin] = Number(r.n);
    total += Number(r.n);
  }
  if (total !== f.count) throw new Error(`reference ${id}: '${f.name}' has ${total} stored values, the profile counted ${f.count}`);
  return { edges, counts };
}

/**
 * Finishes the profile of reference `id` from its builder, whose rows are all stored: a builder that let go of
 * its numerical values (a reference too large to hold, see profile.ts VALUE_BUDGET) gets those features' quantile
 * bins from the database.
 */
export async function finishProfile(builder: ReturnType<typeof createProfileBuilder>, id: bigint, quantiles?: readonly number[]): Promise<ReferenceProfile> {
  const binned = new Map<string, SpilledBins>();
  for (const f of builder.spilled()) binned.set(f.name, await binSpilled(id, f, quantiles));
  return builder.finish(binned);
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
  // One plain INSERT per sample with its JSON as a text parameter: Prisma's createMany of the same values took
  // ~20 s for 20 samples of 100,000 numbers (its JSON handling), this takes well under a second.
  for (const s of samples) {
    await tx.$executeRaw(Prisma.sql`INSERT INTO reference_samples (reference_id, name, values) VALUES (${referenceId}, ${s.name}, ${JSON.stringify(s.values)}::jsonb)`);
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
