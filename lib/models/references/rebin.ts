import { getDb, Prisma } from "../../db/client";
import { rebinFeatureRollups } from "../../rollups/store/recount";
import { lockModels } from "../../rollups/store/write";
import { BIN_SCHEME, type FeatureProfile, type ReferenceProfile } from "./profile";
import { finishProfile, profileBuilderFor, referenceChanged } from "./store";
import { own } from "../../domain/records";

const BATCH = 5_000;

/** Whether a stored profile's numerical bins predate the tail quantiles (issue #14): no `binScheme` mark. */
export function isLegacyProfile(profile: ReferenceProfile): boolean {
  return profile.binScheme !== BIN_SCHEME;
}

/**
 * The stored profile with each numerical feature's (and a regression prediction's) quantile bins and counts taken
 * from `fresh` — a profile rebuilt from the same rows — and everything else (moments, missing counts, categories,
 * the sample, which lives apart) kept as stored. Value bins (≤ 20 distinct values) are the same in both schemes.
 */
export function withRebuiltBins(stored: ReferenceProfile, fresh: ReferenceProfile): ReferenceProfile {
  const take = (old: FeatureProfile, next: FeatureProfile | null | undefined): FeatureProfile =>
    old.bins.kind === "numeric" && next && next.type === "numerical" && next.bins.kind === "numeric" ? { ...old, bins: next.bins, counts: next.counts } : old;
  return {
    ...stored,
    binScheme: BIN_SCHEME,
    features: Object.fromEntries(Object.entries(stored.features).map(([name, f]) => [name, take(f, own(fresh.features, name))])),
    prediction: stored.prediction ? take(stored.prediction, fresh.prediction) : null,
  };
}

/**
 * The data migration of issue #14: brings every ready reference whose profile has the pre-#14 decile bins to the
 * quantile bins (deciles + 0.5, 1, 2.5, 5, 95, 97.5, 99, 99.5 %), and the model's feature rollups with it.
 * - The new bins and counts come from the reference's own stored rows (reference_rows), read in row order through
 *   the upload's profile builder, so they are exactly what uploading the same rows today would give.
 * - If that reference is the one the model's feature rollups are binned on (the model-wide one, else the newest:
 *   the write path's choice), the rollups are **re-counted from the raw events** on the new bins
 *   (`rebinFeatureRollups`, the same step as publishing a reference), in the same transaction, under the model's
 *   exclusive lock: reads see decile profile + decile rollups or quantile profile + quantile rollups, never a mix.
 *   (Old rollups cannot be split from their own counts: the top decile bin does not say how much of it lies above
 *   q99. Raw events are kept, so the recount is exact.)
 * - Idempotent: a profile carries `binScheme` once done, and the mark is re-checked under the lock, so concurrent
 *   starts (several replicas) do the work once.
 * Runs at start-up after the SQL migrations (`scripts/start.ts`) and by `npm run db:rebin-references`.
 *
 * Cost: per legacy reference one pass over its rows; per model whose rollups are re-binned one pass over its raw
 * events (ingest for that model waits meanwhile). Returns what it changed.
 */
export async function rebinLegacyReferences(log: (msg: string) => void = () => {}): Promise<{ references: string[]; rebinnedModels: string[] }> {
  const db = getDb();
  const legacy = await db.$queryRaw<{ id: bigint; model_id: string }[]>(Prisma.sql`
    SELECT id, model_id FROM reference_sets
    WHERE status = 'ready' AND profile IS NOT NULL AND (profile ->> 'binScheme') IS DISTINCT FROM ${BIN_SCHEME}
    ORDER BY model_id, id`);
  const references: string[] = [];
  const rebinnedModels: string[] = [];
  for (const { id, model_id: modelId } of legacy) {
    const before = await db.referenceSet.findUnique({ where: { id }, select: { profile: true } });
    const hasQuantileBins = (p: ReferenceProfile) => [...Object.values(p.features), ...(p.prediction ? [p.prediction] : [])].some((f) => f.bins.kind === "numeric");
    if (before?.profile && !hasQuantileBins(before.profile as unknown as ReferenceProfile)) {
      // nothing binned at quantiles (no numerical feature with > 20 distinct values): only the mark
      await db.$executeRaw(Prisma.sql`UPDATE reference_sets SET profile = profile || ${JSON.stringify({ binScheme: BIN_SCHEME })}::jsonb WHERE id = ${id}`);
      references.push(String(id));
      continue;
    }
    const builder = await profileBuilderFor(modelId);
    for (let offset = 0; ; offset += BATCH) {
      const rows = await db.$queryRaw<{ features: Record<string, unknown>; prediction: unknown }[]>(Prisma.sql`
        SELECT features, prediction FROM reference_rows
        WHERE reference_id = ${id} AND row_no >= ${offset} AND row_no < ${offset + BATCH} ORDER BY row_no`);
      if (rows.length === 0) break;
      for (const r of rows) builder.add({ features: r.features ?? {}, ...(r.prediction === null ? {} : { prediction: r.prediction }) });
    }
    const fresh = await finishProfile(builder, id);
    const done = await db.$transaction(
      async (tx) => {
        await lockModels(tx, [modelId], "exclusive");
        const set = await tx.referenceSet.findUnique({ where: { id }, select: { profile: true, status: true } });
        const stored = set?.profile as unknown as ReferenceProfile | null;
        if (!set || set.status !== "ready" || !stored || !isLegacyProfile(stored)) return false;
        await tx.referenceSet.update({ where: { id }, data: { profile: withRebuiltBins(stored, fresh) as unknown as Prisma.InputJsonValue } });
        // the reference the write path bins on: the model-wide one, else the newest (lib/rollups/store/contexts.ts)
        const [current] = await tx.$queryRaw<{ id: bigint }[]>(Prisma.sql`
          SELECT id FROM reference_sets WHERE model_id = ${modelId} AND status = 'ready' AND profile IS NOT NULL
          ORDER BY (version = '') DESC, created_at DESC LIMIT 1`);
        referenceChanged(modelId);
        if (current?.id === id) {
          await rebinFeatureRollups(tx, modelId);
          rebinnedModels.push(modelId);
        }
        return true;
      },
      { timeout: 1_800_000, maxWait: 60_000 },
    );
    referenceChanged(modelId);
    if (done) {
      references.push(String(id));
      log(`re-binned reference ${id} of model '${modelId}' on the quantile bins${rebinnedModels.at(-1) === modelId ? " and recounted its feature rollups" : ""}`);
    }
  }
  return { references, rebinnedModels };
}
