import { getDb, Prisma, rawTransaction } from "../../db/client";
import { invalidateModelContext } from "../../rollups/store/contexts";
import { type FeatureType, PREDICTION_KEY, type Task } from "../../domain/model";
import { countIntoBins, quantileEdges, quantileRanks } from "../../stats";
import type { FeatureProfile, ReferenceProfile, SpilledBins, SpilledFeature } from "./profile";
import { createProfileBuilder, VALUE_BUDGET } from "./profile";
import type { createSpillFiles } from "./spill";
import { own } from "../../domain/records";


type SpillFiles = ReturnType<typeof createSpillFiles>;

/**
 * A profile builder typed by the model's own features and task (`valueBudget`: tests of the spilled path; `spill`:
 * where its values go if it spills, see `finishProfile`).
 */
export async function profileBuilderFor(modelId: string, valueBudget?: number, spill?: SpillFiles) {
  const model = await getDb().model.findUniqueOrThrow({ where: { id: modelId }, select: { task: true, features: { select: { name: true, type: true } } } });
  const featureTypes: Record<string, FeatureType> = Object.fromEntries(model.features.map((f) => [f.name, f.type as FeatureType]));
  return createProfileBuilder({ featureTypes, task: model.task as Task, ...(valueBudget === undefined ? {} : { valueBudget }), ...(spill ? { spill } : {}) });
}

/**
 * A spilled feature's number in a stored row, as float8: exactly the number the builder counted — JSON numbers
 * (the json number's text → numeric is exact) converted as JavaScript's JSON.parse converts them (to the nearest double; past ±1e300
 * left out, as anything past ±1e100 is; at most half the smallest subnormal rounds to 0, where PostgreSQL would
 * refuse it), kept only within ±MAX_MAGNITUDE (lib/domain isSummable); NULL otherwise.
 */
function spilledValue(f: SpilledFeature): Prisma.Sql {
  const json = f.prediction ? Prisma.sql`r.prediction` : Prisma.sql`r.features -> ${f.name}`;
  // OFFSET 0 keeps each step a step: without it the planner substitutes the expressions into one another and the
  // JSON lookup and numeric conversion run eight times a value instead of once
  return Prisma.sql`(SELECT CASE WHEN x BETWEEN (-1e100)::float8 AND (1e100)::float8 THEN x END FROM (
    SELECT CASE WHEN abs(n) > 1e300 THEN NULL
                WHEN abs(n) <= 2.4703282292062327208828439643411068618252990130716e-324 THEN 0::float8
                ELSE n::float8 END AS x
    FROM (SELECT CASE WHEN json_typeof(j) = 'number' THEN j::text::numeric END AS n FROM (SELECT ${json} AS j OFFSET 0) a OFFSET 0) b
    OFFSET 0) c)`;
}

const pgArray = (xs: number[]) => `{${xs.map(String).join(",")}}`;

/**
 * The quantile bins and counts of the spilled features of reference `id`, from its stored rows: one scan turns
 * every spilled feature's JSON into a float8 column of a temporary table, then per feature one sort gives the order
 * statistics the edges need (the same lib/stats edge code as in memory) and one scan counts the bins.
 */
async function binSpilled(id: bigint, spilled: SpilledFeature[], quantiles?: readonly number[]): Promise<Map<string, SpilledBins>> {
  const out = new Map<string, SpilledBins>();
  if (spilled.length === 0) return out;
  await rawTransaction(async (tx) => {
    const columns = spilled.map((f, i) => Prisma.sql`${spilledValue(f)} AS ${Prisma.raw(`c${i}`)}`);
    await tx.query(Prisma.sql`CREATE TEMPORARY TABLE spilled_values ON COMMIT DROP AS
      SELECT ${Prisma.join(columns)} FROM reference_rows r WHERE r.reference_id = ${id}`);
    for (const [i, f] of spilled.entries()) {
      const c = Prisma.raw(`c${i}`);
      const ranks = quantileRanks(f.count, quantiles);
      const found = await tx.query<{ rn: string; x: number }>(Prisma.sql`
        SELECT rn::text, x FROM (SELECT ${c} AS x, row_number() OVER (ORDER BY ${c}) - 1 AS rn FROM spilled_values WHERE ${c} IS NOT NULL) r
        WHERE rn = ANY(${pgArray(ranks)}::int8[])`);
      if (found.length !== ranks.length) throw new Error(`reference ${id}: '${f.name}' has fewer stored values than the profile counted`);
      const sorted: { length: number; [rank: number]: number } = { length: f.count };
      for (const r of found) sorted[Number(r.rn)] = Number(r.x);
      const edges = quantileEdges(sorted, quantiles);
      // bin i holds the values with exactly i edges below them (right-closed (e[i−1], e[i]], as countIntoBins):
      // width_bucket counts thresholds ≤ its operand, so on the negated edges, ascending, it counts the edges ≥ x
      const negated = edges.map((e) => -e).reverse();
      const rows = await tx.query<{ bin: number; n: string }>(Prisma.sql`
        SELECT ${edges.length} - width_bucket(-${c}, ${pgArray(negated)}::float8[]) AS bin, count(*)::text AS n
        FROM spilled_values WHERE ${c} IS NOT NULL GROUP BY 1`);
      const counts = new Array<number>(edges.length + 1).fill(0);
      let total = 0;
      for (const r of rows) {
        counts[Number(r.bin)] = Number(r.n);
        total += Number(r.n);
      }
      if (total !== f.count) throw new Error(`reference ${id}: '${f.name}' has ${total} stored values, the profile counted ${f.count}`);
      out.set(f.name, { edges, counts });
    }
  });
  return out;
}

