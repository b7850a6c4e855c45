/**
 * Mean and population standard deviation from power sums: mean = Σx / n, std = √max(0, Σx²/n − mean²). This is
 * what mergeable rollups keep (n, Σx, Σx²); the max(0, ·) absorbs the rounding that can leave the variance a
 * hair below zero for (nearly) constant data. Less exact than `moments` (Welford) when |mean| ≫ std.
 *
 * Cost: O(1). Throws: RangeError if n ≤ 0.
 *
 * @example meanStdFromSums(4, 10, 30) // { mean: 2.5, std: 1.118… }
 */
export function meanStdFromSums(n: number, sum: number, sumSquares: number): { mean: number; std: number } {
  if (!(n > 0)) throw new RangeError("meanStdFromSums: n must be positive");
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sumSquares / n - mean * mean)) };
}
