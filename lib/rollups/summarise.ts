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

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Cumulative buckets from non-cumulative counts with upper bounds `bounds` and a final +Inf bucket. */
function cumulative(counts: number[], bounds: readonly number[]) {
  let cum = 0;
  return counts.map((c, i) => ({ le: i < bounds.length ? bounds[i] : Infinity, count: (cum += c) }));
}

/** The keyed parts of a metrics document, sorted out in one pass over its keys. */
type Parts = {
  errorTypes: Record<string, number>;
  latency: number[];
  confidence: number[];
  classes: Record<string, number>;
  confusion: [string, string, number][];
  scores: [string, number, number][];
};

function parts(doc: Doc): Parts {
  const p: Parts = {
    errorTypes: {},
    latency: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
    confidence: new Array<number>(CONFIDENCE_BINS + 1).fill(0),
    classes: {},
    confusion: [],
    scores: [],
  };
  for (const k in doc) {
    const cut = k.indexOf(SEP);
    if (cut < 0) continue;
    const v = doc[k];
    const rest = k.slice(cut + 1);
    switch (k.slice(0, cut)) {
      case "et":
        if (v !== 0) p.errorTypes[rest] = v;
        break;
      case "lb":
        p.latency[Number(rest)] += v;
        break;
      case "cb":
        p.confidence[Number(rest)] += v;
        break;
      case "pc":
        if (v !== 0) p.classes[rest] = v;
        break;
      case "cm": {
        if (v === 0) break;
        const [a, pred] = rest.split(SEP);
        p.confusion.push([a, pred, v]);
        break;
      }
      case "sh": {
        const at = rest.lastIndexOf(SEP);
        p.scores.push([rest.slice(0, at), Number(rest.slice(at + 1)), v]);
        break;
      }
    }
  }
  return p;
}

/**
 * Everything the metrics endpoint reports for one bucket, from its merged metrics document (pure; O(size of
 * the document)). Labelled performance counts only predictions whose label has arrived.
 */
export function summariseMetrics(doc: Doc, model: SummaryModel): MetricsSummary {
  const n = doc.n ?? 0;
  const err = doc.err ?? 0;
  const p = parts(doc);

  const lc = doc.lc ?? 0;
  const lat = cumulative(p.latency, LATENCY_BOUNDS_MS);
  const q = (p: number) => (lc > 0 ? finite(histogramQuantile(p, lat)) : null);

  const cc = doc.cc ?? 0;
  // Confidence bins are [i/20, (i+1)/20): upper bounds 0.05 … 1, and an empty +Inf bucket after them.
  const confBounds = Array.from({ length: CONFIDENCE_BINS }, (_, i) => (i + 1) / CONFIDENCE_BINS);
  const conf = cumulative(p.confidence, confBounds);

  let predictions: MetricsSummary["predictions"];
  if (model.task === "regression") {
    const pn = doc.pn ?? 0;
    const mean = ratio(doc.ps ?? 0, pn);
    const variance = pn > 0 && mean !== null ? Math.max(0, (doc.pss ?? 0) / pn - mean * mean) : null;
    predictions = { kind: "values", count: pn, mean, std: variance === null ? null : Math.sqrt(variance), min: doc[key("p", "min")] ?? null, max: doc[key("p", "max")] ?? null };
  } else {
    predictions = { kind: "classes", counts: p.classes };
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
    const cm = p.confusion;
    if (cm.length > 0) {
      const seen = new Set<string>(model.classes);
      for (const [a, pred] of cm) {
        seen.add(a);
        seen.add(pred);
      }
      const classes = [...model.classes, ...[...seen].filter((c) => !model.classes.includes(c)).sort()];
      const index = new Map(classes.map((c, i) => [c, i]));
      const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
      for (const [a, pred, v] of cm) matrix[index.get(a)!][index.get(pred)!] += v;
      const positive = model.positiveClass && index.has(model.positiveClass) ? model.positiveClass : undefined;
      const { total: _total, ...m } = classificationMetrics(matrix, classes, positive);
      let rocAuc: number | null = null;
      if (model.task === "binary_classification" && model.positiveClass) {
        const pos = new Array<number>(SCORE_BINS).fill(0);
        const neg = new Array<number>(SCORE_BINS).fill(0);
        for (const [a, i, v] of p.scores) (a === model.positiveClass ? pos : neg)[i] += v;
        if (pos.some((x) => x > 0) && neg.some((x) => x > 0)) rocAuc = rocAucFromHistogram(pos, neg);
      }
      performance = { kind: "classification", ...m, logLoss: ratio(doc.lls ?? 0, doc.lln ?? 0), rocAuc, confusion: { classes, matrix } };
    }
  }

  return {
    requests: n,
    errors: { total: err, rate: ratio(err, n), byType: p.errorTypes },
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
