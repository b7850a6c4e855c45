import type { ReferenceProfile } from "./profile";

/**
 * Each predicted class's share of the reference's predictions (a classifier's reference with predictions; null
 * otherwise). The profile's overflow bin, if any, is not a class and gets no share.
 *
 * @example referenceClassShares(profile) // Map { "legit" => 0.97, "fraud" => 0.03 }
 */
export function referenceClassShares(profile: ReferenceProfile | null): Map<string, number> | null {
  const p = profile?.prediction;
  if (!p || p.type !== "categorical" || p.bins.kind !== "values") return null;
  const total = p.counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  return new Map(p.bins.values.map((v, i) => [String(v), (p.counts[i] ?? 0) / total]));
}

/**
 * The largest rise of a class's share of `counts` (predictions by class) over its share of the reference's
 * predictions: a class the reference never predicted counts as 0 there. 0.02 on ordinary traffic; close to 1 when
 * a model collapses onto a class it rarely predicted. Null when there is no prediction or no reference share.
 */
export function classShareShift(counts: Record<string, number>, reference: Map<string, number> | null): number | null {
  if (!reference) return null;
  let total = 0;
  for (const c in counts) total += counts[c];
  if (total <= 0) return null;
  let shift = -Infinity;
  for (const c in counts) shift = Math.max(shift, counts[c] / total - (reference.get(c) ?? 0));
  return shift;
}
