import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { categoryKey, numericBinIndex } from "../stats";
import type { FeatureContext, ModelContext } from "./context";
import { PREDICTION_KEY } from "../domain/model";
import { MAX_MAGNITUDE } from "../domain/numbers";
import { floorMs } from "../domain/time";
import { type RollupEvent, RollupBatch, segmentKey } from "./batch";
import {
  bump,
  CONFIDENCE_BINS,
  type Doc,
  key,
  latencyBucket,
  MAX_VALUE_KEYS,
  maxKey,
  mergeInto,
  minKey,
  OTHER_VALUE,
  setMax,
  setMin,
  unitBin,
} from "./documents";

/*
 * The write path's RollupBatch counts into typed slots (per group of events and per document) and writes the
 * document keys once, when the documents are read. This checks it against the plain formulation — every key
 * built with `key(...)`, each event's metrics as a one-event delta merged into the minute and hour documents — on
 * arbitrary events. The naive functions here restate the counting rules of metricCounts.ts and featureCounts.ts:
 * a change of what is counted must change both.
 */
function naiveMetrics(doc: Doc, e: RollupEvent, ctx: ModelContext) {
  bump(doc, "n");
  if (e.errorType !== null) {
    bump(doc, "err");
    bump(doc, key("et", e.errorType));
  }
  if (e.latencyMs !== null) {
    bump(doc, "lc");
    bump(doc, "ls", e.latencyMs);
    bump(doc, key("lb", latencyBucket(e.latencyMs)));
  }
  if (e.errorType !== null) return;
  if (e.prediction !== null) {
    if (ctx.task === "regression") {
      if (typeof e.prediction === "number") {
        bump(doc, "pn");
        bump(doc, "ps", e.prediction);
        bump(doc, "pss", e.prediction * e.prediction);
        setMin(doc, minKey("p"), e.prediction);
        setMax(doc, maxKey("p"), e.prediction);
      }
    } else {
      const c = categoryKey(e.prediction);
      if (c !== null) bump(doc, key("pc", c));
    }
  }
  if (e.confidence !== null) {
    bump(doc, "cc");
    bump(doc, "cs", e.confidence);
    bump(doc, key("cb", unitBin(e.confidence, CONFIDENCE_BINS)));
  }
}

function naiveFeatures(doc: Doc, seen: Map<string, number>, e: RollupEvent, ctx: ModelContext) {
  const bumpValue = (feature: string, value: string) => {
    const k = key(feature, "v", value);
    if (doc[k] === undefined) {
      const n = seen.get(feature) ?? 0;
      if (n >= MAX_VALUE_KEYS) return bump(doc, key(feature, "v", OTHER_VALUE));
      seen.set(feature, n + 1);
    }
    bump(doc, k);
  };
  // the features, then a regression prediction that did not fail
  const counted: [FeatureContext, unknown][] = ctx.features.map((f) => [f, e.features[f.name]]);
  if (ctx.prediction && e.errorType === null) counted.push([ctx.prediction, e.prediction]);
  for (const [f, v] of counted) {
    const name = f.name;
    bump(doc, key(name, "n"));
    if (v === undefined || v === null) {
      bump(doc, key(name, "miss"));
      continue;
    }
    if (f.type === "numerical") {
      if (typeof v !== "number" || !(Math.abs(v) <= MAX_MAGNITUDE)) {
        bump(doc, key(name, "mis"));
        continue;
      }
      bump(doc, key(name, "nn"));
      bump(doc, key(name, "s"), v);
      bump(doc, key(name, "ss"), v * v);
      setMin(doc, minKey(name), v);
      setMax(doc, maxKey(name), v);
      if ((f.min !== null && v < f.min) || (f.max !== null && v > f.max)) bump(doc, key(name, "oor"));
      if (f.edges) bump(doc, key(name, "b", numericBinIndex(f.edges, v)));
      else if (f.bins?.kind === "values") bumpValue(name, String(v));
    } else {
      const k = categoryKey(v);
      if (k === null) {
        bump(doc, key(name, "mis"));
        continue;
      }
      bumpValue(name, k);
    }
  }
}

function naiveBatch(events: RollupEvent[], ctx: ModelContext) {
  const metrics = new Map<string, Doc>();
  const features = new Map<string, Doc>();
  const seen = new Map<string, Map<string, number>>();
  for (const e of events) {
    const segment = segmentKey(e.segments);
    const delta: Doc = {};
    naiveMetrics(delta, e, ctx);
    // minute and hour rows of the event's version and segment, the hour row of all versions and segments, and the
    // version's all-time total (bucket 0)
    for (const [level, unit, version, seg] of [["m", 60_000, e.version, segment], ["h", 3_600_000, e.version, segment], ["h", 3_600_000, "", "*"], ["t", Infinity, e.version, "*"]] as const) {
      const bucket = unit === Infinity ? 0 : floorMs(e.ts.getTime(), unit);
      const id = `${e.model}\u001f${level}\u001f${bucket}\u001f${version}\u001f${seg}`;
      mergeInto(metrics.get(id) ?? metrics.set(id, {}).get(id)!, delta);
    }
    const id = `${e.model}\u001f${ctx.referenceId}\u001f${floorMs(e.ts.getTime(), 3_600_000)}\u001f${e.version}\u001f${segment}`;
    if (!features.has(id)) {
      features.set(id, {});
      seen.set(id, new Map());
    }
    naiveFeatures(features.get(id)!, seen.get(id)!, e, ctx);
  }
  return { metrics, features };
}

