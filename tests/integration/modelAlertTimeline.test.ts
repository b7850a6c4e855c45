import { describe, expect, it } from "vitest";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { GET as listAlertsRoute } from "@/app/api/v1/alerts/route";
import { POST as evaluateRoute } from "@/app/api/v1/alerts/evaluate/route";
import { PUT as putSlosRoute } from "@/app/api/v1/models/[model]/slos/route";
import { firingByModel, modelAlertTimeline } from "@/lib/alerts/evaluate/timeline";
import { HOUR, MINUTE } from "@/lib/domain/time";
import { call, uniqueModel } from "../helpers";

/** In the past (its own models: no later cycle has evaluated them), inside the default 30-day raw-event retention. */
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 25 * 24 * HOUR;
const s30 = 30_000;

let seq = 0;
/** `n` events over the 30 s from `at`, one in five an error when `errors`. */
async function send(model: string, at: number, n: number, errors: boolean) {
  const events = Array.from({ length: n }, (_, i) => ({
    id: `tl${seq++}`,
    model,
    timestamp: new Date(at + Math.floor((i * 30_000) / n)).toISOString(),
    features: { x: i },
    prediction: i % 2 ? "a" : "b",
    latencyMs: 10,
    ...(errors && i % 5 === 0 ? { error: { type: "timeout" } } : {}),
  }));
  const res = await call(postPredictions, { method: "POST", body: events });
  expect(res.body.accepted, JSON.stringify(res.body)).toBe(n);
}

