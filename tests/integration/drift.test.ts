import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { GET as getDriftRoute } from "@/app/api/v1/models/[model]/drift/route";
import {
  alignCounts,
  chi2Homogeneity,
  countIntoBins,
  createRandom,
  freezeBins,
  freezeCategoricalBins,
  hellinger,
  jsDistance,
  ks2samp,
  psi,
  wassersteinNormed,
} from "@/lib/stats";
import { GET as getQualityRoute } from "@/app/api/v1/models/[model]/quality/route";
import { rollupDifferences } from "@/lib/rollups/store/recount";
import { call, uniqueModel } from "../helpers";

const HOUR = 3_600_000;
const close = (a: number, b: number) => expect(Math.abs(Number(a) - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));

describe("GET /api/v1/models/{model}/drift", () => {
  it("gives, for one window sent through the API, the statistics core's results on the same values", async () => {
    const model = uniqueModel("drift");
    await call(putModel, {
      method: "PUT",
      params: { model },
      body: { task: "regression", features: [{ name: "x", type: "numerical" }, { name: "c", type: "categorical" }] },
    });
    const rng = createRandom(42);
    const cats = ["a", "b", "c", "d"];
    const refX = Array.from({ length: 3000 }, () => rng.normal());
    const refC = Array.from({ length: 3000 }, () => cats[Math.floor(rng.uniform() ** 1.5 * 4)]);
    const ref = await call(putReference, {
      method: "PUT",
      params: { model },
      body: { rows: refX.map((x, i) => ({ features: { x, c: refC[i] }, prediction: x * 2 })) },
    });
    expect(ref.status).toBe(200);

    // The window straddles hours: partial hours at both ends come from raw events, whole hours from rollups.
    const start = Math.floor((Date.now() - 6 * HOUR) / HOUR) * HOUR + 20 * 60_000;
    const curX = Array.from({ length: 2500 }, () => rng.normal() * 1.2 + 0.3);
    const curC = Array.from({ length: 2500 }, () => (rng.uniform() < 0.05 ? "new" : cats[Math.floor(rng.uniform() * 4)]));
    const events = curX.map((x, i) => ({
      id: `d-${i}`,
      model,
      timestamp: new Date(start + i * 3000).toISOString(),
      features: { x, c: curC[i] },
      prediction: x * 2,
    }));
    for (let b = 0; b < events.length; b += 1000) await call(postPredictions, { method: "POST", body: events.slice(b, b + 1000) });
    // One event just outside the window, which must not count.
    await call(postPredictions, { method: "POST", body: { ...events[0], id: "outside", timestamp: new Date(start + 2500 * 3000).toISOString() } });

    const from = new Date(start).toISOString();
    const to = new Date(start + 2500 * 3000).toISOString();
    const res = await call(getDriftRoute, {
      path: `/api/v1/models/${model}/drift?window=single&from=${from}&to=${to}&methods=psi,js,chi2,hellinger,ks,wasserstein`,
      params: { model },
    });
    expect(res.status).toBe(200);
    const w = res.body.windows[0];
    expect(w.rawValues).toEqual({ count: 2500, sampled: false });
    expect(res.body.reference).toMatchObject({ rows: 3000, sampled: false });
    const feature = (name: string) => w.features.find((f: { feature: string }) => f.feature === name);
    const result = (name: string, method: string) => feature(name).results.find((r: { method: string }) => r.method === method);

    const xBins = freezeBins(refX, "numerical");
    const xa = alignCounts(xBins, countIntoBins(xBins, refX), countIntoBins(xBins, curX));
    expect(feature("x").count).toBe(2500);
    close(result("x", "psi").statistic, psi(xa.ref, xa.cur));
    close(result("x", "js").statistic, jsDistance(xa.ref, xa.cur));
    close(result("x", "hellinger").statistic, hellinger(xa.ref, xa.cur));
    const chi = chi2Homogeneity(xa.ref, xa.cur);
    close(result("x", "chi2").statistic, chi.statistic);
    close(result("x", "chi2").pValue, chi.pValue);
    const ks = ks2samp(refX, curX);
    close(result("x", "ks").statistic, ks.statistic);
    close(result("x", "ks").pValue, ks.pValue);
    close(result("x", "wasserstein").statistic, wassersteinNormed(refX, curX));
    expect(feature("x").drifted).toBe(true);

    const cBins = freezeCategoricalBins(refC);
    const ca = alignCounts(cBins, countIntoBins(cBins, refC), countIntoBins(cBins, curC));
    close(result("c", "js").statistic, jsDistance(ca.ref, ca.cur));
    close(result("c", "chi2").pValue, chi2Homogeneity(ca.ref, ca.cur).pValue);
    expect(res.body.windows[0].prediction).not.toBeNull();
  });

  it("re-bins the history on a reference uploaded after the events, without double counting", async () => {
    const model = uniqueModel("rebin");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "regression", features: [{ name: "x", type: "numerical" }] } });
    const rng = createRandom(9);
    const hour = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
    const xs = Array.from({ length: 600 }, () => rng.normal() + 1);
    await call(postPredictions, {
      method: "POST",
      body: xs.map((x, i) => ({ id: `r-${i}`, model, timestamp: new Date(hour + i * 5000).toISOString(), features: { x }, prediction: x })),
    });
    const refX = Array.from({ length: 2000 }, () => rng.normal());
    await call(putReference, { method: "PUT", params: { model }, body: { rows: refX.map((x) => ({ features: { x }, prediction: x })) } });
    const from = new Date(hour).toISOString();
    const to = new Date(hour + HOUR).toISOString();
    const res = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?from=${from}&to=${to}&step=1h&methods=psi`, params: { model } });
    expect(res.status).toBe(200);
    const x = res.body.windows[0].features.find((f: { feature: string }) => f.feature === "x");
    expect(x.count).toBe(600);
    const bins = freezeBins(refX, "numerical");
    const a = alignCounts(bins, countIntoBins(bins, refX), countIntoBins(bins, xs));
    close(x.results.find((r: { method: string }) => r.method === "psi").statistic, psi(a.ref, a.cur));
    // The regression prediction (= x, as in the reference) is binned in the rollups too: no raw values needed.
    const prediction = res.body.windows[0].prediction;
    expect(prediction.count).toBe(600);
    close(prediction.results.find((r: { method: string }) => r.method === "psi").statistic, psi(a.ref, a.cur));
    expect(prediction.drifted).toBe(true);
    // Without a step, a 6-hour range gives hourly windows (the heatmap's series path).
    const series = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?from=${from}&to=${new Date(hour + 6 * HOUR).toISOString()}`, params: { model } });
    expect(series.body.step).toBe("1h");
    expect(series.body.windows).toHaveLength(6);
    expect(series.body.windows[0].features[0].count).toBe(600);
    expect(series.body.windows[1].features[0].drifted).toBe("insufficient_data");
    const quality = await call(getQualityRoute, { path: `/api/v1/models/${model}/quality?from=${from}&to=${to}`, params: { model } });
    expect(quality.body.features[0].count).toBe(600);
    expect((await rollupDifferences(model)).differences).toEqual([]);
  });

  it("gives with bins=true the aligned reference and window counts the binned methods compared", async () => {
    const model = uniqueModel("bins");
    await call(putModel, {
      method: "PUT",
      params: { model },
      body: { task: "binary_classification", classes: ["yes", "no"], features: [{ name: "x", type: "numerical" }, { name: "c", type: "categorical" }] },
    });
    const rng = createRandom(5);
    const refX = Array.from({ length: 1000 }, () => rng.normal());
    const refC = Array.from({ length: 1000 }, (_, i) => ["a", "b"][i % 2]);
    await call(putReference, {
      method: "PUT",
      params: { model },
      body: { rows: refX.map((x, i) => ({ features: { x, c: refC[i] }, prediction: i % 3 === 0 ? "yes" : "no" })) },
    });
    const hour = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
    const xs = Array.from({ length: 400 }, () => rng.normal() + 0.5);
    const cs = xs.map((_, i) => ["a", "b", "z"][i % 3]);
    await call(postPredictions, {
      method: "POST",
      body: xs.map((x, i) => ({ id: `b-${i}`, model, timestamp: new Date(hour + i * 5000).toISOString(), features: { x, c: cs[i] }, prediction: "yes" })),
    });
    const range = `from=${new Date(hour).toISOString()}&to=${new Date(hour + HOUR).toISOString()}`;
    const res = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?${range}&window=single&methods=psi&bins=true`, params: { model } });
    expect(res.status).toBe(200);
    const w = res.body.windows[0];
    const x = w.features.find((f: { feature: string }) => f.feature === "x");
    const bins = freezeBins(refX, "numerical");
    const a = alignCounts(bins, countIntoBins(bins, refX), countIntoBins(bins, xs));
    expect(x.bins.reference).toEqual(a.ref);
    expect(x.bins.current).toEqual(a.cur);
    expect(x.bins.labels).toHaveLength(a.ref.length);
    close(x.results[0].statistic, psi(x.bins.reference, x.bins.current));
    const c = w.features.find((f: { feature: string }) => f.feature === "c");
    expect(c.bins).toEqual({ labels: ["a", "b", "z"], reference: [500, 500, 0], current: [134, 133, 133] });
    expect(w.prediction.bins.current.reduce((s: number, n: number) => s + n, 0)).toBe(400);
    // Without bins=true the response stays as it was.
    const plain = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?${range}&window=single`, params: { model } });
    expect(plain.body.windows[0].features[0].bins).toBeUndefined();
    // feature=… limits the response (and the methods' work) to that feature; the verdict and counts stay the whole model's
    const one = await call(getDriftRoute, {
      path: `/api/v1/models/${model}/drift?${range}&window=single&methods=psi,ks&bins=true&feature=x`,
      params: { model },
    });
    expect(one.status).toBe(200);
    const full = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?${range}&window=single&methods=psi,ks&bins=true`, params: { model } });
    expect(one.body.features.map((f: { name: string }) => f.name)).toEqual(["x"]);
    expect(one.body.windows[0].features).toEqual([full.body.windows[0].features.find((f: { feature: string }) => f.feature === "x")]);
    for (const k of ["driftedCount", "driftedShare", "tested", "datasetDrift", "prediction"]) expect(one.body.windows[0][k]).toEqual(full.body.windows[0][k]);
    const unknown = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?${range}&feature=nope`, params: { model } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details[0]).toMatchObject({ path: "feature", message: expect.stringContaining("'nope'") });
    const bad = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?${range}&bins=yes`, params: { model } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].path).toBe("bins");
  });

  it("reads whole days from the daily feature rollups: the same counts as the hours they sum (drift 1d and single windows, quality per day)", async () => {
    const model = uniqueModel("daily");
    const DAY = 24 * HOUR;
    await call(putModel, {
      method: "PUT",
      params: { model },
      body: { task: "binary_classification", classes: ["yes", "no"], features: [{ name: "x", type: "numerical" }, { name: "c", type: "categorical" }] },
    });
    const rng = createRandom(11);
    const refX = Array.from({ length: 1000 }, () => rng.normal());
    await call(putReference, { method: "PUT", params: { model }, body: { rows: refX.map((x, i) => ({ features: { x, c: ["a", "b"][i % 2] }, prediction: "no" })) } });
    // 60 hours over three UTC days, two versions, x sometimes missing; posted in several batches (daily rows merge across them)
    const day0 = Math.floor(Date.now() / DAY) * DAY - 4 * DAY;
    const events = Array.from({ length: 1440 }, (_, i) => {
      const ts = day0 + 6 * HOUR + i * 150_000;
      return {
        id: `d-${i}`,
        model,
        version: i % 3 ? "v1" : "v2",
        timestamp: new Date(ts).toISOString(),
        features: { x: i % 17 === 0 ? null : rng.normal() + (ts > day0 + DAY + 12 * HOUR ? 0.4 : 0), c: ["a", "b", "z"][i % 3] },
        prediction: "yes",
      };
    });
    for (let i = 0; i < events.length; i += 250) await call(postPredictions, { method: "POST", body: events.slice(i, i + 250) });
    expect((await rollupDifferences(model)).differences).toEqual([]);

    const range = `from=${new Date(day0).toISOString()}&to=${new Date(day0 + 3 * DAY).toISOString()}`;
    const drift = async (q: string) => (await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?${q}&methods=psi&bins=true`, params: { model } })).body;
    const feature = (w: { features: { feature: string }[] }, name: string) => w.features.find((f) => f.feature === name) as unknown as { count: number; missing: number; bins: { current: number[] }; results: { statistic: number }[] };
    const daily = await drift(`${range}&step=1d`);
    const halves = await drift(`${range}&step=12h`);
    expect(daily.windows).toHaveLength(3);
    for (let d = 0; d < 3; d++) {
      for (const name of ["x", "c"]) {
        const [a, b] = [halves.windows[2 * d], halves.windows[2 * d + 1]].map((w) => feature(w, name));
        const day = feature(daily.windows[d], name);
        expect(day.bins.current).toEqual(a.bins.current.map((n, i) => n + b.bins.current[i]));
        expect([day.count, day.missing]).toEqual([a.count + b.count, a.missing + b.missing]);
      }
    }
    // a single window with a whole day inside and partial days and hours around it: exactly the events in it
    const from = day0 + 7 * HOUR + 20 * 60_000;
    const to = day0 + 2 * DAY + 5 * HOUR + 45 * 60_000;
    const single = await drift(`from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&window=single`);
    const inside = events.filter((e) => Date.parse(e.timestamp) >= from && Date.parse(e.timestamp) < to);
    const bins = freezeBins(refX, "numerical");
    const xs = inside.map((e) => e.features.x);
    const x = feature(single.windows[0], "x");
    expect(x.bins.current).toEqual(alignCounts(bins, countIntoBins(bins, refX), countIntoBins(bins, xs)).cur);
    expect(x.missing).toBe(xs.filter((v) => v === null).length);
    close(x.results[0].statistic, psi(alignCounts(bins, countIntoBins(bins, refX), countIntoBins(bins, xs)).ref, x.bins.current));
    // quality per day (daily rows) against per hour (hour rows) over the same window
    const quality = async (step: string) =>
      (await call(getQualityRoute, { path: `/api/v1/models/${model}/quality?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&step=${step}`, params: { model } })).body;
    const [perDay, perHour] = [await quality("1d"), await quality("1h")];
    const qx = (b: { features: { name: string; missingSeries: { start: string; count: number; missing: number }[] }[] }) => b.features.find((f) => f.name === "x")!;
    const totals = (b: { features: Record<string, unknown>[] }) => b.features.map(({ name, count, missing, typeMismatches, outOfRange, newCategories }) => ({ name, count, missing, typeMismatches, outOfRange, newCategories }));
    expect(totals(perDay)).toEqual(totals(perHour));
    const summed = new Map<number, [number, number]>();
    for (const p of qx(perHour).missingSeries) {
      const d = Math.floor(Date.parse(p.start) / DAY) * DAY;
      const [n, m] = summed.get(d) ?? [0, 0];
      summed.set(d, [n + p.count, m + p.missing]);
    }
    expect(qx(perDay).missingSeries.map((p) => [p.count, p.missing])).toEqual([...summed.values()]);
    expect(qx(perDay).missingSeries.reduce((s, p) => s + p.missing, 0)).toBe(xs.filter((v) => v === null).length);
  });

  it("?version= reads against that version's own reference when it has one, else the model's (issue #14)", async () => {
    const model = uniqueModel("verref");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "regression", features: [{ name: "x", type: "numerical" }] } });
    const rng = createRandom(77);
    const refAll = Array.from({ length: 2000 }, () => rng.normal());
    const refV2 = Array.from({ length: 2000 }, () => rng.normal() + 1);
    expect((await call(putReference, { method: "PUT", params: { model }, body: { rows: refAll.map((x) => ({ features: { x }, prediction: x })) } })).status).toBe(200);
    expect((await call(putReference, { method: "PUT", params: { model }, body: { version: "v2", rows: refV2.map((x) => ({ features: { x }, prediction: x })) } })).status).toBe(200);
    const hour = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
    const v1 = Array.from({ length: 500 }, () => rng.normal());
    const v2 = Array.from({ length: 500 }, () => rng.normal() + 1);
    const ev = (xs: number[], version: string) => xs.map((x, i) => ({ id: `${version}-${i}`, model, version, timestamp: new Date(hour + 60_000 + i * 7000).toISOString(), features: { x }, prediction: x }));
    await call(postPredictions, { method: "POST", body: [...ev(v1, "v1"), ...ev(v2, "v2")] });
    const range = `from=${new Date(hour).toISOString()}&to=${new Date(hour + HOUR).toISOString()}`;
    const get = async (query: string) => (await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?${range}&methods=psi&bins=true${query}`, params: { model } })).body;
    for (const [query, window] of [["&step=1h", "series"], ["&window=single", "single"]] as const) {
      // v2 against v2's reference: its bins, its counts, no drift
      const own = await get(`${query}&version=v2`);
      expect(own.window).toBe(window);
      expect(own.reference.version).toBe("v2");
      const x = own.windows[0].features[0];
      const bins = freezeBins(refV2, "numerical");
      const a = alignCounts(bins, countIntoBins(bins, refV2), countIntoBins(bins, v2));
      expect(x.count).toBe(500);
      expect(x.bins.reference).toEqual(a.ref);
      expect(x.bins.current).toEqual(a.cur);
      close(x.results[0].statistic, psi(a.ref, a.cur));
      expect(x.drifted).toBe(false);
      expect(own.windows[0].prediction.count).toBe(500);
      // v1 has no reference of its own: the model's, on which v1 does not drift either
      const fallback = await get(`${query}&version=v1`);
      expect(fallback.reference.version).toBeNull();
      expect(fallback.windows[0].features[0].count).toBe(500);
      expect(fallback.windows[0].features[0].drifted).toBe(false);
      // all versions against the model's reference: v2's shift shows
      const all = await get(query);
      expect(all.reference.version).toBeNull();
      expect(all.windows[0].features[0].count).toBe(1000);
      expect(all.windows[0].features[0].drifted).toBe(true);
    }
  });

  it("answers 409 without a reference and 422 for sub-hour drift steps", async () => {
    const model = uniqueModel("noref");
    await call(postPredictions, { method: "POST", body: { model, features: { a: 1 }, prediction: "x" } });
    const none = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift`, params: { model } });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe("no_reference");
    const step = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?step=5m`, params: { model } });
    expect(step.status).toBe(422);
    const bad = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?methods=psi,magic`, params: { model } });
    expect(bad.status).toBe(422);
  });

  it("bounds the raw-value methods to 60 windows, and refuses a threshold on the default verdict", async () => {
    const model = uniqueModel("rawcap");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "regression", features: [{ name: "x", type: "numerical" }] } });
    await call(postPredictions, { method: "POST", body: { model, features: { x: 1 }, prediction: 1 } });
    await call(putReference, { method: "PUT", params: { model }, body: { rows: [{ features: { x: 1 }, prediction: 1 }] } });
    const to = Math.floor(Date.now() / HOUR) * HOUR;
    const many = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?methods=ks&step=1h&from=${to - 61 * HOUR}&to=${to}`, params: { model } });
    expect(many.status).toBe(422);
    expect(many.body.error.details[0].path).toBe("methods");
    const ok = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?methods=ks&step=1h&from=${to - 60 * HOUR}&to=${to}`, params: { model } });
    expect(ok.status).toBe(200);
    expect(ok.body.windows).toHaveLength(60);
    const setting = await call(putModel, { method: "PUT", params: { model }, body: { drift: { numerical: { method: "default", threshold: 0.2 } } } });
    expect(setting.status).toBe(422);
    expect(setting.body.error.details[0].path).toBe("drift.numerical.threshold");
  });
});
