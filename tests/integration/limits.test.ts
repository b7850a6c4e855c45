import { afterEach, describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { GET as getModelRoute, PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { GET as getQualityRoute } from "@/app/api/v1/models/[model]/quality/route";
import { GET as listModels } from "@/app/api/v1/models/route";
import { GET as getDriftRoute } from "@/app/api/v1/models/[model]/drift/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { createApiKey } from "@/lib/auth/apiKeys";
import { resetRateLimits } from "@/lib/auth/rateLimit";
import { call, uniqueModel } from "../helpers";

/** The limits that keep one client from growing a model's reads (and the server's work) without bound. */

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith("DRIFTWATCH_") && !(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe("features per model", () => {
  it("a flood of new feature names registers up to the cap; the rest are reported, never registered", async () => {
    process.env.DRIFTWATCH_MAX_FEATURES_PER_MODEL = "50";
    const model = uniqueModel("flood");
    const hour = Math.floor((Date.now() - 2 * 3600_000) / 3600_000) * 3600_000;
    const event = (k: number) => ({
      id: `f-${k}`,
      model,
      timestamp: new Date(hour + k * 1000).toISOString(),
      features: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`n${k}_${i}`, i])),
      prediction: "a",
    });
    const first = await call(postPredictions, { body: [event(0)] });
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(1);
    expect(first.body.unregisteredFeatures[model].count).toBe(950);
    expect(first.body.unregisteredFeatures[model].names).toHaveLength(20);
    for (let k = 1; k < 4; k++) {
      const res = await call(postPredictions, { body: [event(k)] });
      expect(res.body).toMatchObject({ accepted: 1, unregisteredFeatures: { [model]: { count: 1000 } } });
    }
    // the same unknown names again: still reported, still not registered (and no longer tried)
    const again = await call(postPredictions, { body: [{ ...event(3), id: "f-again" }] });
    expect(again.body).toMatchObject({ accepted: 1, unregisteredFeatures: { [model]: { count: 1000 } } });

    const def = await call(getModelRoute, { params: { model } });
    expect(def.body.features).toHaveLength(50);
    const quality = await call(getQualityRoute, {
      path: `/api/v1/models/${model}/quality?from=${new Date(hour).toISOString()}&to=${new Date(hour + 3600_000).toISOString()}`,
      params: { model },
    });
    expect(quality.status).toBe(200);
    expect(quality.body.features).toHaveLength(50);
    expect(quality.body.features[0]).toMatchObject({ name: "n0_0", count: 5 });
  });

  it("events with only known features say nothing about unregistered ones, and a definition over the cap is refused", async () => {
    process.env.DRIFTWATCH_MAX_FEATURES_PER_MODEL = "3";
    const model = uniqueModel("cap");
    const ok = await call(postPredictions, { body: { id: "a", model, features: { x: 1, y: "b" }, prediction: "a" } });
    expect(ok.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const res = await call(putModel, {
      method: "PUT",
      params: { model },
      body: { features: ["a", "b", "c", "d"].map((name) => ({ name, type: "numerical" })) },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/at most 3 features/);
  });
});

describe("the per-credential rate limit", () => {
  it("answers 429 with Retry-After to a key over its rate, while another key is served at once", async () => {
    process.env.DRIFTWATCH_RATE_LIMIT_PER_SECOND = "1";
    process.env.DRIFTWATCH_RATE_LIMIT_BURST = "10";
    resetRateLimits();
    const a = await createApiKey({ name: "busy", scopes: ["read"] });
    const b = await createApiKey({ name: "calm", scopes: ["read"] });
    const list = (token: string) => call(listModels, { path: "/api/v1/models", token });
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof list>> | undefined;
    for (let i = 0; i < 15; i++) {
      const res = await list(a.token);
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    // at one a second, a slow machine may refill a token or two during the loop, never five
    expect(statuses.slice(10).filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    expect(limited!.body.error.code).toBe("rate_limited");
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

    const started = performance.now();
    expect((await list(b.token)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);

    await new Promise((r) => setTimeout(r, Number(limited!.headers.get("retry-after")) * 1000));
    expect((await list(a.token)).status).toBe(200);
  });
});

describe("raw-value drift reads", () => {
  it("run a few at a time; beyond the queue a read is refused with 503 and Retry-After, and rollup reads are never held", async () => {
    process.env.DRIFTWATCH_HEAVY_READS = "1";
    process.env.DRIFTWATCH_HEAVY_READ_QUEUE = "1";
    const model = uniqueModel("heavy");
    const hour = Math.floor((Date.now() - 3 * 3600_000) / 3600_000) * 3600_000;
    const events = Array.from({ length: 600 }, (_, i) => ({
      id: `h-${i}`,
      model,
      timestamp: new Date(hour + i * 5000).toISOString(),
      features: { x: (i * 7919) % 1000, c: `c${i % 5}` },
      prediction: "a",
    }));
    expect((await call(postPredictions, { body: events })).status).toBe(200);
    const rows = events.map((e) => ({ features: e.features, prediction: "a" }));
    expect((await call(putReference, { method: "PUT", params: { model }, body: { rows } })).status).toBe(200);

    const range = `from=${new Date(hour).toISOString()}&to=${new Date(hour + 3600_000).toISOString()}&step=1h`;
    const read = (methods: string) => call(getDriftRoute, { path: `/api/v1/models/${model}/drift?${range}&methods=${methods}`, params: { model } });
    const results = await Promise.all([read("ks,wasserstein"), read("ks"), read("evidently"), read("psi")]);
    const statuses = results.map((r) => r.status);
    expect(statuses.slice(0, 3).sort()).toEqual([200, 200, 503]);
    const busy = results.find((r) => r.status === 503)!;
    expect(busy.body.error.code).toBe("busy");
    expect(busy.headers.get("retry-after")).toBe("5");
    expect(statuses[3]).toBe(200); // psi reads rollups: not a heavy read
    // the slots are given back: one more raw read goes through
    expect((await read("ks")).status).toBe(200);
  });
});
