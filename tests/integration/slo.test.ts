import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { GET as getMetricsRoute } from "@/app/api/v1/models/[model]/metrics/route";
import { GET as getSlosRoute, PUT as putSlosRoute } from "@/app/api/v1/models/[model]/slos/route";
import { getFleetSlos, getSlos, type SloStatus } from "@/lib/queries/getSlos";
import { call, uniqueModel } from "../helpers";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WINDOWS: Record<string, number> = { "5m": 5 * MINUTE, "30m": 30 * MINUTE, "1h": HOUR, "6h": 6 * HOUR, "3d": 3 * DAY };

type Ev = { id: string; ts: number; error: boolean; latencyMs: number; prediction: "yes" | "no"; actual: "yes" | "no" | null };

const SLOS = [
  { kind: "availability", target: 0.999 },
  { kind: "latency", target: 0.99, thresholdMs: 250, windowDays: 7 },
  { name: "acc", kind: "accuracy", target: 0.9, windowDays: 7 },
];

/**
 * Ten days of background traffic (one event every 5 minutes, 0.2 % errors, latencies 1–600 ms, a third labelled,
 * one in seven of those wrong) ending 2 hours before `end`, plus `recent` events.
 */
function history(end: number, recent: Ev[]): Ev[] {
  const out: Ev[] = [];
  for (let i = 0; i < 2900; i++) {
    const ts = end - 2 * HOUR - i * 5 * MINUTE - 17_000;
    const prediction = i % 4 === 0 ? "yes" : "no";
    const actual = i % 3 === 0 ? (i % 7 === 0 ? (prediction === "yes" ? "no" : "yes") : prediction) : null;
    out.push({ id: `bg-${i}`, ts, error: i % 500 === 7, latencyMs: 1 + ((i * 37) % 600), prediction, actual });
  }
  return [...out, ...recent];
}

function burst(prefix: string, from: number, to: number, n: number, errorsEvery: number): Ev[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    ts: from + Math.floor(((to - from) * i) / n),
    error: errorsEvery > 0 && i % errorsEvery === 0,
    latencyMs: 100 + i,
    prediction: "no",
    actual: null,
  }));
}

async function send(model: string, events: Ev[]) {
  const body = events.map((e) => ({
    id: e.id,
    model,
    timestamp: new Date(e.ts).toISOString(),
    features: { x: e.latencyMs },
    prediction: e.prediction,
    probabilities: { yes: e.prediction === "yes" ? 0.8 : 0.2, no: e.prediction === "yes" ? 0.2 : 0.8 },
    latencyMs: e.latencyMs,
    ...(e.error ? { error: { type: "timeout" } } : {}),
  }));
  for (let b = 0; b < body.length; b += 5000) {
    const res = await call(postPredictions, { method: "POST", body: body.slice(b, b + 5000) });
    expect(res.body.accepted).toBe(Math.min(5000, body.length - b));
  }
  const labels = events.filter((e) => e.actual !== null).map((e) => ({ model, id: e.id, actual: e.actual }));
  if (labels.length) expect((await call(postLabels, { method: "POST", body: labels })).body.matched).toBe(labels.length);
}

/** What an SLO counts in [from, to), recomputed from the events sent. */
function expected(kind: string, events: Ev[], from: number, to: number) {
  const inside = events.filter((e) => e.ts >= from && e.ts < to);
  if (kind === "availability") return { total: inside.length, bad: inside.filter((e) => e.error).length };
  if (kind === "latency") return { total: inside.length, bad: inside.filter((e) => e.latencyMs > 250).length };
  const labelled = inside.filter((e) => !e.error && e.actual !== null);
  return { total: labelled.length, bad: labelled.filter((e) => e.actual !== e.prediction).length };
}

