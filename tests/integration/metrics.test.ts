import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { GET as getMetricsRoute } from "@/app/api/v1/models/[model]/metrics/route";
import { LATENCY_BOUNDS_MS } from "@/lib/rollups/documents";
import { classificationMetrics, quantile } from "@/lib/stats";
import { call, uniqueModel } from "../helpers";
import { getMetrics, getMetricsWithWhole, type MetricsBucket } from "@/lib/queries/getMetrics";
import type { ReadQuery } from "@/lib/queries/params";

const HOUR = 3_600_000;

/** The latency bucket bounds around an exact value: the histogram's answer must fall within them. */
function bucketAround(x: number): [number, number] {
  const i = LATENCY_BOUNDS_MS.findIndex((b) => x <= b);
  return [i <= 0 ? 0 : LATENCY_BOUNDS_MS[i - 1], i < 0 ? Infinity : LATENCY_BOUNDS_MS[i]];
}

describe("GET /api/v1/models/{model}/metrics", () => {
  it("agrees with numbers recomputed from the raw events: counts, errors, latency quantiles, accuracy/F1 with late labels and corrections, versions, segments", async () => {
    const model = uniqueModel("metrics");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["no", "yes"], positiveClass: "yes" } });
    const start = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR; // 3 whole hours of traffic
    const events = Array.from({ length: 3000 }, (_, i) => {
      const r = (Math.sin(i * 91.7) + 1) / 2;
      return {
        id: `m-${i}`,
        model,
        version: i % 3 === 0 ? "v2" : "v1",
        timestamp: new Date(start + i * 3600).toISOString(),
        features: { x: r },
        prediction: r > 0.7 ? "yes" : "no",
        probabilities: { yes: r, no: 1 - r },
        latencyMs: 2 + Math.round(r * r * 900 * 10) / 10,
        segments: { region: i % 4 === 0 ? "eu" : "us" },
        ...(i % 50 === 0 ? { error: { type: i % 100 === 0 ? "timeout" : "bad_input" } } : {}),
      };
    });
    for (let b = 0; b < events.length; b += 1000) await call(postPredictions, { method: "POST", body: events.slice(b, b + 1000) });
    // Labels: most arrive late, a few before (separately), some corrected.
    const truth = (i: number) => ((Math.sin(i * 91.7) + 1) / 2 > 0.6 ? "yes" : "no");
    const labelled = events.map((e, i) => ({ e, i })).filter(({ i }) => i % 2 === 0);
    await call(postLabels, { method: "POST", body: labelled.map(({ e, i }) => ({ model, id: e.id, actual: i % 10 === 0 ? (truth(i) === "yes" ? "no" : "yes") : truth(i) })) });
    await call(postLabels, { method: "POST", body: labelled.filter(({ i }) => i % 10 === 0).map(({ e, i }) => ({ model, id: e.id, actual: truth(i) })) });
    const finalLabel = new Map(labelled.map(({ e, i }) => [e.id, truth(i)]));

    const query = async (qs: string) => {
      const res = await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?${qs}`, params: { model } });
      expect(res.status).toBe(200);
      return res.body;
    };
    const expectBucket = (bucket: MetricsBucket, subset: typeof events) => {
      const ok = subset.filter((e) => !("error" in e));
      expect(bucket.requests).toBe(subset.length);
      expect(bucket.errors.total).toBe(subset.length - ok.length);
      expect(bucket.errors.rate).toBeCloseTo((subset.length - ok.length) / subset.length, 12);
      const lat = subset.map((e) => e.latencyMs).sort((a, b) => a - b);
      for (const [p, got] of [[0.5, bucket.latency.p50], [0.95, bucket.latency.p95], [0.99, bucket.latency.p99]] as const) {
        const [lo, hi] = bucketAround(quantile(lat, p));
        expect(got).toBeGreaterThanOrEqual(lo);
        expect(got).toBeLessThanOrEqual(hi);
      }
      const pairs = ok.filter((e) => finalLabel.has(e.id));
      expect(bucket.labels.labelled).toBe(pairs.length);
      const classes = ["no", "yes"];
      const matrix = [[0, 0], [0, 0]];
      for (const e of pairs) matrix[classes.indexOf(finalLabel.get(e.id)!)][classes.indexOf(e.prediction)]++;
      const expected = classificationMetrics(matrix, classes, "yes");
      const perf = bucket.performance;
      if (perf?.kind !== "classification") throw new Error(`expected classification performance, got ${perf?.kind}`);
      expect(perf.accuracy).toBeCloseTo(expected.accuracy, 12);
      expect(perf.macro.f1).toBeCloseTo(expected.macro.f1, 12);
      expect(perf.positive!.f1).toBeCloseTo(expected.positive!.f1, 12);
      expect(perf.confusion.matrix).toEqual(matrix);
      const ll = pairs.reduce((s, e) => s - Math.log(Math.min(Math.max(e.probabilities[finalLabel.get(e.id) as "yes" | "no"], 1e-15), 1 - 1e-15)), 0) / pairs.length;
      expect(perf.logLoss).toBeCloseTo(ll, 9);
      if (bucket.predictions.kind !== "classes") throw new Error("expected predicted classes");
      expect(bucket.predictions.counts.yes ?? 0).toBe(ok.filter((e) => e.prediction === "yes").length);
    };

    // Hourly series over the 3 hours.
    const from = new Date(start).toISOString();
    const to = new Date(start + 3 * HOUR).toISOString();
    const hourly = await query(`from=${from}&to=${to}&step=1h`);
    expect(hourly.buckets).toHaveLength(3);
    hourly.buckets.forEach((b: MetricsBucket, h: number) => expectBucket(b, events.filter((e) => Date.parse(e.timestamp) >= start + h * HOUR && Date.parse(e.timestamp) < start + (h + 1) * HOUR)));

    // One window, minute-aligned and not hour-aligned (hour rows inside, minute rows at the edges).
    const wFrom = start + 17 * 60_000;
    const wTo = start + 2 * HOUR + 43 * 60_000;
    const inWindow = (e: (typeof events)[number]) => Date.parse(e.timestamp) >= wFrom && Date.parse(e.timestamp) < wTo;
    const single = await query(`from=${new Date(wFrom).toISOString()}&to=${new Date(wTo).toISOString()}&window=single`);
    expect(single.window).toBe("single");
    expectBucket(single.buckets[0], events.filter(inWindow));

    // Edges inside minutes: the partial minutes come from raw events, exactly.
    const sFrom = start + 17 * 60_000 + 17_500;
    const sTo = start + 2 * HOUR + 43 * 60_000 + 12_345;
    const inExact = (e: (typeof events)[number]) => Date.parse(e.timestamp) >= sFrom && Date.parse(e.timestamp) < sTo;
    const exact = await query(`from=${new Date(sFrom).toISOString()}&to=${new Date(sTo).toISOString()}&window=single`);
    expect(exact.from).toBe(new Date(sFrom).toISOString());
    expectBucket(exact.buckets[0], events.filter(inExact));
    // A window inside one minute: counts only (a handful of latencies is too few for the quantiles' bucket rule).
    const within = await query(`from=${new Date(sFrom).toISOString()}&to=${new Date(sFrom + 20_000).toISOString()}&window=single&segment.region=us`);
    const few = events.filter((e) => Date.parse(e.timestamp) >= sFrom && Date.parse(e.timestamp) < sFrom + 20_000 && e.segments.region === "us");
    expect(few.length).toBeGreaterThan(2);
    expect(within.buckets[0].requests).toBe(few.length);
    expect(within.buckets[0].latency.count).toBe(few.length);
    expect(within.buckets[0].labels.labelled).toBe(few.filter((e) => !("error" in e) && finalLabel.has(e.id)).length);

    // Version and segment filters, 5-minute steps (minute rows).
    const v2eu = await query(`from=${from}&to=${to}&window=single&version=v2&segment.region=eu`);
    expectBucket(v2eu.buckets[0], events.filter((e) => e.version === "v2" && e.segments.region === "eu"));
    const fiveMin = await query(`from=${from}&to=${to}&step=5m&version=v1`);
    expect(fiveMin.buckets).toHaveLength(36);
    expect(fiveMin.buckets.reduce((s: number, b: MetricsBucket) => s + b.requests, 0)).toBe(events.filter((e) => e.version === "v1").length);
    expect(hourly.versions.map((v: { version: string }) => v.version).sort()).toEqual(["v1", "v2"]);
  });

  it("computes MAE, RMSE, MAPE and R² of a regression model exactly, after a corrected label", async () => {
    const model = uniqueModel("reg");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "regression" } });
    const start = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
    const preds = Array.from({ length: 400 }, (_, i) => 50 + 30 * Math.sin(i / 7));
    const actual = preds.map((p, i) => (i % 13 === 0 ? 0 : p + 5 * Math.cos(i / 3)));
    await call(postPredictions, {
      method: "POST",
      body: preds.map((p, i) => ({ id: `r-${i}`, model, timestamp: new Date(start + i * 1000).toISOString(), features: { a: i }, prediction: p })),
    });
    await call(postLabels, { method: "POST", body: actual.map((y, i) => ({ model, id: `r-${i}`, actual: y + 100, timestamp: start })) });
    await call(postLabels, { method: "POST", body: actual.map((y, i) => ({ model, id: `r-${i}`, actual: y, timestamp: start + 1 })) }); // corrections
    const res = await call(getMetricsRoute, {
      path: `/api/v1/models/${model}/metrics?window=single&from=${new Date(start).toISOString()}&to=${new Date(start + HOUR).toISOString()}`,
      params: { model },
    });
    const perf = res.body.buckets[0].performance;
    const e = preds.map((p, i) => p - actual[i]);
    const n = e.length;
    const mean = actual.reduce((s, y) => s + y, 0) / n;
    const sse = e.reduce((s, x) => s + x * x, 0);
    const sst = actual.reduce((s, y) => s + (y - mean) ** 2, 0);
    const nz = actual.map((y, i) => [y, e[i]]).filter(([y]) => y !== 0);
    expect(perf.kind).toBe("regression");
    expect(perf.mae).toBeCloseTo(e.reduce((s, x) => s + Math.abs(x), 0) / n, 9);
    expect(perf.rmse).toBeCloseTo(Math.sqrt(sse / n), 9);
    expect(perf.r2).toBeCloseTo(1 - sse / sst, 9);
    expect(perf.mape).toBeCloseTo(nz.reduce((s, [y, x]) => s + Math.abs(x / y), 0) / nz.length, 9);
    expect(res.body.buckets[0].labels.labelled).toBe(400);
  });

  it("gives the model page's series and whole range from one read: the same as the series and window=single reads", async () => {
    const model = uniqueModel("whole");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "multiclass_classification", classes: ["a", "b", "c"] } });
    const start = Math.floor((Date.now() - 7 * HOUR) / HOUR) * HOUR; // 6 whole hours and the current one
    const cls = ["a", "b", "c"];
    const events = Array.from({ length: 1200 }, (_, i) => {
      const r = (Math.sin(i * 37.3) + 1) / 2;
      return {
        id: `w-${i}`,
        model,
        version: i < 500 ? "v1" : "v2",
        timestamp: new Date(start + i * 19_000).toISOString(),
        features: { x: r },
        prediction: cls[i % 3],
        probabilities: { a: r / 2, b: r / 2, c: 1 - r },
        latencyMs: 1 + Math.round(r * 6000) / 10,
        segments: { region: i % 5 === 0 ? "eu" : "us" },
        ...(i % 40 === 0 ? { error: { type: "timeout" } } : {}),
      };
    });
    await call(postPredictions, { method: "POST", body: events });
    await call(postLabels, { method: "POST", body: events.filter((_, i) => i % 3 !== 1).map((e, i) => ({ model, id: e.id, actual: cls[(i * 7) % 3] })) });

    // Numbers equal; float sums (latency, log loss) may differ in their last bits, since rows are added in another order.
    const expectSame = (got: unknown, want: unknown, path = "$"): void => {
      if (typeof want === "number" && typeof got === "number") {
        if (Number.isInteger(want)) expect(got, path).toBe(want);
        else expect(Math.abs(got - want), path).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
      } else if (want !== null && typeof want === "object") {
        expect(got !== null && typeof got === "object", path).toBe(true);
        expect(Object.keys(got as object).sort(), path).toEqual(Object.keys(want).sort());
        for (const [k, v] of Object.entries(want)) expectSame((got as Record<string, unknown>)[k], v, `${path}.${k}`);
      } else expect(got, path).toEqual(want);
    };
    const to = new Date(start + 8 * HOUR);
    const cases: (ReadQuery & { stepMs: number })[] = [
      { from: new Date(start), to, stepMs: HOUR, version: null, segments: {} }, // one read: hour rows on both sides
      { from: new Date(start - 2 * HOUR), to, stepMs: 2 * HOUR, version: "v2", segments: {} },
      { from: new Date(start), to, stepMs: HOUR, version: null, segments: { region: "eu" } },
      { from: new Date(start), to: new Date(start + 3 * HOUR), stepMs: 15 * 60_000, version: null, segments: {} }, // minute rows: two reads
    ];
    for (const q of cases) {
      const both = await getMetricsWithWhole(model, q);
      const series = await getMetrics(model, q);
      const whole = await getMetrics(model, { ...q, stepMs: null });
      expectSame(both?.series, series);
      expectSame(both?.whole, whole);
      expect(whole!.buckets[0].requests).toBeGreaterThan(0);
      expect(whole!.buckets[0].labels.labelled).toBeGreaterThan(0);
    }
    expect(await getMetricsWithWhole(`nope-${model}`, cases[0])).toBeNull();
  });

  it("reads a repeated series from memory, yet sees every late label, new event and filter (seriesMetricDocs' stamps)", async () => {
    const model = uniqueModel("stamp");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["no", "yes"], positiveClass: "yes" } });
    const start = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
    const ev = (i: number, at: number, version = "v1") => ({ id: `s-${i}`, model, version, timestamp: new Date(at).toISOString(), features: { x: i }, prediction: i % 2 ? "yes" : "no", latencyMs: 5 + i, segments: { region: i % 3 ? "us" : "eu" } });
    await call(postPredictions, { method: "POST", body: Array.from({ length: 60 }, (_, i) => ev(i, start + i * 4 * 60_000)) }); // 4 hours
    const hourly: ReadQuery = { from: new Date(start), to: new Date(start + 5 * HOUR), stepMs: HOUR, version: null, segments: {} };
    const minutes: ReadQuery = { ...hourly, stepMs: 15 * 60_000 };
    const eu: ReadQuery = { ...hourly, segments: { region: "eu" } };
    const requests = async (q: ReadQuery) => (await getMetrics(model, q))!.buckets.map((b) => b.requests);
    const labelled = async (q: ReadQuery) => (await getMetrics(model, q))!.buckets.map((b) => b.labels.labelled);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

    const before = await requests(hourly);
    expect(before).toEqual([15, 15, 15, 15, 0]);
    expect(await requests(hourly)).toEqual(before); // from memory
    expect(sum(await requests(minutes))).toBe(60);
    expect(sum(await requests(eu))).toBe(20); // another filter: other rows, not the unfiltered buckets
    expect(await labelled(hourly)).toEqual([0, 0, 0, 0, 0]);

    // a late label for the first hour, a late event in the second, a new version in the last
    await call(postLabels, { method: "POST", body: [{ model, id: "s-0", actual: "no" }] });
    await call(postPredictions, { method: "POST", body: [ev(100, start + HOUR + 60_000), ev(101, start + 4 * HOUR + 60_000, "v2")] });
    expect(await requests(hourly)).toEqual([15, 16, 15, 15, 1]);
    expect(await labelled(hourly)).toEqual([1, 0, 0, 0, 0]);
    expect(sum(await requests(minutes))).toBe(62);
    expect(sum(await requests({ ...hourly, version: "v2" }))).toBe(1);
    // and the same totals as the single window of those whole hours (its hourly buckets from the same cache, summed)
    const fresh = await getMetrics(model, { ...hourly, stepMs: null });
    expect(fresh!.buckets[0].requests).toBe(62);
    expect(fresh!.buckets[0].labels.labelled).toBe(1);
  });

  it("validates the query and 404s an unknown model", async () => {
    const model = uniqueModel("mq");
    await call(postPredictions, { method: "POST", body: { model, features: { a: 1 }, prediction: 1.5 } });
    const bad = await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?step=7s`, params: { model } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe("step");
    const unknown = await call(getMetricsRoute, { path: `/api/v1/models/nope-${model}/metrics`, params: { model: `nope-${model}` } });
    expect(unknown.status).toBe(404);
    // Minute-row series are bounded (their cost follows the range): 5-minute steps over 8 days are refused.
    const to = Date.now();
    const long = await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?step=5m&from=${to - 8 * 86_400_000}&to=${to}`, params: { model } });
    expect(long.status).toBe(422);
    expect(long.body.error.details[0].path).toBe("step");
    expect((await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?step=1h&from=${to - 100 * 86_400_000}&to=${to}`, params: { model } })).status).toBe(200);
    // A NUL in a filter is a 422, not a database error.
    const nul = await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?version=%00`, params: { model } });
    expect(nul.status).toBe(422);
    expect((await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?segment.r=a%00b`, params: { model } })).status).toBe(200);
  });
});
