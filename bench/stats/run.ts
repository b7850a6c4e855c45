// Benchmark of the statistics core against scipy/numpy on the same data, in the same run.
//   npx tsx bench/stats/run.ts            (needs python3 with numpy + scipy for the baseline column)
// Generates seeded data, writes it to a temp binary file (float64, little-endian), times our KS on
// 1,000,000 vs 1,000,000 values and PSI + chi-square on 10,000,000 values into frozen decile bins
// (median of 5 runs each), then runs bench/stats/baseline.py on the same file and prints both.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chi2Homogeneity } from "../../lib/stats/chi2Homogeneity";
import { countNumericInto } from "../../lib/stats/countIntoBins";
import { freezeBins } from "../../lib/stats/freezeBins";
import { ks2samp } from "../../lib/stats/ks2samp";
import { psi } from "../../lib/stats/psi";
import { createRandom } from "../../lib/stats/random";

const N_KS = 1_000_000;
const N_REF = 100_000;
const N_BIN = 10_000_000;
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time<T>(fn: () => T): { ms: number[]; result: T } {
  const ms: number[] = [];
  let result = fn(); // warm-up (JIT), not counted
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    result = fn();
    ms.push(performance.now() - t0);
  }
  return { ms, result };
}

const rng = createRandom(20261120);
const a = new Float64Array(N_KS);
const b = new Float64Array(N_KS);
for (let i = 0; i < N_KS; i++) a[i] = rng.normal();
for (let i = 0; i < N_KS; i++) b[i] = rng.normal() + 0.003;
const ref = new Float64Array(N_REF);
for (let i = 0; i < N_REF; i++) ref[i] = Math.exp(rng.normal());
const big = new Float64Array(N_BIN);
for (let i = 0; i < N_BIN; i++) big[i] = Math.exp(rng.normal() * 1.02 + 0.01);

const dir = mkdtempSync(path.join(tmpdir(), "driftwatch-bench-"));
const file = path.join(dir, "data.f64");
const all = new Float64Array(2 * N_KS + N_REF + N_BIN);
all.set(a, 0);
all.set(b, N_KS);
all.set(ref, 2 * N_KS);
all.set(big, 2 * N_KS + N_REF);
writeFileSync(file, Buffer.from(all.buffer));

try {
  const ks = time(() => ks2samp(a, b));

  const bins = freezeBins(ref, "numerical");
  if (bins.kind !== "numeric") throw new Error("expected decile bins");
  const edges = Float64Array.from(bins.edges);
  const refCounts = new Float64Array(edges.length + 1);
  countNumericInto(edges, ref, refCounts);
  const refArr = Array.from(refCounts);
  const binning = time(() => {
    const counts = new Float64Array(edges.length + 1);
    countNumericInto(edges, big, counts);
    const cur = Array.from(counts);
    return { psi: psi(refArr, cur), chi2: chi2Homogeneity(refArr, cur) };
  });

  const py = JSON.parse(
    execFileSync("python3", [path.join(__dirname, "baseline.py"), file, String(N_KS), String(N_REF), String(N_BIN), String(RUNS), JSON.stringify(bins.edges)], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    }),
  ) as { ks_ms: number[]; bin_ms: number[]; ks: [number, number]; psi: number; chi2: [number, number]; edges_equal: boolean; versions: string };

  const row = (name: string, ours: number[], theirs: number[]) =>
    `| ${name.padEnd(44)} | ${median(ours).toFixed(1).padStart(9)} | ${median(theirs).toFixed(1).padStart(16)} | ${(median(ours) / median(theirs)).toFixed(2).padStart(5)} |`;
  console.log(`node ${process.version}, ${py.versions}; median of ${RUNS} runs (after one warm-up)`);
  console.log(`| ${"task".padEnd(44)} | ours (ms) | scipy/numpy (ms) | ratio |`);
  console.log(`|${"-".repeat(46)}|-----------|-------------|-------|`.replace("-------------|", "------------------|"));
  console.log(row("KS ks_2samp, 1,000,000 vs 1,000,000 (asymp)", ks.ms, py.ks_ms));
  console.log(row("PSI + chi2, 10,000,000 values into 10 bins", binning.ms, py.bin_ms));
  const rel = (x: number, y: number) => Math.abs(x - y) / Math.max(Math.abs(y), 1e-300);
  console.log("");
  console.log(`KS   ours D=${ks.result.statistic} p=${ks.result.pValue} | scipy D=${py.ks[0]} p=${py.ks[1]} | rel.err p ${rel(ks.result.pValue, py.ks[1]).toExponential(1)}`);
  console.log(`PSI  ours ${binning.result.psi} | numpy ${py.psi} | rel.err ${rel(binning.result.psi, py.psi).toExponential(1)}`);
  console.log(`chi2 ours ${binning.result.chi2.statistic} p=${binning.result.chi2.pValue} | scipy ${py.chi2[0]} p=${py.chi2[1]} | rel.err ${rel(binning.result.chi2.statistic, py.chi2[0]).toExponential(1)}`);
  console.log(`our decile edges identical to np.unique(np.quantile(ref, 0.1…0.9)): ${py.edges_equal}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
