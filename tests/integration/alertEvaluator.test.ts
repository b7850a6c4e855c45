import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { GET as listModelsRoute } from "@/app/api/v1/models/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { GET as listRulesRoute } from "@/app/api/v1/alert-rules/route";
import { POST as previewRoute } from "@/app/api/v1/alert-rules/preview/route";
import { PATCH as patchRuleRoute } from "@/app/api/v1/alert-rules/[id]/route";
import { POST as createChannelRoute } from "@/app/api/v1/channels/route";
import { GET as listAlertsRoute } from "@/app/api/v1/alerts/route";
import { POST as evaluateRoute } from "@/app/api/v1/alerts/evaluate/route";
import { evaluateOnce } from "@/lib/alerts/evaluate";
import { processDeliveries } from "@/lib/alerts/notify";
import { getDb } from "@/lib/db/client";
import { HOUR, MINUTE } from "@/lib/domain/time";
import { scrape } from "@/lib/metrics/scrape";
import { parseExposition, select } from "../exposition";
import { call, uniqueModel } from "../helpers";
import { startReceiver } from "../receiver";

const DAY = 24 * HOUR;
/** Each test's clock starts on its own day in the past, later for each test (the evaluator's cycles only move forward). */
let day = 0;
const baseTime = () => Math.floor(Date.now() / HOUR) * HOUR - 20 * DAY + day++ * DAY;

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const receivers: Receiver[] = [];
afterEach(async () => {
  while (receivers.length) await receivers.pop()!.close();
  // A later test's receiver may get the same port: a channel left behind would send it this test's repeats.
  await getDb().notificationChannel.deleteMany({});
});

const CATS = ["a", "b", "c", "d"];
/** Reference-like features (i-th row), or drifted ones. */
const features = (i: number, drifted = false) => (drifted ? { x: 50 + (i % 100), c: "z" } : { x: (i * 37) % 100, c: CATS[i % 4] });

