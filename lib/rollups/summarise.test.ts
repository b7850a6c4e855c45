import { describe, expect, it } from "vitest";
import { histogramQuantile, rocAucFromHistogram } from "../stats";
import { CONFIDENCE_BINS, type Doc, key, LATENCY_BOUNDS_MS, SCORE_BINS } from "./documents";
import { summariseMetrics } from "./summarise";

/*
 * summariseMetrics reads a document's keyed families from char codes and parses bin indexes in place; these
 * cases pin the parts that parsing could get wrong: class names that share a prefix with the positive class,
 * the last (two-digit) bins, empty names, and keys that belong to no family.
 */
describe("summariseMetrics", () => {
  const model = { task: "binary_classification", classes: ["yes", "no"], positiveClass: "yes" };

  it("splits the score histogram on the exact positive class, not on a class that starts with it", () => {
    const doc: Doc = { n: 10, ln: 10, [key("cm", "yes", "yes")]: 4, [key("cm", "no", "yes")]: 3, [key("cm", "yes2", "no")]: 3 };
    const pos = new Array<number>(SCORE_BINS).fill(0);
    const neg = new Array<number>(SCORE_BINS).fill(0);
    const put = (actual: string, bin: number, count: number) => {
      doc[key("sh", actual, bin)] = (doc[key("sh", actual, bin)] ?? 0) + count;
      (actual === "yes" ? pos : neg)[bin] += count;
    };
    put("yes", 99, 2);
    put("yes", 71, 2);
    put("no", 70, 3);
    put("yes2", 5, 2); // a different class whose name begins with the positive one
    put("yes2", 99, 1);
    const s = summariseMetrics(doc, model);
    expect(s.performance?.kind).toBe("classification");
    const perf = s.performance as Extract<typeof s.performance, { kind: "classification" }>;
    expect(perf.rocAuc).toBe(rocAucFromHistogram(pos, neg));
    expect(perf.confusion.classes).toEqual(["yes", "no", "yes2"]);
    expect(perf.confusion.matrix).toEqual([[4, 0, 0], [3, 0, 0], [0, 3, 0]]);
  });

  it("reads latency and confidence bins up to the last one, error types and classes of any name", () => {
    const last = LATENCY_BOUNDS_MS.length; // the +Inf bucket
    const doc: Doc = {
      n: 7,
      err: 2,
      [key("et", "")]: 1,
      [key("et", "time·out 12")]: 1,
      lc: 7,
      ls: 50_000,
      [key("lb", 0)]: 1,
      [key("lb", 13)]: 2,
      [key("lb", last)]: 4,
      cc: 5,
      cs: 4,
      [key("cb", 0)]: 1,
      [key("cb", CONFIDENCE_BINS - 1)]: 4,
      [key("pc", "")]: 2,
      [key("pc", "yes")]: 3,
      [key("pc", "gone")]: 0,
      x: 99, // no family
      zz: 1,
    };
    const s = summariseMetrics(doc, model);
    expect(s.errors).toEqual({ total: 2, rate: 2 / 7, byType: { "": 1, "time·out 12": 1 } });
    expect(s.predictions).toEqual({ kind: "classes", counts: { "": 2, yes: 3 } });
    const cumulative = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 7];
    const buckets = cumulative.map((count, i) => ({ le: i < last ? LATENCY_BOUNDS_MS[i] : Infinity, count }));
    expect(s.latency.p50).toBe(histogramQuantile(0.5, buckets));
    expect(s.latency.p99).toBe(LATENCY_BOUNDS_MS[last - 1]); // in the +Inf bucket: its lower bound, as PromQL
    expect(s.confidence.count).toBe(5);
    expect(s.confidence.p50).toBeGreaterThan(0.95);
    expect(s.performance).toBeNull();
  });
});
