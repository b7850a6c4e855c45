import { categoryKey, logLossTerm } from "../stats";
import type { ModelContext } from "./context";
import type { RollupEvent } from "./batch";
import {
  bump,
  cachedKey,
  CONFIDENCE_BINS,
  type Doc,
  indexKeys,
  key,
  LATENCY_BOUNDS_MS,
  latencyBucket,
  maxKey,
  minKey,
  SCORE_BINS,
  setMax,
  setMin,
  unitBin,
} from "./documents";

const LATENCY_KEYS = indexKeys("lb", LATENCY_BOUNDS_MS.length + 1);
const CONFIDENCE_KEYS = indexKeys("cb", CONFIDENCE_BINS);
const ERROR_KEYS = new Map<string, string>();
const CLASS_KEYS = new Map<string, string>();
const P_MIN = minKey("p");
const P_MAX = maxKey("p");

/*
 * Event metrics are counted per group of events sharing a minute, version and segment, into fixed slots, and
 * written into the group's three documents (its minute, its hour, the hour of all versions and segments) when the
 * documents are read. Counts are integers, so adding a group's total gives exactly what counting event by event
 * gives; float sums (latency, confidence, regression predictions) are kept per document in event order instead,
 * so they come out bit for bit as summing event by event would.
 */
const LATENCY_BUCKET_COUNT = LATENCY_BOUNDS_MS.length + 1;
/** Slots of a group's counts: totals, then the latency and confidence histograms' buckets. */
const REQUESTS = 0, ERRORS = 1, LATENCY_COUNT = 2, CONFIDENCE_COUNT = 3, PREDICTION_COUNT = 4;
const LATENCY_BUCKETS = 5, CONFIDENCE_BUCKETS = LATENCY_BUCKETS + LATENCY_BUCKET_COUNT, COUNT_SLOTS = CONFIDENCE_BUCKETS + CONFIDENCE_BINS;
/** Slots of a document's float sums: the sums, then how many values each took (a key is written only when > 0). */
const LATENCY_SUM = 0, CONFIDENCE_SUM = 1, PREDICTION_SUM = 2, PREDICTION_SQUARES = 3, PREDICTION_MIN = 4, PREDICTION_MAX = 5;
const LATENCIES_SUMMED = 6, CONFIDENCES_SUMMED = 7, PREDICTIONS_SUMMED = 8, SUM_SLOTS = 9;

export const newSums = () => {
  const sums = new Float64Array(SUM_SLOTS);
  sums[PREDICTION_MIN] = Infinity;
  sums[PREDICTION_MAX] = -Infinity;
  return sums;
};

/** The metric counts of one group of events, not yet written into its documents. */
export class MetricCounts {
  readonly counts = new Float64Array(COUNT_SLOTS);
  readonly errors = new Map<string, number>();
  readonly classes = new Map<string, number>();

  /** `docs` are the group's documents, `sums` their float sums (one array per document, shared across groups). */
  constructor(readonly docs: Doc[], readonly sums: Float64Array[]) {}

  add(e: RollupEvent, ctx: ModelContext) {
    const c = this.counts;
    const sums = this.sums;
    c[REQUESTS]++;
    if (e.errorType !== null) {
      c[ERRORS]++;
      this.errors.set(e.errorType, (this.errors.get(e.errorType) ?? 0) + 1);
    }
    if (e.latencyMs !== null) {
      c[LATENCY_COUNT]++;
      c[LATENCY_BUCKETS + latencyBucket(e.latencyMs)]++;
      for (const s of sums) {
        s[LATENCIES_SUMMED]++;
        s[LATENCY_SUM] += e.latencyMs;
      }
    }
    // A failed prediction counts as a request, an error and its latency; its prediction value, if any, does not.
    if (e.errorType !== null) return;
    if (e.prediction !== null) {
      if (ctx.task === "regression") {
        if (typeof e.prediction === "number") {
          const p = e.prediction;
          c[PREDICTION_COUNT]++;
          for (const s of sums) {
            s[PREDICTIONS_SUMMED]++;
            s[PREDICTION_SUM] += p;
            s[PREDICTION_SQUARES] += p * p;
            if (p < s[PREDICTION_MIN]) s[PREDICTION_MIN] = p;
            if (p > s[PREDICTION_MAX]) s[PREDICTION_MAX] = p;
          }
        }
      } else {
        const k = categoryKey(e.prediction);
        if (k !== null) this.classes.set(k, (this.classes.get(k) ?? 0) + 1);
      }
    }
    if (e.confidence !== null) {
      c[CONFIDENCE_COUNT]++;
      c[CONFIDENCE_BUCKETS + unitBin(e.confidence, CONFIDENCE_BINS)]++;
      for (const s of sums) {
        s[CONFIDENCES_SUMMED]++;
        s[CONFIDENCE_SUM] += e.confidence;
      }
    }
  }

