import type { ChartPoint, SeriesSpec } from "@/components/model/format";
import type { MetricsResponse } from "@/lib/queries/getMetrics";

/** Okabe–Ito: distinguishable with every common colour-vision deficiency. */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"];
/** Below this label coverage a window's performance is drawn as provisional. */
export const PROVISIONAL_COVERAGE = 0.1;
/** Most classes drawn on their own in the prediction mix; the rest are summed as "other". */
const MAX_CLASSES = 7;

type Bucket = MetricsResponse["buckets"][number];
const t = (b: Bucket) => Date.parse(b.start);

export function deploymentMarkers(m: MetricsResponse) {
  return m.versions.map((v) => ({ t: Date.parse(v.firstSeen), version: v.version }));
}

export function requestsChart(m: MetricsResponse): { data: ChartPoint[]; series: SeriesSpec[] } {
  const types = [...new Set(m.buckets.flatMap((b) => Object.keys(b.errors.byType)))].sort();
  const data = m.buckets.map((b) => {
    const p: ChartPoint = { t: t(b), ok: b.requests - b.errors.total };
    for (const ty of types) p[`err:${ty}`] = b.errors.byType[ty] ?? 0;
    return p;
  });
  const errColors = ["#D55E00", "#E69F00", "#CC79A7", "#F0E442", "#999999"];
  return {
    data,
    series: [
      { key: "ok", label: "Succeeded", kind: "bar", color: "#56B4E9", stack: "r" },
      ...types.map((ty, i): SeriesSpec => ({ key: `err:${ty}`, label: `Error: ${ty}`, kind: "bar", color: errColors[i % errColors.length], stack: "r" })),
    ],
  };
}

export function latencyChart(m: MetricsResponse) {
  return {
    data: m.buckets.map((b) => ({ t: t(b), p50: b.latency.p50, p95: b.latency.p95, p99: b.latency.p99 })),
    series: [
      { key: "p50", label: "p50", kind: "line", color: "#56B4E9" },
      { key: "p95", label: "p95", kind: "line", color: "#0072B2" },
      { key: "p99", label: "p99", kind: "line", color: "#D55E00" },
    ] satisfies SeriesSpec[],
  };
}

/** Classes as shares of each bucket's predictions (stacked to 100 %), or the prediction's mean, ±1 std, min and max. */
export function predictionChart(m: MetricsResponse): { data: ChartPoint[]; series: SeriesSpec[]; kind: "classes" | "values" } {
  const first = m.buckets.find((b) => b.predictions.kind === "values");
  if (m.task === "regression" || first) {
    return {
      kind: "values",
      data: m.buckets.map((b) => {
        const p = b.predictions.kind === "values" ? b.predictions : null;
        const ok = p && p.count > 0;
        return {
          t: t(b),
          mean: ok ? p.mean : null,
          hi: ok && p.mean !== null && p.std !== null ? p.mean + p.std : null,
          lo: ok && p.mean !== null && p.std !== null ? p.mean - p.std : null,
          min: ok ? p.min : null,
          max: ok ? p.max : null,
        };
      }),
      series: [
        { key: "max", label: "max", kind: "line", color: "#999999", dashed: true },
        { key: "hi", label: "mean + std", kind: "line", color: "#56B4E9" },
        { key: "mean", label: "mean", kind: "line", color: "#0072B2" },
        { key: "lo", label: "mean − std", kind: "line", color: "#56B4E9" },
        { key: "min", label: "min", kind: "line", color: "#999999", dashed: true },
      ],
    };
  }
  const totals = new Map<string, number>();
  for (const b of m.buckets) if (b.predictions.kind === "classes") for (const [c, n] of Object.entries(b.predictions.counts)) totals.set(c, (totals.get(c) ?? 0) + n);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
  const shown = ranked.slice(0, MAX_CLASSES);
  const other = ranked.length > MAX_CLASSES;
  const data = m.buckets.map((b) => {
    const counts = b.predictions.kind === "classes" ? b.predictions.counts : {};
    const p: ChartPoint = { t: t(b) };
    for (const c of shown) p[`c:${c}`] = counts[c] ?? 0;
    if (other) p["c:*other"] = ranked.slice(MAX_CLASSES).reduce((a, c) => a + (counts[c] ?? 0), 0);
    return p;
  });
  return {
    kind: "classes",
    data,
    series: [
      ...shown.map((c, i): SeriesSpec => ({ key: `c:${c}`, label: c, kind: "area", color: PALETTE[i % PALETTE.length], stack: "p" })),
      ...(other ? [{ key: "c:*other", label: "other classes", kind: "area", color: "#999999", stack: "p" } satisfies SeriesSpec] : []),
    ],
  };
}

export function confidenceChart(m: MetricsResponse) {
  return {
    data: m.buckets.map((b) => ({ t: t(b), p25: b.confidence.p25, p50: b.confidence.p50 })),
    series: [
      { key: "p50", label: "median confidence", kind: "line", color: "#0072B2" },
      { key: "p25", label: "p25 confidence", kind: "line", color: "#E69F00" },
    ] satisfies SeriesSpec[],
  };
}

/**
 * Accuracy and macro-F1 (or MAE and RMSE) per bucket, with label coverage as a band on the right axis. A bucket
 * under PROVISIONAL_COVERAGE is drawn by a dashed twin series instead (and bridges to its neighbours), so thin
 * evidence is visibly different from solid evidence.
 */
export function performanceChart(m: MetricsResponse): { data: ChartPoint[]; series: SeriesSpec[]; kind: "classification" | "regression" } {
  const regression = m.task === "regression";
  const keys = regression ? (["mae", "rmse"] as const) : (["accuracy", "f1"] as const);
  const raw = m.buckets.map((b) => {
    const p = b.performance;
    const vals: Record<string, number | null> = {};
    for (const k of keys) {
      vals[k] =
        p === null ? null : p.kind === "classification" ? (k === "accuracy" ? p.accuracy : k === "f1" ? p.macro.f1 : null) : k === "mae" ? p.mae : k === "rmse" ? p.rmse : null;
    }
    return { t: t(b), vals, coverage: b.labels.coverage, provisional: (b.labels.coverage ?? 0) < PROVISIONAL_COVERAGE };
  });
  const data = raw.map((r, i) => {
    const p: ChartPoint = { t: r.t, coverage: r.coverage };
    for (const k of keys) {
      const v = r.vals[k];
      const neighbourProvisional = raw[i - 1]?.provisional || raw[i + 1]?.provisional;
      p[k] = r.provisional ? null : v;
      // the dashed twin holds provisional points and the solid points next to them, so the line stays continuous
      p[`${k}:prov`] = r.provisional || neighbourProvisional ? v : null;
    }
    return p;
  });
  const colors = ["#0072B2", "#E69F00"];
  const labels = regression ? ["MAE", "RMSE"] : ["accuracy", "macro F1"];
  return {
    kind: regression ? "regression" : "classification",
    data,
    series: [
      { key: "coverage", label: "label coverage (right axis)", kind: "area", color: "#94a3b8", axis: "right" },
      ...keys.flatMap((k, i): SeriesSpec[] => [
        { key: k, label: labels[i], kind: "line", color: colors[i] },
        { key: `${k}:prov`, label: `${labels[i]} (under 10 % labelled)`, kind: "line", color: colors[i], dashed: true, hideInLegend: i > 0 },
      ]),
    ],
  };
}
