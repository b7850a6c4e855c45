import { describe, expect, it } from "vitest";
import { key, LATENCY_BOUNDS_MS } from "../rollups/documents";
import { counterFamilies, type TotalsRow } from "./counters";
import type { HistogramSample, MetricFamily, Sample } from "./exposition";
import { applySeriesLimit } from "./limits";

const samples = (fs: MetricFamily[], name: string) => fs.find((f) => f.name === name)!.samples;

describe("counterFamilies", () => {
  const models = new Map([
    ["clf", { task: "multiclass_classification", classes: ["b", "a"] }],
    ["reg", { task: "regression", classes: [] }],
  ]);
  const rows: TotalsRow[] = [
    {
      model: "clf",
      version: "v1",
      level: "t",
      data: {
        n: 10, err: 2, [key("et", "timeout")]: 2, lc: 10, ls: 250, [key("lb", 0)]: 4, [key("lb", 5)]: 5, [key("lb", LATENCY_BOUNDS_MS.length)]: 1,
        [key("pc", "a")]: 5, [key("pc", "b")]: 2, [key("pc", "c")]: 1, cc: 8, cs: 6, [key("cb", 19)]: 8,
        ln: 4, [key("cm", "a", "a")]: 2, [key("cm", "a", "b")]: 1, [key("cm", "b", "b")]: 1,
      },
    },
    // a correction took back one correct label of (a, a) and one (b, a), now counted as (a, b) and (a, a)
    { model: "clf", version: "v1", level: "r", data: { ln: 2, [key("cm", "a", "a")]: 1, [key("cm", "b", "a")]: 1 } },
    { model: "reg", version: "v2", level: "t", data: { n: 3, ln: 2, rn: 2 } },
    { model: "gone", version: "v1", level: "t", data: { n: 3 } },
  ];
  const { families, drops } = counterFamilies(rows, models, 100);

  it("counts requests and errors per version, and leaves out models no longer defined", () => {
    expect(samples(families, "ml_prediction_requests")).toEqual([
      { labels: { model_name: "clf", model_version: "v1" }, value: 10 },
      { labels: { model_name: "reg", model_version: "v2" }, value: 3 },
    ]);
    expect(samples(families, "ml_prediction_errors")).toEqual([{ labels: { model_name: "clf", model_version: "v1", error_type: "timeout" }, value: 2 }]);
    expect(drops).toEqual([]);
  });

  it("makes cumulative latency buckets in seconds on the rollup bounds, +Inf = count", () => {
    const [h] = samples(families, "ml_prediction_latency_seconds") as HistogramSample[];
    expect(h.buckets.length).toBe(LATENCY_BOUNDS_MS.length + 1);
    expect(h.buckets[0]).toEqual({ le: 0.001, count: 4 });
    expect(h.buckets[4]).toEqual({ le: 0.0075, count: 4 });
    expect(h.buckets[5]).toEqual({ le: 0.01, count: 9 });
    expect(h.buckets.at(-2)).toEqual({ le: 10, count: 9 });
    expect(h.buckets.at(-1)).toEqual({ le: Infinity, count: 10 });
    expect(h.sum).toBe(0.25);
    expect(h.count).toBe(10);
  });

  it("adds what corrections took back to the labels by outcome, so the counters only grow; regression has no outcome", () => {
    expect(samples(families, "ml_labels")).toEqual([
      { labels: { model_name: "clf", model_version: "v1", outcome: "correct" }, value: 3 + 1 },
      { labels: { model_name: "clf", model_version: "v1", outcome: "incorrect" }, value: 1 + 1 },
      { labels: { model_name: "reg", model_version: "v2" }, value: 2 },
    ]);
    expect(samples(families, "ml_label_corrections")).toEqual([
      { labels: { model_name: "clf", model_version: "v1", outcome: "correct" }, value: 1 },
      { labels: { model_name: "clf", model_version: "v1", outcome: "incorrect" }, value: 1 },
    ]);
  });

  it("lists declared classes first, and keeps at most the limit of values per label, counting the rest", () => {
    expect((samples(families, "ml_prediction_class") as Sample[]).map((s) => s.labels.predicted_class)).toEqual(["b", "a", "c"]);
    const limited = counterFamilies(rows, models, 2);
    expect((samples(limited.families, "ml_prediction_class") as Sample[]).map((s) => s.labels.predicted_class)).toEqual(["b", "a"]);
    expect(limited.drops).toEqual([{ family: "ml_prediction_class", reason: "label_values", series: 1 }]);
  });

  it("confidence buckets end at 1.0, then +Inf", () => {
    const [h] = samples(families, "ml_prediction_confidence") as HistogramSample[];
    expect(h.buckets.at(-2)).toEqual({ le: 1, count: 8 });
    expect(h.buckets.at(-1)).toEqual({ le: Infinity, count: 8 });
  });
});

describe("applySeriesLimit", () => {
  const fams: MetricFamily[] = [
    { name: "a", help: "", type: "counter", samples: [1, 2, 3].map((v) => ({ labels: { i: String(v) }, value: v })) },
    { name: "h", help: "", type: "histogram", samples: [0, 1].map((i) => ({ labels: { i: String(i) }, buckets: [{ le: 1, count: 1 }, { le: Infinity, count: 1 }], sum: 1, count: 1 })) },
    { name: "g", help: "", type: "gauge", samples: [{ labels: {}, value: 1 }] },
  ];
  it("keeps everything under the limit", () => {
    expect(applySeriesLimit(fams, 100)).toMatchObject({ series: 3 + 8 + 1, drops: [] });
  });
  it("keeps the first series in order, whole histogram samples only, and drops every later family", () => {
    const r = applySeriesLimit(fams, 9);
    expect(r.families.map((f) => f.samples.length)).toEqual([3, 1, 0]);
    expect(r.series).toBe(7);
    expect(r.drops).toEqual([
      { family: "h", reason: "series_limit", series: 4 },
      { family: "g", reason: "series_limit", series: 1 },
    ]);
  });
});
