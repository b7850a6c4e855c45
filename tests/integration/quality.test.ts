import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { GET as getQualityRoute } from "@/app/api/v1/models/[model]/quality/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { GET as getDriftRoute } from "@/app/api/v1/models/[model]/drift/route";
import { cachedFeatureRows, clearFeatureRowDocs, featureRowDocsStats } from "@/lib/queries/featureRowDocs";
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

  it("with step, gives each feature's missing share per bucket, adding up to the window's counts (partial hours from raw events)", async () => {
    const model = uniqueModel("qseries");
    const HOUR = 3_600_000;
    // 4 hours of events, the window starting and ending mid-hour, so both edges are read from raw events
    const start = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;
    const events = Array.from({ length: 480 }, (_, i) => ({
      id: `s-${i}`,
      model,
      timestamp: new Date(start + i * 30_000).toISOString(),
      // a missing share that differs per hour: every 3rd, 5th, 7th, 9th event of hours 0–3
      features: { amount: i % (3 + 2 * Math.floor(i / 120)) === 0 ? null : i },
      prediction: "a",
    }));
    await call(postPredictions, { method: "POST", body: events });
    const from = start + 20 * 60_000;
    const to = start + 3 * HOUR + 40 * 60_000;
    const path = (step: string) => `/api/v1/models/${model}/quality?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&step=${step}`;
    const res = await call(getQualityRoute, { path: path("1h"), params: { model } });
    expect(res.status).toBe(200);
    expect(res.body.step).toBe("1h");
    const amount = res.body.features.find((f: { name: string }) => f.name === "amount");
    const inWindow = events.filter((e) => Date.parse(e.timestamp) >= from && Date.parse(e.timestamp) < to);
    const expected = [0, 1, 2, 3].map((h) => {
      const hour = inWindow.filter((e) => Math.floor((Date.parse(e.timestamp) - start) / HOUR) === h);
      const missing = hour.filter((e) => e.features.amount === null).length;
      return { start: new Date(Math.max(from, start + h * HOUR)).toISOString(), count: hour.length, missing, missingRate: missing / hour.length };
    });
    expect(amount.missingSeries).toEqual(expected);
    expect(amount.missingSeries.reduce((s: number, p: { missing: number }) => s + p.missing, 0)).toBe(amount.missing);
    // 2-hour buckets are aligned to the epoch (as the metrics API's series), clipped to the window
    const two = (await call(getQualityRoute, { path: path("2h"), params: { model } })).body.features.find((f: { name: string }) => f.name === "amount");
    const byTwo = new Map<number, number>();
    for (const e of inWindow) byTwo.set(Math.floor(Date.parse(e.timestamp) / (2 * HOUR)), (byTwo.get(Math.floor(Date.parse(e.timestamp) / (2 * HOUR))) ?? 0) + 1);
    expect(two.missingSeries.map((p: { count: number }) => p.count)).toEqual([...byTwo.values()]);
    expect(Date.parse(two.missingSeries[1].start) % (2 * HOUR)).toBe(0);
    // without step, no series; a step that is not whole hours is refused
    const plain = await call(getQualityRoute, { path: path("1h").replace("&step=1h", ""), params: { model } });
    expect(plain.body.step).toBeNull();
    expect(plain.body.features[0].missingSeries).toBeUndefined();
    expect((await call(getQualityRoute, { path: path("30m"), params: { model } })).status).toBe(422);
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
  it("reads unchanged feature rollup rows from memory, yet sees every late event and new version (featureRowDocs' row versions)", async () => {
    const model = uniqueModel("qcache");
    const HOUR = 3_600_000;
    const DAY = 24 * HOUR;
    await call(putModel, {
      method: "PUT",
      params: { model },
      body: { task: "binary_classification", features: [{ name: "amount", type: "numerical" }, { name: "country", type: "categorical" }] },
    });
    const ref = await call(putReference, {
      method: "PUT",
      params: { model },
      body: { rows: Array.from({ length: 200 }, (_, i) => ({ features: { amount: i, country: i % 3 ? "DE" : "FR" } })) },
    });
    expect(ref.status).toBeLessThan(300);
    const day0 = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
    const to = Math.floor(Date.now() / HOUR) * HOUR;
    const ev = (i: number, at: number, version = "v1", amount: number | null = i % 7 === 0 ? null : (i * 37) % 200) => ({
      id: `c-${i}`,
      model,
      version,
      timestamp: new Date(at).toISOString(),
      features: { amount, country: i % 5 ? "DE" : "US" },
      prediction: "a",
    });
    const n = Math.floor((to - day0) / (40 * 60_000));
    await call(postPredictions, { method: "POST", body: Array.from({ length: n }, (_, i) => ev(i, day0 + i * 40 * 60_000 + 1000)) });

    const quality = async () => {
      const res = await call(getQualityRoute, { path: `/api/v1/models/${model}/quality?from=${new Date(day0).toISOString()}&to=${new Date(to).toISOString()}&step=1d`, params: { model } });
      expect(res.status).toBe(200);
      return res.body;
    };
    const drift = async (step: string) => {
      const res = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?from=${new Date(day0).toISOString()}&to=${new Date(day0 + 3 * DAY).toISOString()}&step=${step}`, params: { model } });
      expect(res.status).toBe(200);
      return res.body;
    };
    // each read: a second one reads no document, and both equal a read with nothing cached
    const checked = async <T,>(read: () => Promise<T>): Promise<T> => {
      const first = await read();
      const again = await read();
      expect(featureRowDocsStats.lastFetched).toBe(0);
      expect(featureRowDocsStats.lastCached).toBeGreaterThan(0);
      expect(again).toEqual(first);
      clearFeatureRowDocs();
      expect(await read()).toEqual(first);
      return first;
    };
    const amountOf = (q: { features: { name: string; count: number; missing: number }[] }) => q.features.find((f) => f.name === "amount")!;

    const q1 = await checked(quality);
    expect(amountOf(q1).count).toBe(n);
    const dDaily1 = await checked(() => drift("1d"));
    const dHourly1 = await checked(() => drift("1h"));

    expect(await quality()).toEqual(q1); // its rows cached again (the drift reads cleared them)
    // a late event (value missing) in the first day, a new version's event in the second
    await call(postPredictions, { method: "POST", body: [ev(n + 1, day0 + 5 * HOUR + 7_000, "v1", null), ev(n + 2, day0 + DAY + 9 * HOUR + 7_000, "v2", 150)] });
    const q2 = await quality();
    // only the changed and new rows' documents were read again
    expect(featureRowDocsStats.lastFetched).toBeGreaterThan(0);
    expect(featureRowDocsStats.lastCached).toBeGreaterThan(0);
    expect(amountOf(q2).count).toBe(n + 2);
    expect(amountOf(q2).missing).toBe(amountOf(q1).missing + 1);
    expect(await checked(quality)).toEqual(q2);
    const dDaily2 = await checked(() => drift("1d"));
    const dHourly2 = await checked(() => drift("1h"));
    expect(dDaily2).not.toEqual(dDaily1);
    expect(dHourly2).not.toEqual(dHourly1);
    // and the version filter sees the new version's row alone
    const v2 = await call(getQualityRoute, { path: `/api/v1/models/${model}/quality?from=${new Date(day0).toISOString()}&to=${new Date(to).toISOString()}&version=v2`, params: { model } });
    expect(amountOf(v2.body).count).toBe(1);

    // a row updated again and again keeps one document in memory: its new version replaces the old one
    await drift("1h");
    const held = cachedFeatureRows(model);
    expect(held).toBeGreaterThan(0);
    for (let k = 0; k < 3; k++) {
      await call(postPredictions, { method: "POST", body: [ev(n + 10 + k, day0 + 6 * HOUR + 7_000 + k, "v1", k)] });
      await drift("1h");
      expect(featureRowDocsStats.lastFetched).toBeGreaterThan(0);
      expect(cachedFeatureRows(model)).toBe(held);
    }
  });
});
