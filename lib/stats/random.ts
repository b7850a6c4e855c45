/**
 * Seeded pseudo-random generator (xoshiro128**, seeded by splitmix32) for deterministic simulations,
 * tests, benchmarks and demo data. Not cryptographic. Pure: the state lives in the returned object.
 *
 * Cost: O(1) per draw. Throws: nothing.
 *
 * @example const rng = createRandom(42); rng.normal(); rng.uniform(); rng.int(6)
 */
export type Random = {
  /** uniform in [0, 1) with 53 random bits */
  uniform(): number;
  /** standard normal (Box–Muller, both values used) */
  normal(): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** Poisson(λ) by inversion (small λ) */
  poisson(lambda: number): number;
};

export function createRandom(seed: number): Random {
  let x = seed >>> 0;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  const next = () => {
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  let spare: number | null = null;
  const uniform = () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  return {
    uniform,
    normal() {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      let u = 0;
      while (u === 0) u = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      const th = 2 * Math.PI * uniform();
      spare = r * Math.sin(th);
      return r * Math.cos(th);
    },
    int(n: number) {
      return Math.floor(uniform() * n);
    },
    poisson(lambda: number) {
      const l = Math.exp(-lambda);
      let k = 0;
      let p = 1;
      do {
        k++;
        p *= uniform();
      } while (p > l);
      return k - 1;
    },
  };
}

function rotl(v: number, k: number): number {
  return ((v << k) | (v >>> (32 - k))) >>> 0;
}