/**
 * A spilled feature's quantile bins from its values in the spill files, one feature in memory at a time: the same
 * sort, lib/stats edges and counting as the in-memory path (profile.ts finishNumerical) on the same doubles.
 */
function binFromFiles(f: SpilledFeature, spill: SpillFiles, quantiles?: readonly number[]): SpilledBins {
  const sorted = spill.read(f.name, f.count).sort();
  const edges = quantileEdges(sorted, quantiles);
  const { counts } = countIntoBins({ kind: "numeric", edges }, sorted);
  return { edges, counts };
}

/**
 * Finishes the profile of reference `id` from its builder. A builder that let go of its numerical values (a
 * reference too large to hold, see profile.ts VALUE_BUDGET) gets those features' quantile bins from its spill files
 * when it had them (read back one feature at a time, at most VALUE_BUDGET values: 128 MB), else from the stored
 * rows, which must all be written then (the window reference, the re-binning of old profiles).
 */
export async function finishProfile(
  builder: ReturnType<typeof createProfileBuilder>,
  id: bigint,
  quantiles?: readonly number[],
  spill?: SpillFiles,
  /** settles once every row is stored (default: they are) */
  rowsStored?: Promise<unknown>,
): Promise<ReferenceProfile> {
  const binned = new Map<string, SpilledBins>();
  const fromRows: SpilledFeature[] = [];
  for (const f of builder.spilled()) {
    if (spill?.has(f.name) && f.count <= VALUE_BUDGET) binned.set(f.name, binFromFiles(f, spill, quantiles));
    else fromRows.push(f);
  }
  if (fromRows.length > 0) {
    await rowsStored;
    for (const [name, bins] of await binSpilled(id, fromRows, quantiles)) binned.set(name, bins);
  }
  return builder.finish(binned);
}

type Sample = { name: string; values: number[] | string[] };

/** Each feature's sample (and the prediction's, under PREDICTION_KEY) as the rows of reference_samples. */
function samplesOf(profile: ReferenceProfile): Sample[] {
  return [
    ...Object.entries(profile.features).map(([name, f]) => ({ name, values: f.sample })),
    ...(profile.prediction ? [{ name: PREDICTION_KEY, values: profile.prediction.sample }] : []),
  ];
}

/**
 * Writes the samples of a reference's profile (its builder's `samples()`, the same as the finished profile's)
 * before it is published (`saveProfile(…, { samples: false })`), up to `parallel` at once, each in its own
 * statement on the pool: the server's share of up to 100,000 values a sample (~20 samples) runs on more than one
 * core, beside this process finishing the profile and turning the next sample into JSON. The set is still
 * loading, so nobody reads them yet; discarding it removes them (ON DELETE CASCADE). `commitWith`: SQL sent with
 * each one's BEGIN (upload.ts UNFLUSHED_COMMIT).
 */
export async function saveSamples(referenceId: bigint, samples: Sample[], parallel: number, commitWith?: string) {
  const queue = [...samples];
  const next = async (): Promise<void> => {
    const s = queue.shift();
    if (!s) return;
    const sql = Prisma.sql`INSERT INTO reference_samples (reference_id, name, values) VALUES (${referenceId}, ${s.name}, ${JSON.stringify(s.values)}::json)`;
    await rawTransaction((tx) => tx.query(sql), commitWith);
    return next();
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, next));
}

/**
 * Stores a reference's profile: bins, counts and moments on the set (small, read by the write path), each
 * feature's sample in reference_samples (large, read only by raw-value tests) unless `samples: false` (they were
 * written by `saveSamples`).
 */
export async function saveProfile(tx: Prisma.TransactionClient, referenceId: bigint, profile: ReferenceProfile, opts: { samples?: boolean } = {}) {
  const strip = (f: FeatureProfile): FeatureProfile => ({ ...f, sample: [] });
  const slim: ReferenceProfile = {
    rows: profile.rows,
    features: Object.fromEntries(Object.entries(profile.features).map(([k, f]) => [k, strip(f)])),
    prediction: profile.prediction ? strip(profile.prediction) : null,
    ...(profile.binScheme ? { binScheme: profile.binScheme } : {}),
  };
  await tx.referenceSet.update({ where: { id: referenceId }, data: { profile: slim as unknown as Prisma.InputJsonValue } });
  if (opts.samples === false) return;
  const samples = samplesOf(profile);
  // One plain INSERT per sample with its JSON as a text parameter: Prisma's createMany of the same values took
  // ~20 s for 20 samples of 100,000 numbers (its JSON handling), this takes well under a second.
  for (const s of samples) {
    await tx.$executeRaw(Prisma.sql`INSERT INTO reference_samples (reference_id, name, values) VALUES (${referenceId}, ${s.name}, ${JSON.stringify(s.values)}::json)`);
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
