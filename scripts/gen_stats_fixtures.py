#!/usr/bin/env python3
"""Writes the JSON fixtures that lib/stats/*.test.ts compare against.

Run:  python3 scripts/gen_stats_fixtures.py      (numpy >= 2, scipy >= 1.17; fixed seeds, deterministic)

Where each expected value comes from:
- KS: scipy.stats.ks_2samp(method='auto'); chi2: scipy.stats.chi2_contingency on the 2xK table with
  all-zero columns dropped; JS: scipy.spatial.distance.jensenshannon(base=2); W1: scipy.stats.wasserstein_distance;
  BH: scipy.stats.false_discovery_control(method='bh'); quantiles: numpy.quantile (default 'linear' = type 7);
  distributions: scipy.stats.chi2.sf / norm.sf / kstwo.sf, scipy.special.smirnov.
- PSI (Evidently's epsilon rule), Hellinger, the pooled two-proportion z-test and the whole `evidently` parity
  mode are computed here with numpy from the formulas in shared/reference/DRIFT_REFERENCE.md (Evidently itself
  is not installed); they use scipy only for ks_2samp / chisquare / norm.cdf / wasserstein_distance.
- Model metrics: scikit-learn is NOT installed, so accuracy/precision/recall/F1, MAE/RMSE/MAPE/R2 and log loss are
  computed with numpy from their definitions, and ROC AUC by definition as the Mann-Whitney U / (P*N)
  (scipy.stats.mannwhitneyu, ties counted 1/2).
"""
import json
import math
import os
import warnings

import numpy as np
from scipy import special, stats
from scipy.spatial.distance import jensenshannon

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib", "stats", "__fixtures__")
DECILES = np.arange(1, 10) / 10
# the reference quantiles numerical bins are frozen at (lib/stats/bins.ts REFERENCE_QUANTILES, issue #14):
# 0.5, 1, 2.5, 5 %, the deciles, 95, 97.5, 99, 99.5 %
REFERENCE_QUANTILES = np.array([0.005, 0.01, 0.025, 0.05, *DECILES, 0.95, 0.975, 0.99, 0.995])


def enc_num(x):
    """JSON has no NaN/Infinity: encode them as strings (the tests decode), None stays null."""
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def fnum(x):
    x = float(x)
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if math.isnan(x):
        return "NaN"
    return x


# ---------------------------------------------------------------- reference implementations

def clean_num(values):
    a = np.array([np.nan if v is None else v for v in values], dtype=float)
    keep = np.isfinite(a)
    return a[keep], int((~keep).sum())


def clean_cat(values):
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            continue
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, (int, np.integer)):
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return out, len(values) - len(out)


def fill_zeroes(p):
    p = p.copy()
    if np.any(p == 0):
        mn = p[p != 0].min()
        eps = mn / 1e6 if mn <= 1e-4 else 1e-4
        p[p == 0] = eps
    return p


def psi_counts(r, c):
    p = fill_zeroes(r / r.sum())
    q = fill_zeroes(c / c.sum())
    return float(np.sum((p - q) * np.log(p / q)))


def hellinger_counts(r, c):
    p = r / r.sum()
    q = c / c.sum()
    return float(np.sqrt(np.sum((np.sqrt(p) - np.sqrt(q)) ** 2) / 2))


def chi2_counts(r, c):
    t = np.vstack([r, c])
    t = t[:, t.sum(axis=0) > 0]
    res = stats.chi2_contingency(t)
    return {"statistic": float(res.statistic), "pValue": float(res.pvalue), "dof": int(res.dof)}


def ks(a, b):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = stats.ks_2samp(a, b)
    method = "exact" if max(len(a), len(b)) <= 10000 and not any("Exact" in str(x.message) for x in w) else "asymp"
    return {"statistic": float(res.statistic), "pValue": float(res.pvalue), "method": method}


def wasserstein_normed(r, c):
    return float(stats.wasserstein_distance(r, c) / max(np.std(r), 0.001))


