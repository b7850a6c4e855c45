// Drift scenario suite (issue #14): detections of the default verdict next to the `evidently` method, and
// false-alarm rates on no-drift windows.
//   npx tsx bench/drift/run.ts [--reps 20] [--null 1000] [--sizes 300,1000,5000,20000,100000] [--ref 20000] [--bins tails|deciles] [--no-evidently]
// Everything is seeded: the same arguments print the same table.
import { type FeatureName, FEATURES, SCENARIOS, buildReference, runWindow } from "./scenarios";
import { createRandom } from "../../lib/stats/random";
import { DECILES, REFERENCE_QUANTILES } from "../../lib/stats/bins";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : def;
}

const REPS = Number(arg("reps", "20"));
const NULL_WINDOWS = Number(arg("null", "1000"));
const SIZES = arg("sizes", "300,1000,5000,20000,100000").split(",").map(Number);
const REF = Number(arg("ref", "20000"));
// --bins deciles: the pre-#14 bins (the baseline); tails (default): deciles + 0.5, 1, 2.5, 5, 95, 97.5, 99, 99.5 %
const BINS = arg("bins", "tails");
const NO_EVIDENTLY = process.argv.includes("--no-evidently");

const t0 = performance.now();
const profile = buildReference(REF, 20261205, BINS === "deciles" ? DECILES : REFERENCE_QUANTILES);
const names = Object.keys(FEATURES) as FeatureName[];

const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(k === n || k === 0 ? 0 : 1)} %`;

// 1. no-drift windows: false-alarm rate per feature and per dataset
console.log(`bins: ${BINS}; reference ${REF} rows; ${NULL_WINDOWS} no-drift windows per size; ${REPS} windows per scenario and size\n`);
console.log("## False alarms on no-drift windows\n");
console.log("| n | default: per feature | default: dataset (Bonferroni) | default: missing-drift per feature | evidently: per feature | evidently: dataset (share ≥ 0.5) |");
console.log("|---|---|---|---|---|---|");
const nullByFeature: string[] = [];
for (const n of SIZES) {
  const rng = createRandom(1000 + n);
  let fDef = 0;
  let fMiss = 0;
  let fEv = 0;
  let dDef = 0;
  let dEv = 0;
  let cells = 0;
  const perFeature = new Map<string, { def: number; ev: number }>(names.map((f) => [f, { def: 0, ev: 0 }]));
  for (let w = 0; w < NULL_WINDOWS; w++) {
    const r = runWindow(profile, n, rng, undefined, !NO_EVIDENTLY);
    for (const f of names) {
      const fl = r.flags[f];
      if (!fl) continue;
      cells++;
      if (fl.default) fDef++;
      if (fl.defaultMissing) fMiss++;
      if (fl.evidently) fEv++;
      const pf = perFeature.get(f)!;
      pf.def += fl.default ? 1 : 0;
      pf.ev += fl.evidently ? 1 : 0;
    }
    if (r.drift.datasetDrift === true) dDef++;
    if (r.evidentlyDataset) dEv++;
  }
  console.log(`| ${n} | ${pct(fDef, cells)} | ${pct(dDef, NULL_WINDOWS)} | ${pct(fMiss, cells)} | ${pct(fEv, cells)} | ${pct(dEv, NULL_WINDOWS)} |`);
  nullByFeature.push(`| ${n} | ${names.map((f) => `${pct(perFeature.get(f)!.def, NULL_WINDOWS)} / ${pct(perFeature.get(f)!.ev, NULL_WINDOWS)}`).join(" | ")} |`);
}

console.log("\n### No-drift windows flagged, per feature (default / evidently)\n");
console.log(`| n | ${names.join(" | ")} |`);
console.log(`|---|${names.map(() => "---").join("|")}|`);
for (const row of nullByFeature) console.log(row);

// 2. scenarios: how often the changed feature is flagged
console.log("\n## Detections of the changed feature (share of windows)\n");
console.log(`| scenario | family | ${SIZES.map((n) => `n=${n} default / evidently`).join(" | ")} |`);
console.log(`|---|---|${SIZES.map(() => "---").join("|")}|`);
const totals = new Map<string, { def: number; ev: number; n: number }>();
const add = (k: string, d: boolean, e: boolean) => {
  const t = totals.get(k) ?? { def: 0, ev: 0, n: 0 };
  t.def += d ? 1 : 0;
  t.ev += e ? 1 : 0;
  t.n++;
  totals.set(k, t);
};
SCENARIOS.forEach((s, si) => {
  const cells: string[] = [];
  for (const n of SIZES) {
    const rng = createRandom(50_000 + si * 1000 + n);
    let d = 0;
    let e = 0;
    for (let w = 0; w < REPS; w++) {
      const fl = runWindow(profile, n, rng, { feature: s.feature, gen: s.gen }, !NO_EVIDENTLY).flags[s.feature];
      d += fl.default ? 1 : 0;
      e += fl.evidently ? 1 : 0;
      add(s.family, fl.default, fl.evidently);
      add("all", fl.default, fl.evidently);
    }
    cells.push(`${pct(d, REPS)} / ${pct(e, REPS)}`);
  }
  console.log(`| ${s.name} | ${s.family} | ${cells.join(" | ")} |`);
});

console.log("\n## Totals (windows where the changed feature was flagged)\n");
console.log("| family | default | evidently |");
console.log("|---|---|---|");
for (const [k, t] of totals) console.log(`| ${k} | ${t.def} / ${t.n} | ${t.ev} / ${t.n} |`);
console.log(`\n(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
