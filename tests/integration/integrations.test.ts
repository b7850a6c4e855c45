import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GET as getDashboard } from "@/app/api/v1/integrations/grafana-dashboard.json/route";
import { GET as getRules } from "@/app/api/v1/integrations/prometheus-rules.yml/route";
import { dashboardExpressions, DASHBOARD_UID, SCHEMA_VERSION, withAllSelected } from "@/lib/metrics/grafana";
import { alertRulesYaml } from "@/lib/metrics/rules";
import { ADMIN, call } from "../helpers";

/** promtool, or a test failure that says how to get it. */
function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  if (r.error) throw new Error("promtool is not installed: `apt-get install prometheus` provides it (.ci/run installs it in CI).");
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}


type Panel = { type: string; title: string; datasource?: { uid: string }; targets?: { expr: string; datasource: { uid: string } }[] };

afterEach(() => {
  delete process.env.DRIFTWATCH_PUBLIC_URL;
});

describe("GET /api/v1/integrations/grafana-dashboard.json", () => {
  it("for import: an __inputs DS_PROMETHEUS, __requires, every datasource ${DS_PROMETHEUS}, fixed uid and schema", async () => {
    const { status, body } = await call(getDashboard, { path: "/x?for=import" });
    expect(status).toBe(200);
    expect(body.__inputs).toEqual([expect.objectContaining({ name: "DS_PROMETHEUS", type: "datasource", pluginId: "prometheus" })]);
    expect(body.__requires.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(["grafana", "prometheus", "timeseries", "status-history", "table"]));
    expect(body.id).toBeNull();
    expect(body.uid).toBe(DASHBOARD_UID);
    expect(body.schemaVersion).toBe(SCHEMA_VERSION);
    const panels: Panel[] = body.panels.filter((p: Panel) => p.type !== "row");
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual({ type: "prometheus", uid: "${DS_PROMETHEUS}" });
      for (const t of p.targets!) expect(t.datasource.uid).toBe("${DS_PROMETHEUS}");
    }
    // the default flavour is import
    expect((await call(getDashboard, { path: "/x" })).body).toEqual(body);
  });

  it("for provisioning: a datasource variable and no ${DS_ anywhere", async () => {
    const { status, body } = await call(getDashboard, { path: "/x?for=provisioning" });
    expect(status).toBe(200);
    expect(JSON.stringify(body)).not.toContain("${DS_");
    expect(body.__inputs).toBeUndefined();
    expect(body.id).toBeNull();
    expect(body.uid).toBe(DASHBOARD_UID);
    expect(body.schemaVersion).toBe(SCHEMA_VERSION);
    const vars = body.templating.list;
    expect(vars[0]).toMatchObject({ name: "datasource", type: "datasource", query: "prometheus" });
    for (const p of body.panels.filter((p: Panel) => p.type !== "row")) expect(p.datasource.uid).toBe("${datasource}");
  });

  it("has the model and feature variables (multi, with All, from label_values) and the panels a user rebuilds our pages with", async () => {
    for (const flavour of ["import", "provisioning"]) {
      const { body } = await call(getDashboard, { path: `/x?for=${flavour}` });
      const vars = Object.fromEntries(body.templating.list.map((v: { name: string }) => [v.name, v]));
      for (const name of ["model", "feature"]) {
        expect(vars[name]).toMatchObject({ type: "query", multi: true, includeAll: true });
        expect(vars[name].definition).toMatch(/^label_values\(/);
      }
      const titles = body.panels.filter((p: Panel) => p.type !== "row").map((p: Panel) => p.title);
      expect(titles).toEqual([
        "Request rate", "Error rate by type", "Latency p50 / p95 / p99", "Prediction class mix", "Confidence p25 / p50", "Accuracy and F1",
        "MAE and RMSE", "Label coverage", "Feature drift", "Drift score and threshold", "Share of drifted features", "Missing values",
        "Alerts (pending and firing)",
      ]);
      expect(body.panels.find((p: Panel) => p.title === "Feature drift").type).toBe("status-history");
    }
  });

  it("refuses an unknown flavour and a request without a token", async () => {
    const bad = await call(getDashboard, { path: "/x?for=grafana" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe("for");
    expect((await call(getDashboard, { path: "/x", token: null })).status).toBe(401);
  });

  it("every target is valid PromQL (promtool parses each as a recording rule)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-dashboard-"));
    const rules = dashboardExpressions().map((expr, i) => `      - record: dashboard:target_${i}\n        expr: ${JSON.stringify(withAllSelected(expr))}\n`);
    fs.writeFileSync(path.join(dir, "targets.yml"), `groups:\n  - name: targets\n    rules:\n${rules.join("")}`);
    const r = promtool(["check", "rules", "targets.yml"], dir);
    expect(r.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.status).toBe(0);
  });
});

describe("GET /api/v1/integrations/prometheus-rules.yml", () => {
  it("serves the default rules as YAML, with severity, summary, description and a runbook link to the model's page", async () => {
    const fetchRules = async (url: string, token: string | null = ADMIN) => {
      const res = await getRules(new Request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }), { params: Promise.resolve({}) });
      return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
    };
    const res = await fetchRules("http://dw.internal:8080/api/v1/integrations/prometheus-rules.yml");
    expect(res.status).toBe(200);
    expect(res.type).toBe("application/yaml; charset=utf-8");
    const rules = parse(res.text).groups[0].rules;
    expect(rules.map((r: { alert: string }) => r.alert)).toEqual([
      "MLModelHighLatencyP99", "MLModelHighErrorRate", "MLModelPredictionSkew", "MLModelLowConfidence", "MLModelNoRequests",
      "MLModelAccuracyBelowTarget", "MLModelDatasetDrift", "MLFeatureDrift", "MLModelErrorBudgetFastBurn", "MLModelErrorBudgetSlowBurn",
    ]);
    for (const r of rules) {
      expect(["critical", "warning", "info"]).toContain(r.labels.severity);
      expect(r.annotations.summary).toBeTruthy();
      expect(r.annotations.description).toBeTruthy();
      expect(r.annotations.runbook_url).toBe("http://dw.internal:8080/models/{{ $labels.model_name }}");
      expect(r.expr).toMatch(/\bml_/);
    }
    process.env.DRIFTWATCH_PUBLIC_URL = "https://driftwatch.example.com/";
    expect((await fetchRules("http://localhost:3000/x")).text).toContain("runbook_url: https://driftwatch.example.com/models/{{ $labels.model_name }}");
    expect((await fetchRules("http://localhost:3000/x", null)).status).toBe(401);
  });

  it("passes promtool check rules and promtool test rules (lib/metrics/prometheus-rules.test.yml)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-rules-"));
    fs.writeFileSync(path.join(dir, "prometheus-rules.yml"), alertRulesYaml("http://driftwatch.example"));
    fs.copyFileSync(path.join(process.cwd(), "lib", "metrics", "prometheus-rules.test.yml"), path.join(dir, "prometheus-rules.test.yml"));
    const check = promtool(["check", "rules", "prometheus-rules.yml"], dir);
    expect(check.output).toContain("SUCCESS: 10 rules found");
    const test = promtool(["test", "rules", "prometheus-rules.test.yml"], dir);
    expect(test.output).toContain("SUCCESS");
    expect(test.status).toBe(0);
    execFileSync("rm", ["-r", dir]);
  });
});
