// Raw-event retention (issues #16, #15): a pass drops the daily partitions of raw prediction events (and their
// labels) older than the install's retention, cut at a UTC day; the rollups stay, so metrics, quality, drift and the
// model lists over old days read as before, and a reference published afterwards re-bins only the hours whose raw
// events are still there. The write path refuses events and labels dated before the cut.
import { afterAll, describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { GET as getMetricsRoute } from "@/app/api/v1/models/[model]/metrics/route";
import { GET as getQualityRoute } from "@/app/api/v1/models/[model]/quality/route";
import { GET as getDriftRoute } from "@/app/api/v1/models/[model]/drift/route";
import { GET as getModelRoute } from "@/app/api/v1/models/[model]/route";
import { GET as listModelsRoute } from "@/app/api/v1/models/route";
import { eventPartitions, partitionName, dayOf } from "@/lib/retention/partitions";
import { getDb, Prisma } from "@/lib/db/client";
import { pruneRawEvents, rawEventsBefore, retentionCutoff } from "@/lib/retention/prune";
import { DEFAULT_RETENTION_DAYS, getRetention, setRetention } from "@/lib/retention/settings";
import { rollupDifferences, storedRollups } from "@/lib/rollups/store/recount";
import { call, countEvents, uniqueModel } from "../helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A binary model with one numerical and one categorical feature, and a 400-row reference. */
async function defineWithReference(model: string) {
  await call(putModel, {
    method: "PUT",
    params: { model },
    body: { task: "binary_classification", classes: ["no", "yes"], features: [{ name: "x", type: "numerical" }, { name: "c", type: "categorical" }] },
  });
  const ref = Array.from({ length: 400 }, (_, i) => ({ features: { x: (i % 40) / 4, c: ["a", "b"][i % 2] }, prediction: i % 3 ? "no" : "yes" }));
  expect((await call(putReference, { method: "PUT", params: { model }, body: { rows: ref } })).status).toBe(200);
}

async function seed(model: string, now: number) {
  await defineWithReference(model);
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

// Other files share the database: leave the retention as a fresh install has it.
afterAll(async () => {
  await setRetention(DEFAULT_RETENTION_DAYS, "user:admin@localhost");
});

describe("raw-event retention", () => {
  it("keeps 30 days by default, everything when set to forever, and refuses out-of-range days", async () => {
    expect((await getRetention()).days).toBe(30);
    await setRetention(null, "user:a@b");
    expect((await pruneRawEvents()).partitions).toEqual([]);
    await expect(setRetention(0, "user:a@b")).rejects.toThrow();
    await expect(setRetention(3651, "user:a@b")).rejects.toThrow();
    await expect(setRetention(1.5, "user:a@b")).rejects.toThrow();
    const set = await setRetention(30, "user:a@b");
    expect(set).toMatchObject({ days: 30, updatedBy: "user:a@b" });
    expect((await setRetention(null, "user:a@b")).days).toBeNull();
  });

  it("cuts at the start of a UTC day, between two daily partitions", () => {
    expect(retentionCutoff(new Date("2026-12-05T17:42:10Z"), 7).toISOString()).toBe("2026-11-28T00:00:00.000Z");
    expect(partitionName(dayOf(Date.parse("2026-11-28T23:59:59.999Z")))).toBe("prediction_events_p20261128");
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
    expect(out.partitions).toContain(partitionName(dayOf(oldHour)));
    expect(out.labels).toBeGreaterThanOrEqual(100);
    expect(await rawEventsBefore(new Date(out.cutoff!))).toBe(0);
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
    expect((await pruneRawEvents(new Date(now))).partitions).toEqual([]);
    expect(await countEvents(model)).toBe(300);

    // events and labels dated before the cut are refused one by one; the rest of the batch is taken
    const stale = new Date(oldHour).toISOString();
    const posted = await call(postPredictions, {
      method: "POST",
      body: [
        { id: "old-0", model, timestamp: stale, features: { x: 1, c: "a" }, prediction: "no" },
        { id: "late-0", model, timestamp: new Date(now - HOUR).toISOString(), features: { x: 1, c: "a" }, prediction: "no" },
      ],
    });
    expect(posted.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: [{ index: 0, id: "old-0", code: "event_outside_retention" }] });
    const labelled = await call(postLabels, { method: "POST", body: { labels: [{ model, id: "old-1", actual: "no", timestamp: stale }] } });
    expect(labelled.body).toMatchObject({ accepted: 0, rejected: [{ index: 0, id: "old-1", code: "event_outside_retention" }] });
    await setRetention(30, "user:admin@localhost");
  });

  it("60 days of events, 30 days kept: the pass drops the 30 oldest days whole, and the reads of those days answer as before from rollups", async () => {
    await setRetention(null, "user:admin@localhost");
    const model = uniqueModel("ret60");
    const now = Date.now();
    const today = dayOf(now);
    await defineWithReference(model);
    // 8 events a day over the 60 days before today, labelled in part
    const events = Array.from({ length: 60 * 8 }, (_, i) => ({
      id: `e-${i}`,
      model,
      timestamp: new Date((today - 60) * DAY + Math.floor(i / 8) * DAY + (i % 8) * 3 * HOUR).toISOString(),
      features: { x: (i % 37) / 3, c: i % 5 ? "a" : "b" },
      prediction: i % 3 ? "no" : "yes",
      latencyMs: i % 50,
      label: i % 4 === 0 ? (i % 8 ? "yes" : "no") : undefined,
    }));
    expect((await call(postPredictions, { method: "POST", body: events })).body.accepted).toBe(events.length);
    const days = new Set((await eventPartitions()).map((p) => p.day));
    for (let d = today - 60; d < today; d++) expect(days.has(d)).toBe(true);

    const from = (today - 60) * DAY;
    const to = (today - 30) * DAY;
    const reads = async () => ({
      metrics: (await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?${window(from, to)}`, params: { model } })).body,
      daily: (await call(getMetricsRoute, { path: `/api/v1/models/${model}/metrics?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&step=1d`, params: { model } })).body,
      quality: (await call(getQualityRoute, { path: `/api/v1/models/${model}/quality?${window(from, to)}`, params: { model } })).body,
      drift: (await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?methods=psi,js,chi2,hellinger,ztest&${window(from, to)}`, params: { model } })).body,
      model: (await call(getModelRoute, { path: `/api/v1/models/${model}`, params: { model } })).body,
      overview: (await call(listModelsRoute, { path: `/api/v1/models` })).body.models.find((m: { id: string }) => m.id === model),
    });
    const before = await reads();
    expect(before.metrics.buckets[0].requests).toBe(30 * 8);

    await setRetention(30, "user:admin@localhost");
    const started = performance.now();
    const out = await pruneRawEvents(new Date(now));
    const ms = performance.now() - started;
    expect(out.cutoff).toBe(new Date((today - 30) * DAY).toISOString());
    expect(out.partitions).toEqual(expect.arrayContaining(Array.from({ length: 30 }, (_, k) => partitionName(today - 60 + k))));
    expect(out.models).toContain(model);
    expect(await rawEventsBefore(new Date(out.cutoff!))).toBe(0);
    expect(await countEvents(model)).toBe(30 * 8);
    expect(ms).toBeLessThan(5_000); // bench/retention times it at scale
    // Everything reads as before but the model's count of stored labels (raw rows, which go with their predictions).
    const after = await reads();
    expect(after.model.counts.labels).toBe(before.model.counts.labels / 2);
    after.model.counts.labels = before.model.counts.labels;
    expect(after).toEqual(before);
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