def ztest(x1, n1, x2, n2):
    p1, p2 = x1 / n1, x2 / n2
    P = (p1 * n1 + p2 * n2) / (n1 + n2)
    v = P * (1 - P) * (1 / n1 + 1 / n2)
    if not v > 0:
        return {"statistic": 0.0, "pValue": 1.0}
    z = (p1 - p2) / np.sqrt(v)
    return {"statistic": float(z), "pValue": float(min(1.0, 2 * stats.norm.sf(abs(z))))}


def frozen_bins_numeric(r):
    uniq = np.unique(r)
    if len(uniq) > 20:
        edges = np.unique(np.quantile(r, REFERENCE_QUANTILES))
        return {"kind": "numeric", "edges": [float(e) for e in edges]}
    return {"kind": "values", "values": [float(v) for v in uniq]}


def aligned_numeric(bins, r, c):
    if bins["kind"] == "numeric":
        e = np.array(bins["edges"])
        k = len(e) + 1
        rc = np.bincount(np.searchsorted(e, r, side="left"), minlength=k).astype(float)
        cc = np.bincount(np.searchsorted(e, c, side="left"), minlength=k).astype(float)
        return [*bins["edges"], "Infinity"], rc, cc
    vals = list(bins["values"])
    extra = sorted(set(np.unique(c).tolist()) - set(vals))
    labels = vals + [float(x) for x in extra]
    rc = np.array([np.sum(r == v) for v in labels], dtype=float)
    cc = np.array([np.sum(c == v) for v in labels], dtype=float)
    return labels, rc, cc


def aligned_cat(r, c):
    vals = sorted(set(r))
    extra = sorted(set(c) - set(vals))
    labels = vals + extra
    rc = np.array([r.count(v) for v in labels], dtype=float)
    cc = np.array([c.count(v) for v in labels], dtype=float)
    return {"kind": "values", "values": vals}, labels, rc, cc


def sturges_edges(a):
    return np.histogram_bin_edges(a, bins="sturges")


def ev_binned(r, c, ftype, feel_zeroes):
    if ftype == "numerical" and len(np.unique(r)) > 20:
        edges = sturges_edges(np.concatenate([r, c]))
        rp = np.histogram(r, edges)[0] / len(r)
        cp = np.histogram(c, edges)[0] / len(c)
    else:
        keys = sorted(set(list(r)) | set(list(c)), key=lambda x: (str(type(x)), x))
        rl, cl = list(r), list(c)
        rp = np.array([rl.count(k) for k in keys]) / len(r)
        cp = np.array([cl.count(k) for k in keys]) / len(c)
    if feel_zeroes:
        rp, cp = fill_zeroes(rp), fill_zeroes(cp)
    return rp, cp