function checkAgainstEvents(slos: SloStatus[], events: Ev[], end: number) {
  for (const slo of slos) {
    const b = expected(slo.kind, events, end - slo.windowDays * DAY, end);
    expect(b.total).toBeGreaterThan(0);
    expect({ name: slo.name, total: slo.errorBudget.total, bad: slo.errorBudget.bad }).toEqual({ name: slo.name, ...b });
    expect(slo.errorBudget.consumed).toBeCloseTo(b.bad / b.total / (1 - slo.target), 9);
    for (const row of slo.burnRates) {
      for (const [label, w] of [[row.longWindow, row.long], [row.shortWindow, row.short]] as const) {
        const e = expected(slo.kind, events, end - WINDOWS[label], end);
        expect({ slo: slo.name, window: label, total: w.total, bad: w.bad }).toEqual({ slo: slo.name, window: label, ...e });
      }
      const over = (x: { total: number; bad: number }) => x.total > 0 && x.bad / x.total > row.threshold;
      expect(row.firing).toBe(over(row.long) && over(row.short));
    }
  }
}

describe("SLOs: GET/PUT /api/v1/models/{model}/slos", () => {
  it("error budget and every burn-rate window equal the counts recomputed from the events; a burn in the last 5 minutes pages", async () => {
    const model = uniqueModel("slo-a");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["no", "yes"], positiveClass: "yes" } });
    const put = await call(putSlosRoute, { method: "PUT", params: { model }, body: { slos: SLOS } });
    expect(put.status).toBe(200);
    expect(put.body.slos.map((s: SloStatus) => [s.name, s.objective])).toEqual([
      ["availability", "99.9 % of requests without an error over 30 days"],
      ["latency-250ms", "99 % of requests answered within 250 ms over 7 days"],
      ["acc", "90 % of labelled predictions correct over 7 days"],
    ]);
    expect(put.body.slos[0].burnRates.map((r: { threshold: number }) => r.threshold)).toEqual([0.0144, 0.006, 0.001]);

    const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE + 30_000);
    const end = now.getTime() + 30_000;
    // the last hour: 40 events with 2 errors, then 100 in the last 5 minutes, half of them failing
    const events = history(end, [...burst("hour", end - HOUR, end - 5 * MINUTE - 1000, 40, 20), ...burst("now", end - 5 * MINUTE, now.getTime(), 100, 2)]);
    await send(model, events);

    const res = await getSlos(model, { now });
    expect(res!.windowEnd).toBe(new Date(end).toISOString());
    checkAgainstEvents(res!.slos, events, end);
    const availability = res!.slos[0];
    expect(availability.burnRates.map((r) => r.firing)).toEqual([true, true, true]);
    expect(availability.firing).toEqual(["page", "ticket"]);
    expect(availability.errorBudget.remaining).toBeLessThan(0);

    // accuracy is the metrics API's accuracy over the same window; availability its requests and errors
    const metrics = async (from: number) =>
      (await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?window=single&from=${from}&to=${end}`, params: { model } })).body.buckets[0];
    const week = await metrics(end - 7 * DAY);
    expect(res!.slos[2].errorBudget.sli).toBeCloseTo(week.performance.accuracy, 12);
    const month = await metrics(end - 30 * DAY);
    expect([availability.errorBudget.total, availability.errorBudget.bad]).toEqual([month.requests, month.errors.total]);

    // the route answers the same (live clock: the background is far from any window edge)
    const live = await call(getSlosRoute, { params: { model } });
    expect(live.status).toBe(200);
    expect(live.body.slos[0].errorBudget.total).toBe(availability.errorBudget.total);
  });

  it("a burn that has stopped (long windows hot, short ones clean) pages nobody but still opens a ticket", async () => {
    const model = uniqueModel("slo-b");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["no", "yes"], positiveClass: "yes" } });
    expect((await call(putSlosRoute, { method: "PUT", params: { model }, body: { slos: SLOS } })).status).toBe(200);
    const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE + 30_000);
    const end = now.getTime() + 30_000;
    const events = history(end, [...burst("then", end - 50 * MINUTE, end - 40 * MINUTE, 100, 2), ...burst("now", end - 5 * MINUTE, now.getTime(), 20, 0)]);
    await send(model, events);
    const res = await getSlos(model, { now });
    checkAgainstEvents(res!.slos, events, end);
    const rows = res!.slos[0].burnRates;
    expect(rows.map((r) => [r.long.badRatio! > r.threshold, r.short.badRatio! > r.threshold, r.firing])).toEqual([
      [true, false, false],
      [true, false, false],
      [true, true, true],
    ]);
    expect(res!.slos[0].firing).toEqual(["ticket"]);
  });

  it("accuracy of classes whose names are long (> 63 bytes) or hold quotes equals the metrics API's", async () => {
    const model = uniqueModel("slo-classes");
    const classes = ['say "hi"', "c".repeat(80), "plain"];
    await call(putModel, { method: "PUT", params: { model }, body: { task: "multiclass_classification", classes } });
    await call(putSlosRoute, { method: "PUT", params: { model }, body: { slos: [{ kind: "accuracy", target: 0.5, windowDays: 7 }] } });
    const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE + 30_000);
    const end = now.getTime() + 30_000;
    const events = Array.from({ length: 90 }, (_, i) => ({
      id: `k-${i}`, model, timestamp: new Date(end - 3 * HOUR - i * MINUTE).toISOString(), features: { x: i }, prediction: classes[i % 3],
    }));
    await call(postPredictions, { method: "POST", body: events });
    // right for every class but one in four
    await call(postLabels, { method: "POST", body: events.map((e, i) => ({ model, id: e.id, actual: i % 4 === 0 ? classes[(i + 1) % 3] : e.prediction })) });
    const res = await getSlos(model, { now });
    const m = (await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?window=single&from=${end - 7 * DAY}&to=${end}`, params: { model } })).body.buckets[0];
    expect(res!.slos[0].errorBudget).toMatchObject({ total: 90, bad: 23 });
    expect(res!.slos[0].errorBudget.sli).toBeCloseTo(m.performance.accuracy, 12);
  });

  it("the fleet's SLOs, evaluated in one statement, equal each model's own evaluation", async () => {
    // the models of the tests above: binary and multiclass with long and quoted class names, different thresholds
    const regression = uniqueModel("slo-reg");
    await call(putModel, { method: "PUT", params: { model: regression }, body: { task: "regression" } });
    await call(postPredictions, { method: "POST", body: [{ id: "r1", model: regression, features: { x: 1 }, prediction: 2.5, latencyMs: 700 }] });
    await call(putSlosRoute, { method: "PUT", params: { model: regression }, body: { slos: [{ kind: "latency", target: 0.9, thresholdMs: 500, windowDays: 7 }] } });
    const now = new Date();
    const fleet = await getFleetSlos({ now });
    expect(fleet.length).toBeGreaterThanOrEqual(4);
    for (const entry of fleet) expect(entry).toEqual(await getSlos(entry.model, { now }));
    expect(fleet.find((f) => f.model === regression)!.slos[0].errorBudget).toMatchObject({ total: 1, bad: 1 });
  });

  it("refuses what is not an SLO, says which model is unknown, keeps reading to read keys, and an empty list removes them", async () => {
    const model = uniqueModel("slo-c");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "regression" } });
    const bad = await call(putSlosRoute, { method: "PUT", params: { model }, body: { slos: [{ kind: "latency", target: 0.99, thresholdMs: 240 }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe("slos.0.thresholdMs");
    const acc = await call(putSlosRoute, { method: "PUT", params: { model }, body: { slos: [{ kind: "availability", target: 0.99 }, { kind: "accuracy", target: 0.9 }] } });
    expect(acc.status).toBe(422);
    expect(acc.body.error.details).toEqual([{ path: "slos.1.kind", message: expect.stringMatching(/regression model/) }]);
    expect((await call(getSlosRoute, { params: { model } })).body.slos).toEqual([]); // nothing half-written

    expect((await call(getSlosRoute, { params: { model: "no-such-model" } })).status).toBe(404);
    expect((await call(putSlosRoute, { method: "PUT", params: { model: "no-such-model" }, body: { slos: [] } })).status).toBe(404);
    expect((await call(getSlosRoute, { params: { model }, token: null })).status).toBe(401);

    const ok = await call(putSlosRoute, { method: "PUT", params: { model }, body: { slos: [{ kind: "availability", target: 0.995, windowDays: 7 }] } });
    expect(ok.body.slos[0]).toMatchObject({ name: "availability", windowDays: 7, errorBudget: { total: 0, sli: null, remaining: null }, firing: [] });
    expect((await call(putSlosRoute, { method: "PUT", params: { model }, body: { slos: [] } })).body.slos).toEqual([]);
  });
});
