import { describe, expect, it } from "vitest";
import { GET as listModelsRoute } from "@/app/api/v1/models/route";
import { DELETE as deleteModelRoute, GET as getModelRoute, PUT as putModelRoute } from "@/app/api/v1/models/[model]/route";
import { PUT as putReferenceRoute } from "@/app/api/v1/models/[model]/reference/route";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { DELETE as revokeKeyRoute } from "@/app/api/v1/api-keys/[id]/route";
import { GET as listKeysRoute, POST as createKeyRoute } from "@/app/api/v1/api-keys/route";
import { GET as healthRoute } from "@/app/api/health/route";
import { clearAuthCache } from "@/lib/auth/authorize";
import { getDb, Prisma } from "@/lib/db/client";
import { call, countEvents, makeEvents, uniqueModel } from "../helpers";

const getModel = (model: string, token?: string | null) =>
  call(getModelRoute, { path: `/api/v1/models/${model}`, params: { model }, token });
const putModel = (model: string, body: unknown, token?: string | null) =>
  call(putModelRoute, { method: "PUT", path: `/api/v1/models/${model}`, params: { model }, body, token });
const putReference = (model: string, opts: Parameters<typeof call<{ model: string }>>[1]) =>
  call(putReferenceRoute, { method: "PUT", path: `/api/v1/models/${model}/reference`, params: { model }, ...opts });

async function createKey(scopes: string[]) {
  const res = await call(createKeyRoute, { method: "POST", path: "/api/v1/api-keys", body: { name: `k-${scopes.join("-")}`, scopes } });
  expect(res.status).toBe(201);
  return res.body as { id: string; token: string };
}

describe("models API", () => {
  it("creates (201), reads, updates (200) and deletes (204) a model with its data", async () => {
    const model = uniqueModel("def");
    const created = await putModel(model, {
      name: "Fraud detector",
      task: "binary_classification",
      classes: ["fraud", "legit"],
      positiveClass: "fraud",
      features: [
        { name: "amount", type: "numerical", min: 0, max: 10000, importance: 0.7 },
        { name: "country", type: "categorical", allowed: ["DE", "FR", "US"] },
      ],
      drift: { numerical: { method: "psi", threshold: 0.2 } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: model, name: "Fraud detector", positiveClass: "fraud", autoRegistered: false });
    expect(created.body.features.map((f: { name: string }) => f.name)).toEqual(["amount", "country"]);

    const updated = await putModel(model, { description: "v2 of the model" });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: "Fraud detector", description: "v2 of the model", task: "binary_classification" });

    await call(postPredictions, { method: "POST", body: makeEvents(model, 10) });
    await call(postLabels, { method: "POST", body: [{ model, id: "e-1", actual: "legit" }] });
    const read = await getModel(model);
    expect(read.body.counts).toEqual({ events: 10, labels: 1, labelled: 1 });
    // Features seen in events but not declared are listed as undeclared.
    expect(read.body.features.find((f: { name: string }) => f.name === "age")).toMatchObject({ declared: false, type: "numerical" });

    const del = await call(deleteModelRoute, { method: "DELETE", params: { model } });
    expect(del.status).toBe(204);
    expect((await getModel(model)).status).toBe(404);
    expect(await countEvents(model)).toBe(0);
  });

  it("validates definitions with paths and needs a task to create", async () => {
    const model = uniqueModel("bad");
    const noTask = await putModel(model, { name: "x" });
    expect(noTask.status).toBe(422);
    expect(noTask.body.error.details).toEqual([{ path: "task", message: expect.any(String) }]);
    const badFeature = await putModel(model, { task: "regression", features: [{ name: "a", type: "text" }] });
    expect(badFeature.status).toBe(422);
    expect(badFeature.body.error.details[0].path).toBe("features.0.type");
    const badId = await putModel("Not A Slug", { task: "regression" });
    expect(badId.status).toBe(422);
  });

  it("lists models with headline numbers", async () => {
    const model = uniqueModel("list");
    await call(postPredictions, { method: "POST", body: makeEvents(model, 30, "e", Date.now() - 60_000) });
    const res = await call(listModelsRoute, { path: "/api/v1/models" });
    const row = res.body.models.find((m: { id: string }) => m.id === model);
    expect(row).toMatchObject({ events: 30, status: "healthy", last24h: { requests: 30, errors: 0, errorRate: 0 } });
    // makeEvents: latencies 5…34 ms, so the exact p99 (33.71) lies in the (30, 40] bucket.
    expect(row.last24h.latencyP99Ms).toBeGreaterThan(30);
    expect(row.last24h.latencyP99Ms).toBeLessThanOrEqual(40);
    // Label 10 predictions: e-0 is "fraud" (predicted fraud), e-1…e-9 "fraud" too (predicted legit) → accuracy 1/10.
    await call(postLabels, { method: "POST", body: Array.from({ length: 10 }, (_, i) => ({ model, id: `e-${i}`, actual: "fraud" })) });
    const after = (await call(listModelsRoute, { path: "/api/v1/models" })).body.models.find((m: { id: string }) => m.id === model);
    expect(after.last24h).toMatchObject({ labelled: 10, accuracy: 0.1 });
  });

  it("404s an unknown model", async () => {
    const res = await getModel(uniqueModel("nobody"));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});

describe("references", () => {
  it("stores uploaded JSON rows, reporting bad rows, and replaces the previous reference", async () => {
    const model = uniqueModel("ref");
    await putModel(model, { task: "regression" });
    const rows = Array.from({ length: 50 }, (_, i) => ({ features: { x: i, c: i % 2 ? "a" : "b" }, prediction: i * 0.5, actual: i * 0.4 }));
    const first = await putReference(model, { body: { rows: [...rows, { features: "nope" }] } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ rows: 50, rejectedCount: 1, rejected: [{ index: 50 }] });
    const second = await putReference(model, { body: { rows: rows.slice(0, 5) } });
    expect(second.body.rows).toBe(5);
    const sets = await getDb().referenceSet.findMany({ where: { modelId: model } });
    expect(sets).toHaveLength(1);
    expect((await getModel(model)).body.reference).toMatchObject({ id: second.body.referenceId, rows: 5 });
  });

  it("streams NDJSON rows without buffering the body", async () => {
    const model = uniqueModel("refnd");
    await putModel(model, { task: "regression" });
    const n = 20_000;
    const encoder = new TextEncoder();
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i >= n) return controller.close();
        const lines: string[] = [];
        for (let k = 0; k < 1000 && i < n; k++, i++) lines.push(JSON.stringify({ features: { x: i, y: i % 7 } }));
        controller.enqueue(encoder.encode(lines.join("\n") + "\n"));
      },
    });
    const res = await putReference(model, { raw: stream, contentType: "application/x-ndjson", path: `/api/v1/models/${model}/reference?version=v1` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rows: n, rejectedCount: 0, version: "v1" });
    const [{ c }] = await getDb().$queryRaw<{ c: number }[]>(Prisma.sql`
      SELECT count(*)::int AS c FROM reference_rows r JOIN reference_sets s ON s.id = r.reference_id WHERE s.model_id = ${model}`);
    expect(c).toBe(n);
  });

  it("baselines on a production window", async () => {
    const model = uniqueModel("refwin");
    const base = Date.now() - 7200_000;
    await call(postPredictions, { method: "POST", body: makeEvents(model, 100, "e", base) });
    await call(postLabels, { method: "POST", body: [{ model, id: "e-3", actual: "fraud" }] });
    const res = await putReference(model, {
      body: { fromWindow: { from: new Date(base).toISOString(), to: new Date(base + 50_000).toISOString() } },
    });
    expect(res.status).toBe(200);
    expect(res.body.rows).toBe(50);
    const withLabel = await getDb().$queryRaw<{ actual: unknown }[]>(Prisma.sql`
      SELECT r.actual FROM reference_rows r JOIN reference_sets s ON s.id = r.reference_id
      WHERE s.model_id = ${model} AND r.actual IS NOT NULL`);
    expect(withLabel).toEqual([{ actual: "fraud" }]);
  });

  it("answers 400 malformed_json to a reference body that is not JSON, like every endpoint", async () => {
    const model = uniqueModel("refbad");
    await putModel(model, { task: "regression" });
    const res = await putReference(model, { raw: '{"rows": [' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("malformed_json");
  });

  it("404s a reference for an unknown model", async () => {
    const res = await putReference(uniqueModel("noref"), { body: { rows: [{ features: { a: 1 } }] } });
    expect(res.status).toBe(404);
  });
});

