/**
 * Finite-n two-sided Kolmogorov–Smirnov distribution, ported from scipy 1.17
 * (`scipy/stats/_ksstats.py::_kolmogn`, the Simard & L'Ecuyer (2011) selection of
 * algorithms) and the one-sided Smirnov survival function (`xsf/cephes/kolmogorov.h::_smirnov`).
 * No npm package implements these (see lib/stats/README.md), so they are hand-written.
 *
 * The only deliberate difference: scipy sums the Smirnov series in double-double arithmetic;
 * here each term is formed in log space from exactly-known pieces (⌊n·x⌋ and its fraction are
 * computed exactly with an error-free product), which keeps the relative error near 1e-12 for
 * the n used by `ks2samp` (checked against scipy in distributions.test.ts).
 */

const E128 = 2 ** 128;
const EM128 = 2 ** -128;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const MIN_LOG = -708;
const SQRT3 = Math.sqrt(3);
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
/** Cephes MINLOG = log(2^-1075). */
const CEPHES_MINLOG = -7.451332191019412076235e2;
const DBL_EPSILON = 2 ** -52;

const STIRLING_COEFFS = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
  8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
  -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** x·2^e without intermediate overflow/underflow (like C `ldexp`). */
function ldexp(x: number, e: number): number {
  let r = x;
  let k = e;
  while (k > 1000) { r *= 2 ** 1000; k -= 1000; }
  while (k < -1000) { r *= 2 ** -1000; k += 1000; }
  return r * 2 ** k;
}

function logNFactorialDivNPowN(n: number): number {
  const rn = 1 / n;
  const x = rn / n;
  let p = 0;
  for (const c of STIRLING_COEFFS) p = p * x + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * p;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
    }
  }
  return out;
}

/** CDF P(D_n ≤ d) by the Durbin matrix (Marsaglia–Tsang–Wang), scipy `_kolmogn_DMTW`. */
function kolmognDMTW(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - h ** j;
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] *= fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)];
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  let Hp: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Hp[i * m + i] = 1;
  let Hm: Float64Array = H;
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2) {
      Hp = matmul(Hp, Hm, m);
      expnt += hExpnt;
    }
    Hm = matmul(Hm, Hm, m);
    hExpnt *= 2;
    if (Math.abs(Hm[(k - 1) * m + (k - 1)]) > E128) {
      for (let i = 0; i < m * m; i++) Hm[i] /= E128;
      hExpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = Hp[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      expnt -= 128;
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt);
  return clip01(p);
}

function pomeranzJ1J2(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** CDF P(D_n ≤ x) by the Pomeranz recursion, scipy `_kolmogn_Pomeranz` (used for n ≤ 140). */
function kolmognPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  let expnt = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1] * gOverN) / m;
    twogpower[m] = (twogpower[m - 1] * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1] * oneMinusTwoGOverN) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let [j1, j2] = pomeranzJ1J2(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzJ1J2(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // numpy slicing V0[k1 - V0s : k1 - V0s + ln2] truncates at the array end
      const aStart = k1 - V0s;
      const aEnd = Math.min(aStart + ln2, npwrs);
      const aLen = Math.max(aEnd - aStart, 0);
      const bLen = Math.min(ln2, npwrs);
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let vmax = -Infinity;
      for (let c = 0; c < convLen; c++) {
        const kk = convStart + c; // full convolution index
        let s = 0;
        const lo = Math.max(0, kk - (bLen - 1));
        const hi = Math.min(aLen - 1, kk);
        for (let a = lo; a <= hi; a++) s += V0[aStart + a] * pwrs[kk - a];
        V1[c] = s;
        if (s > vmax) vmax = s;
      }
      for (let c = convLen; c < npwrs; c++) if (V1[c] > vmax) vmax = V1[c];
      if (vmax > 0 && vmax < EM128) {
        for (let c = 0; c < npwrs; c++) V1[c] *= E128;
        expnt -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > E128) {
      ans *= EM128;
      expnt += 128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ldexp(ans, expnt);
  return clip01(ans);
}

/** Pelz–Good approximation of the CDF P(D_n ≤ x), scipy `_kolmogn_PelzGood` (not clipped). */
function kolmognPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const zsquared = z * z;
  const zthree = z ** 3;
  const zfour = z ** 4;
  const zsix = z ** 6;
  const qlog = -PI_SQUARED / 8 / zsquared;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -zsquared;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * zsix + 2 * zfour;
  const k2b = ((2 * zfour - 5 * zsquared) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * zsquared)) / 16;
  const k3d = (PI_SIX * (5 - 30 * zsquared)) / 64;
  const k3c = (PI_FOUR * (-60 * zsquared + 212 * zfour)) / 16;
  const k3b = (PI_SQUARED * (135 * zfour - 96 * zsix)) / 4;
  const k3a = -30 * zsix - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = K[i] * qpower + coeffs[i];
  }
  const denom = [z, 6 * zfour, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT2PI) / denom[i];
  q = Math.exp(-PI_SQUARED / 2 / zsquared);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ks2 = k * k;
    const qp = q ** ks2;
    const kspi = Math.PI * k;
    k2extra += ks2 * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp;
  }
  K[2] += (k2extra * PI_SQUARED * SQRT2PI) / (-36 * zthree);
  K[3] += (k3extra * PI_SQUARED * SQRT2PI) / (216 * zsix);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i] / n ** (i / 2);
  return sum;
}