def evidently(r, c, ftype):
    """Evidently's automatic test (DRIFT_REFERENCE.md 1.1-1.8), from its formulas."""
    n = len(r)
    n_values = len(set(list(r)) | set(list(c)))
    if ftype == "numerical":
        if n <= 1000:
            method = "z" if n_values <= 2 else ("chisquare" if n_values <= 5 else "ks")
        else:
            method = "jensenshannon" if n_values <= 5 else "wasserstein"
    else:
        method = ("z" if n_values <= 2 else "chisquare") if n <= 1000 else "jensenshannon"
    if method == "ks":
        res = stats.ks_2samp(r, c)
        return {"method": method, "statistic": float(res.statistic), "pValue": float(res.pvalue), "threshold": 0.05, "drifted": bool(res.pvalue <= 0.05)}
    if method == "wasserstein":
        w = wasserstein_normed(r, c)
        return {"method": method, "statistic": w, "threshold": 0.1, "drifted": bool(w >= 0.1)}
    if method == "jensenshannon":
        rp, cp = ev_binned(r, c, ftype, False)
        js = float(jensenshannon(rp, cp))
        return {"method": method, "statistic": js, "threshold": 0.1, "drifted": bool(js >= 0.1)}
    if method == "chisquare":
        keys = sorted(set(list(r)) | set(list(c)))
        rl, cl = list(r), list(c)
        f_exp = np.array([rl.count(k) for k in keys]) * (len(c) / len(r))
        f_obs = np.array([cl.count(k) for k in keys], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            stat = float(np.sum((f_obs - f_exp) ** 2 / f_exp))
        p = float(stats.chi2.sf(stat, len(keys) - 1))
        return {"method": method, "statistic": fnum(stat), "pValue": p, "threshold": 0.05, "drifted": bool(p < 0.05)}
    # z
    rs, cs = set(list(r)), set(list(c))
    if len(rs) == 1 and len(cs) == 1 and list(rs)[0] == list(cs)[0]:
        return {"method": "z", "statistic": 0.0, "pValue": 1.0, "threshold": 0.05, "drifted": False}
    keys = sorted(rs | cs)
    p1 = np.mean([0 if x == keys[0] else 1 for x in r])
    p2 = np.mean([0 if x == keys[0] else 1 for x in c])
    m = len(c)
    P = (p1 * n + p2 * m) / (n + m)
    z = (p1 - p2) / np.sqrt(P * (1 - P) * (1 / n + 1 / m))
    p = float(2 * (1 - stats.norm.cdf(abs(z))))
    return {"method": "z", "statistic": float(z), "pValue": p, "threshold": 0.05, "drifted": bool(p < 0.05)}


def ad_binned(rc, cc):
    """Two-sample Anderson-Darling A2kN on grouped data: scipy's own _anderson_ksamp_right (the midrank=False
    statistic of scipy.stats.anderson_ksamp before standardisation) on the bin indices as tied observations."""
    from scipy.stats._morestats import _anderson_ksamp_right
    idx = np.arange(len(rc))
    samples = [np.repeat(idx, rc.astype(int)), np.repeat(idx, cc.astype(int))]
    Z = np.sort(np.concatenate(samples))
    Zstar = np.unique(Z)
    n = np.array([len(samples[0]), len(samples[1])])
    return {"statistic": float(_anderson_ksamp_right(samples, Z, Zstar, 2, n, int(n.sum())))}


def numeric_case(name, ref, cur, note):
    r, rmiss = clean_num(ref)
    c, cmiss = clean_num(cur)
    bins = frozen_bins_numeric(r)
    labels, rc, cc = aligned_numeric(bins, r, c)
    exp = {
        "refN": len(r), "curN": len(c), "refMissing": rmiss, "curMissing": cmiss,
        "bins": bins, "labels": [fnum(x) if x != "Infinity" else x for x in labels],
        "refCounts": rc.tolist(), "curCounts": cc.tolist(),
        "psi": psi_counts(rc, cc), "js": float(jensenshannon(rc / rc.sum(), cc / cc.sum(), base=2)),
        "hellinger": hellinger_counts(rc, cc), "chi2": chi2_counts(rc, cc),
        "ks": ks(r, c), "wasserstein": wasserstein_normed(r, c),
        "evidently": evidently(r, c, "numerical"),
    }
    # Evidently's PSI and JS forced on a numerical column: Sturges bins over ref+cur when > 20 distinct ref values
    rp, cp = ev_binned(r, c, "numerical", True)
    exp["evidentlyPsi"] = float(np.sum((rp - cp) * np.log(rp / cp)))
    rp, cp = ev_binned(r, c, "numerical", False)
    exp["evidentlyJsNats"] = float(jensenshannon(rp, cp))
    if bins["kind"] == "numeric":
        exp["adBinned"] = ad_binned(rc, cc)
    if len(set(np.unique(r)) | set(np.unique(c))) == 2:
        lo = min(set(np.unique(r)) | set(np.unique(c)))
        exp["ztest"] = ztest(float(np.sum(r != lo)), len(r), float(np.sum(c != lo)), len(c))
    return {"name": name, "type": "numerical", "note": note, "ref": [enc_num(v) for v in ref], "cur": [enc_num(v) for v in cur], "expected": exp}


def categorical_case(name, ref, cur, note):
    r, rmiss = clean_cat(ref)
    c, cmiss = clean_cat(cur)
    bins, labels, rc, cc = aligned_cat(r, c)
    exp = {
        "refN": len(r), "curN": len(c), "refMissing": rmiss, "curMissing": cmiss,
        "bins": bins, "labels": labels, "refCounts": rc.tolist(), "curCounts": cc.tolist(),
        "psi": psi_counts(rc, cc), "js": float(jensenshannon(rc / rc.sum(), cc / cc.sum(), base=2)),
        "hellinger": hellinger_counts(rc, cc), "chi2": chi2_counts(rc, cc),
        "evidently": evidently(r, c, "categorical"),
    }
    if len(labels) == 2:
        exp["ztest"] = ztest(rc[1], rc.sum(), cc[1], cc.sum())
    def enc(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v
    return {"name": name, "type": "categorical", "note": note, "ref": [enc(v) for v in ref], "cur": [enc(v) for v in cur], "expected": exp}


def L(a, d=None):
    a = np.asarray(a, dtype=float)
    if d is not None:
        a = np.round(a, d)
    return a.tolist()


def drift_cases():
    rng = np.random.default_rng(20261120)
    cases = []
    N = lambda *s, loc=0.0, scale=1.0: rng.normal(loc, scale, size=s[0])  # noqa: E731
    add = lambda *a: cases.append(numeric_case(*a))  # noqa: E731
    addc = lambda *a: cases.append(categorical_case(*a))  # noqa: E731

    add("num_same_500", L(N(500), 6), L(N(500), 6), "same distribution, n = m = 500")
    add("num_30_vs_40", L(N(30), 6), L(N(40, loc=0.5), 6), "small samples, n = 30 vs 40, exact KS with gcd 10")
    add("num_30_vs_40_integers", L(rng.integers(0, 8, 30)), L(rng.integers(1, 9, 40)), "discrete integers with ties, value bins")
    add("num_20000_vs_20000", L(N(20000), 4), L(N(20000), 4), "large, asymptotic KS (max n > 10,000), no drift")
    add("num_20000_vs_20000_shift", L(N(20000), 4), L(N(20000, loc=0.05), 4), "large, small shift")
    add("ks_boundary_10000_vs_9000_exact", L(N(10000), 4), L(N(9000, loc=0.03), 4), "max(n, m) = 10,000: exact path")
    add("ks_boundary_10001_vs_9000_asymp", L(N(10001), 4), L(N(9000, loc=0.03), 4), "max(n, m) = 10,001: asymptotic path")
    add("ks_10000_vs_10000_exact_equal_n", L(N(10000), 4), L(N(10000, loc=0.04), 4), "equal n: _compute_prob_outside_square")
    add("ks_10001_vs_10001_round_half_even", L(N(10001), 4), L(N(10001, loc=0.02), 4), "en = 5000.5 rounds to 5000 (numpy round half to even)")
    add("ks_120_vs_10050_asymp_small_en", L(N(120), 5), L(N(10050, loc=0.2), 5), "asymptotic with round(en) = 119 <= 140 (Durbin/Pomeranz paths)")
    add("ks_50_vs_20000_asymp_small_en", L(N(50), 5), L(N(20000, loc=0.1), 5), "asymptotic with round(en) = 50")
    add("ks_9999_vs_10000_coprime", L(N(9999), 4), L(N(10000, loc=0.03), 4), "coprime sizes, lcm ~ 1e8, exact inside method")
    add("num_poisson_ties_800_700", L(rng.poisson(3, 800)), L(rng.poisson(3.3, 700)), "discrete integers (<= 20 distinct), ties; value bins")
    add("num_binomial_ties_decile_collapse", L(rng.binomial(100, 0.3, 3000)), L(rng.binomial(100, 0.31, 2500)), "> 20 distinct integers: decile edges with ties (duplicates collapse)")
    add("num_constant_reference", [5.0] * 600, L(N(500, loc=5.0), 6), "constant reference: one value bin, Wasserstein divides by 0.001")
    add("num_both_constant_equal", [3.0] * 400, [3.0] * 300, "both samples constant and equal: D = 0, p = 1, chi2 dof 0")
    ref = L(N(700), 6); cur = L(N(650, loc=0.1), 6)
    for i in range(0, 700, 37): ref[i] = None
    for i in range(5, 650, 29): cur[i] = float("nan")
    cur[3] = float("inf"); ref[11] = float("-inf")
    add("num_missing_values", ref, cur, "null, NaN and +/-Infinity excluded and counted as missing")
    add("num_disjoint_supports", L(rng.uniform(0, 1, 400), 6), L(rng.uniform(2, 3, 300), 6), "disjoint supports: D = 1")
    add("num_heavy_tail_t5_vs_cauchy", L(rng.standard_t(5, 3000), 5), L(rng.standard_cauchy(2000), 5), "heavy tail (Evidently's Sturges bins collapse)")
    add("num_lognormal_1500_1200", L(rng.lognormal(0, 1, 1500), 5), L(rng.lognormal(0.1, 1, 1200), 5), "skewed, n > 1000: Evidently Wasserstein")
    add("num_binary_01_300_250", L(rng.integers(0, 2, 300)), L((rng.random(250) < 0.62).astype(int)), "binary 0/1, n <= 1000: Evidently z-test")
    add("num_binary_01_2000_1500", L((rng.random(2000) < 0.3).astype(int)), L((rng.random(1500) < 0.33).astype(int)), "binary 0/1, n > 1000: Evidently JS")
    add("num_four_values_500", L(rng.choice([1.0, 2.0, 3.5, 7.0], 500)), L(rng.choice([1.0, 2.0, 3.5, 7.0], 450, p=[0.2, 0.3, 0.3, 0.2])), "3-5 distinct values, n <= 1000: Evidently chi-square GoF")
    add("num_four_values_2000", L(rng.choice([0.0, 1.0, 2.0, 3.0], 2000)), L(rng.choice([0.0, 1.0, 2.0, 3.0, 4.0], 1800, p=[0.2, 0.2, 0.2, 0.2, 0.2])), "value new in current, n > 1000: Evidently JS")
    add("num_exponential_5000", L(rng.exponential(1, 5000), 5), L(rng.exponential(1.1, 5000), 5), "exact KS at n = m = 5000")
    add("num_rounded_uniform_ties", L(np.round(rng.uniform(0, 5, 1000), 1)), L(np.round(rng.uniform(0, 5.2, 1000), 1)), "heavy ties (one decimal), > 20 distinct")
    add("num_tiny_5_vs_7", L(N(5), 6), L(N(7, loc=1), 6), "tiny samples")
    add("num_3_vs_100", L(N(3), 6), L(N(100), 6), "very unequal small samples")
    add("num_bimodal_2500", L(np.concatenate([N(1250, loc=-2), N(1250, loc=2)]), 5), L(np.concatenate([N(1000, loc=-2), N(1500, loc=2)]), 5), "mixture weights change")
    add("num_shift_0p2sd_5000", L(N(5000), 5), L(N(5000, loc=0.2), 5), "0.2 sigma mean shift on 5,000 values")
    add("num_large_offset", L(1e6 + N(800), 4), L(1e6 + N(800, loc=0.05), 4), "values near 1e6 (precision of W1 and std)")
    add("num_negative_and_zero", L(np.minimum(N(600), 0), 5), L(np.minimum(N(600, loc=-0.1), 0), 5), "half the mass at exactly 0")
    add("num_10000_vs_10000_strong", L(N(10000), 4), L(N(10000, loc=0.5), 4), "strong shift, exact p underflows towards 0")
    add("num_1_vs_3", [0.5], [0.1, 0.7, 0.9], "n = 1")

    cats = ["a", "b", "c", "d", "e"]
    addc("cat_same_2000_1500", list(rng.choice(cats, 2000)), list(rng.choice(cats, 1500)), "same distribution, n > 1000: Evidently JS")
    addc("cat_shift_800_600", list(rng.choice(cats, 800)), list(rng.choice(cats, 600, p=[0.3, 0.25, 0.2, 0.15, 0.1])), "shift, n <= 1000: Evidently chi-square GoF")
    addc("cat_new_category", list(rng.choice(cats[:4], 500)), list(rng.choice(cats, 400)), "category e only in current: Evidently chi2 = inf")
    addc("cat_absent_from_current", list(rng.choice(cats, 1500)), list(rng.choice(cats[:3], 1200)), "categories d, e absent from current")
    addc("cat_binary_yes_no", list(rng.choice(["yes", "no"], 400)), list(rng.choice(["yes", "no"], 300, p=[0.6, 0.4])), "binary categorical, n <= 1000: z-test")
    addc("cat_booleans_3000_2000", [bool(x) for x in rng.random(3000) < 0.4], [bool(x) for x in rng.random(2000) < 0.45], "booleans as 'true'/'false'")
    ref = list(rng.choice(cats, 900)); cur = list(rng.choice(cats, 700))
    for i in range(0, 900, 13): ref[i] = None
    for i in range(2, 700, 17): cur[i] = None
    addc("cat_missing_values", ref, cur, "None excluded, counted as missing")
    many = [f"c{i:02d}" for i in range(50)]
    w = rng.dirichlet(np.ones(50))
    addc("cat_50_categories_5000", list(rng.choice(many, 5000, p=w)), list(rng.choice(many, 5000, p=w)), "many categories, same distribution")
    w2 = np.r_[np.full(5, 0.16), np.full(40, 0.2 / 40)]
    addc("cat_rare_categories_900", list(rng.choice(many[:45], 900, p=w2)), list(rng.choice(many[:45], 900, p=w2)), "rare categories (expected counts < 5)")
    addc("cat_both_constant_equal", ["a"] * 300, ["a"] * 250, "both constant and equal: z p = 1, chi2 dof 0")
    addc("cat_disjoint", list(rng.choice(["a", "b"], 300)), list(rng.choice(["c", "d"], 300)), "disjoint categories")
    addc("cat_integer_codes", [int(x) for x in rng.integers(1, 5, 700)], [int(x) for x in rng.integers(1, 6, 650)], "integer category codes (keys '1'..'5')")
    w3 = rng.dirichlet(np.full(300, 2.0))
    big = [f"v{i:03d}" for i in range(300)]
    addc("cat_300_categories_6000", list(rng.choice(big, 6000, p=w3)), list(rng.choice(big, 6000, p=0.9 * w3 + 0.1 / 300)), "300 categories: chi2 with dof 299 (large-dof chi-square tail)")
    return cases


def distribution_cases():
    chi = []
    for df in [1, 2, 3, 4, 5, 9, 10, 19, 29, 49, 99, 100, 150, 199, 300, 500, 999, 2000, 4999, 10000, 50000]:
        for q in [1e-300, 1e-100, 1e-30, 1e-12, 1e-6, 1e-3, 0.01, 0.05, 0.2, 0.5, 0.9, 0.999]:
            x = float(stats.chi2.isf(q, df))
            chi.append({"x": x, "dof": df, "sf": float(stats.chi2.sf(x, df))})
    norm = [{"z": float(z), "sf": float(stats.norm.sf(z))} for z in np.r_[np.linspace(-6, 6, 49), [8, 8.3, 10, 15, 20, 30, 37]]]
    kstwo = []
    for n in [1, 2, 3, 5, 10, 30, 50, 100, 119, 140, 141, 200, 500, 1000, 4737, 5000, 10000, 20000, 100000, 100001, 500000]:
        for x in [0.001, 0.003, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.8, 0.95]:
            kstwo.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    smirnov = [{"n": n, "x": x, "sf": float(special.smirnov(n, x))} for n in [2, 10, 50, 141, 1000, 10000] for x in [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]]
    return {"chi2": chi, "norm": norm, "kstwo": kstwo, "smirnov": smirnov}


def quantile_cases():
    rng = np.random.default_rng(7)
    ps = [0.0, 0.001, 0.01, 0.1, 0.2, 0.25, 0.3, 0.5, 0.7, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0]
    samples = {
        "one": [3.5],
        "two": [1.0, 2.0],
        "ints_with_ties": rng.integers(0, 5, 37).astype(float).tolist(),
        "normal_1000": np.round(rng.normal(size=1000), 6).tolist(),
        "negative_and_large": [-1e9, -3.0, 0.0, 0.0, 2.5, 1e12],
        "sorted_small": [1.0, 2.0, 3.0, 4.0],
    }
    out = []
    for name, xs in samples.items():
        arr = np.array(xs)
        out.append({"name": name, "values": xs, "p": ps, "expected": [float(v) for v in np.quantile(arr, ps)],
                    "deciles": [float(v) for v in np.quantile(arr, DECILES)]})
    return out


def bh_cases():
    rng = np.random.default_rng(11)
    sets = [[0.5, 0.6, 0.1, 0.001], [0.01], [0.04, 0.04, 0.04, 0.5], [0.0, 1.0, 0.3, 0.3, 0.02],
            rng.random(20).tolist(), (rng.random(50) ** 4).tolist()]
    return [{"p": s, "adjusted": stats.false_discovery_control(s, method="bh").tolist() if len(s) > 1 else s} for s in sets]


def metric_cases():
    rng = np.random.default_rng(3)
    cls = []
    for k, n in [(2, 200), (3, 500), (4, 50)]:
        classes = [f"k{i}" for i in range(k)]
        actual = rng.integers(0, k, n)
        pred = np.where(rng.random(n) < 0.7, actual, rng.integers(0, k, n))
        cm = np.zeros((k, k))
        np.add.at(cm, (actual, pred), 1)
        if k == 4:
            cm[:, 3] = 0  # a class never predicted: precision 0/0 -> 0
        tp = np.diag(cm)
        colsum, rowsum = cm.sum(0), cm.sum(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            prec = np.where(colsum > 0, tp / colsum, 0.0)
            rec = np.where(rowsum > 0, tp / rowsum, 0.0)
            f1 = np.where(rowsum + colsum > 0, 2 * tp / (rowsum + colsum), 0.0)
        cls.append({"classes": classes, "confusion": cm.tolist(), "accuracy": float(tp.sum() / cm.sum()),
                    "precision": prec.tolist(), "recall": rec.tolist(), "f1": f1.tolist(), "support": rowsum.tolist(),
                    "macro": [float(prec.mean()), float(rec.mean()), float(f1.mean())],
                    "weighted": [float(np.sum(prec * rowsum) / rowsum.sum()), float(np.sum(rec * rowsum) / rowsum.sum()), float(np.sum(f1 * rowsum) / rowsum.sum())]})
    reg = []
    for n in [10, 1000]:
        y = np.round(rng.normal(10, 3, n), 4)
        y[0] = 0.0  # excluded from MAPE
        yhat = np.round(y + rng.normal(0, 1, n), 4)
        e = y - yhat
        nz = y != 0
        reg.append({"actual": y.tolist(), "predicted": yhat.tolist(), "mae": float(np.mean(np.abs(e))), "rmse": float(np.sqrt(np.mean(e ** 2))),
                    "mape": float(np.mean(np.abs(e[nz]) / np.abs(y[nz]))), "r2": float(1 - np.sum(e ** 2) / np.sum((y - y.mean()) ** 2))})
    auc = []
    for n in [20, 500]:
        labels = rng.random(n) < 0.4
        scores = np.round(rng.random(n) + 0.3 * labels, 2)  # rounding makes ties
        u = stats.mannwhitneyu(scores[labels], scores[~labels]).statistic
        auc.append({"scores": scores.tolist(), "positive": labels.tolist(), "auc": float(u / (labels.sum() * (~labels).sum()))})
    p = np.clip(rng.random(100), 0, 1)
    p[0], p[1] = 0.0, 1.0
    ll = {"pActual": p.tolist(), "logLoss": float(np.mean(-np.log(np.clip(p, np.finfo(float).eps, 1 - np.finfo(float).eps))))}
    return {"classification": cls, "regression": reg, "auc": auc, "logLoss": ll}


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {"generator": "scripts/gen_stats_fixtures.py", "numpy": np.__version__, "scipy": __import__("scipy").__version__}
    files = {"drift_cases.json": {"meta": meta, "cases": drift_cases()},
             "distributions.json": {"meta": meta, **distribution_cases()},
             "quantiles.json": {"meta": meta, "cases": quantile_cases()},
             "bh.json": {"meta": meta, "cases": bh_cases()},
             "metrics.json": {"meta": meta, **metric_cases()}}
    for name, data in files.items():
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(data, f, separators=(",", ":"), allow_nan=False)
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")


if __name__ == "__main__":
    main()
