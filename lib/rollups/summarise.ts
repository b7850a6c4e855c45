import {
  classificationMetrics,
  histogramQuantile,
  regressionMetrics,
  rocAucFromHistogram,
  type ClassificationMetrics,
  type RegressionMetrics,
} from "../stats";
import { CONFIDENCE_BINS, type Doc, LATENCY_BOUNDS_MS, SCORE_BINS, SEP, key } from "./format";

export type MetricsSummary = {
  requests: number;
  errors: { total: number; rate: number | null; byType: Record<string, number> };
  /** milliseconds; quantiles interpolated in the histogram buckets exactly as PromQL histogram_quantile */
  latency: { count: number; mean: number | null; p50: number | null; p95: number | null; p99: number | null };
  predictions:
    | { kind: "classes"; counts: Record<string, number> }
    | { kind: "values"; count: number; mean: number | null; std: number | null; min: number | null; max: number | null };
  confidence: { count: number; mean: number | null; p25: number | null; p50: number | null };
  labels: { labelled: number; coverage: number | null };
  performance:
    | ({ kind: "classification"; logLoss: number | null; rocAuc: number | null; confusion: { classes: string[]; matrix: number[][] } } & Omit<ClassificationMetrics, "total">)
    | ({ kind: "regression" } & RegressionMetrics)
    | null;
};

export type SummaryModel = { task: string; classes: string[]; positiveClass: string | null };

/** Keys with the given first part, as [rest of the key, value]. */
function entries(doc: Doc, head: string): [string[], number][] {
  const prefix = head + SEP;
  const out: [string[], number][] = [];
  for (const k in doc) if (k.startsWith(prefix)) out.push([k.slice(prefix.length).split(SEP), doc[k]]);
  return out;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const finite = (x: number) => (Number.isFinite(x) ? x : null);

function histogram(doc: Doc, head: string, bounds: readonly number[]) {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const [[i], v] of entries(doc, head)) counts[Number(i)] += v;
  let cum = 0;
  return counts.map((c, i) => ({ le: i < bounds.length ? bounds[i] : Infinity, count: (cum += c) }));
}

/**
 * Everything the metrics endpoint reports for one bucket, from its merged metrics document (pure; O(size of
 * the document)). Labelled performance counts only predictions whose label has arrived.
 */
export function summariseMetrics(doc: Doc, model: SummaryModel): MetricsSummary {
  const n = doc.n ?? 0;
  const err = doc.err ?? 0;
  const byType = Object.fromEntries(entries(doc, "et").map(([[t], v]) => [t, v]).filter(([, v]) => v !== 0));

  const lc = doc.lc ?? 0;
  const lat = histogram(doc, "lb", LATENCY_BOUNDS_MS);
  const q = (p: number) => (lc > 0 ? finite(histogramQuantile(p, lat)) : null);

  const cc = doc.cc ?? 0;
  // Confidence bins are [i/20, (i+1)/20): upper bounds 0.05 … 1, and an empty +Inf bucket after them.
  const confBounds = Array.from({ length: CONFIDENCE_BINS }, (_, i) => (i + 1) / CONFIDENCE_BINS);
  const conf = histogram(doc, "cb", confBounds);

  let predictions: MetricsSummary["predictions"];
  if (model.task === "regression") {
    const pn = doc.pn ?? 0;
    const mean = ratio(doc.ps ?? 0, pn);
    const variance = pn > 0 && mean !== null ? Math.max(0, (doc.pss ?? 0) / pn - mean * mean) : null;
    predictions = { kind: "values", count: pn, mean, std: variance === null ? null : Math.sqrt(variance), min: doc[key("p", "min")] ?? null, max: doc[key("p", "max")] ?? null };
  } else {
    predictions = { kind: "classes", counts: Object.fromEntries(entries(doc, "pc").map(([[c], v]) => [c, v]).filter(([, v]) => v !== 0)) };
  }

  const labelled = doc.ln ?? 0;
  let performance: MetricsSummary["performance"] = null;
  if (model.task === "regression") {
    const rn = doc.rn ?? 0;
    if (rn > 0) {
      const m = regressionMetrics({ n: rn, sumAbsErr: doc.rae ?? 0, sumSqErr: doc.rse ?? 0, sumAbsPctErr: doc.rape ?? 0, nPct: doc.rapn ?? 0, sumY: doc.ry ?? 0, sumY2: doc.ryy ?? 0 });
      performance = { kind: "regression", ...m };
    }
  } else {
    const cm = entries(doc, "cm").filter(([, v]) => v !== 0);
    if (cm.length > 0) {
      const seen = new Set<string>(model.classes);
      for (const [[a, p]] of cm) {
        seen.add(a);
        seen.add(p);
      }
      const classes = [...model.classes, ...[...seen].filter((c) => !model.classes.includes(c)).sort()];
      const index = new Map(classes.map((c, i) => [c, i]));
      const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
      for (const [[a, p], v] of cm) matrix[index.get(a)!][index.get(p)!] += v;
      const positive = model.positiveClass && index.has(model.positiveClass) ? model.positiveClass : undefined;
      const { total: _total, ...m } = classificationMetrics(matrix, classes, positive);
      let rocAuc: number | null = null;
      if (model.task === "binary_classification" && model.positiveClass) {
        const pos = new Array<number>(SCORE_BINS).fill(0);
        const neg = new Array<number>(SCORE_BINS).fill(0);
        for (const [[a, i], v] of entries(doc, "sh")) (a === model.positiveClass ? pos : neg)[Number(i)] += v;
        if (pos.some((x) => x > 0) && neg.some((x) => x > 0)) rocAuc = rocAucFromHistogram(pos, neg);
      }
      performance = { kind: "classification", ...m, logLoss: ratio(doc.lls ?? 0, doc.lln ?? 0), rocAuc, confusion: { classes, matrix } };
    }
  }

  return {
    requests: n,
    errors: { total: err, rate: ratio(err, n), byType },
    latency: { count: lc, mean: ratio(doc.ls ?? 0, lc), p50: q(0.5), p95: q(0.95), p99: q(0.99) },
    predictions,
    confidence: {
      count: cc,
      mean: ratio(doc.cs ?? 0, cc),
      p25: cc > 0 ? finite(histogramQuantile(0.25, conf)) : null,
      p50: cc > 0 ? finite(histogramQuantile(0.5, conf)) : null,
    },
    labels: { labelled, coverage: ratio(labelled, n - err) },
    performance,
  };
}
