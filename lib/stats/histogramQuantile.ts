/** A cumulative histogram bucket: `count` observations were ≤ `le` (Prometheus `_bucket{le}`). */
export type CumulativeBucket = { le: number; count: number };

const MIN_NORMAL = 2.2250738585072014e-308;
const SMALL_DELTA_TOLERANCE = 1e-12;

/** Prometheus `util/almost.Equal`. */
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/**
 * φ-quantile from cumulative histogram buckets, reproducing PromQL `histogram_quantile` over
 * classic buckets (Prometheus `promql/quantile.go::bucketQuantile`, v2.51+ incl. the
 * small-delta rule) so the dashboard and Grafana show the same p99:
 * - buckets are sorted by `le`, buckets with equal `le` are merged (counts added);
 * - counts are made monotonic: relative differences < 1e-12 are ignored, decreases removed;
 * - the highest bucket must be `le = +Inf`, otherwise NaN; fewer than 2 buckets or 0 observations → NaN;
 * - rank = q·total; the first bucket with cumulative count ≥ rank is interpolated linearly;
 * - in the +Inf bucket the upper bound of the second-highest bucket is returned;
 * - in the lowest bucket the lower bound is 0 if its upper bound is > 0, otherwise its upper bound is returned;
 * - q < 0 → −Inf, q > 1 → +Inf, q NaN → NaN.
 *
 * Cost: O(k log k) for k buckets. Throws: RangeError on an empty bucket list (PromQL would
 * return no series at all).
 *
 * @example histogramQuantile(0.5, [{ le: 1, count: 10 }, { le: 2, count: 30 }, { le: Infinity, count: 30 }]) // 1.25
 */
export function histogramQuantile(q: number, buckets: readonly CumulativeBucket[]): number {
  if (buckets.length === 0) throw new RangeError("histogramQuantile: no buckets");
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = buckets.map((b) => ({ le: b.le, count: b.count })).sort((x, y) => (x.le < y.le ? -1 : x.le > y.le ? 1 : 0));
  if (sorted[sorted.length - 1].le !== Infinity) return NaN;
  // coalesce equal upper bounds
  const bs: { le: number; count: number }[] = [];
  for (const b of sorted) {
    const last = bs[bs.length - 1];
    if (last && last.le === b.le) last.count += b.count;
    else bs.push({ ...b });
  }
  // ensureMonotonicAndIgnoreSmallDeltas
  let prev = bs[0].count;
  for (let i = 1; i < bs.length; i++) {
    const curr = bs[i].count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      bs[i].count = prev;
      continue;
    }
    if (curr < prev) {
      bs[i].count = prev;
      continue;
    }
    prev = curr;
  }
  if (bs.length < 2) return NaN;
  const observations = bs[bs.length - 1].count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  // sort.Search(len-1, count >= rank)
  let lo = 0;
  let hi = bs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bs[mid].count >= rank) hi = mid;
    else lo = mid + 1;
  }
  const b = lo;
  if (b === bs.length - 1) return bs[bs.length - 2].le;
  if (b === 0 && bs[0].le <= 0) return bs[0].le;
  let bucketStart = 0;
  const bucketEnd = bs[b].le;
  let count = bs[b].count;
  if (b > 0) {
    bucketStart = bs[b - 1].le;
    count -= bs[b - 1].count;
    rank -= bs[b - 1].count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
