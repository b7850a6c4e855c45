import { CONFIDENCE_BINS, type Doc, LATENCY_BOUNDS_MS, SEP } from "../rollups/documents";
import type { HistogramSample, MetricFamily, Sample } from "./exposition";
import { F } from "./families";
import type { Drop } from "./limits";

/** A version's all-time total ("t") or what label corrections took back from it ("r"), as stored. */
export type TotalsRow = { model: string; version: string; level: "t" | "r"; data: Doc };
export type TotalsModel = { task: string; classes: string[] };

const ET = "et" + SEP;
const PC = "pc" + SEP;
const CM = "cm" + SEP;

/** Keyed counts `prefix·<value>` of a document, value → count (zero counts left out). */
function keyed(doc: Doc, prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const k in doc) if (k.startsWith(prefix) && doc[k] !== 0) out.set(k.slice(prefix.length), doc[k]);
  return out;
}

/** Correct (actual = predicted) and incorrect label counts from a document's confusion keys `cm·<actual>·<pred>`. */
function outcomes(doc: Doc | undefined): { correct: number; incorrect: number } {
  let correct = 0;
  let incorrect = 0;
  if (doc) {
    for (const k in doc) {
      if (!k.startsWith(CM)) continue;
      const at = k.indexOf(SEP, CM.length);
      if (k.slice(CM.length, at) === k.slice(at + 1)) correct += doc[k];
      else incorrect += doc[k];
    }
  }
  return { correct, incorrect };
}

/**
 * The values of one data-derived label (predicted class, error type) to export for a version: at most `max`,
 * declared classes first, then by count (largest first), then by name; the rest are dropped and counted.
 */
function limitValues(counts: Map<string, number>, max: number, declared: readonly string[] = []): { kept: [string, number][]; dropped: number } {
  const rank = new Map(declared.map((c, i) => [c, i]));
  const all = [...counts].sort(
    ([a, x], [b, y]) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || y - x || (a < b ? -1 : a > b ? 1 : 0),
  );
  return { kept: all.slice(0, max), dropped: Math.max(0, all.length - max) };
}

/** Cumulative buckets from the non-cumulative counts `doc[prefix·i]`, i < bounds.length, then +Inf = `total`. */
function buckets(doc: Doc, prefix: string, bounds: readonly number[], total: number) {
  const out: { le: number; count: number }[] = [];
  let cum = 0;
  for (let i = 0; i < bounds.length; i++) {
    cum += doc[prefix + SEP + i] ?? 0;
    out.push({ le: bounds[i], count: cum });
  }
  out.push({ le: Infinity, count: total });
  return out;
}

const LATENCY_BOUNDS_S = LATENCY_BOUNDS_MS.map((ms) => ms / 1000);
/** Upper bounds of the confidence bins [i/20, (i+1)/20): as the dashboard's quantiles read them. */
const CONFIDENCE_BOUNDS = Array.from({ length: CONFIDENCE_BINS }, (_, i) => (i + 1) / CONFIDENCE_BINS);

/**
 * The all-time counter families of every model version, from the stored totals (pure; O(size of the documents)).
 * Labels counted as correct/incorrect come from the confusion counts; counts taken back by corrections are added
 * to what is stored (which is net of them), so ml_labels_total counts every label ever joined and never goes down.
 */
export function counterFamilies(rows: readonly TotalsRow[], models: ReadonlyMap<string, TotalsModel>, maxLabelValues: number): { families: MetricFamily[]; drops: Drop[] } {
  const versions = new Map<string, { model: string; version: string; t?: Doc; r?: Doc }>();
  for (const row of rows) {
    const id = row.model + SEP + row.version;
    let v = versions.get(id);
    if (!v) versions.set(id, (v = { model: row.model, version: row.version }));
    v[row.level] = row.data;
  }
  const sorted = [...versions.values()].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : a.version < b.version ? -1 : a.version > b.version ? 1 : 0));

  const requests: Sample[] = [];
  const errors: Sample[] = [];
  const latency: HistogramSample[] = [];
  const classes: Sample[] = [];
  const confidence: HistogramSample[] = [];
  const labels: Sample[] = [];
  const corrections: Sample[] = [];
  let droppedClasses = 0;
  let droppedErrors = 0;

  for (const { model, version, t = {}, r } of sorted) {
    const info = models.get(model);
    if (!info) continue; // deleted meanwhile
    const base = { model_name: model, model_version: version };
    requests.push({ labels: base, value: t.n ?? 0 });

    const et = limitValues(keyed(t, ET), maxLabelValues);
    droppedErrors += et.dropped;
    for (const [type, n] of et.kept.sort(([a], [b]) => (a < b ? -1 : 1))) errors.push({ labels: { ...base, error_type: type }, value: n });

    const lc = t.lc ?? 0;
    if (lc > 0) latency.push({ labels: base, buckets: buckets(t, "lb", LATENCY_BOUNDS_S, lc), sum: (t.ls ?? 0) / 1000, count: lc });

    const regression = info.task === "regression";
    if (!regression) {
      const pc = limitValues(keyed(t, PC), maxLabelValues, info.classes);
      droppedClasses += pc.dropped;
      for (const [cls, n] of pc.kept) classes.push({ labels: { ...base, predicted_class: cls }, value: n });
    }

    const cc = t.cc ?? 0;
    if (cc > 0) confidence.push({ labels: base, buckets: buckets(t, "cb", CONFIDENCE_BOUNDS, cc), sum: t.cs ?? 0, count: cc });

    if (regression) {
      labels.push({ labels: base, value: (t.ln ?? 0) + (r?.ln ?? 0) });
      if (r) corrections.push({ labels: base, value: r.ln ?? 0 });
    } else {
      const now = outcomes(t);
      const taken = outcomes(r);
      labels.push({ labels: { ...base, outcome: "correct" }, value: now.correct + taken.correct });
      labels.push({ labels: { ...base, outcome: "incorrect" }, value: now.incorrect + taken.incorrect });
      if (r) {
        corrections.push({ labels: { ...base, outcome: "correct" }, value: taken.correct });
        corrections.push({ labels: { ...base, outcome: "incorrect" }, value: taken.incorrect });
      }
    }
  }

  const drops: Drop[] = [];
  if (droppedErrors > 0) drops.push({ family: F.errors.name, reason: "label_values", series: droppedErrors });
  if (droppedClasses > 0) drops.push({ family: F.classes.name, reason: "label_values", series: droppedClasses });
  return {
    families: [
      { ...F.requests, type: "counter", samples: requests },
      { ...F.errors, type: "counter", samples: errors },
      { ...F.latency, type: "histogram", samples: latency },
      { ...F.labels, type: "counter", samples: labels },
      { ...F.corrections, type: "counter", samples: corrections },
      { ...F.classes, type: "counter", samples: classes },
      { ...F.confidence, type: "histogram", samples: confidence },
    ],
    drops,
  };
}