describe("authentication", () => {
  it("serves health without credentials and nothing else", async () => {
    const health = await healthRoute();
    expect(health.status).toBe(200);
    expect((await getModel(uniqueModel(), null)).status).toBe(401);
    expect((await call(listModelsRoute, { token: null })).status).toBe(401);
  });

  it("gives an ingest-only key 403 on reads and 200 on ingest; a revoked key gets 401", async () => {
    const model = uniqueModel("scoped");
    const ingest = await createKey(["ingest"]);
    const read = await createKey(["read"]);
    expect(ingest.token).toMatch(/^dw_/);
    const posted = await call(postPredictions, { method: "POST", body: makeEvents(model, 2), token: ingest.token });
    expect(posted.status).toBe(200);
    const denied = await getModel(model, ingest.token);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("forbidden");
    expect((await getModel(model, read.token)).status).toBe(200);
    expect((await call(postPredictions, { method: "POST", body: makeEvents(model, 1), token: read.token })).status).toBe(403);
    expect((await call(deleteModelRoute, { method: "DELETE", params: { model }, token: ingest.token })).status).toBe(403);

    // Only hashes are stored.
    const stored = await getDb().apiKey.findUnique({ where: { id: ingest.id } });
    expect(stored?.hash).not.toContain(ingest.token);
    expect(JSON.stringify((await call(listKeysRoute, {})).body)).not.toContain(ingest.token);

    expect((await call(revokeKeyRoute, { method: "DELETE", params: { id: ingest.id } })).status).toBe(204);
    clearAuthCache();
    expect((await call(postPredictions, { method: "POST", body: makeEvents(model, 1), token: ingest.token })).status).toBe(401);
  });
});
