import type { DriftMethod, FeatureDrift, JsonStatistic, MethodResult, WindowDrift } from "@/lib/drift/computeDrift";

/**
 * Pure mappers from the drift API's JSON to what the heatmap draws (STYLE 9): one number per cell, the
 * statistic divided by its threshold, so every method shares one colour scale and one legend.
 */

/** What the page asks the drift API for and what a cell is coloured by: the default verdict or one method. */
export type HeatmapMethod = "verdict" | DriftMethod;

/** The subset of the drift API's response the heatmap reads (DriftResponse in lib/queries). */
export type DriftSeries = {
  features: { name: string; type: string; importance: number | null }[];
  windows: ({ start: string; end: string } & WindowDrift)[];
};

/** Cell flags. */
export const FLAG = { ok: 0, drifted: 1, insufficient: 2, none: 3 } as const;

export type HeatmapRow = {
  name: string;
  type: string;
  importance: number | null;
  /** statistic ÷ threshold per window (p-values: log p ÷ log threshold); null = not tested */
  ratio: (number | null)[];
  flag: number[];
  /** the statistic shown on hover (the verdict: its effect size) */
  value: (number | null)[];
  /** the p-value shown on hover (the verdict: BH-adjusted), when the method has one */
  p: (number | null)[];
  /** why a window has no verdict (insufficient data), when the API says */
  reason: (string | null)[];
};

export type HeatmapWindow = { start: string; end: string; share: number; drifted: number; tested: number };

export type HeatmapData = {
  method: HeatmapMethod;
  windows: HeatmapWindow[];
  rows: HeatmapRow[];
  prediction: HeatmapRow | null;
  /** index of the window with the largest share of drifted features (ties: the latest), or of the highest cell */
  worst: number;
  /** the largest ratio anywhere (for the legend's note), 0 when nothing was tested */
  maxRatio: number;
};

/** Highest ratio the scale distinguishes; anything above is drawn at the top colour. */
export const RATIO_MAX = 2;

/** The default verdict's significance level for its (BH-adjusted) test. */
export const VERDICT_ALPHA = 0.05;

/** Ratio of a p-value test: 1 at the threshold, 2 at threshold², 0 at p = 1 (p = 0 is capped). */
export function pRatio(p: number, threshold: number): number {
  if (!(threshold > 0 && threshold < 1)) return p < threshold ? RATIO_MAX : 0;
  if (p <= 0) return RATIO_MAX * 2;
  if (p >= 1) return 0;
  return Math.log(p) / Math.log(threshold);
}

/** A method's cell value: distances ÷ threshold; p-value tests by `pRatio`; null when skipped or without a statistic. */
export function methodRatio(r: MethodResult): number | null {
  if (r.skipped) return null;
  if (r.pValue !== undefined && r.pValue !== null) return pRatio(r.pValue, r.threshold);
  const s = statNumber(r.statistic);
  if (s === null || !(r.threshold > 0)) return null;
  return s / r.threshold;
}

/** The number behind a result's statistic ("Infinity" etc. are how JSON carries ±∞; null: skipped). */
export function statNumber(s: JsonStatistic | null): number | null {
  return s === null ? null : typeof s === "number" ? s : Number(s);
}

/** One cell from one feature's drift in one window. */
export function cellOf(f: FeatureDrift | undefined, method: HeatmapMethod) {
  if (!f) return { ratio: null, flag: FLAG.none, value: null, p: null, reason: null };
  if (f.drifted === "insufficient_data") {
    return { ratio: null, flag: f.count + f.missing > 0 ? FLAG.insufficient : FLAG.none, value: null, p: null, reason: f.reason ?? null };
  }
  if (method === "verdict") {
    // the verdict needs both the effect size over its threshold and the (BH-adjusted) test under 0.05: the
    // smaller of the two ratios is ≥ 1 exactly when both hold, so the colour agrees with the mark
    const effect = f.scoreThreshold ? f.score / f.scoreThreshold : null;
    const test = f.pValue !== undefined ? pRatio(f.pValue, VERDICT_ALPHA) : null;
    const ratio = effect !== null && test !== null ? Math.min(effect, test) : (effect ?? test);
    return { ratio, flag: f.drifted ? FLAG.drifted : FLAG.ok, value: f.scoreThreshold ? f.score : null, p: f.pValue ?? null, reason: null };
  }
  const r = f.results.find((x) => x.method === method);
  if (!r || r.skipped) return { ratio: null, flag: FLAG.none, value: null, p: null, reason: r?.detail ?? null };
  return { ratio: methodRatio(r), flag: r.drifted ? FLAG.drifted : FLAG.ok, value: statNumber(r.statistic), p: r.pValue ?? null, reason: null };
}

