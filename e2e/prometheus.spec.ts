import { expect, test } from "@playwright/test";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { withAllSelected } from "../lib/metrics/grafana";
import { LATENCY_BOUNDS_MS } from "../lib/rollups/documents";
import { E2E_ADMIN_TOKEN } from "./env";

/**
 * The real Prometheus against the built app: traffic through the API, a private Prometheus on 127.0.0.1 scraping
 * /metrics every second in OpenMetrics (what Prometheus asks for) and in text (`params: {format: [text]}`), and
 * Driftwatch's rules loaded into it; then everything is checked through Prometheus' HTTP API. On PostgreSQL the
 * app runs two worker processes (playwright.config.ts), so scrapes alternate between them.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const admin = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}`, "Content-Type": "application/json" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The binary, or a failure that says what to install. */
function requireBinary(name: string) {
  const r = spawnSync(name, ["--version"], { encoding: "utf8" });
  if (r.error) throw new Error(`${name} is not installed: \`apt-get install prometheus\` provides prometheus and promtool (.ci/run installs them in CI).`);
}

type PromResult = { metric: Record<string, string>; value: [number, string] }[];

test("a real Prometheus scrapes /metrics in both formats and evaluates the dashboard's and the rules' queries", async ({ baseURL }) => {
  test.setTimeout(420_000);
  requireBinary("prometheus");
  requireBinary("promtool");
  const app = new URL(baseURL!);
  const promPort = Number(process.env.E2E_PROMETHEUS_PORT) || Number(app.port) + 6000;
  const prom = `http://127.0.0.1:${promPort}`;

  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${baseURL}${p}`, { method: "POST", headers: admin, body: JSON.stringify(body) });
    expect(res.status, `${p}: ${await res.clone().text()}`).toBe(200);
    return res.json();
  };
  const put = async (p: string, body: unknown) => {
    const res = await fetch(`${baseURL}${p}`, { method: "PUT", headers: admin, body: JSON.stringify(body) });
    expect(res.status, `${p}: ${await res.clone().text()}`).toBeLessThan(300);
  };

  // --- models and history -------------------------------------------------------------------------------------
  const suffix = Date.now().toString(36);
  const live = `prom-live-${suffix}`; // steady traffic, the p99 comparison, labels arriving
  const slow = `prom-slow-${suffix}`; // slow, failing, unsure and stuck on one class
  const idle = `prom-idle-${suffix}`; // history only: no request while Prometheus watches
  const drifting = `prom-drift-${suffix}`; // drifted inputs and poor accuracy in the last full hours
  const reg = `prom-reg-${suffix}`; // a regression model with labels
  const features = [{ name: "x", type: "numerical" }, { name: "c", type: "categorical" }];
  for (const m of [live, slow, idle, drifting]) await put(`/api/v1/models/${m}`, { task: "binary_classification", classes: ["no", "yes"], positiveClass: "yes", features });
  await put(`/api/v1/models/${reg}`, { task: "regression", features: [{ name: "x", type: "numerical" }] });
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const normal = () => Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
  const row = (shift: number) => ({ x: normal() + shift, c: rand() < 0.3 + shift / 3 ? "a" : ["a", "b", "c"][Math.floor(rand() * 3)] });
  await put(`/api/v1/models/${drifting}/reference`, { rows: Array.from({ length: 2000 }, () => ({ features: row(0), prediction: rand() < 0.5 ? "yes" : "no" })) });
  // the stuck model's reference predicts both classes equally: MLModelPredictionSkew compares the live share with it
  await put(`/api/v1/models/${slow}/reference`, { rows: Array.from({ length: 2000 }, (_, i) => ({ features: row(0), prediction: i % 2 ? "yes" : "no" })) });

  // History in the last full hour and the current one, so the gauges have a window even if the hour turns meanwhile.
  const now = Date.now();
  const hour = Math.floor(now / HOUR) * HOUR;
  const history = (model: string, n: number, make: (i: number) => Record<string, unknown>) => {
    const spans: [number, number][] = [[hour - HOUR, hour], [hour, now - 1000]];
    return spans.flatMap(([from, to], s) =>
      Array.from({ length: n }, (_, i) => ({ id: `h${s}-${i}`, model, timestamp: new Date(from + Math.floor(((to - from) * i) / n)).toISOString(), ...make(i) })),
    );
  };
  const drifted = history(drifting, 600, () => {
    const p = rand();
    return { features: row(1.5), prediction: p > 0.5 ? "yes" : "no", probabilities: { yes: p, no: 1 - p }, latencyMs: 20 };
  });
  await post("/api/v1/predictions", drifted);
  // labels at about 50 % accuracy
  await post("/api/v1/labels", drifted.map((e, i) => ({ model: drifting, id: e.id, actual: i % 2 ? "yes" : "no" })));
  const regression = history(reg, 300, (i) => ({ features: { x: i % 10 }, prediction: i * 0.1, latencyMs: 5 }));
  await post("/api/v1/predictions", regression);
  await post("/api/v1/labels", regression.map((e, i) => ({ model: reg, id: e.id, actual: Number(e.id.split("-")[1]) * 0.1 + (i % 2 ? 0.5 : -0.5) })));
  await post("/api/v1/predictions", history(idle, 100, () => ({ features: row(0), prediction: "no", confidence: 0.9, latencyMs: 10 })));

  // --- live traffic, every second, until the test ends ------------------------------------------------------
  const LIVE_LATENCIES = [12, 15, 18, 22, 25, 28, 33, 36, 45, 48, 55, 60, 70, 85, 95, 110, 130, 160, 210, 320];
  let running = true;
  let tick = 0;
  const traffic = (async () => {
    while (running) {
      const t = tick++;
      const liveEvents = LIVE_LATENCIES.map((latencyMs, i) => {
        const p = 0.2 + 0.7 * rand();
        return {
          id: `l${t}-${i}`,
          model: live,
          version: i % 2 ? "v2" : "v1",
          features: row(0),
          prediction: p > 0.5 ? "yes" : "no",
          probabilities: { yes: p, no: 1 - p },
          latencyMs,
          ...(i === 7 && t % 2 === 0 ? { error: { type: "timeout" } } : {}),
        };
      });
      const slowEvents = Array.from({ length: 8 }, (_, i) => ({
        id: `s${t}-${i}`,
        model: slow,
        features: row(0),
        prediction: i === 0 && t % 4 === 0 ? "no" : "yes",
        confidence: 0.3 + 0.025 * i,
        latencyMs: 600 + 40 * i,
        ...(i < 2 ? { error: { type: i ? "oom" : "timeout" } } : {}),
      }));
      await post("/api/v1/predictions", [...liveEvents, ...slowEvents]);
      await post("/api/v1/labels", liveEvents.filter((_, i) => i % 2).map((e, i) => ({ model: live, id: e.id, actual: i % 3 ? e.prediction : "no" })));
      await sleep(1000);
    }
  })();

  // --- Prometheus ---------------------------------------------------------------------------------------------
  const keyRes = await fetch(`${baseURL}/api/v1/api-keys`, { method: "POST", headers: admin, body: JSON.stringify({ name: "prometheus", scopes: ["read"] }) });
  const token = (await keyRes.json()).token as string;
  const rulesText = await (await fetch(`${baseURL}/api/v1/integrations/prometheus-rules.yml`, { headers: { Authorization: `Bearer ${token}` } })).text();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-prometheus-"));
  fs.writeFileSync(path.join(dir, "rules.yml"), rulesText);
  const check = spawnSync("promtool", ["check", "rules", path.join(dir, "rules.yml")], { encoding: "utf8" });
  expect(check.status, check.stdout + check.stderr).toBe(0);
  const job = (name: string, format?: string) => ({
    job_name: name,
    metrics_path: "/metrics",
    ...(format ? { params: { format: [format] } } : {}),
    authorization: { credentials: token },
    static_configs: [{ targets: [`${app.hostname}:${app.port}`] }],
  });
  fs.writeFileSync(
    path.join(dir, "prometheus.yml"),
    JSON.stringify({
      global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
      rule_files: [path.join(dir, "rules.yml")],
      scrape_configs: [job("driftwatch-openmetrics"), job("driftwatch-text", "text")],
    }),
  );
  const log = fs.openSync(path.join(dir, "prometheus.log"), "w");
  const server: ChildProcess = spawn(
    "prometheus",
    [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${promPort}`],
    { stdio: ["ignore", log, log] },
  );
  const query = async (expr: string, time?: number): Promise<PromResult> => {
    const u = new URL(`${prom}/api/v1/query`);
    u.searchParams.set("query", expr);
    if (time !== undefined) u.searchParams.set("time", String(time));
    const body = await (await fetch(u)).json();
    expect(body.status, `${expr}: ${body.error ?? ""}`).toBe("success");
    return body.data.result;
  };

  let passed = false;
  try {
    // up, in both formats, without a scrape error
    let targets: { labels: { job: string }; health: string; lastError: string; scrapeUrl: string }[] = [];
    for (let i = 0; i < 60; i++) {
      try {
        targets = (await (await fetch(`${prom}/api/v1/targets`)).json()).data.activeTargets;
      } catch {
        targets = [];
      }
      if (targets.length === 2 && targets.every((t) => t.health === "up")) break;
      await sleep(1000);
    }
    expect(targets.map((t) => [t.labels.job, t.health, t.lastError]).sort()).toEqual([
      ["driftwatch-openmetrics", "up", ""],
      ["driftwatch-text", "up", ""],
    ]);
    expect(targets.find((t) => t.labels.job === "driftwatch-text")!.scrapeUrl).toContain("format=text");
    // Only OpenMetrics carries units and family names without _total: the metadata proves which parser read what.
    const metadata = async (jobName: string, metric: string) =>
      (await (await fetch(`${prom}/api/v1/targets/metadata?match_target=${encodeURIComponent(`{job="${jobName}"}`)}&metric=${metric}`)).json()).data;
    expect((await metadata("driftwatch-openmetrics", "ml_prediction_latency_seconds"))[0]).toMatchObject({ type: "histogram", unit: "seconds" });
    expect((await metadata("driftwatch-text", "ml_prediction_latency_seconds"))[0]).toMatchObject({ type: "histogram", unit: "" });
    expect((await metadata("driftwatch-openmetrics", "ml_prediction_requests"))[0]).toMatchObject({ type: "counter" });
    expect((await metadata("driftwatch-text", "ml_prediction_requests_total"))[0]).toMatchObject({ type: "counter" });

    // A minute of steady traffic that Prometheus watched from its start: the p99 it computes against ours.
    const minuteStart = Math.ceil((Date.now() + 2000) / MINUTE) * MINUTE;
    const minuteEnd = minuteStart + MINUTE;
    await sleep(minuteEnd + 3000 - Date.now());
    const at = minuteEnd / 1000 + 2;
    const promP99 = await query(
      `histogram_quantile(0.99, sum(rate(ml_prediction_latency_seconds_bucket{job="driftwatch-openmetrics", model_name="${live}"}[1m])) by (le, model_name))`,
      at,
    );
    const api = await (await fetch(`${baseURL}/api/v1/models/${live}/metrics?window=single&from=${minuteStart}&to=${minuteEnd}`, { headers: admin })).json();
    const ours = api.buckets[0].latency.p99 as number;
    const theirs = Number(promP99[0].value[1]) * 1000;
    const bucket = LATENCY_BOUNDS_MS.findIndex((b) => ours <= b);
    const width = LATENCY_BOUNDS_MS[bucket] - (bucket > 0 ? LATENCY_BOUNDS_MS[bucket - 1] : 0);
    console.log(`p99 of ${new Date(minuteStart).toISOString()}: Driftwatch ${ours.toFixed(1)} ms, Prometheus ${theirs.toFixed(1)} ms (bucket width ${width} ms)`);
    expect(Math.abs(theirs - ours)).toBeLessThanOrEqual(width);

    // The issue's queries return series.
    for (const expr of [
      "histogram_quantile(0.99, sum(rate(ml_prediction_latency_seconds_bucket[1m])) by (le, model_name))",
      "sum(rate(ml_prediction_requests_total[1m])) by (model_name)",
      "sum(rate(ml_prediction_errors_total[1m])) by (model_name) / sum(rate(ml_prediction_requests_total[1m])) by (model_name)",
      "sum(rate(ml_prediction_class_total[5m])) by (predicted_class)",
      "ml_feature_drift_score",
      "ml_model_accuracy",
    ]) {
      expect((await query(expr)).length, expr).toBeGreaterThan(0);
    }
    expect((await query('up{job=~"driftwatch-.*"}')).map((r) => r.value[1])).toEqual(["1", "1"]);
    // Every replica answers with the same counters: no reset in any of them, whichever process answered.
    expect(await query('sum(resets(ml_prediction_requests_total[5m])) + sum(resets(ml_labels_total[5m])) + sum(resets(process_cpu_seconds_total[5m]))')).toEqual([
      { metric: {}, value: [expect.any(Number), "0"] },
    ]);

    // Every target of both dashboard flavours, with every model and feature selected.
    const exprs = new Set<string>();
    for (const flavour of ["import", "provisioning"]) {
      const dashboard = await (await fetch(`${baseURL}/api/v1/integrations/grafana-dashboard.json?for=${flavour}`, { headers: { Authorization: `Bearer ${token}` } })).json();
      for (const p of dashboard.panels) for (const t of p.targets ?? []) exprs.add(withAllSelected(t.expr));
      for (const v of dashboard.templating.list.filter((x: { type: string }) => x.type === "query")) {
        // label_values(<selector>, <label>) is Grafana's: Prometheus' series API answers it
        const [, selector, label] = /^label_values\((.*), (\w+)\)$/.exec(v.definition)!;
        const u = new URL(`${prom}/api/v1/label/${label}/values`);
        u.searchParams.set("match[]", withAllSelected(selector));
        expect((await (await fetch(u)).json()).data.length, v.definition).toBeGreaterThan(0);
      }
    }
    for (const expr of exprs) expect((await query(expr)).length, expr).toBeGreaterThan(0);

    // Every rule: loaded with health ok, and its expression returns series on the traffic meant to trip it.
    const groups = (await (await fetch(`${prom}/api/v1/rules`)).json()).data.groups;
    const loaded = groups.flatMap((g: { rules: { name: string; health: string; lastError?: string }[] }) => g.rules);
    const rules = parse(rulesText).groups[0].rules as { alert: string; expr: string }[];
    expect(loaded.map((r: { name: string; health: string }) => [r.name, r.health])).toEqual(rules.map((r) => [r.alert, "ok"]));
    for (const r of rules) expect((await query(r.expr)).length, `${r.alert}: ${r.expr}`).toBeGreaterThan(0);
    const alerts = (await (await fetch(`${prom}/api/v1/alerts`)).json()).data.alerts as { labels: { alertname: string; model_name: string } }[];
    expect(new Set(alerts.map((a) => a.labels.alertname))).toEqual(new Set(rules.map((r) => r.alert)));
    passed = true;
  } finally {
    running = false;
    await traffic;
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    fs.closeSync(log);
    if (passed) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`Prometheus files kept in ${dir}`);
  }
});
