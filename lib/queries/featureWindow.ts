import "server-only";
import { getDb, Prisma } from "../db/client";
import { modelContexts } from "../rollups/store/contexts";
import { ceilMs, floorMs, HOUR } from "../domain/time";
import { countFeaturesInto } from "../rollups/featureCounts";
import { type Doc, mergeInto } from "../rollups/documents";
import { eventFilters, rollupFilters } from "./fetchRollups";
import type { ReadQuery } from "./params";


/** Feature counts of the raw events in [from, to), through the write path's own code. */
async function rawFeatureDoc(model: string, q: ReadQuery, from: number, to: number, doc: Doc) {
  if (from >= to) return;
  const ctx = (await modelContexts(getDb(), [model])).get(model);
  if (!ctx) return;
  const rows = await getDb().$queryRaw<{ features: Record<string, unknown>; prediction: unknown; error_type: string | null }[]>(Prisma.sql`
    SELECT features, prediction, error_type FROM prediction_events
    WHERE model_id = ${model} AND ts >= ${new Date(from)} AND ts < ${new Date(to)} ${eventFilters(q)}`);
  countFeaturesInto(doc, new Map(), rows, ctx);
}

/**
 * The feature document of the single window [q.from, q.to), exact to the millisecond: hourly feature rollups for
 * the whole hours inside it, raw events for the partial hours at its edges. `referenceId` picks the rollups binned
 * on that reference; "any" sums every reference (for counts that do not depend on bins, e.g. data quality).
 */
export async function singleWindowFeatureDoc(model: string, q: ReadQuery, referenceId: bigint | "any"): Promise<Doc> {
  const from = q.from.getTime();
  const to = q.to.getTime();
  const hFrom = ceilMs(from, HOUR);
  const hTo = Math.max(hFrom, floorMs(to, HOUR));
  const doc: Doc = {};
  if (hFrom < hTo && hTo <= to) {
    const ref = referenceId === "any" ? Prisma.empty : Prisma.sql`AND reference_id = ${referenceId}`;
    const rows = await getDb().$queryRaw<{ data: Doc }[]>(Prisma.sql`
      SELECT data FROM feature_rollups
      WHERE model_id = ${model} ${ref} AND bucket >= ${new Date(hFrom)} AND bucket < ${new Date(hTo)}
        ${rollupFilters(q)}`);
    for (const r of rows) mergeInto(doc, r.data);
    await rawFeatureDoc(model, q, from, hFrom, doc);
    await rawFeatureDoc(model, q, hTo, to, doc);
  } else {
    await rawFeatureDoc(model, q, from, to, doc);
  }
  return doc;
}
