import { afterEach, describe, expect, it } from "vitest";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { PUT as putSlosRoute } from "@/app/api/v1/models/[model]/slos/route";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as createChannelRoute } from "@/app/api/v1/channels/route";
import { POST as createSilenceRoute } from "@/app/api/v1/silences/route";
import { GET as listAlertsRoute } from "@/app/api/v1/alerts/route";
import { POST as evaluateRoute } from "@/app/api/v1/alerts/evaluate/route";
import { processDeliveries } from "@/lib/alerts/notify";
import { getDb } from "@/lib/db/client";
import { HOUR, MINUTE } from "@/lib/domain/time";
import { scrape } from "@/lib/metrics/scrape";
import { getSlos } from "@/lib/queries/getSlos";
import { evaluateBurnRatesOfModels, evaluateSlosOfModels } from "@/lib/alerts/slo/read";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { parseExposition, select } from "../exposition";
import { call, uniqueModel } from "../helpers";
import { startReceiver } from "../receiver";

const DAY = 24 * HOUR;
const s30 = 30_000;

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const receivers: Receiver[] = [];
const silences: string[] = [];
afterEach(async () => {
  while (receivers.length) await receivers.pop()!.close();
  const db = getDb();
  await db.notificationChannel.deleteMany({});
  if (silences.length) await db.silence.deleteMany({ where: { id: { in: silences.splice(0) } } });
});

let seq = 0;
/** `n` events at `at` (ms) spread over the following 30 s; every `errorsEvery`-th one failed (0: none). */
async function send(model: string, at: number, n: number, errorsEvery = 0) {
  const events = Array.from({ length: n }, (_, i) => {
    const failed = errorsEvery > 0 && i % errorsEvery === 0;
    return {
      id: `slo-${seq++}`,
      model,
      timestamp: new Date(at + Math.floor((i * 30_000) / n)).toISOString(),
      features: { x: i % 10 },
      latencyMs: 20,
      ...(failed ? { error: { type: "timeout" } } : { prediction: i % 2 ? "legit" : "fraud", probabilities: i % 2 ? { fraud: 0.1, legit: 0.9 } : { fraud: 0.9, legit: 0.1 } }),
    };
  });
  const res = await call(postPredictions, { method: "POST", body: events });
  expect(res.body.accepted, JSON.stringify(res.body)).toBe(n);
}

async function evaluate(at: number) {
  const res = await call(evaluateRoute, { method: "POST", body: { now: new Date(at).toISOString() } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.ran).toBe(true);
  return res.body as { burnRows: number; transitions: { rule: string | null; slo?: string; window?: string; alertname: string; model: string; from: string; to: string }[] };
}

type Alert = {
  source: string;
  rule: string | null;
  slo: { name: string; window: string } | null;
  alertname: string;
  severity: string;
  state: string;
  labels: Record<string, string>;
  value: number | null;
  samples: number;
  history: { at: string; from: string; to: string; value: number | null }[];
};
async function sloAlerts(model: string) {
  const res = await call(listAlertsRoute, { path: `/api/v1/alerts?model=${model}` });
  expect(res.status).toBe(200);
  const alerts = (res.body.alerts as Alert[]).filter((a) => a.source === "slo");
  return new Map(alerts.map((a) => [a.slo!.window, a]));
}

type Hook = { status: string; groupKey: string; alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string; generatorURL: string }[] };