/** Error-free product: a·b = hi + lo exactly (Dekker/Veltkamp). */
function twoProduct(a: number, b: number): [number, number] {
  const hi = a * b;
  const split = (v: number): [number, number] => {
    const c = 134217729 * v; // 2^27 + 1
    const big = c - (c - v);
    return [big, v - big];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const lo = ((ah * bh - hi) + ah * bl + al * bh) + al * bl;
  return [hi, lo];
}

/**
 * One-sided Smirnov survival function `P(D_n⁺ ≥ x)` (scipy.special.smirnov), by the
 * Birnbaum–Tingey lower sum. Domain used by `kstwoSf`: n ≥ 1, 0 ≤ x ≤ 1 and x > 0.5/√n
 * (scipy switches to an "upper sum" only for x ≤ 0.5/√n with n·x < 3, which kstwoSf never asks for).
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const [hi, lo] = twoProduct(n, x);
  let nxfl = Math.floor(hi);
  let alpha = hi - nxfl + lo; // exact up to one rounding
  if (alpha < 0) {
    nxfl -= 1;
    alpha += 1;
  }
  if (alpha >= 1) {
    nxfl += 1;
    alpha = 0;
  }
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  if (alpha === 0) n1mxfl -= 1;
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    const cdf = x * Math.exp((n - 1) * Math.log1p(x));
    return clip01(1 - cdf);
  }
  if (-2 * n * x * x < CEPHES_MINLOG) return 0;
  if (nxfl >= n - 1) return clip01(Math.exp(n * Math.log1p(-x)));
  if (n > 1000000) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return clip01(logp < -Math.LN2 ? Math.exp(logp) : 1 - -Math.expm1(logp));
  }
  // sf = x · Σ_{v=0}^{n1mxfl} C(n,v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v)
  const nTerms = n1mxfl + 1;
  const vmid = Math.floor(n / 2);
  let logC = 0;
  let logCComp = 0;
  let sum = 0;
  for (let v = 0; v < nTerms; v++) {
    if (v > 0) {
      // log C(n, v) accumulated with a compensated (Neumaier) sum: logC grows to ~n·ln 2 and
      // plain accumulation would lose ~1e-9 relative for n ≈ 5e5
      const inc = Math.log((n - v + 1) / v);
      const tsum = logC + inc;
      logCComp += Math.abs(logC) >= Math.abs(inc) ? logC - tsum + inc : inc - tsum + logC;
      logC = tsum;
    }
    const y = (nxfl + v + alpha) / n; // x + v/n
    const t1 = Math.log(y);
    // log(1 − y): log1p keeps the small-v terms (which dominate) accurate to a few ulps
    const t2 = y < 0.5 ? Math.log1p(-y) : Math.log((n - nxfl - v - alpha) / n);
    const term = Math.exp(logC + (v - 1) * t1 + (n - v) * t2 + logCComp);
    sum += term;
    if (v > 0) {
      if (term !== 0) {
        if (4 * (nTerms - v) * Math.abs(term) < DBL_EPSILON * sum && v !== nTerms - 1) break;
      } else if (v > vmid) break;
    }
  }
  return clip01(x * sum);
}

/**
 * Survival function of the two-sided one-sample KS statistic, `P(D_n ≥ x)` —
 * `scipy.stats.kstwo.sf(x, n)` (scipy's `_kolmogn(n, x, cdf=False)`), which `ks_2samp`'s
 * asymptotic path evaluates at n = round(n₁n₂/(n₁+n₂)).
 *
 * Cost: O(1) … O(m³ log n) with m ≤ ~120 (Durbin matrix), O(n) for the Smirnov sum.
 * Throws: RangeError unless n is a positive integer; NaN x gives NaN.
 *
 * @example kstwoSf(0.2, 50) // 0.03143877776953241 (scipy 1.17)
 */
export function kstwoSf(x: number, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`kstwoSf: n must be a positive integer, got ${n}`);
  if (Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - prob);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1 - kolmognDMTW(n, x));
    if (nxsquared <= 4) return clip01(1 - kolmognPomeranz(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxsquared >= 370) return 0;
  if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdf: number;
  if (nxsquared >= 18) cdf = 1;
  else if (n <= 100000 && n * x ** 1.5 <= 1.4) cdf = kolmognDMTW(n, x);
  else cdf = kolmognPelzGood(n, x);
  return clip01(1 - cdf);
}
