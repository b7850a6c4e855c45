import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { GET as getQualityRoute } from "@/app/api/v1/models/[model]/quality/route";
import { call, uniqueModel } from "../helpers";

describe("GET /api/v1/models/{model}/quality", () => {
  it("counts missing values, type mismatches, out-of-range values and new categories exactly", async () => {
    const model = uniqueModel("quality");
    await call(putModel, {
      method: "PUT",
      params: { model },
      body: {
        task: "binary_classification",
        features: [
          { name: "amount", type: "numerical", min: 0, max: 100 },
          { name: "country", type: "categorical", allowed: ["DE", "FR"] },
        ],
      },
    });
    const base = Date.now() - 2 * 3_600_000 - 17 * 60_000;
    const events = Array.from({ length: 500 }, (_, i) => ({
      id: `q-${i}`,
      model,
      timestamp: new Date(base + i * 10_000).toISOString(),
      features: {
        amount: i % 25 === 0 ? null : i % 40 === 0 ? "lots" : i % 9 === 0 ? 150 + i : (i % 100) as number | string | null,
        country: i % 20 === 0 ? "US" : i % 33 === 0 ? "XX" : i % 2 ? "DE" : "FR",
        ...(i % 50 === 0 ? {} : { extra: i }),
      },
      prediction: "a",
    }));
    await call(postPredictions, { method: "POST", body: events });
    const from = new Date(base).toISOString();
    const to = new Date(base + 500 * 10_000).toISOString();
    const res = await call(getQualityRoute, { path: `/api/v1/models/${model}/quality?from=${from}&to=${to}`, params: { model } });
    expect(res.status).toBe(200);
    const f = (name: string) => res.body.features.find((x: { name: string }) => x.name === name);
    const amounts = events.map((e) => e.features.amount);
    const nums = amounts.filter((a): a is number => typeof a === "number");
    expect(f("amount")).toMatchObject({
      count: 500,
      missing: amounts.filter((a) => a === null).length,
      typeMismatches: amounts.filter((a) => typeof a === "string").length,
      outOfRange: nums.filter((a) => a < 0 || a > 100).length,
      declared: true,
    });
    expect(f("amount").summary.mean).toBeCloseTo(nums.reduce((s, x) => s + x, 0) / nums.length, 9);
    expect(f("amount").summary.max).toBe(Math.max(...nums));
    const us = events.filter((e) => e.features.country === "US").length;
    const xx = events.filter((e) => e.features.country === "XX").length;
    expect(f("country").newCategories).toEqual([{ value: "US", count: us }, { value: "XX", count: xx }].sort((a, b) => b.count - a.count));
    expect(f("extra")).toMatchObject({ declared: false, count: 500, missing: 10 });
  });

  it("reports values beyond the per-document cap as an overflow count, not as a value", async () => {
    const model = uniqueModel("overflow");
    const hour = Math.floor((Date.now() - 2 * 3600_000) / 3600_000) * 3600_000;
    const events = Array.from({ length: 1200 }, (_, i) => ({
      id: `o-${i}`,
      model,
      timestamp: new Date(hour + i * 1000).toISOString(),
      features: { user: `u${i}` },
      prediction: "a",
    }));
    await call(postPredictions, { method: "POST", body: events });
    const res = await call(getQualityRoute, {
      path: `/api/v1/models/${model}/quality?from=${new Date(hour).toISOString()}&to=${new Date(hour + 3600_000).toISOString()}`,
      params: { model },
    });
    const user = res.body.features.find((f: { name: string }) => f.name === "user");
    expect(user.count).toBe(1200);
    expect(user.summary.distinct).toBe(1000);
    expect(user.summary.overflow).toBe(200);
    expect(user.summary.top.some((t: { value: string }) => t.value.startsWith("\u001f"))).toBe(false);
  });
});
