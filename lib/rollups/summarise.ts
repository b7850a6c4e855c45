import {
  classificationMetrics,
  histogramQuantile,
  meanStdFromSums,
  regressionMetrics,
  rocAucFromHistogram,
  type ClassificationMetrics,
  type RegressionMetrics,
} from "../stats";
import { CONFIDENCE_BINS, type Doc, LATENCY_BOUNDS_MS, SCORE_BINS, SEP, maxKey, minKey } from "./documents";

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
  /** score histogram counts of labelled predictions whose actual class is / is not `positive` */
  positiveScores: number[];
  negativeScores: number[];
};

const SEP_CODE = SEP.charCodeAt(0);
/** A key's two-letter family as one number: (first char code << 16) | second. */
const family = (name: string) => (name.charCodeAt(0) << 16) | name.charCodeAt(1);
const ET = family("et");
const LB = family("lb");
const CB = family("cb");
const PC = family("pc");
const CM = family("cm");
const SH = family("sh");

/** The non-negative decimal integer in `k` from `from` to `to` (bin indexes; written by key(), digits only). */
function intAt(k: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (k.charCodeAt(i) - 48);
  return n;
}

/**
 * Splits a document's keyed counts by family. Every keyed family name has two letters, so a key is `xx·rest`:
 * the family is read from char codes and bin indexes are parsed in place, without cutting the key into strings
 * (a saturated hour document holds a few hundred keys, and a 30-day series reads 720 of them).
 */
function parts(doc: Doc, positive: string | null): Parts {
  const p: Parts = {
    errorTypes: {},
    latency: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
    confidence: new Array<number>(CONFIDENCE_BINS + 1).fill(0),
    classes: {},
    confusion: [],
    positiveScores: new Array<number>(SCORE_BINS).fill(0),
    negativeScores: new Array<number>(SCORE_BINS).fill(0),
  };
  for (const k in doc) {
    if (k.charCodeAt(2) !== SEP_CODE) continue; // NaN past the end: not a keyed family
    const v = doc[k];
    switch (family(k)) {
      case ET:
        if (v !== 0) p.errorTypes[k.slice(3)] = v;
        break;
      case LB:
        p.latency[intAt(k, 3, k.length)] += v;
        break;
      case CB:
        p.confidence[intAt(k, 3, k.length)] += v;
        break;
      case PC:
        if (v !== 0) p.classes[k.slice(3)] = v;
        break;
      case CM: {
        if (v === 0) break;
        const at = k.indexOf(SEP, 3);
        p.confusion.push([k.slice(3, at), k.slice(at + 1), v]);
        break;
      }
      case SH: {
        // sh·<actual>·<bin>: the actual class is the positive one when it sits exactly between the separators
        const at = k.lastIndexOf(SEP);
        const isPositive = positive !== null && at === 3 + positive.length && k.startsWith(positive, 3);
        (isPositive ? p.positiveScores : p.negativeScores)[intAt(k, at + 1, k.length)] += v;
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
  const p = parts(doc, model.task === "binary_classification" ? model.positiveClass : null);

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
    const ms = pn > 0 ? meanStdFromSums(pn, doc.ps ?? 0, doc.pss ?? 0) : null;
    predictions = { kind: "values", count: pn, mean: ms?.mean ?? null, std: ms?.std ?? null, min: doc[minKey("p")] ?? null, max: doc[maxKey("p")] ?? null };
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
        const { positiveScores: pos, negativeScores: neg } = p;
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
