#!/usr/bin/env python3
"""scipy/numpy side of bench/stats/run.ts: reads the same float64 file and times the same work.

Usage (run.ts calls it): baseline.py FILE N_KS N_REF N_BIN RUNS OUR_EDGES_JSON  -> prints JSON on stdout.
"""
import json
import sys
import time

import numpy as np
import scipy
from scipy import stats


def timed(fn, runs):
    fn()  # warm-up, as in run.ts
    ms = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        ms.append((time.perf_counter() - t0) * 1000)
    return ms, out


def main():
    path, n_ks, n_ref, n_bin, runs = sys.argv[1], *map(int, sys.argv[2:6])
    data = np.fromfile(path, dtype="<f8")
    a, b = data[:n_ks], data[n_ks:2 * n_ks]
    ref = data[2 * n_ks:2 * n_ks + n_ref]
    big = data[2 * n_ks + n_ref:2 * n_ks + n_ref + n_bin]

    ks_ms, ks = timed(lambda: stats.ks_2samp(a, b), runs)

    edges = np.unique(np.quantile(ref, np.arange(1, 10) / 10))
    k = len(edges) + 1
    ref_counts = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=k).astype(float)

    def psi_chi2():
        cur = np.bincount(np.searchsorted(edges, big, side="left"), minlength=k).astype(float)
        p = ref_counts / ref_counts.sum()
        q = cur / cur.sum()
        psi = float(np.sum((p - q) * np.log(p / q)))  # no empty bins here, so no epsilon needed
        res = stats.chi2_contingency(np.vstack([ref_counts, cur]))
        return psi, (float(res.statistic), float(res.pvalue))

    bin_ms, (psi, chi2) = timed(psi_chi2, runs)
    print(json.dumps({
        "ks_ms": ks_ms, "bin_ms": bin_ms,
        "ks": [float(ks.statistic), float(ks.pvalue)], "psi": psi, "chi2": list(chi2),
        "edges_equal": json.loads(sys.argv[6]) == edges.tolist(),
        "versions": f"python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}",
    }))


if __name__ == "__main__":
    main()