describe("SLO burn-rate rows are alerts: evaluated every cycle, notified, resolved", () => {
  it("a fast burn pages through a real webhook (a silence holds one row back), resolves row by row once it stops; a removed SLO resolves its ticket", async () => {
    process.env.DRIFTWATCH_PUBLIC_URL = "http://driftwatch.test";
    const model = uniqueModel("slo-alerts");
    const put = await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["fraud", "legit"], positiveClass: "fraud" } });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    const slos = await call(putSlosRoute, { method: "PUT", params: { model }, body: { slos: [{ kind: "availability", target: 0.999, windowDays: 7 }] } });
    expect(slos.status, JSON.stringify(slos.body)).toBe(200);
    const receiver = await startReceiver();
    receivers.push(receiver);
    const channel = await call(createChannelRoute, {
      method: "POST",
      body: { name: `pager-${model}`, type: "webhook", url: `${receiver.url}/hook`, settings: { matchers: [{ name: "model_name", op: "=", value: model }, { name: "severity", op: "=", value: "page" }] } },
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);

    const t0 = Math.floor(Date.now() / HOUR) * HOUR - 2 * DAY;
    // Two healthy hours (5 requests a minute), then a 10-minute burn (20 a minute, half failing), then healthy
    // traffic again (20 a minute) for 31 minutes.
    for (let m = -120; m < 0; m++) await send(model, t0 + m * MINUTE, 5);
    for (let m = 0; m < 10; m++) await send(model, t0 + m * MINUTE, 20, 2);
    for (let m = 10; m <= 41; m++) await send(model, t0 + m * MINUTE, 20);

    // before the burn: three rows evaluated, nothing fires, no alert rows
    const quiet = await evaluate(t0 - s30);
    expect(quiet.burnRows).toBeGreaterThanOrEqual(3);
    expect(quiet.transitions.filter((t) => t.model === model && t.rule === null)).toEqual([]);
    expect((await sloAlerts(model)).size).toBe(0);

    // the 6h/30m page row is silenced for the burn's first 10 minutes: only the 1h/5m row is delivered at first
    const silence = await call(createSilenceRoute, {
      method: "POST",
      body: { matchers: [{ name: "model_name", op: "=", value: model }, { name: "long_window", op: "=", value: "6h" }], startsAt: new Date(t0).toISOString(), endsAt: new Date(t0 + 10 * MINUTE).toISOString(), comment: "test" },
    });
    expect(silence.status, JSON.stringify(silence.body)).toBe(201);
    silences.push(silence.body.id);

    // 5.5 minutes into the burn: every row fires (50 % bad is 500× a 0.1 % budget)
    const at1 = t0 + 5 * MINUTE + s30;
    const burning = await evaluate(at1);
    expect(burning.transitions.filter((t) => t.model === model && t.rule === null).map((t) => `${t.alertname} ${t.slo} ${t.window} ${t.from}→${t.to}`).sort()).toEqual([
      "SLOBurnRate availability 1h/5m inactive→firing",
      "SLOBurnRate availability 3d/6h inactive→firing",
      "SLOBurnRate availability 6h/30m inactive→firing",
    ]);
    let alerts = await sloAlerts(model);
    const page = alerts.get("1h/5m")!;
    expect(page).toMatchObject({ source: "slo", rule: null, slo: { name: "availability", window: "1h/5m" }, alertname: "SLOBurnRate", severity: "page", state: "firing" });
    expect(page.labels).toEqual({ alertname: "SLOBurnRate", model_name: model, severity: "page", slo: "availability", long_window: "1h", short_window: "5m" });
    expect(alerts.get("6h/30m")!.severity).toBe("page");
    expect(alerts.get("3d/6h")!.severity).toBe("ticket");

    // the alerts agree with the SLO API at the same instant: firing rows, and the value is the lower burn rate
    const status = (await getSlos(model, { now: new Date(at1) }))!.slos[0];
    for (const row of status.burnRates) {
      const a = alerts.get(`${row.longWindow}/${row.shortWindow}`)!;
      expect(row.firing).toBe(true);
      expect(a.value).toBe(Math.min(row.long.burnRate!, row.short.burnRate!));
      expect(a.samples).toBe(row.short.total);
    }
    // 5-minute window [t0 + 1m, t0 + 6m): 100 requests, 50 failed → 0.5 / 0.001
    expect(status.burnRates[0].short).toMatchObject({ total: 100, bad: 50, burnRate: 500 });

    // ml_alerts_firing counts them by alertname and severity
    const gauge = async () =>
      select(parseExposition((await scrape("text")).body), "ml_alerts_firing", { model_name: model })
        .filter((s) => s.labels.alertname === "SLOBurnRate")
        .map((s) => [s.labels.severity, s.value]);
    expect(await gauge()).toEqual(expect.arrayContaining([["page", 2], ["ticket", 1]]));

    await processDeliveries({ now: new Date(at1) });
    expect(receiver.requests).toHaveLength(1);
    const first = receiver.requests[0].body as Hook;
    expect(first.status).toBe("firing");
    expect(first.alerts).toHaveLength(1);
    expect(first.alerts[0]).toMatchObject({
      status: "firing",
      labels: page.labels,
      startsAt: new Date(at1).toISOString(),
      generatorURL: `http://driftwatch.test/models/${model}/slos`,
    });
    expect(first.alerts[0].annotations.summary).toBe(`SLO availability on ${model}: error budget burning ${status.burnRates[0].long.burnRate!.toPrecision(3).replace(/\.?0+$/, "")}× over 1h and 500× over 5m`);
    expect(first.alerts[0].annotations.description).toMatch(/^99\.9 % of requests without an error over 7 days\. Fires \(page\) while both the 1h and the 5m window burn the error budget faster than 14\.4× \(more than 1\.44 % of events bad\)\.$/);

    // 20.5 minutes: the 5-minute window has been clean for a while: 1h/5m resolves; 30m still holds the burn.
    // The silence has ended, so the 6h/30m row is new to the channel: one message with it and the resolved row.
    const at2 = t0 + 20 * MINUTE + s30;
    await evaluate(at2);
    alerts = await sloAlerts(model);
    expect([...alerts].map(([w, a]) => `${w} ${a.state}`).sort()).toEqual(["1h/5m resolved", "3d/6h firing", "6h/30m firing"]);
    await processDeliveries({ now: new Date(at2) });
    expect(receiver.requests).toHaveLength(2);
    const second = receiver.requests[1].body as Hook;
    expect(second.groupKey).toBe(first.groupKey);
    expect(second.alerts.map((a) => `${a.labels.long_window}/${a.labels.short_window} ${a.status}`).sort()).toEqual(["1h/5m resolved", "6h/30m firing"]);
    expect(second.alerts.find((a) => a.status === "resolved")).toMatchObject({ fingerprint: first.alerts[0].fingerprint, endsAt: new Date(at2).toISOString() });

    // 41.5 minutes: the 30-minute window is clean: 6h/30m resolves; the ticket row (3d/6h) keeps firing
    const at3 = t0 + 41 * MINUTE + s30;
    await evaluate(at3);
    await processDeliveries({ now: new Date(at3) });
    expect(receiver.requests).toHaveLength(3);
    const third = receiver.requests[2].body as Hook;
    expect(third.status).toBe("resolved");
    expect(third.alerts.map((a) => `${a.labels.long_window} ${a.status}`)).toEqual(["6h resolved"]);
    alerts = await sloAlerts(model);
    const min = (a: Alert) => a.history.map((h) => `${h.from}→${h.to} @${(Date.parse(h.at) - t0) / MINUTE}`);
    expect(min(alerts.get("1h/5m")!)).toEqual(["inactive→firing @5.5", "firing→resolved @20.5"]);
    expect(min(alerts.get("6h/30m")!)).toEqual(["inactive→firing @5.5", "firing→resolved @41.5"]);
    expect(alerts.get("3d/6h")!.state).toBe("firing");
    expect(await gauge()).toEqual([["ticket", 1]]);

    // the SLO is removed: its ticket resolves in the next cycle, history kept; nothing is evaluated for it any more
    expect((await call(putSlosRoute, { method: "PUT", params: { model }, body: { slos: [] } })).status).toBe(200);
    const at4 = at3 + MINUTE;
    const removed = await evaluate(at4);
    expect(removed.transitions.filter((t) => t.model === model && t.rule === null).map((t) => `${t.window} ${t.from}→${t.to}`)).toEqual(["3d/6h firing→resolved"]);
    alerts = await sloAlerts(model);
    expect(min(alerts.get("3d/6h")!)).toEqual(["inactive→firing @5.5", "firing→resolved @42.5"]);
    expect(await gauge()).toEqual([]);
    await evaluate(at4 + MINUTE);
    expect((await sloAlerts(model)).get("3d/6h")!.history).toHaveLength(2);
  });
});

