// Issue #14: a reference too large to hold its numerical values in memory gets its quantile bins from its spill files
// (an upload) or from the stored rows (a window, old profiles), and the profile is the same, to the last bit, as
// the one built in memory.
import { describe, expect, it } from "vitest";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { getDb } from "@/lib/db/client";
import type { RawItem } from "@/lib/http/body";
import { createProfileBuilder, type ReferenceProfile } from "@/lib/models/references/profile";
import { createSpillFiles } from "@/lib/models/references/spill";
import { currentReference, finishProfile, profileBuilderFor } from "@/lib/models/references/store";
import { uploadReferenceRows } from "@/lib/models/references/upload";
import { createRandom } from "@/lib/stats";
import { call, uniqueModel } from "../helpers";

/** Rows with ties, a few distinct values, wrong types, numbers past ±1e100, subnormals, −0 and a late new feature. */
function rows(n: number): RawItem[] {
  const rng = createRandom(2026);
  return Array.from({ length: n }, (_, i) => {
    const r = rng.uniform();
    const x = r < 0.01 ? "12" : r < 0.02 ? null : r < 0.025 ? 1e101 : r < 0.03 ? -0 : r < 0.035 ? 5e-324 : r < 0.04 ? 1e-310 : Math.round(rng.normal() * 1000) / 100;
    const features: Record<string, unknown> = { x, dice: 1 + Math.floor(rng.uniform() * 6), plan: i % 3 ? "pro" : "free", wide: rng.normal() * 1e6 };
    if (i > n / 2) features.late = rng.uniform() * 10;
    return { index: i, value: { features, prediction: Math.round(rng.normal() * 100) / 10, ...(i % 4 ? { actual: 1.5 } : {}) } };
  });
}

async function profileOf(model: string): Promise<ReferenceProfile> {
  const ref = await currentReference(model, true);
  return ref!.profile;
}