async function defineModel(withReference = false) {
  const model = uniqueModel("alerts");
  const res = await call(putModel, {
    method: "PUT",
    params: { model },
    body: { task: "binary_classification", classes: ["fraud", "legit"], positiveClass: "fraud", features: [{ name: "x", type: "numerical" }, { name: "c", type: "categorical" }] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  if (withReference) {
    const ref = await call(putReference, { method: "PUT", params: { model }, body: { rows: Array.from({ length: 2000 }, (_, i) => ({ features: features(i), prediction: i % 2 ? "legit" : "fraud" })) } });
    expect(ref.status, JSON.stringify(ref.body)).toBe(200);
  }
  return model;
}

let seq = 0;
type Ev = Record<string, unknown>;
/** `n` events at `at` (ms) spread over the following 30 s, each changed by `over(i)`. */
async function send(model: string, at: number, n: number, over: (i: number) => Ev = () => ({})) {
  const events = Array.from({ length: n }, (_, i) => ({
    id: `e${seq++}`,
    model,
    timestamp: new Date(at + Math.floor((i * 30_000) / n)).toISOString(),
    features: features(i),
    prediction: i % 2 ? "legit" : "fraud",
    probabilities: i % 2 ? { fraud: 0.1, legit: 0.9 } : { fraud: 0.9, legit: 0.1 },
    latencyMs: 10,
    ...over(i),
  }));
  for (let b = 0; b < events.length; b += 1000) {
    const res = await call(postPredictions, { method: "POST", body: events.slice(b, b + 1000) });
    expect(res.body.accepted, JSON.stringify(res.body)).toBe(Math.min(1000, events.length - b));
  }
  return events;
}

async function evaluate(at: number) {
  const res = await call(evaluateRoute, { method: "POST", body: { now: new Date(at).toISOString() } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.ran).toBe(true);
  return res.body as { transitions: { alertname: string; model: string; from: string; to: string }[] };
}

async function alertOf(model: string, alertname: string) {
  const res = await call(listAlertsRoute, { path: `/api/v1/alerts?model=${model}` });
  expect(res.status).toBe(200);
  return (res.body.alerts as { alertname: string; state: string; value: number | null; history: { at: string; from: string; to: string; value: number | null }[] }[]).find(
    (a) => a.alertname === alertname,
  );
}

const stateOf = async (model: string, alertname: string) => (await alertOf(model, alertname))?.state ?? "inactive";

/** Sets a default rule's `for` through the API (the default is 0s for most), so pending can be seen. */
async function setFor(model: string, name: string, forDuration: string) {
  const rules = (await call(listRulesRoute, { path: `/api/v1/alert-rules?model=${model}` })).body.rules as { id: string; name: string; model: string | null; isDefault: boolean }[];
  const rule = rules.find((r) => r.name === name && r.model === model && r.isDefault);
  expect(rule, name).toBeDefined();
  const res = await call(patchRuleRoute, { method: "PATCH", params: { id: rule!.id }, body: { for: forDuration } });
  expect(res.status).toBe(200);
}

/** The alert's transitions as "from→to @minute since t0". */
async function historyOf(model: string, alertname: string, t0: number) {
  const a = await alertOf(model, alertname);
  return a!.history.map((h) => `${h.from}→${h.to} @${(Date.parse(h.at) - t0) / MINUTE}`);
}

const s30 = 30_000;

describe("each default rule goes pending → firing → resolved, driven by events sent through the API", () => {
  it("HighLatencyP99: p99 > 500 ms over 5m, pending for its 5m, then firing; fast requests resolve it", async () => {
    const model = await defineModel();
    const t0 = baseTime();
    for (let m = 0; m <= 5; m++) await send(model, t0 + m * MINUTE, 30, () => ({ latencyMs: 800 }));
    await evaluate(t0 + s30);
    expect(await stateOf(model, "HighLatencyP99")).toBe("pending");
    await evaluate(t0 + 4 * MINUTE + s30);
    expect(await stateOf(model, "HighLatencyP99")).toBe("pending");
    await evaluate(t0 + 5 * MINUTE + s30);
    const firing = await alertOf(model, "HighLatencyP99");
    expect(firing!.state).toBe("firing");
    expect(firing!.value).toBeGreaterThan(0.5);
    for (let m = 6; m <= 12; m++) await send(model, t0 + m * MINUTE, 30, () => ({ latencyMs: 20 }));
    await evaluate(t0 + 12 * MINUTE + s30);
    expect(await stateOf(model, "HighLatencyP99")).toBe("resolved");
    expect(await historyOf(model, "HighLatencyP99", t0 + s30)).toEqual(["inactive→pending @0", "pending→firing @5", "firing→resolved @12"]);
  });

  it("HighErrorRate: > 1 % of at least 100 requests over 5m", async () => {
    const model = await defineModel();
    await setFor(model, "HighErrorRate", "1m");
    const t0 = baseTime();
    await send(model, t0, 200, (i) => (i % 10 === 0 ? { error: { type: "timeout" }, prediction: undefined, probabilities: undefined } : {}));
    // 50 requests with errors: below the rule's 100 samples, no value, nothing happens
    const few = await defineModel();
    await send(few, t0, 50, () => ({ error: { type: "timeout" }, prediction: undefined, probabilities: undefined }));
    await evaluate(t0 + s30);
    expect(await stateOf(model, "HighErrorRate")).toBe("pending");
    expect(await stateOf(few, "HighErrorRate")).toBe("inactive");
    await evaluate(t0 + MINUTE + s30);
    expect(await stateOf(model, "HighErrorRate")).toBe("firing");
    await send(model, t0 + 6 * MINUTE, 200);
    await evaluate(t0 + 6 * MINUTE + s30);
    expect(await historyOf(model, "HighErrorRate", t0 + s30)).toEqual(["inactive→pending @0", "pending→firing @1", "firing→resolved @6"]);
    expect((await alertOf(model, "HighErrorRate"))!.history.map((h) => h.value)).toEqual([0.1, 0.1, 0]);
  });

  it("NoRequests: fewer than 1 request over 5m; a request resolves it", async () => {
    const model = await defineModel();
    await setFor(model, "NoRequests", "1m");
    const t0 = baseTime();
    await send(model, t0, 10);
    await evaluate(t0 + s30);
    expect(await stateOf(model, "NoRequests")).toBe("inactive");
    await evaluate(t0 + 5 * MINUTE + s30);
    expect(await stateOf(model, "NoRequests")).toBe("pending");
    await evaluate(t0 + 6 * MINUTE + s30);
    expect(await stateOf(model, "NoRequests")).toBe("firing");
    await send(model, t0 + 7 * MINUTE, 1);
    await evaluate(t0 + 7 * MINUTE + s30);
    expect(await historyOf(model, "NoRequests", t0 + s30)).toEqual(["inactive→pending @5", "pending→firing @6", "firing→resolved @7"]);
  });

  it("FeatureDrift: over 30 % of the features drifted against the reference in the last hour", async () => {
    const model = await defineModel(true);
    await setFor(model, "FeatureDrift", "1m");
    const t0 = baseTime() + 10 * MINUTE;
    await send(model, t0, 600, (i) => ({ features: features(i, true) }));
    await evaluate(t0 + s30);
    const pending = await alertOf(model, "FeatureDrift");
    expect(pending!.state).toBe("pending");
    expect(pending!.value).toBe(1);
    await evaluate(t0 + MINUTE + s30);
    expect(await stateOf(model, "FeatureDrift")).toBe("firing");
    // two hours later the window holds only events like the reference
    await send(model, t0 + 2 * HOUR, 600);
    await evaluate(t0 + 2 * HOUR + s30);
    expect(await historyOf(model, "FeatureDrift", t0 + s30)).toEqual(["inactive→pending @0", "pending→firing @1", "firing→resolved @120"]);
    expect((await alertOf(model, "FeatureDrift"))!.value).toBe(0);
  });

  it("PredictionSkew: a class's share of the last hour's predictions 20 points above its share in the reference", async () => {
    const model = await defineModel(true); // the reference predicts fraud and legit half and half
    await setFor(model, "PredictionSkew", "1m");
    const t0 = baseTime();
    await send(model, t0, 200, () => ({ prediction: "legit", probabilities: { fraud: 0.1, legit: 0.9 } }));
    await evaluate(t0 + s30);
    expect(await stateOf(model, "PredictionSkew")).toBe("pending");
    expect((await alertOf(model, "PredictionSkew"))!.value).toBeCloseTo(0.5, 10);
    await evaluate(t0 + MINUTE + s30);
    expect(await stateOf(model, "PredictionSkew")).toBe("firing");
    // a model with an alert firing is not healthy in GET /api/v1/models (the overview's status): its traffic is 20 days old
    const listed = (await call(listModelsRoute, { path: "/api/v1/models" })).body.models.find((m: { id: string }) => m.id === model);
    expect(listed).toMatchObject({ status: "warning", statusReasons: ["no requests in 24 h", "1 alert firing · warning"], alerts: { count: 1, severity: "warning", names: ["PredictionSkew"] } });
    await send(model, t0 + 2 * MINUTE, 400);
    await evaluate(t0 + 2 * MINUTE + s30);
    expect(await historyOf(model, "PredictionSkew", t0 + s30)).toEqual(["inactive→pending @0", "pending→firing @1", "firing→resolved @2"]);
    // legit: 400 of 600 predictions against half of the reference's
    expect((await alertOf(model, "PredictionSkew"))!.value).toBeCloseTo(400 / 600 - 0.5, 10);
  });

  it("PredictionSkew: silent on a model whose top class is 97 % by nature, as in its reference; fires when it collapses", async () => {
    const model = await defineModel();
    const lopsided = (i: number) => (i % 100 < 97 ? "legit" : "fraud");
    const ref = await call(putReference, { method: "PUT", params: { model }, body: { rows: Array.from({ length: 2000 }, (_, i) => ({ features: features(i), prediction: lopsided(i) })) } });
    expect(ref.status, JSON.stringify(ref.body)).toBe(200);
    const t0 = baseTime();
    await send(model, t0, 1000, (i) => ({ prediction: lopsided(i) }));
    await evaluate(t0 + s30);
    expect(await stateOf(model, "PredictionSkew")).toBe("inactive");
    // the model predicts fraud for half its traffic: over the hour fraud is about a third of the predictions, 3 % in the reference
    await send(model, t0 + MINUTE, 2000, (i) => ({ prediction: i % 2 ? "fraud" : lopsided(i) }));
    await evaluate(t0 + MINUTE + s30);
    expect(await stateOf(model, "PredictionSkew")).toBe("firing");
    expect((await alertOf(model, "PredictionSkew"))!.value).toBeGreaterThan(0.2);
    // without a reference there is nothing to compare with: no value, never fires
    const bare = await defineModel();
    await send(bare, t0, 200, () => ({ prediction: "legit", probabilities: { fraud: 0.1, legit: 0.9 } }));
    await evaluate(t0 + 2 * MINUTE + s30);
    expect(await stateOf(bare, "PredictionSkew")).toBe("inactive");
  });

  it("LowConfidence: p25 confidence under 0.6 over the last hour", async () => {
    const model = await defineModel();
    await setFor(model, "LowConfidence", "1m");
    const t0 = baseTime();
    await send(model, t0, 200, () => ({ probabilities: { fraud: 0.45, legit: 0.55 }, prediction: "legit" }));
    await evaluate(t0 + s30);
    expect(await stateOf(model, "LowConfidence")).toBe("pending");
    await evaluate(t0 + MINUTE + s30);
    expect(await stateOf(model, "LowConfidence")).toBe("firing");
    await send(model, t0 + 2 * MINUTE, 1000);
    await evaluate(t0 + 2 * MINUTE + s30);
    expect(await historyOf(model, "LowConfidence", t0 + s30)).toEqual(["inactive→pending @0", "pending→firing @1", "firing→resolved @2"]);
  });

  it("LowAccuracy: under 90 % of at least 100 labelled predictions over a day", async () => {
    const model = await defineModel();
    await setFor(model, "LowAccuracy", "1m");
    const t0 = baseTime();
    const label = async (events: Ev[], correct: (i: number) => boolean) => {
      const labels = events.map((e, i) => ({ model, id: e.id, actual: correct(i) ? e.prediction : e.prediction === "fraud" ? "legit" : "fraud" }));
      const res = await call(postLabels, { method: "POST", body: { labels } });
      expect(res.body.matched, JSON.stringify(res.body)).toBe(labels.length);
    };
    await label(await send(model, t0, 200), (i) => i % 4 < 3); // 75 % right
    await evaluate(t0 + s30);
    expect(await stateOf(model, "LowAccuracy")).toBe("pending");
    await evaluate(t0 + MINUTE + s30);
    expect(await stateOf(model, "LowAccuracy")).toBe("firing");
    await label(await send(model, t0 + 2 * MINUTE, 2000), () => true); // (150 + 2000) / 2200 = 97.7 %
    await evaluate(t0 + 2 * MINUTE + s30);
    expect(await historyOf(model, "LowAccuracy", t0 + s30)).toEqual(["inactive→pending @0", "pending→firing @1", "firing→resolved @2"]);
    expect((await alertOf(model, "LowAccuracy"))!.history.map((h) => h.value)).toEqual([0.75, 0.75, 2150 / 2200]);
  });
});

describe("notifications and the single evaluator", () => {
  async function hook(model: string) {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const res = await call(createChannelRoute, {
      method: "POST",
      body: { name: `hook-${model}`, type: "webhook", url: `${receiver.url}/hook`, settings: { matchers: [{ name: "model_name", op: "=", value: model }, { name: "alertname", op: "=", value: "HighErrorRate" }] } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return receiver;
  }
  const errors = (i: number) => (i % 5 === 0 ? { error: { type: "timeout" }, prediction: undefined, probabilities: undefined } : {});

  it("a firing alert reaches a real receiver once, and its resolution once", async () => {
    const model = await defineModel();
    const receiver = await hook(model);
    const t0 = baseTime();
    await send(model, t0, 200, errors);
    await evaluate(t0 + s30);
    await evaluate(t0 + MINUTE + s30); // still firing: nothing new to say
    await send(model, t0 + 6 * MINUTE, 200);
    await evaluate(t0 + 6 * MINUTE + s30);
    await processDeliveries();
    expect(receiver.requests.map((r) => (r.body as { status: string }).status)).toEqual(["firing", "resolved"]);
    const [fired, resolved] = receiver.requests.map((r) => r.body as { alerts: { status: string; labels: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string; annotations: Record<string, string> }[] });
    expect(fired.alerts).toHaveLength(1);
    expect(fired.alerts[0].labels).toEqual({ alertname: "HighErrorRate", model_name: model, severity: "critical" });
    expect(fired.alerts[0].startsAt).toBe(new Date(t0 + s30).toISOString());
    expect(fired.alerts[0].annotations.summary).toBe(`HighErrorRate on ${model}: error_rate is 0.2`);
    expect(resolved.alerts[0]).toMatchObject({ status: "resolved", fingerprint: fired.alerts[0].fingerprint, endsAt: new Date(t0 + 6 * MINUTE + s30).toISOString() });
  });

  it("two evaluators on separate connections: each cycle is evaluated once, one notification", async () => {
    const model = await defineModel();
    const receiver = await hook(model);
    const t0 = baseTime();
    await send(model, t0, 200, errors);
    for (const at of [t0 + s30, t0 + MINUTE + s30, t0 + 2 * MINUTE + s30]) {
      const results = await Promise.all([evaluateOnce(new Date(at)), evaluateOnce(new Date(at))]);
      expect(results.filter((r) => r.ran)).toHaveLength(1);
      expect(results.find((r) => !r.ran)!.skipped).toMatch(/^(busy|done)$/);
    }
    await processDeliveries();
    expect(receiver.requests).toHaveLength(1);
    expect((await alertOf(model, "HighErrorRate"))!.history.map((h) => `${h.from}→${h.to}`)).toEqual(["inactive→firing"]);
  });

  // PostgreSQL only: two processes on one embedded database is what the data directory's lock refuses (lib/db/dataDir.ts).
  it.skipIf(!process.env.DATABASE_URL)("two server processes on one database: one of them evaluates the cycle, one notification", async () => {
    const model = await defineModel();
    const receiver = await hook(model);
    const t0 = baseTime();
    await send(model, t0, 200, errors);
    const at = new Date(t0 + s30).toISOString();
    const child = () =>
      new Promise<{ ran: boolean; skipped?: string; transitions: { alertname: string; model: string }[] }>((resolve, reject) => {
        const p = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", path.resolve(__dirname, "../evaluateChild.ts"), at], {
          env: process.env,
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        p.stdout.on("data", (c: Buffer) => (out += c));
        p.stderr.on("data", (c: Buffer) => (err += c));
        p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`child exited ${code}: ${err}`))));
      });
    const results = await Promise.all([child(), child()]);
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    const ran = results.find((r) => r.ran)!;
    expect(ran.transitions.filter((t) => t.model === model).map((t) => t.alertname)).toContain("HighErrorRate");
    await processDeliveries();
    expect(receiver.requests).toHaveLength(1);
    expect((await alertOf(model, "HighErrorRate"))!.history).toHaveLength(1);
  });
});

describe("ml_alerts_firing on /metrics", () => {
  it("has a series per firing alert, gone once it resolves; promtool accepts the output", async () => {
    const model = await defineModel();
    const t0 = baseTime();
    await send(model, t0, 200, (i) => (i % 5 === 0 ? { error: { type: "timeout" }, prediction: undefined, probabilities: undefined } : {}));
    await evaluate(t0 + s30);
    const firing = async () => select(parseExposition((await scrape("text")).body), "ml_alerts_firing", { model_name: model });
    const series = await firing();
    // NoRequests does not fire: the model had requests in the window
    expect(series.map((s) => [s.labels, s.value])).toEqual([[{ alertname: "HighErrorRate", severity: "critical", model_name: model }, 1]]);
    const { body } = await scrape("openmetrics");
    expect(body).toContain("# TYPE ml_alerts_firing gauge");
    const text = (await scrape("text")).body;
    expect(execFileSync("sh", ["-c", "promtool check metrics 2>&1; echo \"exit $?\""], { input: text, encoding: "utf8" }).trim()).toBe("exit 0");
    await send(model, t0 + 6 * MINUTE, 200);
    await evaluate(t0 + 6 * MINUTE + s30);
    expect(await firing()).toEqual([]);
  });
});

describe("the backtest: POST /api/v1/alert-rules/preview", () => {
  it("a history with exactly two incidents reports exactly those two firings; a spike shorter than `for` and a near miss do not fire", async () => {
    const model = await defineModel();
    const base = Math.floor((Date.now() - 2 * DAY) / MINUTE) * MINUTE;
    const minutes = async (start: number, count: number, errorShare: number) => {
      for (let m = 0; m < count; m++) {
        await send(model, start + m * MINUTE, 100, (i) => (i < errorShare * 100 ? { error: { type: "timeout" }, prediction: undefined, probabilities: undefined } : {}));
      }
    };
    await minutes(base, 30, 0.2); // incident 1: 30 minutes at 20 % errors
    await minutes(base + 6 * HOUR, 1, 0.5); // a one-minute spike: pending, never 10 minutes long
    await minutes(base + 12 * HOUR, 30, 0.03); // a near miss: 3 % errors, under the threshold
    await minutes(base + DAY, 30, 0.2); // incident 2
    const rule = { name: "Errors", model, metric: "error_rate", comparison: ">", threshold: 0.05, window: "5m", for: "10m", minSamples: 50, severity: "critical" };
    const res = await call(previewRoute, { method: "POST", body: { ...rule, days: 3 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const iso = (t: number) => new Date(t).toISOString();
    // pending from the first minute's window (base + 1m), firing 10 minutes later, resolved when the 5-minute window
    // after the last error minute (29) holds no requests: base + 35m
    expect(res.body.firings).toEqual([
      { model, startsAt: iso(base + 11 * MINUTE), endsAt: iso(base + 35 * MINUTE) },
      { model, startsAt: iso(base + DAY + 11 * MINUTE), endsAt: iso(base + DAY + 35 * MINUTE) },
    ]);
    expect(res.body.summary).toBe("fired 2 times, 48 minutes in total");
    expect(res.body).toMatchObject({ step: "1m", evaluations: 3 * 24 * 60 });
    // the default is 7 days; the same rule at > 25 % fires never
    const higher = await call(previewRoute, { method: "POST", body: { ...rule, threshold: 0.25 } });
    expect(higher.body).toMatchObject({ firings: [], summary: "never fired", evaluations: 7 * 24 * 60 });
    // hourly metrics (a 2 h window is evaluated every hour) see the incidents too
    const hourly = await call(previewRoute, { method: "POST", body: { ...rule, window: "2h", for: "0s", threshold: 0.1, minSamples: 500, days: 3 } });
    expect(hourly.body.step).toBe("1h");
    expect(hourly.body.firings).toHaveLength(2);
  });

  it("validates the draft as create does, days 1–30, and the model must exist", async () => {
    const bad = await call(previewRoute, { method: "POST", body: { name: "x", model: null, metric: "error_rate", comparison: ">", threshold: 2, window: "5m", days: 31 } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("invalid");
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["days", "threshold"]);
    const missing = await call(previewRoute, { method: "POST", body: { name: "x", model: "no-such-model", metric: "requests", comparison: "<", threshold: 1, window: "5m" } });
    expect(missing.status).toBe(404);
    expect((await call(previewRoute, { method: "POST", token: null, body: {} })).status).toBe(401);
  });
});

describe("GET /api/v1/alerts and POST /api/v1/alerts/evaluate", () => {
  it("validate and authorize", async () => {
    expect((await call(listAlertsRoute, { path: "/api/v1/alerts?state=burning" })).status).toBe(422);
    expect((await call(listAlertsRoute, { token: null })).status).toBe(401);
    const bad = await call(evaluateRoute, { method: "POST", body: { now: "yesterday" } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("invalid");
    expect((await call(evaluateRoute, { method: "POST", body: { later: 1 } })).status).toBe(422);
    // without a body: a cycle now
    const now = await call(evaluateRoute, { method: "POST" });
    expect(now.status).toBe(200);
    expect(now.body.ran).toBe(true);
  });
});

describe("POST /api/v1/alerts/evaluate without a body", () => {
  it("runs a cycle now, as the README's curl sends it (no body, no Content-Type, no Content-Length)", async () => {
    // an empty stream: a string body would make fetch's Request add Content-Type text/plain, which curl does not
    const empty = new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const res = await call(evaluateRoute, { method: "POST", raw: empty, contentType: null });
    expect(res.status).toBe(200);
    expect(res.body).toHaveProperty("ran");
    const bad = await call(evaluateRoute, { method: "POST", raw: "{", contentType: "application/json" });
    expect(bad.status).toBe(400);
  });
});
