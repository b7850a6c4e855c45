import type { FeatureProfile, ReferenceProfile } from "../models/references/profile";
import { type Doc, OTHER_VALUE, SEP, key } from "../rollups/documents";
import { alignCounts, countIntoBins } from "../stats";

/** Display label of the overflow bin (rollup keys with OTHER_VALUE, or a reference's pooled rare categories). */
export const OVERFLOW_LABEL = "(other)";

/**
 * Current-window counts of one feature on the reference's bins. `counts[i]` for i < profile.counts.length are
 * the reference's bins in order; value bins (categoricals, low-cardinality numericals) then get one extra bin
 * per value unseen in the reference (ascending, as lib/stats `alignCounts`), whose reference count is 0, and
 * finally an overflow bin when the window has overflow counts the reference has no bin for.
 */
export type WindowFeature = {
  counts: number[];
  binsLabels: string[];
  /** values in the bins (= sum of counts): the values the tests see */
  count: number;
  /** absent/null plus wrong type: excluded from the tests */
  missing: number;
  /** values not in the reference, by category key (also in `counts` as extra bins) */
  unseen: Record<string, number>;
};

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function intervalLabels(edges: readonly number[]): string[] {
  const out = [`(-∞, ${edges[0]}]`];
  for (let i = 1; i < edges.length; i++) out.push(`(${edges[i - 1]}, ${edges[i]}]`);
  out.push(`(${edges[edges.length - 1]}, +∞)`);
  return out;
}

/** Puts counts on the profile's bins (see WindowFeature) from per-bin counts, unseen values and an overflow count. */
function assemble(profile: FeatureProfile, counts: number[], unseen: Map<string, number>, overflow: number, missing: number): WindowFeature {
  const bins = profile.bins;
  if (bins.kind === "numeric") return { counts, binsLabels: intervalLabels(bins.edges), count: sum(counts), missing, unseen: {} };
  const otherIdx = bins.values.indexOf(OTHER_VALUE);
  if (otherIdx >= 0) {
    // the reference pooled its rare categories: a value outside the bins may be one of them, so nothing is "unseen"
    counts[otherIdx] += overflow + sum([...unseen.values()]);
    const labels = bins.values.map((v) => (v === OTHER_VALUE ? OVERFLOW_LABEL : String(v)));
    return { counts, binsLabels: labels, count: sum(counts), missing, unseen: {} };
  }
  const aligned = alignCounts(bins, { counts: profile.counts, missing: 0 }, { counts, missing, unseen });
  const out = { counts: aligned.cur, binsLabels: aligned.labels.map(String), missing, unseen: Object.fromEntries(unseen) };
  if (overflow > 0) {
    out.counts.push(overflow);
    out.binsLabels.push(OVERFLOW_LABEL);
  }
  return { ...out, count: sum(out.counts) };
}

/** Splits value counts into the profile's value bins, unseen values, overflow, and keys of the wrong type. */
function fromValueCounts(profile: FeatureProfile, values: Map<string, number>, missing: number): WindowFeature {
  const bins = profile.bins;
  if (bins.kind !== "values") throw new RangeError("fromValueCounts: value bins expected");
  const numeric = profile.type === "numerical";
  const index = new Map<string, number>();
  bins.values.forEach((v, i) => index.set(String(v), i));
  const counts = new Array<number>(bins.values.length).fill(0);
  const unseen = new Map<string, number>();
  let overflow = 0;
  for (const [k, c] of values) {
    const i = index.get(k);
    if (i !== undefined) counts[i] += c;
    else if (k === OTHER_VALUE) overflow += c;
    else if (numeric && String(Number(k)) !== k) missing += c; // not a number key: wrong type for the feature
    else unseen.set(k, (unseen.get(k) ?? 0) + c);
  }
  return assemble(profile, counts, unseen, overflow, missing);
}

