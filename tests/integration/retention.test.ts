// Raw-event retention (issue #16): a pass deletes raw prediction events (and their labels) older than the install's
// retention, in whole hours; the rollups stay, so metrics and quality over old hours read as before, and a reference
// published afterwards re-bins only the hours whose raw events are still there.
import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { GET as getMetricsRoute } from "@/app/api/v1/models/[model]/metrics/route";
import { GET as getQualityRoute } from "@/app/api/v1/models/[model]/quality/route";
import { getDb, Prisma } from "@/lib/db/client";
import { pruneRawEvents, retentionCutoff } from "@/lib/retention/prune";
import { getRetention, setRetention } from "@/lib/retention/settings";
import { rollupDifferences, storedRollups } from "@/lib/rollups/store/recount";
import { call, countEvents, uniqueModel } from "../helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function seed(model: string, now: number) {
  await call(putModel, {
    method: "PUT",
    params: { model },
    body: { task: "binary_classification", classes: ["no", "yes"], features: [{ name: "x", type: "numerical" }, { name: "c", type: "categorical" }] },
  });
  const ref = Array.from({ length: 400 }, (_, i) => ({ features: { x: (i % 40) / 4, c: ["a", "b"][i % 2] }, prediction: i % 3 ? "no" : "yes" }));
  expect((await call(putReference, { method: "PUT", params: { model }, body: { rows: ref } })).status).toBe(200);
  const oldHour = Math.floor((now - 10 * DAY) / HOUR) * HOUR;
  const newHour = Math.floor((now - 2 * HOUR) / HOUR) * HOUR;
  const events = (prefix: string, hour: number) =>
    Array.from({ length: 300 }, (_, i) => ({
      id: `${prefix}-${i}`,
      model,
      timestamp: new Date(hour + i * 10_000).toISOString(),
      features: { x: (i % 50) / 4, c: i % 7 ? "a" : null },
      prediction: i % 4 ? "no" : "yes",
      latencyMs: 5 + (i % 20),
    }));
  for (const [prefix, hour] of [["old", oldHour], ["new", newHour]] as const) {
    expect((await call(postPredictions, { method: "POST", body: events(prefix, hour) })).body.accepted).toBe(300);
    const labels = Array.from({ length: 100 }, (_, i) => ({ model, id: `${prefix}-${i}`, actual: i % 2 ? "no" : "yes" }));
    expect((await call(postLabels, { method: "POST", body: { labels } })).body.matched).toBe(100);
  }
  return { oldHour, newHour };
}

const window = (from: number, to: number) => `window=single&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;

describe("raw-event retention", () => {
  it("keeps everything while no retention is set, and refuses out-of-range days", async () => {
    expect((await getRetention()).days).toBeNull();
    expect((await pruneRawEvents()).events).toBe(0);
    await expect(setRetention(0, "user:a@b")).rejects.toThrow();
    await expect(setRetention(3651, "user:a@b")).rejects.toThrow();
    await expect(setRetention(1.5, "user:a@b")).rejects.toThrow();
    const set = await setRetention(30, "user:a@b");
    expect(set).toMatchObject({ days: 30, updatedBy: "user:a@b" });
    expect((await setRetention(null, "user:a@b")).days).toBeNull();
  });

  it("cuts at whole hours", () => {
    expect(retentionCutoff(new Date("2026-12-05T17:42:10Z"), 7).toISOString()).toBe("2026-11-28T17:00:00.000Z");
  });

  it("deletes raw events and their labels older than the retention, keeps the rollups and what the APIs read from them", async () => {
    const model = uniqueModel("ret");
    const now = Date.now();
    const { oldHour, newHour } = await seed(model, now);
    const metrics = async (from: number, to: number) =>
      (await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?${window(from, to)}`, params: { model } })).body.buckets[0];
    const quality = async (from: number, to: number) =>
      (await call(getQualityRoute, { path: `/api/v1/models/${model}/quality?${window(from, to)}`, params: { model } })).body;
    const oldMetricsBefore = await metrics(oldHour, oldHour + HOUR);
    const oldQualityBefore = await quality(oldHour, oldHour + HOUR);
    const rollupsBefore = await storedRollups(model);
    expect(oldMetricsBefore.requests).toBe(300);
    expect(oldMetricsBefore.labels.labelled).toBe(100);

    await setRetention(7, "user:admin@localhost");
    const out = await pruneRawEvents(new Date(now));
    expect(out.cutoff).toBe(retentionCutoff(new Date(now), 7).toISOString());
    expect(out.models).toContain(model);
    const [{ events: left, labels: labelsLeft, pruned }] = await getDb().$queryRaw<{ events: number; labels: number; pruned: Date }[]>(Prisma.sql`
      SELECT (SELECT count(*)::int FROM prediction_events WHERE model_id = ${model}) AS events,
             (SELECT count(*)::int FROM labels WHERE model_id = ${model}) AS labels,
             (SELECT raw_pruned_before FROM models WHERE id = ${model}) AS pruned`);
    expect(left).toBe(300);
    expect(labelsLeft).toBe(100);
    expect(pruned.toISOString()).toBe(out.cutoff);
    const [{ oldest }] = await getDb().$queryRaw<{ oldest: Date }[]>(Prisma.sql`SELECT min(ts) AS oldest FROM prediction_events WHERE model_id = ${model}`);
    expect(oldest.getTime()).toBe(newHour);

    // rollups untouched, so every read over the old hour is unchanged
    const rollupsAfter = await storedRollups(model);
    expect(rollupsAfter.metrics).toEqual(rollupsBefore.metrics);
    expect(rollupsAfter.features).toEqual(rollupsBefore.features);
    expect(await metrics(oldHour, oldHour + HOUR)).toEqual(oldMetricsBefore);
    expect(await quality(oldHour, oldHour + HOUR)).toEqual(oldQualityBefore);

    // a second pass finds nothing more
    expect((await pruneRawEvents(new Date(now))).events).toBe(0);
    expect(await countEvents(model)).toBe(300);
  });

  it("re-binning on a new reference recounts only the hours whose raw events remain, and keeps the older rows", async () => {
    const model = uniqueModel("retref");
    const now = Date.now();
    const { oldHour } = await seed(model, now);
    await pruneRawEvents(new Date(now), 7);
    const cutoff = retentionCutoff(new Date(now), 7);
    const oldRows = async () =>
      (await getDb().$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM feature_rollups WHERE model_id = ${model} AND bucket = ${new Date(oldHour)}`))[0].n;
    expect(await oldRows()).toBeGreaterThan(0);
    const ref = Array.from({ length: 500 }, (_, i) => ({ features: { x: i / 10, c: ["a", "b", "d"][i % 3] } }));
    expect((await call(putReference, { method: "PUT", params: { model }, body: { rows: ref } })).status).toBe(200);
    expect(await oldRows()).toBeGreaterThan(0);
    // the hours after the cut are exactly what a recount on the new reference gives
    expect((await rollupDifferences(model, undefined, { from: cutoff, to: new Date(now + DAY) })).differences).toEqual([]);
    // and the metrics over the old hour still count its 300 requests
    const m = await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?${window(oldHour, oldHour + HOUR)}`, params: { model } });
    expect(m.body.buckets[0].requests).toBe(300);
  });
});