function emptyRow(name: string, type: string, importance: number | null): HeatmapRow {
  return { name, type, importance, ratio: [], flag: [], value: [], p: [], reason: [] };
}

function push(row: HeatmapRow, c: ReturnType<typeof cellOf>) {
  row.ratio.push(c.ratio === null ? null : Math.round(c.ratio * 1000) / 1000);
  row.flag.push(c.flag);
  row.value.push(c.value);
  row.p.push(c.p);
  row.reason.push(c.reason);
}

/** The heatmap's data from a drift series; rows in the API's feature order (the view sorts them). */
export function heatmapData(series: DriftSeries, method: HeatmapMethod): HeatmapData {
  const rows = series.features.map((f) => emptyRow(f.name, f.type, f.importance));
  const first = series.windows.find((w) => w.prediction)?.prediction;
  const prediction = first ? emptyRow("prediction", first.type, null) : null;
  const windows: HeatmapWindow[] = [];
  for (const w of series.windows) {
    const byName = new Map(w.features.map((f) => [f.feature, f]));
    for (const r of rows) push(r, cellOf(byName.get(r.name), method));
    if (prediction) push(prediction, cellOf(w.prediction ?? undefined, method));
    windows.push({ start: w.start, end: w.end, share: w.driftedShare, drifted: w.driftedCount, tested: w.tested });
  }
  let worst = -1;
  let best = -1;
  let maxRatio = 0;
  windows.forEach((w, i) => {
    if (w.tested > 0 && w.share >= best) {
      best = w.share;
      worst = i;
    }
  });
  let worstByRatio = windows.length - 1;
  for (const r of prediction ? [...rows, prediction] : rows) {
    r.ratio.forEach((x, i) => {
      if (x !== null && x > maxRatio) {
        maxRatio = x;
        if (r !== prediction) worstByRatio = i;
      }
    });
  }
  // a method other than the verdict: the worst window is where that method's cells are highest
  if (method !== "verdict" || best <= 0) worst = worstByRatio;
  return { method, windows, rows, prediction, worst: Math.max(0, worst), maxRatio };
}

export type RowSort = "current" | "worst" | "drifted" | "name" | "importance";

/** The row's latest tested ratio (the "current" drift), or -1 when none was tested. */
export function currentRatio(r: HeatmapRow): number {
  for (let i = r.ratio.length - 1; i >= 0; i--) if (r.ratio[i] !== null) return r.ratio[i]!;
  return -1;
}

export function worstRatio(r: HeatmapRow): number {
  let m = -1;
  for (const x of r.ratio) if (x !== null && x > m) m = x;
  return m;
}

export function driftedWindows(r: HeatmapRow): number {
  let n = 0;
  for (const f of r.flag) if (f === FLAG.drifted) n++;
  return n;
}

/** Rows in display order (stable; ties by name). Descending for the drift sorts and importance, ascending by name. */
export function sortRows(rows: readonly HeatmapRow[], sort: RowSort): HeatmapRow[] {
  const key: Record<Exclude<RowSort, "name">, (r: HeatmapRow) => number> = {
    current: currentRatio,
    worst: worstRatio,
    drifted: driftedWindows,
    importance: (r) => r.importance ?? -Infinity,
  };
  const byName = (a: HeatmapRow, b: HeatmapRow) => a.name.localeCompare(b.name);
  if (sort === "name") return [...rows].sort(byName);
  const k = key[sort];
  return [...rows].sort((a, b) => k(b) - k(a) || byName(a, b));
}

/** Label of the statistic a method colours by: a distance or a p-value (for the legend and hover). */
export const METHOD_INFO: Record<HeatmapMethod, { label: string; kind: "distance" | "p-value" | "verdict" | "auto" }> = {
  verdict: { label: "Default verdict", kind: "verdict" },
  psi: { label: "PSI", kind: "distance" },
  js: { label: "Jensen–Shannon (bits)", kind: "distance" },
  hellinger: { label: "Hellinger", kind: "distance" },
  chi2: { label: "Chi-square", kind: "p-value" },
  ks: { label: "Kolmogorov–Smirnov", kind: "p-value" },
  wasserstein: { label: "Wasserstein (÷ σ ref)", kind: "distance" },
  ztest: { label: "Two-proportion z-test", kind: "p-value" },
  evidently: { label: "Evidently (auto)", kind: "auto" },
};