  /** Adds the group's counts into each of its documents (keys only where something was counted). */
  writeCounts() {
    const c = this.counts;
    for (const doc of this.docs) {
      const add = (k: string, v: number) => {
        if (v !== 0) bump(doc, k, v);
      };
      add("n", c[REQUESTS]);
      add("err", c[ERRORS]);
      for (const [type, n] of this.errors) bump(doc, cachedKey(ERROR_KEYS, "et", type), n);
      add("lc", c[LATENCY_COUNT]);
      for (let i = 0; i < LATENCY_BUCKET_COUNT; i++) add(LATENCY_KEYS[i], c[LATENCY_BUCKETS + i]);
      add("pn", c[PREDICTION_COUNT]);
      for (const [cls, n] of this.classes) bump(doc, cachedKey(CLASS_KEYS, "pc", cls), n);
      add("cc", c[CONFIDENCE_COUNT]);
      for (let i = 0; i < CONFIDENCE_BINS; i++) add(CONFIDENCE_KEYS[i], c[CONFIDENCE_BUCKETS + i]);
    }
  }
}

/** Adds a document's float sums into it (the sums' keys only where values were summed). */
export function writeSums(doc: Doc, s: Float64Array) {
  if (s[LATENCIES_SUMMED] > 0) bump(doc, "ls", s[LATENCY_SUM]);
  if (s[PREDICTIONS_SUMMED] > 0) {
    bump(doc, "ps", s[PREDICTION_SUM]);
    bump(doc, "pss", s[PREDICTION_SQUARES]);
    setMin(doc, P_MIN, s[PREDICTION_MIN]);
    setMax(doc, P_MAX, s[PREDICTION_MAX]);
  }
  if (s[CONFIDENCES_SUMMED] > 0) bump(doc, "cs", s[CONFIDENCE_SUM]);
}

/**
 * What one (prediction, label) pair contributes to performance, times `sign` (+1 to add a label, −1 to take
 * back the label it replaced). A failed prediction (an error, or no prediction value) contributes nothing.
 */
export function addLabelMetrics(
  doc: Doc,
  p: { prediction: unknown; probabilities?: Record<string, number> | null; errorType: string | null },
  actual: unknown,
  ctx: ModelContext,
  sign: 1 | -1,
) {
  if (p.errorType !== null) return;
  if (p.prediction === null || p.prediction === undefined || actual === null || actual === undefined) return;
  if (ctx.task === "regression") {
    if (typeof p.prediction !== "number" || typeof actual !== "number") return;
    const e = p.prediction - actual;
    bump(doc, "ln", sign);
    bump(doc, "rn", sign);
    bump(doc, "rae", sign * Math.abs(e));
    bump(doc, "rse", sign * e * e);
    bump(doc, "ry", sign * actual);
    bump(doc, "ryy", sign * actual * actual);
    // MAPE skips y = 0 and, alike, a y so small that |e / y| overflows (Infinity would be stored as null)
    const ape = Math.abs(e / actual);
    if (actual !== 0 && Number.isFinite(ape)) {
      bump(doc, "rapn", sign);
      bump(doc, "rape", sign * ape);
    }
    return;
  }
  const a = categoryKey(actual);
  const pred = categoryKey(p.prediction);
  if (a === null || pred === null) return;
  bump(doc, "ln", sign);
  bump(doc, key("cm", a, pred), sign);
  const probs = p.probabilities;
  if (probs && Object.keys(probs).length > 0) {
    const pa = probs[a] ?? 0;
    bump(doc, "lln", sign);
    bump(doc, "lls", sign * logLossTerm(pa));
    if (ctx.positiveClass !== null && probs[ctx.positiveClass] !== undefined) {
      bump(doc, key("sh", a, unitBin(probs[ctx.positiveClass], SCORE_BINS)), sign);
    }
  }
}