const featureCtx = (name: string, type: "numerical" | "categorical", edges: number[] | null, values: boolean): FeatureContext => ({
  name,
  type,
  min: type === "numerical" ? 0 : null,
  max: type === "numerical" ? 50 : null,
  bins: edges ? { kind: "numeric", edges } : values ? ({ kind: "values", values: ["1", "2"] } as never) : null,
  edges: edges ? Float64Array.from(edges) : null,
} as FeatureContext);

const value = fc.oneof(
  fc.double({ noNaN: true, min: -100, max: 100 }),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom("a", "b", "c", "DE", "x\u001fy"),
  fc.boolean(),
  fc.constant(null),
);
const event = fc.record({
  model: fc.constantFrom("m1", "m2"),
  version: fc.constantFrom("v1", "v2"),
  ts: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_000 + 3 * 3_600_000 }).map((ms) => new Date(ms)),
  features: fc.dictionary(fc.constantFrom("amount", "age", "country", "flag", "other"), value),
  prediction: fc.oneof(fc.constantFrom("fraud", "legit"), fc.integer({ min: 0, max: 3 }), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null)),
  probabilities: fc.option(fc.dictionary(fc.constantFrom("fraud", "legit"), fc.double({ min: 0, max: 1, noNaN: true })), { nil: undefined }),
  confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  latencyMs: fc.option(fc.double({ min: 0, max: 20_000, noNaN: true }), { nil: null }),
  errorType: fc.option(fc.constantFrom("timeout", "oom"), { nil: null, freq: 4 }),
  segments: fc.option(fc.dictionary(fc.constantFrom("region", "tier"), fc.constantFrom("eu", "us", 1)), { nil: null }),
}) as fc.Arbitrary<RollupEvent>;

describe("RollupBatch", () => {
  it.each(["binary_classification", "regression"] as const)("counts exactly what the key-by-key formulation counts (%s)", (task) => {
    const ctx: ModelContext = {
      id: "m",
      task,
      positiveClass: task === "regression" ? null : "fraud",
      referenceId: 7n,
      features: [
        featureCtx("amount", "numerical", [0, 10, 20, 30], false),
        featureCtx("age", "numerical", null, true),
        featureCtx("other", "numerical", null, false),
        featureCtx("country", "categorical", null, false),
        featureCtx("flag", "categorical", null, false),
      ],
      prediction: task === "regression" ? { ...featureCtx(PREDICTION_KEY, "numerical", [-1, 0, 1, 2], false), min: null, max: null } : null,
    };
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const batch = new RollupBatch();
        for (const e of events) batch.addEvent(e, ctx);
        const naive = naiveBatch(events, ctx);
        expect(new Map([...batch.metrics].map(([k, v]) => [k, v.doc]))).toEqual(naive.metrics);
        expect(new Map([...batch.features].map(([k, v]) => [k, v.doc]))).toEqual(naive.features);
      }),
      { numRuns: 300 },
    );
  });
});

describe("RollupBatch value cap", () => {
  it("folds values beyond MAX_VALUE_KEYS per document into OTHER_VALUE exactly as counting key by key does", () => {
    const ctx: ModelContext = {
      id: "m",
      task: "binary_classification",
      positiveClass: "fraud",
      referenceId: 0n,
      features: [featureCtx("user", "categorical", null, false), featureCtx("n", "numerical", null, true)],
      prediction: null,
    };
    const ts = new Date(1_700_000_000_000);
    const events: RollupEvent[] = Array.from({ length: MAX_VALUE_KEYS + 700 }, (_, i) => ({
      model: "m",
      version: "v1",
      ts,
      // a new user id for most events, some repeated ones on both sides of the cap
      features: { user: i % 5 === 0 ? `u${i % 50}` : `u${i}`, n: i % 1300 },
      prediction: "legit",
      confidence: null,
      latencyMs: null,
      errorType: null,
      segments: null,
    }));
    const batch = new RollupBatch();
    for (const e of events) batch.addEvent(e, ctx);
    const naive = naiveBatch(events, ctx);
    const docs = new Map([...batch.features].map(([k, v]) => [k, v.doc]));
    expect(docs).toEqual(naive.features);
    const doc = [...docs.values()][0];
    expect(doc[key("user", "v", OTHER_VALUE)]).toBeGreaterThan(0);
    expect(doc[key("n", "v", OTHER_VALUE)]).toBeGreaterThan(0);
  });
});