describe("reference upload", () => {
  it("builds the same profile whether the numerical values are held in memory, spilled to files or binned by the database", async () => {
    const models = [uniqueModel("refmem"), uniqueModel("refspill")];
    for (const model of models) {
      const res = await call(putModel, { method: "PUT", params: { model }, body: { task: "regression", features: [{ name: "x", type: "numerical" }, { name: "plan", type: "categorical" }] } });
      expect(res.status).toBeLessThan(300);
    }
    const data = rows(30_000);
    const inMemory = await uploadReferenceRows(models[0], undefined, data, 1e6);
    // a budget of 5,000 values: the builder lets go of every numerical feature's values within the first rows
    const spilled = await uploadReferenceRows(models[1], undefined, data, 1e6, 5_000);
    expect(inMemory.rows).toBe(30_000);
    expect(spilled.rows).toBe(30_000);
    const [a, b] = [await profileOf(models[0]), await profileOf(models[1])];
    expect(b.features.x.bins.kind).toBe("numeric");
    expect(b.features.dice.bins.kind).toBe("values"); // ≤ 20 distinct: value bins, counted while streaming
    expect(b.features.late.count).toBeGreaterThan(14_000);
    expect(b.prediction?.bins.kind).toBe("numeric");
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // and both agree with what was sent: x's missing = strings, nulls and the numbers past ±1e100
    expect(a.features.x.missing).toBe(data.filter((d) => {
      const x = (d.value as { features: { x: unknown } }).features.x;
      return typeof x !== "number" || Math.abs(x) > 1e100;
    }).length);
    expect(a.features.x.counts.reduce((s, c) => s + c, 0)).toBe(a.features.x.count);
    const stored = await getDb().referenceRow.findMany({ where: { referenceId: BigInt(spilled.referenceId) }, orderBy: { rowNo: "asc" }, select: { features: true, prediction: true } });
    expect(stored.length).toBe(30_000);
    // the database's path (no spill files: the window reference, re-binning): the same profile from the stored rows
    const fromRows = await profileBuilderFor(models[1], 5_000);
    for (const r of stored) fromRows.add({ features: r.features as Record<string, unknown>, prediction: r.prediction });
    expect(fromRows.spilled().map((f) => f.name).sort()).toEqual(["\u001fprediction", "late", "wide", "x"]);
    const c = await finishProfile(fromRows, BigInt(spilled.referenceId));
    // (compared by name: the builder from the stored rows meets the features in their stored order)
    const binsOf = (p: ReferenceProfile) => JSON.stringify([p.prediction, ...Object.keys(p.features).sort().map((k) => p.features[k])].map((f) => [f?.bins, f?.counts, f?.count]));
    expect(binsOf(c)).toBe(binsOf(a));
  });

  it("finishes a spilled profile from its spill files alone", async () => {
    const data = rows(20_000).map((d) => d.value as { features: Record<string, unknown>; prediction: unknown });
    const opts = { featureTypes: { x: "numerical" as const, plan: "categorical" as const }, task: "regression" as const };
    const inMemory = createProfileBuilder(opts);
    const files = createSpillFiles();
    try {
      const spilling = createProfileBuilder({ ...opts, valueBudget: 3_000, spill: files });
      for (const d of data) {
        inMemory.add(d);
        spilling.add(d);
      }
      expect(spilling.spilled().length).toBe(4);
      // reference 0 has no stored rows: a feature binned by the database would fail
      const p = await finishProfile(spilling, 0n, undefined, files);
      expect(JSON.stringify(p)).toBe(JSON.stringify(inMemory.finish()));
      expect(p.features.x.bins.kind).toBe("numeric");
    } finally {
      files.close();
    }
  });

  it("stores every row under its own number while batches are written on several connections at once", async () => {
    const model = uniqueModel("refpar");
    const res = await call(putModel, { method: "PUT", params: { model }, body: { task: "regression", features: [{ name: "x", type: "numerical" }] } });
    expect(res.status).toBeLessThan(300);
    const data = rows(23_456); // several 5,000-row batches and a short last one
    const out = await uploadReferenceRows(model, undefined, data, 1e6);
    expect(out.rows).toBe(23_456);
    const stored = await getDb().referenceRow.findMany({ where: { referenceId: BigInt(out.referenceId) }, orderBy: { rowNo: "asc" }, select: { rowNo: true, features: true, prediction: true } });
    expect(stored.map((r) => r.rowNo)).toEqual(data.map((_, i) => i));
    // each stored row reads back as the row sent at its index (as JSON: −0 is 0 there)
    expect(stored.map((r) => [r.features, r.prediction])).toEqual(data.map((d) => {
      const v = d.value as { features: Record<string, unknown>; prediction: unknown };
      return JSON.parse(JSON.stringify([v.features, v.prediction]));
    }));
  });

  it("leaves the previous reference whole when an upload fails after batches were written", async () => {
    const model = uniqueModel("reffail");
    const res = await call(putModel, { method: "PUT", params: { model }, body: { task: "regression", features: [{ name: "x", type: "numerical" }] } });
    expect(res.status).toBeLessThan(300);
    const first = await uploadReferenceRows(model, undefined, rows(6_000), 1e6);
    // 30,000 rows against a limit of 17,000: three batches are written (in parallel) before the 413
    await expect(uploadReferenceRows(model, undefined, rows(30_000), 17_000)).rejects.toMatchObject({ status: 413 });
    const sets = await getDb().referenceSet.findMany({ where: { modelId: model }, select: { id: true, status: true, rowCount: true } });
    expect(sets).toEqual([{ id: BigInt(first.referenceId), status: "ready", rowCount: 6_000 }]);
    const [{ n }] = await getDb().$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM reference_rows r WHERE NOT EXISTS (SELECT 1 FROM reference_sets s WHERE s.id = r.reference_id)
         OR r.reference_id IN (SELECT id FROM reference_sets WHERE model_id = ${model} AND status <> 'ready')`;
    expect(n).toBe(0);
    expect((await currentReference(model, false))?.profile.rows).toBe(6_000);
  });
});
