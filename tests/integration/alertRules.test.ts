import { describe, expect, it } from "vitest";
import { GET as listRulesRoute, POST as createRuleRoute } from "@/app/api/v1/alert-rules/route";
import { DELETE as deleteRuleRoute, GET as getRuleRoute, PATCH as patchRuleRoute } from "@/app/api/v1/alert-rules/[id]/route";
import { DELETE as deleteModelRoute, PUT as putModelRoute } from "@/app/api/v1/models/[model]/route";
import { POST as createKeyRoute } from "@/app/api/v1/api-keys/route";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { call, makeEvents, uniqueModel } from "../helpers";

async function putModel(model: string, task: string, classes?: string[]) {
  const res = await call(putModelRoute, { method: "PUT", path: `/api/v1/models/${model}`, params: { model }, body: { task, ...(classes ? { classes } : {}) } });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

const rulesOf = async (model: string) =>
  ((await call(listRulesRoute, { path: `/api/v1/alert-rules?model=${model}` })).body.rules as Array<Record<string, unknown>>).filter(
    (r) => r.model === model,
  );

describe("alert rules API", () => {
  it("creates the seeds' default rules for a new model, once, and removes them with the model", async () => {
    const model = uniqueModel("rules-def");
    await putModel(model, "binary_classification", ["no", "yes"]);
    const rules = await rulesOf(model);
    const byName = Object.fromEntries(rules.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(
      ["FeatureDrift", "HighErrorRate", "HighLatencyP99", "LowAccuracy", "LowConfidence", "NoRequests", "PredictionSkew"].sort(),
    );
    expect(byName.HighLatencyP99).toMatchObject({ metric: "latency_p99", comparison: ">", threshold: 0.5, window: "5m", for: "5m", isDefault: true });
    expect(byName.HighErrorRate).toMatchObject({ metric: "error_rate", comparison: ">", threshold: 0.01 });
    expect(byName.PredictionSkew).toMatchObject({ metric: "class_share_shift", comparison: ">", threshold: 0.2 });
    expect(byName.LowConfidence).toMatchObject({ metric: "confidence_p25", comparison: "<", threshold: 0.6 });
    expect(byName.NoRequests).toMatchObject({ metric: "requests", comparison: "<", threshold: 1, window: "5m" });
    expect(byName.LowAccuracy).toMatchObject({ metric: "accuracy", comparison: "<" });
    expect(byName.FeatureDrift).toMatchObject({ metric: "drift_share", comparison: ">" });

    // Updating the model does not add them again.
    await putModel(model, "binary_classification", ["no", "yes"]);
    expect(await rulesOf(model)).toHaveLength(7);

    // A regression has no class or confidence rules.
    const reg = uniqueModel("rules-reg");
    await putModel(reg, "regression");
    expect((await rulesOf(reg)).map((r) => r.name).sort()).toEqual(["FeatureDrift", "HighErrorRate", "HighLatencyP99", "NoRequests"]);

    expect((await call(deleteModelRoute, { method: "DELETE", params: { model } })).status).toBeLessThan(300);
    expect(await rulesOf(model)).toHaveLength(0);
  });

  it("gives a model registered by its first events the default rules too", async () => {
    const model = uniqueModel("rules-auto");
    const res = await call(postPredictions, { method: "POST", path: "/api/v1/predictions", body: { events: makeEvents(model, 20) } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const rules = await rulesOf(model);
    expect(rules).toHaveLength(7); // two classes inferred: a classifier
    expect(rules.every((r) => r.isDefault)).toBe(true);
    // A second batch registers nothing new.
    await call(postPredictions, { method: "POST", path: "/api/v1/predictions", body: { events: makeEvents(model, 5, "f") } });
    expect(await rulesOf(model)).toHaveLength(7);
  });

  it("creates, reads, edits and deletes a rule; validates bounds in the error contract; needs admin to change", async () => {
    const model = uniqueModel("rules-crud");
    await putModel(model, "multiclass_classification", ["a", "b", "c"]);
    const created = await call(createRuleRoute, {
      method: "POST",
      body: { name: "SlowP95", model, metric: "latency_p95", comparison: ">", threshold: 0.25, window: "10m", for: "2m", labels: { team: "risk" } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      name: "SlowP95", model, metric: "latency_p95", comparison: ">", threshold: 0.25, window: "10m", for: "2m",
      minSamples: 0, severity: "warning", labels: { team: "risk" }, enabled: true, isDefault: false,
    });
    expect((await call(getRuleRoute, { params: { id } })).body).toEqual(created.body);

    const patched = await call(patchRuleRoute, { method: "PATCH", params: { id }, body: { threshold: 0.4, for: "1h", severity: "critical" } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ threshold: 0.4, for: "1h", severity: "critical", window: "10m" });

    // All-models rule: listed with every model's rules.
    const global = await call(createRuleRoute, { method: "POST", body: { name: "AnyErrors", model: null, metric: "error_rate", comparison: ">", threshold: 0.05, window: "5m" } });
    expect(global.status).toBe(201);
    const listed = (await call(listRulesRoute, { path: `/api/v1/alert-rules?model=${model}` })).body.rules as Array<{ id: string }>;
    expect(listed.map((r) => r.id)).toEqual(expect.arrayContaining([id, global.body.id]));

    // Validation: 422 with details per field, in the error contract.
    const bad = async (body: Record<string, unknown>, path: string) => {
      const res = await call(createRuleRoute, { method: "POST", body: { name: "X", model, metric: "error_rate", comparison: ">", threshold: 0.1, window: "5m", ...body } });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.code).toBe("invalid");
      expect((res.body.error.details as Array<{ path: string }>).map((d) => d.path)).toContain(path);
    };
    await bad({ threshold: 1.5 }, "threshold"); // a share above 1
    await bad({ metric: "latency_p99", threshold: -1 }, "threshold");
    await bad({ comparison: "increase_pct", threshold: 0 }, "threshold");
    await bad({ metric: "bogus" }, "metric");
    await bad({ window: "5 minutes" }, "window");
    await bad({ window: "10s" }, "window"); // under a minute
    await bad({ for: "30d" }, "for"); // over a week
    await bad({ severity: "page" }, "severity");
    await bad({ labels: { alertname: "y" } }, "labels");
    await bad({ name: "" }, "name");
    await bad({ extra: 1 }, "");
    const patchBad = await call(patchRuleRoute, { method: "PATCH", params: { id }, body: { metric: "error_rate" } }); // 0.4 stays a valid share
    expect(patchBad.status).toBe(200);
    const patchBad2 = await call(patchRuleRoute, { method: "PATCH", params: { id }, body: { threshold: 2 } });
    expect(patchBad2.status).toBe(422);
    expect(patchBad2.body.error.code).toBe("invalid");
    const noModel = await call(createRuleRoute, { method: "POST", body: { name: "X", model: "no-such-model", metric: "requests", comparison: "<", threshold: 1, window: "5m" } });
    expect(noModel.status).toBe(404);
    expect(noModel.body.error.code).toBe("not_found");

    // Scopes: read lists, admin changes.
    const key = await call(createKeyRoute, { method: "POST", body: { name: "rules-reader", scopes: ["read"] } });
    expect((await call(getRuleRoute, { params: { id }, token: key.body.token })).status).toBe(200);
    expect((await call(patchRuleRoute, { method: "PATCH", params: { id }, token: key.body.token, body: { threshold: 0.1 } })).status).toBe(403);
    expect((await call(listRulesRoute, { token: null })).status).toBe(401);

    expect((await call(deleteRuleRoute, { method: "DELETE", params: { id } })).status).toBe(204);
    expect((await call(getRuleRoute, { params: { id } })).status).toBe(404);
    expect((await call(deleteRuleRoute, { method: "DELETE", params: { id } })).status).toBe(404);
    expect((await call(deleteRuleRoute, { method: "DELETE", params: { id: global.body.id } })).status).toBe(204);
  });
});