/**
 * Current-window counts of one feature from a merged feature rollup document (lib/rollups/documents.ts):
 * numeric (decile) bins from `f·b·<i>`, value bins from `f·v·<k>` (extra bins for values unseen in the
 * reference; the overflow key OTHER_VALUE becomes an "(other)" bin with reference count 0, or joins the
 * reference's own overflow bin when it has one); missing = `f·miss` + `f·mis`. Non-finite/out-of-range
 * values are not special: `f·oor` values are still in their bins.
 *
 * Cost: O(k) for numeric bins, O(|doc|) for value bins (a scan for the feature's keys). Throws: nothing.
 *
 * @example windowFeatureCounts({ ["age\u001fb\u001f0"]: 3, ["age\u001fmiss"]: 1 }, ageProfile).counts // [3, 0, …]
 */
export function windowFeatureCounts(doc: Doc, profile: FeatureProfile): WindowFeature {
  const f = profile.name;
  const missing = (doc[key(f, "miss")] ?? 0) + (doc[key(f, "mis")] ?? 0);
  if (profile.bins.kind === "numeric") {
    const counts = Array.from({ length: profile.bins.edges.length + 1 }, (_, i) => doc[key(f, "b", i)] ?? 0);
    return assemble(profile, counts, new Map(), 0, missing);
  }
  const prefix = key(f, "v", "");
  const values = new Map<string, number>();
  for (const k in doc) if (k.startsWith(prefix)) values.set(k.slice(prefix.length), doc[k]);
  return fromValueCounts(profile, values, missing);
}

/**
 * `windowFeatureCounts` for every feature of the profile (features absent from the document get zero counts).
 * Cost: O(F·|doc|). Throws: nothing.
 */
export function windowCounts(doc: Doc, profile: ReferenceProfile): Record<string, WindowFeature> {
  const out: Record<string, WindowFeature> = {};
  for (const name in profile.features) out[name] = windowFeatureCounts(doc, profile.features[name]);
  return out;
}

/**
 * Current-window counts of the prediction from a merged metrics document: classification → `pc·<class>`
 * (classes as `categoryKey`, unseen classes as extra bins, OTHER_VALUE as overflow), missing = events without
 * a predicted class, i.e. max(0, n − err − Σpc) (failed predictions are errors, not missing). Regression → null:
 * the metrics document has only moments of the predicted values; their bins are in the feature documents, under
 * PREDICTION_KEY (`windowFeatureCounts`).
 *
 * Cost: O(|doc|). Throws: nothing.
 *
 * @example windowPredictionCounts({ n: 3, ["pc\u001ffraud"]: 1, ["pc\u001flegit"]: 2 }, profile.prediction)?.count // 3
 */
export function windowPredictionCounts(doc: Doc, profile: FeatureProfile | null): WindowFeature | null {
  if (profile === null || profile.type !== "categorical") return null;
  const prefix = "pc" + SEP;
  const values = new Map<string, number>();
  let count = 0;
  for (const k in doc) {
    if (!k.startsWith(prefix)) continue;
    values.set(k.slice(prefix.length), doc[k]);
    count += doc[k];
  }
  return fromValueCounts(profile, values, Math.max(0, (doc.n ?? 0) - (doc.err ?? 0) - count));
}

/**
 * Current-window counts of one feature from raw values (e.g. raw events, or regression predictions), by
 * lib/stats `countIntoBins` on the profile's bins, assembled as `windowFeatureCounts` does: the same
 * counts as the rollup path for the same values. Wrong-type values (a string for a numerical feature) and
 * null/NaN/±∞ are missing.
 *
 * Cost: O(n log k). Throws: nothing.
 *
 * @example windowFeatureFromValues(["a", "z", null], profileOfAB) // { counts: [1, 0, 1], binsLabels: ["a", "b", "z"], count: 2, missing: 1, unseen: { z: 1 } }
 */
export function windowFeatureFromValues(values: ArrayLike<unknown>, profile: FeatureProfile): WindowFeature {
  // a numerical reference without any value has empty value bins, which countIntoBins would read as categories
  const emptyNumeric = profile.type === "numerical" && profile.bins.kind === "values" && profile.bins.values.length === 0;
  const c = countIntoBins(profile.bins, emptyNumeric ? Array.from(values, (v) => (typeof v === "number" ? v : null)) : values);
  return assemble(profile, c.counts, c.unseen ?? new Map(), 0, c.missing);
}
