// Issue #14's data migration: a reference frozen on the pre-#14 decile bins, and the feature rollups binned on it,
// are brought to the quantile bins (deciles + tails) from the reference's stored rows and the raw events.
import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { GET as getDriftRoute } from "@/app/api/v1/models/[model]/drift/route";
import { getDb, Prisma } from "@/lib/db/client";
import { BIN_SCHEME, type ReferenceProfile } from "@/lib/models/references/profile";
import { rebinLegacyReferences } from "@/lib/models/references/rebin";
import { invalidateModelContext } from "@/lib/rollups/store/contexts";
import { rebinFeatureRollups, rollupDifferences } from "@/lib/rollups/store/recount";
import { lockModels } from "@/lib/rollups/store/write";
import { DECILES, alignCounts, countIntoBins, createRandom, freezeBins, psi } from "@/lib/stats";
import { call, uniqueModel } from "../helpers";

const HOUR = 3_600_000;

describe("re-binning references frozen on decile bins (issue #14 data migration)", () => {
  it("brings a decile reference and its rollups to the quantile bins, exactly as a fresh upload would bin them", async () => {
    const model = uniqueModel("rebin14");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "regression", features: [{ name: "x", type: "numerical" }, { name: "c", type: "categorical" }] } });
    const rng = createRandom(1414);
    const refX = Array.from({ length: 2000 }, () => rng.normal());
    const put = await call(putReference, { method: "PUT", params: { model }, body: { rows: refX.map((x, i) => ({ features: { x, c: i % 3 ? "a" : "b" }, prediction: x })) } });
    expect(put.status).toBe(200);
    const hour = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
    const xs = Array.from({ length: 600 }, () => rng.normal() * 1.3);
    await call(postPredictions, { method: "POST", body: xs.map((x, i) => ({ id: `m-${i}`, model, timestamp: new Date(hour + i * 5000).toISOString(), features: { x, c: "a" }, prediction: x })) });

    // What a reference stored before issue #14 looks like: decile bins, no binScheme, and rollups binned on it.
    const db = getDb();
    const set = await db.referenceSet.findFirstOrThrow({ where: { modelId: model, status: "ready" } });
    const fresh = set.profile as unknown as ReferenceProfile;
    expect(fresh.binScheme).toBe(BIN_SCHEME);
    const deciles = freezeBins(refX, "numerical", DECILES);
    const legacy: ReferenceProfile = {
      rows: fresh.rows,
      features: { ...fresh.features, x: { ...fresh.features.x, bins: deciles, counts: countIntoBins(deciles, refX).counts } },
      prediction: { ...fresh.prediction!, bins: deciles, counts: countIntoBins(deciles, refX).counts },
    };
    await db.$transaction(async (tx) => {
      await lockModels(tx, [model], "exclusive");
      await tx.referenceSet.update({ where: { id: set.id }, data: { profile: legacy as unknown as Prisma.InputJsonValue } });
      invalidateModelContext(model);
      await rebinFeatureRollups(tx, model);
    });
    invalidateModelContext(model);
    const range = `from=${new Date(hour).toISOString()}&to=${new Date(hour + HOUR).toISOString()}&step=1h`;
    const drift = async () => (await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?${range}&methods=psi&bins=true`, params: { model } })).body;
    const before = await drift();
    expect(before.windows[0].features.find((f: { feature: string }) => f.feature === "x").bins.reference).toHaveLength(10);
    expect((await rollupDifferences(model)).differences).toEqual([]);

    const out = await rebinLegacyReferences();
    expect(out.references).toContain(String(set.id));
    expect(out.rebinnedModels).toContain(model);
    const stored = (await db.referenceSet.findUniqueOrThrow({ where: { id: set.id } })).profile as unknown as ReferenceProfile;
    expect(stored.binScheme).toBe(BIN_SCHEME);
    expect(stored.features.x.bins).toEqual(fresh.features.x.bins); // = the fresh upload's bins and counts
    expect(stored.features.x.counts).toEqual(fresh.features.x.counts);
    expect(stored.features.x.moments).toEqual(fresh.features.x.moments);
    expect(stored.features.c).toEqual(legacy.features.c);
    expect(stored.prediction?.bins).toEqual(fresh.prediction?.bins);

    // the rollups were recounted from the raw events on the new bins: the drift read sees 18 bins, the same numbers
    // as lib/stats on the raw values, and the stored rollups equal a recount
    const after = await drift();
    const x = after.windows[0].features.find((f: { feature: string }) => f.feature === "x");
    const bins = freezeBins(refX, "numerical");
    const a = alignCounts(bins, countIntoBins(bins, refX), countIntoBins(bins, xs));
    expect(x.bins.reference).toEqual(a.ref);
    expect(x.bins.current).toEqual(a.cur);
    expect(x.bins.reference).toHaveLength(18);
    expect(Math.abs(x.results[0].statistic - psi(a.ref, a.cur))).toBeLessThan(1e-12);
    expect(after.windows[0].prediction.bins.reference).toHaveLength(18);
    expect((await rollupDifferences(model)).differences).toEqual([]);
    // idempotent
    expect((await rebinLegacyReferences()).references).not.toContain(String(set.id));
  });
});