describe("the evaluator's SLO read (window sums added up in the database)", () => {
  it("gives exactly the burn-rate rows of the SLO API for every kind, at the end of an hour and mid-hour", async () => {
    const model = uniqueModel("slo-sums");
    const put = await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["fraud", "legit"], positiveClass: "fraud" } });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    const t0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * DAY;
    // 4 days of traffic every 7 minutes (errors, slow requests, labels right and wrong), denser in the last 8 hours
    const events: { id: string; ts: number; failed: boolean; ms: number; prediction: string }[] = [];
    for (let ts = t0 - 4 * DAY, i = 0; ts < t0 + 20 * MINUTE; ts += ts < t0 - 8 * HOUR ? 7 * MINUTE : 37_000, i++) {
      events.push({ id: `sum-${model}-${i}`, ts, failed: i % 13 === 0, ms: i % 5 === 0 ? 900 : 40, prediction: i % 3 ? "legit" : "fraud" });
    }
    const body = events.map((e) => ({
      id: e.id,
      model,
      timestamp: new Date(e.ts).toISOString(),
      features: { x: 1 },
      latencyMs: e.ms,
      ...(e.failed ? { error: { type: "timeout" } } : { prediction: e.prediction, probabilities: e.prediction === "fraud" ? { fraud: 0.8, legit: 0.2 } : { fraud: 0.2, legit: 0.8 } }),
    }));
    for (let b = 0; b < body.length; b += 5000) expect((await call(postPredictions, { method: "POST", body: body.slice(b, b + 5000) })).body.accepted).toBe(Math.min(5000, body.length - b));
    const labels = events.filter((e, i) => !e.failed && i % 2 === 0).map((e, i) => ({ model, id: e.id, actual: i % 4 === 0 ? "fraud" : e.prediction }));
    expect((await call(postLabels, { method: "POST", body: labels })).body.matched).toBe(labels.length);

    const slos = new Map([[model, [
      { name: "availability", kind: "availability" as const, target: 0.99, windowDays: 7, thresholdMs: null },
      { name: "latency-250ms", kind: "latency" as const, target: 0.9, windowDays: 7, thresholdMs: 250 },
      { name: "accuracy", kind: "accuracy" as const, target: 0.8, windowDays: 7, thresholdMs: null },
    ]]]);
    for (const at of [t0 - s30, t0 + 17 * MINUTE + 5_000]) {
      const [full] = await evaluateSlosOfModels(slos, { now: new Date(at) });
      const [sums] = await evaluateBurnRatesOfModels(slos, { now: new Date(at) });
      expect(sums.slos.map((s) => s.burnRates)).toEqual(full.slos.map((s) => s.burnRates));
      // the windows hold events of every kind, so the comparison is not between empty rows
      for (const s of full.slos) for (const r of s.burnRates) expect(r.long.total * r.short.total).toBeGreaterThan(0);
      expect(full.slos.flatMap((s) => s.burnRates.map((r) => r.long.bad)).every((b) => b > 0)).toBe(true);
    }
  });
});
