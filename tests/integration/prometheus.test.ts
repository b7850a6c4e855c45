import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { GET as getDriftRoute } from "@/app/api/v1/models/[model]/drift/route";
import { GET as getMetricsRoute } from "@/app/api/v1/models/[model]/metrics/route";
import { GET as getQualityRoute } from "@/app/api/v1/models/[model]/quality/route";
import { DELETE as deleteModelRoute, PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { GET as getMetricsEndpoint } from "@/app/metrics/route";
import { createApiKey } from "@/lib/auth/apiKeys";
import { getDb, Prisma } from "@/lib/db/client";
import { scrape } from "@/lib/metrics/scrape";
import { diffDocs } from "@/lib/rollups/store/recount";
import { type Doc, key, LATENCY_BOUNDS_MS, mergeInto, SEP } from "@/lib/rollups/documents";
import { createRandom } from "@/lib/stats";
import { type ParsedSample, parseExposition, select, seriesId, valueOf } from "../exposition";
import { ADMIN, call, makeEvents, uniqueModel } from "../helpers";

const HOUR = 3_600_000;

async function get(headers: Record<string, string> = {}, query = "") {
  const res = await getMetricsEndpoint(new Request(`http://localhost/metrics${query}`, { headers }), { params: Promise.resolve({}) });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}
const auth = { authorization: `Bearer ${ADMIN}` };
const scrapeSamples = async (now = Date.now()) => parseExposition((await scrape("text", now)).body);

/** The hour rows of each version of a model, merged (the counters must equal them). */
async function hourSums(model: string): Promise<Map<string, Doc>> {
  const rows = await getDb().$queryRaw<{ version: string; data: Doc }[]>(Prisma.sql`
    SELECT version, data FROM rollups WHERE model_id = ${model} AND level = 'h' AND version <> ''`);
  const out = new Map<string, Doc>();
  for (const r of rows) mergeInto(out.get(r.version) ?? out.set(r.version, {}).get(r.version)!, r.data);
  return out;
}

/** Every counter series of a model (name → value), for comparing scrapes. */
function counterValues(samples: ParsedSample[], model: string): Map<string, number> {
  return new Map(
    samples
      .filter((s) => s.labels.model_name === model && (s.name.endsWith("_total") || s.name.endsWith("_bucket") || s.name.endsWith("_count")))
      .map((s) => [seriesId(s), s.value]),
  );
}

const envBefore = { ...process.env };
afterEach(() => {
  for (const k of ["METRICS_PUBLIC", "DRIFTWATCH_METRICS_MAX_SERIES", "DRIFTWATCH_METRICS_MAX_LABEL_VALUES"]) {
    if (envBefore[k] === undefined) delete process.env[k];
    else process.env[k] = envBefore[k];
  }
});

describe("GET /metrics", () => {
  it("needs a read token unless METRICS_PUBLIC=true, and speaks text 0.0.4 or OpenMetrics 1.0 as asked", async () => {
    const none = await get();
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text).error.code).toBe("unauthorized");
    const ingest = await createApiKey({ name: "writer", scopes: ["ingest"] });
    expect((await get({ authorization: `Bearer ${ingest.token}` })).status).toBe(403);
    const read = await createApiKey({ name: "prometheus", scopes: ["read"] });

    const text = await get({ authorization: `Bearer ${read.token}` });
    expect(text.status).toBe(200);
    expect(text.type).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(text.text).toContain("# TYPE process_cpu_seconds_total counter");
    expect(text.text).not.toContain("# EOF");

    const prometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    const om = await get({ ...auth, accept: prometheusAccept });
    expect(om.type).toBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
    expect(om.text).toContain("# TYPE process_cpu_seconds counter\n");
    expect(om.text.endsWith("# EOF\n")).toBe(true);
    // a scrape config's params can choose the format whatever the Accept header says
    expect((await get({ ...auth, accept: prometheusAccept }, "?format=text")).type).toMatch(/^text\/plain/);
    expect((await get(auth, "?format=openmetrics")).type).toMatch(/^application\/openmetrics-text/);
    const bad = await get(auth, "?format=json");
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.text).error.details).toEqual([{ path: "format", message: "must be text or openmetrics" }]);

    process.env.METRICS_PUBLIC = "true";
    expect((await get()).status).toBe(200);
  });

  it("counts exactly what the rollups hold, per version, and no counter goes down through late labels and corrections", async () => {
    const model = uniqueModel("promc");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["legit", "fraud"], positiveClass: "fraud" } });
    const events = makeEvents(model, 3000, "e", Date.now() - 5 * HOUR).map((e, i) => ({
      ...e,
      ...(i % 37 === 0 ? { error: { type: i % 2 ? "timeout" : "oom" } } : {}),
      segments: { region: i % 3 ? "eu" : "us" },
    }));
    // 6 concurrent writers, some batches sent twice (retries count nothing)
    const batches = Array.from({ length: 12 }, (_, b) => events.slice(b * 250, b * 250 + 250));
    const jobs = [...batches, batches[1], batches[7]];
    let next = 0;
    await Promise.all(Array.from({ length: 6 }, async () => {
      while (next < jobs.length) expect((await call(postPredictions, { method: "POST", body: jobs[next++] })).status).toBe(200);
    }));
    const before = await scrapeSamples();

    const labelled = events.filter((_, i) => i % 4 === 0);
    const actual = (i: number) => (i % 3 === 0 ? "fraud" : "legit");
    await call(postLabels, { method: "POST", body: labelled.map((e, i) => ({ model, id: e.id, actual: actual(i), timestamp: Date.now() })) });
    const labelledScrape = await scrapeSamples();
    // corrections flip outcomes both ways: the correct count of the net rollups goes down, the counters must not
    const fixes = labelled.filter((_, i) => i % 5 === 0).map((e, i) => ({ model, id: e.id, actual: actual(i) === "fraud" ? "legit" : "fraud", timestamp: Date.now() + 1000 }));
    expect((await call(postLabels, { method: "POST", body: fixes })).body.updated).toBe(fixes.length);
    const after = await scrapeSamples();

    for (const [older, newer] of [[before, labelledScrape], [labelledScrape, after]]) {
      const a = counterValues(older, model);
      const b = counterValues(newer, model);
      for (const [id, v] of a) expect(b.get(id), id).toBeGreaterThanOrEqual(v);
    }
    expect(valueOf(after, "ml_label_corrections_total", { model_name: model, model_version: "v1", outcome: "correct" })).toBeGreaterThan(0);

    const sums = await hourSums(model);
    expect([...sums.keys()].sort()).toEqual(["v1", "v2"]);
    const [{ n }] = await getDb().$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM prediction_events WHERE model_id = ${model}`);
    expect(select(after, "ml_prediction_requests_total", { model_name: model }).reduce((s, x) => s + x.value, 0)).toBe(n);
    for (const [version, doc] of sums) {
      const l = { model_name: model, model_version: version };
      expect(valueOf(after, "ml_prediction_requests_total", l)).toBe(doc.n);
      for (const type of ["timeout", "oom"]) expect(valueOf(after, "ml_prediction_errors_total", { ...l, error_type: type })).toBe(doc[key("et", type)]);
      let cum = 0;
      LATENCY_BOUNDS_MS.forEach((ms, i) => {
        cum += doc[key("lb", i)] ?? 0;
        expect(valueOf(after, "ml_prediction_latency_seconds_bucket", { ...l, le: String(ms / 1000).includes(".") ? String(ms / 1000) : `${ms / 1000}.0` })).toBe(cum);
      });
      expect(valueOf(after, "ml_prediction_latency_seconds_count", l)).toBe(doc.lc);
      expect(valueOf(after, "ml_prediction_latency_seconds_sum", l)).toBeCloseTo(doc.ls / 1000, 9);
      for (const cls of ["legit", "fraud"]) expect(valueOf(after, "ml_prediction_class_total", { ...l, predicted_class: cls })).toBe(doc[key("pc", cls)]);
      expect(valueOf(after, "ml_prediction_confidence_count", l)).toBe(doc.cc);
      // labels joined minus those taken back = the labelled predictions the rollups hold, by outcome
      let correct = 0;
      for (const k in doc) if (k.startsWith("cm" + SEP) && k.split(SEP)[1] === k.split(SEP)[2]) correct += doc[k];
      const net = (outcome: string) =>
        valueOf(after, "ml_labels_total", { ...l, outcome })! - (valueOf(after, "ml_label_corrections_total", { ...l, outcome }) ?? 0);
      expect(net("correct")).toBe(correct);
      expect(net("correct") + net("incorrect")).toBe(doc.ln ?? 0);
    }
  });

  it("keeps every counter when retention deletes the raw events, and drops a deleted model's series", async () => {
    const model = uniqueModel("promret");
    await call(postPredictions, { method: "POST", body: makeEvents(model, 400) });
    const before = counterValues(await scrapeSamples(), model);
    expect(before.size).toBeGreaterThan(0);
    await getDb().$executeRaw(Prisma.sql`DELETE FROM prediction_events WHERE model_id = ${model}`);
    expect(counterValues(await scrapeSamples(), model)).toEqual(before);
    expect((await call(deleteModelRoute, { method: "DELETE", params: { model } })).status).toBe(204);
    expect((await scrapeSamples()).filter((s) => s.labels.model_name === model)).toEqual([]);
  });

  it("reports for the last full hour what the metrics, quality and drift APIs report for that window", async () => {
    const model = uniqueModel("promg");
    await call(putModel, {
      method: "PUT",
      params: { model },
      body: {
        task: "binary_classification",
        classes: ["no", "yes"],
        positiveClass: "yes",
        features: [
          { name: "x", type: "numerical" },
          { name: "y", type: "numerical" },
          { name: "c", type: "categorical" },
          { name: "flag", type: "categorical" },
          { name: "z", type: "numerical" },
        ],
        // y decided by PSI with its own threshold, z by KS (a raw-value method /metrics does not run)
        drift: { features: { y: { method: "psi", threshold: 0.05 }, z: { method: "ks" } } },
        windows: { performance: "3h", drift: "2h" },
      },
    });
    const rng = createRandom(7);
    const cats = ["a", "b", "c"];
    const row = (shift: number) => ({
      x: rng.normal() + shift,
      y: rng.normal() * (1 + shift),
      c: rng.uniform() < 0.2 + shift / 2 ? "a" : cats[Math.floor(rng.uniform() * 3)],
      flag: rng.uniform() < 0.3 + shift / 3,
      z: rng.normal(),
    });
    const rows = Array.from({ length: 3000 }, () => {
      const f = row(0);
      return { features: f, prediction: f.x > 0.5 ? "yes" : "no" };
    });
    expect((await call(putReference, { method: "PUT", params: { model }, body: { rows } })).status).toBe(200);

    const now = Date.now();
    const end = Math.floor(now / HOUR) * HOUR;
    // 4 hours of traffic before the last full hour; drift in the last two; labels for most
    const events = Array.from({ length: 2400 }, (_, i) => {
      const ts = end - 4 * HOUR + i * 6000;
      const f = row(ts >= end - 2 * HOUR ? 0.4 : 0);
      if (i % 10 === 0) delete (f as Partial<typeof f>).x;
      const p = rng.uniform();
      return {
        id: `g-${i}`,
        model,
        version: i % 3 ? "v2" : "v1",
        timestamp: new Date(ts).toISOString(),
        features: f,
        prediction: p > 0.6 ? "yes" : "no",
        probabilities: { yes: p, no: 1 - p },
        latencyMs: 3 + (i % 40),
        ...(i % 50 === 0 ? { error: { type: "timeout" } } : {}),
      };
    });
    for (let b = 0; b < events.length; b += 1000) await call(postPredictions, { method: "POST", body: events.slice(b, b + 1000) });
    await call(postLabels, { method: "POST", body: events.filter((_, i) => i % 3 !== 1).map((e, i) => ({ model, id: e.id, actual: i % 4 === 0 ? "yes" : "no" })) });

    const samples = await scrapeSamples(now);
    const m = { model_name: model };
    expect(valueOf(samples, "ml_model_window_end_timestamp_seconds", m)).toBe(end / 1000);
    expect(valueOf(samples, "ml_model_window_seconds", { ...m, window: "performance" })).toBe(3 * 3600);
    expect(valueOf(samples, "ml_model_info", { ...m, task: "binary_classification" })).toBe(1);

    const iso = (t: number) => new Date(t).toISOString();
    const perf = await call(getMetricsRoute, { params: { model }, path: `/x?window=single&from=${iso(end - 3 * HOUR)}&to=${iso(end)}` });
    const b = perf.body.buckets[0];
    expect(valueOf(samples, "ml_model_accuracy", m)).toBe(b.performance.accuracy);
    expect(valueOf(samples, "ml_model_f1", m)).toBe(b.performance.macro.f1);
    expect(valueOf(samples, "ml_model_precision", m)).toBe(b.performance.macro.precision);
    expect(valueOf(samples, "ml_model_recall", m)).toBe(b.performance.macro.recall);
    expect(valueOf(samples, "ml_model_label_coverage", m)).toBe(b.labels.coverage);
    expect(valueOf(samples, "ml_model_labelled_predictions", m)).toBe(b.labels.labelled);

    const quality = await call(getQualityRoute, { params: { model }, path: `/x?from=${iso(end - 2 * HOUR)}&to=${iso(end)}` });
    for (const f of quality.body.features) expect(valueOf(samples, "ml_feature_missing_ratio", { ...m, feature_name: f.name }), f.name).toBe(f.missingRate);
    expect(valueOf(samples, "ml_feature_missing_ratio", { ...m, feature_name: "x" })).toBeCloseTo(0.1, 1);

    const drift = await call(getDriftRoute, { params: { model }, path: `/x?window=single&from=${iso(end - 2 * HOUR)}&to=${iso(end)}` });
    expect(drift.status).toBe(200);
    const w = drift.body.windows[0];
    let compared = 0;
    for (const f of w.features) {
      const l = { ...m, feature_name: f.feature };
      if (f.feature === "z") {
        // decided by KS on raw values in the API: /metrics shows the default verdict's numbers and no verdict
        expect(valueOf(samples, "ml_feature_drift_detected", l)).toBeUndefined();
        expect(valueOf(samples, "ml_feature_drift_score", { ...l, method: "psi" })).toBe(f.score);
        continue;
      }
      expect(f.drifted).not.toBe("insufficient_data");
      expect(valueOf(samples, "ml_feature_drift_detected", l), f.feature).toBe(f.drifted ? 1 : 0);
      if (f.decidedBy === "default") {
        expect(valueOf(samples, "ml_feature_drift_score", { ...l, method: f.scoreMethod })).toBe(f.score);
        expect(valueOf(samples, "ml_feature_drift_threshold", { ...l, method: f.scoreMethod })).toBe(f.scoreThreshold);
        expect(valueOf(samples, "ml_feature_drift_p_value", { ...l, method: f.pValueMethod })).toBe(f.pValue);
        expect(valueOf(samples, "ml_feature_drift_threshold", { ...l, method: f.pValueMethod })).toBe(0.05);
      } else {
        const r = f.results.find((x: { method: string }) => x.method === f.decidedBy);
        expect(valueOf(samples, "ml_feature_drift_score", { ...l, method: r.method })).toBe(r.statistic);
        expect(valueOf(samples, "ml_feature_drift_threshold", { ...l, method: r.method })).toBe(r.threshold);
      }
      compared++;
    }
    expect(compared).toBe(4);
    expect(w.features.find((f: { feature: string }) => f.feature === "y").decidedBy).toBe("psi");
    expect(valueOf(samples, "ml_feature_drift_threshold", { ...m, feature_name: "y", method: "psi" })).toBe(0.05);
    expect(w.features.some((f: { drifted: boolean }) => f.drifted === true)).toBe(true);
    expect(valueOf(samples, "ml_dataset_drift_detected", m)).toBe(w.datasetDrift ? 1 : 0);
    // the share counts final verdicts, z's is the API's KS: left out
    expect(valueOf(samples, "ml_dataset_drift_share", m)).toBeUndefined();
    expect(valueOf(samples, "ml_prediction_drift_detected", m)).toBe(w.prediction.drifted ? 1 : 0);
    expect(valueOf(samples, "ml_prediction_drift_score", { ...m, method: w.prediction.scoreMethod })).toBe(w.prediction.score);
    // the reference's share of each predicted class (what the PredictionSkew rule compares with)
    const yes = rows.filter((r) => r.prediction === "yes").length / rows.length;
    expect(valueOf(samples, "ml_reference_class_share", { ...m, predicted_class: "yes" })).toBeCloseTo(yes, 12);
    expect(valueOf(samples, "ml_reference_class_share", { ...m, predicted_class: "no" })).toBeCloseTo(1 - yes, 12);
  });

  it("regression models get MAE and RMSE, and labels without an outcome", async () => {
    const model = uniqueModel("promreg");
    const end = Math.floor(Date.now() / HOUR) * HOUR;
    const events = Array.from({ length: 300 }, (_, i) => ({ id: `r-${i}`, model, timestamp: new Date(end - HOUR + i * 10_000).toISOString(), features: { a: i % 7 }, prediction: i * 0.5 }));
    await call(postPredictions, { method: "POST", body: events });
    await call(postLabels, { method: "POST", body: events.slice(0, 200).map((e, i) => ({ model, id: e.id, actual: e.prediction + (i % 2 ? 1 : -3) })) });
    const samples = await scrapeSamples(end + 1000);
    const perf = await call(getMetricsRoute, { params: { model }, path: `/x?window=single&from=${new Date(end - HOUR).toISOString()}&to=${new Date(end).toISOString()}` });
    expect(valueOf(samples, "ml_model_mae", { model_name: model })).toBe(perf.body.buckets[0].performance.mae);
    expect(valueOf(samples, "ml_model_mae", { model_name: model })).toBe(2);
    expect(valueOf(samples, "ml_model_rmse", { model_name: model })).toBe(perf.body.buckets[0].performance.rmse);
    expect(select(samples, "ml_labels_total", { model_name: model })).toEqual([{ name: "ml_labels_total", labels: { model_name: model, model_version: "default" }, value: 200 }]);
    expect(valueOf(samples, "ml_model_accuracy", { model_name: model })).toBeUndefined();
  });

  it("exports at most the configured series and label values, and counts what it left out", async () => {
    const model = uniqueModel("promcap");
    await call(postPredictions, {
      method: "POST",
      body: makeEvents(model, 200).map((e, i) => ({ ...e, error: i % 3 === 0 ? { type: `kind-${i % 11}` } : undefined, prediction: `class-${i % 7}` })),
    });
    process.env.DRIFTWATCH_METRICS_MAX_LABEL_VALUES = "3";
    let samples = await scrapeSamples();
    for (const v of ["v1", "v2"]) {
      expect(select(samples, "ml_prediction_errors_total", { model_name: model, model_version: v }).length).toBe(3);
      expect(select(samples, "ml_prediction_class_total", { model_name: model, model_version: v }).length).toBe(3);
    }
    expect(valueOf(samples, "ml_metrics_dropped_series_total", { family: "ml_prediction_class", reason: "label_values" })).toBeGreaterThan(0);
    expect(valueOf(samples, "ml_metrics_dropped_series_total", { family: "ml_prediction_errors", reason: "label_values" })).toBeGreaterThan(0);

    process.env.DRIFTWATCH_METRICS_MAX_SERIES = "40";
    samples = await scrapeSamples();
    const data = samples.filter((s) => s.labels.model_name !== undefined);
    // whole histogram samples only: the first one that does not fit ends the scrape's model data
    expect(data.length).toBeLessThanOrEqual(40);
    expect(data.length).toBeGreaterThan(40 - 31);
    expect(valueOf(samples, "ml_metrics_series")).toBe(data.length);
    expect(valueOf(samples, "ml_metrics_series_limit")).toBe(40);
    expect(select(samples, "ml_metrics_dropped_series_total", { reason: "series_limit" }).length).toBeGreaterThan(0);
    // the first family survives: series are kept in export order
    expect(data[0].name).toBe("ml_prediction_requests_total");
  });

  it("migration version_totals gives a history written before it its totals, the sum of its hour rows per version", async () => {
    const model = uniqueModel("prommig");
    await call(postPredictions, { method: "POST", body: makeEvents(model, 500, "e", Date.now() - 3 * HOUR).map((e, i) => ({ ...e, segments: { region: i % 3 ? "eu" : "us" } })) });
    const expected = await hourSums(model);
    // as a database migrated before the totals existed: no t rows
    await getDb().$executeRaw(Prisma.sql`DELETE FROM rollups WHERE model_id = ${model} AND level = 't'`);
    const dir = path.join(process.cwd(), "prisma", "migrations");
    const sql = fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((d) => d.endsWith("_version_totals"))!, "migration.sql"), "utf8");
    await getDb().$executeRawUnsafe(sql.replace(`WHERE "level" = 'h'`, `WHERE "model_id" = '${model}' AND "level" = 'h'`));
    const rows = await getDb().$queryRaw<{ version: string; data: Doc; n: bigint }[]>(Prisma.sql`
      SELECT version, data, n FROM rollups WHERE model_id = ${model} AND level = 't' AND bucket = to_timestamp(0) AND segment = '*'`);
    // float sums added in another order: equal to 1e-9 relative
    expect(diffDocs(expected, new Map(rows.map((r) => [r.version, r.data])))).toEqual([]);
    expect(rows.map((r) => r.version).sort()).toEqual(["v1", "v2"]);
    for (const r of rows) expect(Number(r.n)).toBe(expected.get(r.version)!.n);
  });

  it("passes promtool check metrics, process metrics included", () => {
    const promtool = spawnSync("promtool", ["--version"], { encoding: "utf8" });
    if (promtool.error) {
      throw new Error("promtool is not installed: `apt-get install prometheus` provides it (.ci/run installs it in CI). This test lints /metrics with it.");
    }
    return scrape("text").then(({ body }) => {
      expect(body).toContain("ml_prediction_latency_seconds_bucket");
      expect(body).toContain("process_resident_memory_bytes");
      const out = execFileSync("sh", ["-c", "promtool check metrics 2>&1; echo \"exit $?\""], { input: body, encoding: "utf8" });
      expect(out.trim()).toBe("exit 0");
    });
  });
});
