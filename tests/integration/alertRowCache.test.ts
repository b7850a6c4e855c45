import { describe, expect, it } from "vitest";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { PUT as putSlosRoute } from "@/app/api/v1/models/[model]/slos/route";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { POST as createRuleRoute } from "@/app/api/v1/alert-rules/route";
import { POST as evaluateRoute } from "@/app/api/v1/alerts/evaluate/route";
import { evaluationValues } from "@/lib/alerts/evaluate/cycle";
import { clearRowCache, rowCacheSize } from "@/lib/alerts/evaluate/rowCache";
import { evaluateBurnRatesOfModels } from "@/lib/alerts/slo/read";
import { loadAllSlos } from "@/lib/alerts/slo/store";
import { rawQuery } from "@/lib/db/client";
import { HOUR, MINUTE } from "@/lib/domain/time";
import { call, uniqueModel } from "../helpers";

const DAY = 24 * HOUR;
const CATS = ["a", "b", "c", "d"];

type Ev = { id: string; prediction: string };
let seq = 0;
/** `n` events from `at` (ms) spread over `spread` ms; `slow`/`failed` pick which are slow or failed, `drift` shifts the features. */
async function send(model: string, at: number, n: number, spread: number, o: { slow?: (i: number) => boolean; failed?: (i: number) => boolean; drift?: boolean } = {}): Promise<Ev[]> {
  const events = Array.from({ length: n }, (_, i) => {
    const failed = o.failed?.(i) ?? false;
    const prediction = i % 3 ? "legit" : "fraud";
    return {
      id: `rc-${seq++}`,
      model,
      timestamp: new Date(at + Math.floor((i * spread) / n)).toISOString(),
      features: o.drift ? { x: 50 + (i % 100), c: "z" } : { x: (i * 37) % 100, ...(i % 10 ? { c: CATS[i % 4] } : {}) },
      latencyMs: o.slow?.(i) ? 900 : 20 + (i % 7),
      ...(failed ? { error: { type: "timeout" } } : { prediction, probabilities: prediction === "fraud" ? { fraud: 0.55 + (i % 40) / 100, legit: 0.45 - (i % 40) / 100 } : { fraud: 0.2, legit: 0.8 } }),
    };
  });
  for (let b = 0; b < events.length; b += 2000) {
    const res = await call(postPredictions, { method: "POST", body: events.slice(b, b + 2000) });
    expect(res.body.accepted, JSON.stringify(res.body)).toBe(Math.min(2000, events.length - b));
  }
  return events.filter((e) => !("error" in e)).map((e) => ({ id: e.id, prediction: (e as { prediction: string }).prediction }));
}

async function label(model: string, events: Ev[], right: (i: number) => boolean) {
  const labels = events.map((e, i) => ({ model, id: e.id, actual: right(i) ? e.prediction : e.prediction === "fraud" ? "legit" : "fraud" }));
  const res = await call(postLabels, { method: "POST", body: { labels } });
  expect(res.body.matched, JSON.stringify(res.body)).toBe(labels.length);
}

