import "server-only";
import { getDb, Prisma, rawQuery } from "../db/client";
import { type StoredFeatures, withFeatures } from "../db/featureLayouts";
import { modelContexts } from "../rollups/store/contexts";
import type { ModelContext } from "../rollups/context";
import { PREDICTION_KEY } from "../domain/model";
import type { FeatureProfile, ReferenceProfile } from "../models/references/profile";
import type { Bins } from "../stats";
import { ceilMs, DAY, floorMs, HOUR } from "../domain/time";
import { countFeaturesInto } from "../rollups/featureCounts";
import { type Doc, mergeInto } from "../rollups/documents";
import { eventFilters, rollupFilters } from "./fetchRollups";
import type { ReadQuery } from "./params";
import { own } from "../domain/records";
import { featureRowDocs, sumOfRows } from "./featureRowDocs";


/** The model's context with its features (and a regression prediction) binned on `profile` instead of the rollups' reference. */
function contextOn(base: ModelContext, profile: ReferenceProfile, referenceId: bigint): ModelContext {
  const binsOf = (p: FeatureProfile | null | undefined): Bins | null => (p && !(p.bins.kind === "values" && p.bins.values.length === 0) ? p.bins : null);
  const edgesOf = (bins: Bins | null) => (bins?.kind === "numeric" ? Float64Array.from(bins.edges) : null);
  const predictionBins = base.task === "regression" ? binsOf(profile.prediction) : null;
  return {
    ...base,
    referenceId,
    features: base.features.map((f) => {
      const bins = binsOf(own(profile.features, f.name));
      return { ...f, bins, edges: edgesOf(bins) };
    }),
    prediction: predictionBins ? { name: PREDICTION_KEY, type: "numerical", min: null, max: null, bins: predictionBins, edges: edgesOf(predictionBins) } : null,
  };
}

/**
 * Feature documents of the windows [start, end) binned on a reference the write path does not bin on (a version's
 * own reference, `?version=`), counted from the raw events that match the query by the write path's own code: one
 * query and one document per window, so memory follows one window's events. Cost: a scan of the matching events.
 */
export async function featureDocsOnReference(
  model: string,
  q: ReadQuery,
  reference: { id: bigint; profile: ReferenceProfile },
  windows: readonly { start: number; end: number }[],
): Promise<Map<number, Doc>> {
  const out = new Map<number, Doc>();
  const base = (await modelContexts(getDb(), [model])).get(model);
  if (!base) return out;
  const ctx = contextOn(base, reference.profile, reference.id);
  for (const w of windows) {
    const rows = await withFeatures(
      await getDb().$queryRaw<({ prediction: unknown; error_type: string | null } & StoredFeatures)[]>(Prisma.sql`
        SELECT layout_id, feature_values, prediction, error_type FROM prediction_events
        WHERE model_id = ${model} AND ts >= ${new Date(w.start)} AND ts < ${new Date(w.end)} ${eventFilters(q)}`),
      (sql) => getDb().$queryRaw(sql),
    );
    const doc: Doc = {};
    countFeaturesInto(doc, new Map(), rows, ctx);
    out.set(w.start, doc);
  }
  return out;
}

/** Feature counts of the raw events in [from, to), through the write path's own code, added to `doc` and reported as one part. */
async function rawFeatureDoc(model: string, q: ReadQuery, from: number, to: number, doc: Doc, onPart?: OnPart) {
  if (from >= to) return;
  const ctx = (await modelContexts(getDb(), [model])).get(model);
  if (!ctx) return;
  const rows = await withFeatures(
    await rawQuery<{ prediction: unknown; error_type: string | null } & StoredFeatures>(Prisma.sql`
      SELECT layout_id, feature_values, prediction, error_type FROM prediction_events
      WHERE model_id = ${model} AND ts >= ${new Date(from)} AND ts < ${new Date(to)} ${eventFilters(q)}`),
    (sql) => rawQuery(sql),
  );
  if (!onPart) return countFeaturesInto(doc, new Map(), rows, ctx);
  const part: Doc = {};
  countFeaturesInto(part, new Map(), rows, ctx);
  onPart(from, part);
  mergeInto(doc, part);
}

/**
 * Called with each part a window's document is summed from and the time its counts lie in: a rollup row and its
 * hour or day, or the raw events of a partial hour and that span's start (within one hour). The parts add up to the
 * document.
 */
export type OnPart = (at: number, part: Readonly<Doc>) => void;

/**
 * The feature document of the single window [q.from, q.to), exact to the millisecond: daily feature rollups for the
 * whole days inside it, hourly ones for the whole hours around them, raw events for the partial hours at its edges.
 * `referenceId` picks the rollups binned on that reference; "any" sums every reference (for counts that do not
 * depend on bins, e.g. data quality). `onPart` sees each part; `partUnit` HOUR keeps every part within one hour
 * (no daily rows), for callers that place parts in buckets smaller than a day.
 */
export async function singleWindowFeatureDoc(model: string, q: ReadQuery, referenceId: bigint | "any", onPart?: OnPart, partUnit: typeof HOUR | typeof DAY = DAY): Promise<Doc> {
  const from = q.from.getTime();
  const to = q.to.getTime();
  const hFrom = ceilMs(from, HOUR);
  const hTo = Math.max(hFrom, floorMs(to, HOUR));
  const doc: Doc = {};
  if (hFrom < hTo && hTo <= to) {
    const dFrom = partUnit === DAY ? ceilMs(hFrom, DAY) : hTo;
    const dTo = partUnit === DAY ? Math.max(dFrom, floorMs(hTo, DAY)) : hTo;
    const d = (ms: number) => new Date(ms);
    // the id as text: the raw executor's drivers differ on bigint parameters
    const ref = referenceId === "any" ? Prisma.empty : Prisma.sql`AND reference_id = ${referenceId.toString()}::int8`;
    const where = Prisma.sql`model_id = ${model} ${ref} ${rollupFilters(q)}`;
    // the hours before the first whole day and after the last (all hours when no whole day fits), then the days
    const hours = dFrom < dTo
      ? Prisma.sql`((bucket >= ${d(hFrom)} AND bucket < ${d(dFrom)}) OR (bucket >= ${d(dTo)} AND bucket < ${d(hTo)}))`
      : Prisma.sql`bucket >= ${d(hFrom)} AND bucket < ${d(hTo)}`;
    // documents of unchanged rows come from the process's cache (featureRowDocs: one statement, row versions)
    const rows = await featureRowDocs(model, [
      { table: "feature_rollups", where: Prisma.sql`${where} AND ${hours}` },
      ...(dFrom < dTo ? [{ table: "feature_rollups_daily" as const, where: Prisma.sql`${where} AND bucket >= ${d(dFrom)} AND bucket < ${d(dTo)}` }] : []),
    ]);
    if (onPart) for (const r of rows) onPart(r.bucket.getTime(), r.data);
    // the stored rows' sum comes first, as when they were added one by one: same order, same sums
    Object.assign(doc, sumOfRows(model, rows));
    await rawFeatureDoc(model, q, from, hFrom, doc, onPart);
    await rawFeatureDoc(model, q, hTo, to, doc, onPart);
  } else {
    await rawFeatureDoc(model, q, from, to, doc, onPart);
  }
  return doc;
}