async function evaluate(at: number) {
  const res = await call(evaluateRoute, { method: "POST", body: { now: new Date(at).toISOString() } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

type ApiAlert = { id: string; alertname: string; slo: { name: string; window: string } | null; severity: string; state: string; value: number | null; history: { at: string; from: string; to: string }[] };
async function apiAlerts(model: string): Promise<ApiAlert[]> {
  const res = await call(listAlertsRoute, { path: `/api/v1/alerts?model=${model}` });
  expect(res.status).toBe(200);
  return res.body.alerts;
}

describe("the model page's alert timeline", () => {
  it("gives each firing interval from the API's history, clipped to the range, and the active alerts with their values", async () => {
    const model = uniqueModel("timeline");
    expect((await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["a", "b"] } })).status).toBe(201);
    // HighErrorRate (default: > 1 % of ≥ 100 requests over 5 m, for 0 s): fires at 0:30, resolves at 12:30, fires again at 20:30
    await send(model, T0, 200, true);
    await evaluate(T0 + s30);
    for (let m = 6; m <= 12; m++) await send(model, T0 + m * MINUTE, 30, false);
    await evaluate(T0 + 12 * MINUTE + s30);
    await send(model, T0 + 20 * MINUTE, 200, true);
    await evaluate(T0 + 20 * MINUTE + s30);

    const api = (await apiAlerts(model)).find((a) => a.alertname === "HighErrorRate")!;
    expect(api.history.map((h) => `${h.from}→${h.to} @${(Date.parse(h.at) - T0 - s30) / MINUTE}`)).toEqual(["inactive→firing @0", "firing→resolved @12", "resolved→firing @20"]);

    const now = new Date(T0 + 25 * MINUTE);
    const whole = await modelAlertTimeline(model, { from: new Date(T0 - HOUR), to: new Date(T0 + HOUR), now });
    const fired = whole.fired.find((a) => a.alertname === "HighErrorRate")!;
    expect(fired.intervals).toEqual([
      { start: T0 + s30, end: T0 + 12 * MINUTE + s30, open: false },
      { start: T0 + 20 * MINUTE + s30, end: now.getTime(), open: true },
    ]);
    // the strip's alerts are the API's firing and pending ones, with the API's value and the rule's condition
    const apiActive = (await apiAlerts(model)).filter((a) => a.state === "firing" || a.state === "pending");
    expect(whole.active.map((a) => [a.id, a.alertname, a.state, a.value])).toEqual(apiActive.map((a) => [a.id, a.alertname, a.state, a.value]));
    expect(whole.active[0]).toMatchObject({ severity: "critical", metric: "error_rate", comparison: ">", threshold: 0.01, windowSeconds: 300, since: new Date(T0 + 20 * MINUTE + s30).toISOString() });

    // a range starting mid-incident (the transition before it says it was firing) and ending before the next one
    const mid = await modelAlertTimeline(model, { from: new Date(T0 + 5 * MINUTE), to: new Date(T0 + 15 * MINUTE), now });
    expect(mid.fired.find((a) => a.alertname === "HighErrorRate")!.intervals).toEqual([{ start: T0 + 5 * MINUTE, end: T0 + 12 * MINUTE + s30, open: false }]);
    // spans closer than the gap (the chart's bucket) are one: 12:30 → 20:30 is 8 minutes
    const merged = await modelAlertTimeline(model, { from: new Date(T0 - HOUR), to: new Date(T0 + HOUR), now, gapMs: 10 * MINUTE });
    expect(merged.fired.find((a) => a.alertname === "HighErrorRate")!.intervals).toEqual([{ start: T0 + s30, end: now.getTime(), open: true }]);
    const apart = await modelAlertTimeline(model, { from: new Date(T0 - HOUR), to: new Date(T0 + HOUR), now, gapMs: 5 * MINUTE });
    expect(apart.fired.find((a) => a.alertname === "HighErrorRate")!.intervals).toHaveLength(2);
    // a range ending while it fires is clipped there, still open
    const early = await modelAlertTimeline(model, { from: new Date(T0 - HOUR), to: new Date(T0 + 22 * MINUTE), now });
    expect(early.fired.find((a) => a.alertname === "HighErrorRate")!.intervals.at(-1)).toEqual({ start: T0 + 20 * MINUTE + s30, end: T0 + 22 * MINUTE, open: true });
    // a range between the incidents holds no band
    const between = await modelAlertTimeline(model, { from: new Date(T0 + 13 * MINUTE), to: new Date(T0 + 19 * MINUTE), now });
    expect(between.fired.filter((a) => a.alertname === "HighErrorRate")).toEqual([]);

    // the overview's count is the firing alerts of GET /api/v1/alerts
    const firing = (await firingByModel()).get(model);
    expect(firing).toEqual({ count: apiActive.filter((a) => a.state === "firing").length, severity: "critical", names: expect.arrayContaining(["HighErrorRate"]) });
  });

  it("SLO burn-rate alerts are listed by SLO and row, with the row's factor as the threshold", async () => {
    const model = uniqueModel("timeline-slo");
    expect((await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["a", "b"] } })).status).toBe(201);
    const put = await call(putSlosRoute, { method: "PUT", params: { model }, body: { slos: [{ kind: "availability", target: 0.999, windowDays: 7 }] } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const t1 = T0 + 2 * 24 * HOUR;
    for (let m = -30; m < 0; m++) await send(model, t1 + m * MINUTE, 5, false);
    for (let m = 0; m < 6; m++) await send(model, t1 + m * MINUTE, 20, true);
    await evaluate(t1 + 5 * MINUTE + s30);

    const api = (await apiAlerts(model)).filter((a) => a.slo !== null && a.state === "firing");
    expect(api.map((a) => a.slo!.window).sort()).toEqual(["1h/5m", "3d/6h", "6h/30m"]);
    const t = await modelAlertTimeline(model, { from: new Date(t1 - HOUR), to: new Date(t1 + HOUR), now: new Date(t1 + 6 * MINUTE) });
    const page = t.active.find((a) => a.slo?.window === "1h/5m")!;
    const apiPage = api.find((a) => a.slo!.window === "1h/5m")!;
    expect(page).toMatchObject({ alertname: "SLOBurnRate", label: "SLOBurnRate availability 1h/5m", severity: "page", metric: "slo_burn_rate", comparison: ">", threshold: 14.4, windowSeconds: 3600, value: apiPage.value, rule: null });
    expect(t.active.find((a) => a.slo?.window === "3d/6h")).toMatchObject({ severity: "ticket", threshold: 1, windowSeconds: 3 * 24 * 3600 });
    // each row is its own band
    expect(t.fired.filter((a) => a.slo).map((a) => a.label).sort()).toEqual(["SLOBurnRate availability 1h/5m", "SLOBurnRate availability 3d/6h", "SLOBurnRate availability 6h/30m"]);
    const fleet = (await firingByModel()).get(model)!;
    expect(fleet.count).toBe((await apiAlerts(model)).filter((a) => a.state === "firing").length);
    expect(fleet.names).toContain("SLOBurnRate");
  });

  it("lists the alerts resolved in the range (recent history), newest first, not those firing again", async () => {
    const model = uniqueModel("timeline-resolved");
    expect((await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["a", "b"] } })).status).toBe(201);
    const t2 = T0 + 4 * 24 * HOUR;
    // HighErrorRate fires at 0:30 and resolves at 12:30
    await send(model, t2, 200, true);
    await evaluate(t2 + s30);
    for (let m = 6; m <= 12; m++) await send(model, t2 + m * MINUTE, 30, false);
    await evaluate(t2 + 12 * MINUTE + s30);
    const now = new Date(t2 + 30 * MINUTE);
    const t = await modelAlertTimeline(model, { from: new Date(t2 - HOUR), to: now, now });
    expect(t.active).toEqual([]);
    expect(t.resolved.map((a) => [a.alertname, a.state, a.firedAt, a.resolvedAt])).toEqual([
      ["HighErrorRate", "resolved", new Date(t2 + s30).toISOString(), new Date(t2 + 12 * MINUTE + s30).toISOString()],
    ]);
    // a range that ends before it resolved lists it among the fired, not the resolved
    const before = await modelAlertTimeline(model, { from: new Date(t2 - HOUR), to: new Date(t2 + 10 * MINUTE), now });
    expect(before.resolved).toEqual([]);
    expect(before.fired.map((a) => a.alertname)).toEqual(["HighErrorRate"]);
    // firing again: active, no longer among the resolved
    await send(model, t2 + 20 * MINUTE, 200, true);
    await evaluate(t2 + 20 * MINUTE + s30);
    const again = await modelAlertTimeline(model, { from: new Date(t2 - HOUR), to: now, now });
    expect(again.resolved).toEqual([]);
    expect(again.active.map((a) => a.alertname)).toEqual(["HighErrorRate"]);
  });

  it("a model without alerts has none, and no overview entry", async () => {
    const model = uniqueModel("timeline-calm");
    expect((await call(putModel, { method: "PUT", params: { model }, body: { task: "regression" } })).status).toBe(201);
    expect(await modelAlertTimeline(model, { from: new Date(T0), to: new Date(T0 + HOUR), now: new Date(T0 + HOUR) })).toEqual({ active: [], fired: [], resolved: [] });
    expect((await firingByModel()).has(model)).toBe(false);
  });
});