async function evaluate(at: number) {
  const res = await call(evaluateRoute, { method: "POST", body: { now: new Date(at).toISOString() } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.ran).toBe(true);
}

const mine = (values: Record<string, unknown>, model: string) => Object.fromEntries(Object.entries(values).filter(([k]) => k.includes(` ${model}`) || k.startsWith(`${model} `)));

describe("the evaluator's row cache (rollup rows kept between cycles, fetched again when their row version changes)", () => {
  it("gives the plain reads' values after late events and late labels change past hours and minutes", async () => {
    const model = uniqueModel("rowcache");
    const put = await call(putModel, {
      method: "PUT",
      params: { model },
      body: { task: "binary_classification", classes: ["fraud", "legit"], positiveClass: "fraud", features: [{ name: "x", type: "numerical" }, { name: "c", type: "categorical" }] },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    const ref = await call(putReference, { method: "PUT", params: { model }, body: { rows: Array.from({ length: 1000 }, (_, i) => ({ features: { x: (i * 37) % 100, c: CATS[i % 4] }, prediction: i % 3 ? "legit" : "fraud" })) } });
    expect(ref.status, JSON.stringify(ref.body)).toBe(200);
    const slos = await call(putSlosRoute, {
      method: "PUT",
      params: { model },
      body: { slos: [{ kind: "availability", target: 0.99, windowDays: 7 }, { kind: "latency", target: 0.95, windowDays: 7, thresholdMs: 500 }, { kind: "accuracy", target: 0.9, windowDays: 7 }] },
    });
    expect(slos.status, JSON.stringify(slos.body)).toBe(200);
    // beside the defaults: a relative rule (two windows), missing values (feature rows), p50 latency over 6 h
    for (const body of [
      { name: "RequestsRise", model, metric: "requests", comparison: "increase_pct", threshold: 50, window: "30m", for: "0s", severity: "warning" },
      { name: "MissingValues", model, metric: "missing_rate", comparison: ">", threshold: 0.05, window: "1h", for: "0s", severity: "warning" },
      { name: "SlowMedian", model, metric: "latency_p50", comparison: ">", threshold: 0.1, window: "6h", for: "0s", severity: "warning" },
    ]) {
      const res = await call(createRuleRoute, { method: "POST", body });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }

    // two days of traffic up to 35 minutes into the hour h0 (an hour 9 days back), labelled, some slow and failed
    const h0 = Math.floor(Date.now() / HOUR) * HOUR - 9 * DAY;
    const past: Ev[] = [];
    for (let t = h0 - 2 * DAY; t < h0 + 35 * MINUTE; t += 20 * MINUTE) past.push(...(await send(model, t, 12, 19 * MINUTE, { slow: (i) => i % 11 === 0, failed: (i) => i % 17 === 0 })));
    await label(model, past, (i) => i % 5 !== 0);
    const at1 = h0 + 35 * MINUTE + 10_000; // mid-hour: windows read partial hours of minute rows at both ends
    await evaluate(at1); // the cycle fills the cache
    expect(rowCacheSize().metrics).toBeGreaterThan(0);
    const before = mine(await evaluationValues(new Date(at1 + 15_000), { cached: false }), model);

    // late data, each into rows the cache holds: events in a closed hour 3 h back (the 6 h, 1 d and 3 d windows) and
    // in closed minutes of this hour (the 5 m window's too); labels (wrong) for predictions 5 h back and 20 minutes back; drifted
    // features 10 minutes back (the feature row of this hour)
    await send(model, h0 - 3 * HOUR + 7 * MINUTE, 150, 10 * MINUTE, { slow: () => true, failed: (i) => i % 2 === 0 });
    await send(model, h0 + 12 * MINUTE, 40, 30_000, { failed: (i) => i % 4 === 0 });
    await send(model, h0 + 33 * MINUTE, 40, 30_000, { failed: (i) => i % 4 === 0 });
    const late = await send(model, h0 - 5 * HOUR, 200, 20 * MINUTE);
    await label(model, late, () => false);
    await label(model, await send(model, h0 + 15 * MINUTE, 120, 60_000), () => false);
    await send(model, h0 + 25 * MINUTE, 300, 60_000, { drift: true });

    const at2 = at1 + 15_000;
    const cached = await evaluationValues(new Date(at2), { cached: true }); // warm cache, late rows changed
    const plain = await evaluationValues(new Date(at2), { cached: false });
    expect(cached).toEqual(plain); // every rule × model and SLO row of the database, not only this model's
    clearRowCache();
    expect(await evaluationValues(new Date(at2), { cached: true })).toEqual(plain); // a cold cache too

    // the late data moved this model's values (the comparison is not between unchanged numbers)
    const after = mine(plain, model);
    const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    for (const name of ["LowAccuracy", "HighErrorRate", "SlowMedian", "RequestsRise", "FeatureDrift", "MissingValues"]) {
      const [rule] = await rawQuery<{ id: string }>(`SELECT id FROM alert_rules WHERE model_id = '${model}' AND name = '${name}'`);
      expect(changed, name).toContain(`${rule.id} ${model}`);
    }
    for (const w of ["availability 3d/6h", "latency-500ms 6h/30m", "accuracy 3d/6h", "accuracy 6h/30m"]) expect(changed, w).toContain(`${model} ${w}`);

    // the SLO rows are the SLO API's own (window sums in SQL)
    const sql = await evaluateBurnRatesOfModels(await loadAllSlos(), { now: new Date(at2) });
    for (const m of sql) for (const s of m.slos) for (const b of s.burnRates) expect(cached[`${m.model} ${s.slo.name} ${b.longWindow}/${b.shortWindow}`].firing).toBe(b.firing);

    // and a cycle through the cache stores exactly the plain values
    await evaluate(at2);
    const stored = await rawQuery<{ key: string; value: number | null }>(`
      SELECT coalesce(rule_id || ' ' || model_id, model_id || ' ' || slo || ' ' || burn_window) AS key, value FROM alerts WHERE model_id = '${model}'`);
    expect(stored.length).toBeGreaterThan(3);
    for (const s of stored) expect(s.value, s.key).toBe(plain[s.key].value);
  });
});
