import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { getDb, Prisma, rawTransaction } from "@/lib/db/client";
import { type StoredFeatures, withFeatures } from "@/lib/db/featureLayouts";
import { rollupDifferences } from "@/lib/rollups/store/recount";
import { call, countEvents, makeEvents, uniqueModel } from "../helpers";

const predictions = (body: unknown, extra: Parameters<typeof call>[1] = {}) =>
  call(postPredictions, { method: "POST", path: "/api/v1/predictions", body, ...extra });
const labels = (body: unknown, extra: Parameters<typeof call>[1] = {}) =>
  call(postLabels, { method: "POST", path: "/api/v1/labels", body, ...extra });

async function storedLabel(model: string, id: string) {
  const rows = await getDb().$queryRaw<{ actual: unknown; revision: number }[]>(
    Prisma.sql`SELECT actual, revision FROM labels WHERE model_id = ${model} AND prediction_id = ${id}`,
  );
  return rows[0] ?? null;
}

describe("POST /api/v1/predictions", () => {
  it("deduplicates by (model, id, timestamp) across daily partitions, and finds a retry sent without a timestamp by its id", async () => {
    const model = uniqueModel("keys");
    const t1 = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const t2 = new Date(Date.now() - 20 * 3_600_000).toISOString();
    const ev = (id: string, timestamp?: string) => ({ model, id, ...(timestamp ? { timestamp } : {}), features: { a: 1 }, prediction: "a" });
    expect((await predictions([ev("a", t1), ev("b", t2), ev("c")])).body).toMatchObject({ accepted: 3, duplicates: 0 });
    // the same requests again (COPY fails on a stored key; the insert skips them)
    expect((await predictions([ev("a", t1), ev("b", t2), ev("c")])).body).toMatchObject({ accepted: 0, duplicates: 3 });
    // a retry without its timestamp takes the stored event's time (searched in the last 24 h): "b" (20 h ago) and "c"
    expect((await predictions([ev("b"), ev("c")])).body).toMatchObject({ accepted: 0, duplicates: 2 });
    // the same id with another timestamp is another event
    expect((await predictions([ev("a", t2)])).body).toMatchObject({ accepted: 1, duplicates: 0 });
    // a stored event beside a new one: the COPY fails, and the rollups count only the new one (checked at the end)
    expect((await predictions([ev("a", t1), ev("f", t2)])).body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await countEvents(model)).toBe(5);
    // concurrent first sendings of one id without a timestamp store it once
    const sent = await Promise.all([predictions([ev("d")]), predictions([ev("d")]), predictions([ev("d"), ev("e")])]);
    expect(sent.reduce((n, r) => n + r.body.accepted, 0)).toBe(2);
    expect(await countEvents(model)).toBe(7);
    expect((await rollupDifferences(model)).differences).toEqual([]);
  });

  it("stores 999 of a 1,000-event batch with one malformed event and names the bad one; a resend stores nothing", async () => {
    const model = uniqueModel("batch");
    const events: unknown[] = makeEvents(model, 1000);
    (events[417] as { features: unknown }).features = { amount: "x", nested: { no: 1 } };
    const first = await predictions({ events });
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(999);
    expect(first.body.duplicates).toBe(0);
    expect(first.body.rejected).toHaveLength(1);
    expect(first.body.rejected[0].index).toBe(417);
    expect(first.body.rejected[0].id).toBe("e-417");
    expect(first.body.rejected[0].errors).toContainEqual({ path: "features.nested", message: expect.any(String) });
    expect(await countEvents(model)).toBe(999);

    const again = await predictions({ events });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 999 });
    expect(again.body.rejected).toHaveLength(1);
    expect(await countEvents(model)).toBe(999);
  });

  it("answers a resend of a stored batch with duplicates when the model has a reference", async () => {
    // A batch with no new event must still find its model's current reference (else it retries as stale, then 500s).
    const model = uniqueModel("resend-ref");
    const events = makeEvents(model, 300);
    expect((await predictions({ events: events.slice(0, 1) })).status).toBe(200); // registers the model
    const ref = await call(putReference, {
      method: "PUT",
      params: { model },
      body: { rows: events.map((e) => ({ features: e.features })) },
    });
    expect(ref.status).toBe(200);
    expect((await predictions({ events })).body).toMatchObject({ accepted: 299, duplicates: 1 });
    const again = await predictions({ events });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 300 });
    expect(await countEvents(model)).toBe(300);
  });

  it("stores text PostgreSQL cannot hold with it replaced, on both write paths, and refuses such ids and versions", async () => {
    // NUL, U+001C–U+001F and unpaired surrogates once made a whole batch fail with 500 (jsonb and text refuse
    // them) or, in ids, made two events share one stored key.
    const model = uniqueModel("text");
    const events = [
      { id: "ok-1", model, features: { "na\u0000me": "v\u0000", tier: "max\u001e", huge: 1e200 }, prediction: "a\ud800", probabilities: {} },
      { id: "bad\u0000", model, features: { x: 1 }, prediction: "a" },
      { id: "ok-2", model, version: "\ud800", features: { x: 1 }, prediction: "a" },
      { id: "ok-3", model, features: { x: "\udc00" }, prediction: "b", error: { type: "t\u001f", message: "m\u0000" }, segments: { r: "e\u001cu" } },
    ];
    const first = await predictions(events);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(first.body.rejected.map((r: { index: number; errors: { path: string }[] }) => [r.index, r.errors[0].path])).toEqual([[1, "id"], [2, "version"]]);
    const [row] = await getDb().$queryRaw<{ features: unknown; prediction: unknown; confidence: number | null }[]>(
      Prisma.sql`SELECT dw_event_features(layout_id, feature_values) AS features, prediction, confidence FROM prediction_events WHERE model_id = ${model} AND id = 'ok-1'`,
    );
    expect(row).toEqual({ features: { "na\ufffdme": "v\ufffd", tier: "max\ufffd", huge: 1e200 }, prediction: "a\ufffd", confidence: null });
    // a resend, and a batch mixing a stored event with a new one, take the INSERT … ON CONFLICT path
    expect((await predictions(events)).body).toMatchObject({ accepted: 0, duplicates: 2 });
    const mixed = await predictions([events[0], { ...events[3], id: "ok-4" }]);
    expect(mixed.status).toBe(200);
    expect(mixed.body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await countEvents(model)).toBe(3);
    expect((await rollupDifferences(model)).differences).toEqual([]);
    const label = await labels([{ model, id: "ok-1", actual: "x\u0000" }, { model, id: "\ud800", actual: "a" }]);
    expect(label.status).toBe(200);
    expect(label.body).toMatchObject({ accepted: 1, matched: 1 });
    expect(label.body.rejected[0]).toMatchObject({ index: 1, errors: [{ path: "id" }] });
  });

  it("stores 1,000 when two concurrent requests carry the same 1,000 ids", async () => {
    const model = uniqueModel("race");
    const events = makeEvents(model, 1000);
    const shuffled = [...events].reverse();
    const [a, b] = await Promise.all([predictions(events), predictions(shuffled)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.accepted + b.body.accepted).toBe(1000);
    expect(a.body.duplicates + b.body.duplicates).toBe(1000);
    expect(await countEvents(model)).toBe(1000);
  });

  it("stores the same rows whether a batch is all new or mixes in stored events, awkward strings included", async () => {
    // An all-new batch goes in with COPY on PostgreSQL; one holding a stored key takes the ON CONFLICT path.
    const model = uniqueModel("paths");
    // 15 days back (within the default 30-day retention, whatever today is), on a whole second plus 123 ms
    const at = Math.floor(Date.now() / 1000) * 1000 - 15 * 86_400_000;
    const awkward = (tag: string) => ({
      model,
      id: `${tag}\tid\\with\nbreaks\r`,
      version: `v\\${tag}`,
      timestamp: new Date(at + 123).toISOString(),
      features: { text: `a\tb\\c\nd\r"e"`, amount: 1.0000000000000002, tiny: 5e-324, none: null, flag: true, ü: "ß", 'q"u\\o': 2 },
      prediction: `cls\t${tag}`,
      probabilities: { [`cls\t${tag}`]: 0.25, other: 0.75 },
      latencyMs: 0.1,
      segments: { region: "eu\\west" },
    });
    const failed = (tag: string) => ({
      model,
      id: `${tag}-failed`,
      features: {},
      error: { type: "time\tout", message: "line one\nline two\\ end" },
      timestamp: new Date(at + 60_000).toISOString().replace(".000Z", "Z"),
    });
    const first = await predictions([awkward("a"), failed("a")]);
    expect(first.body).toMatchObject({ accepted: 2, duplicates: 0 });
    const mixed = await predictions([awkward("b"), awkward("a"), failed("b")]);
    expect(mixed.body).toMatchObject({ accepted: 2, duplicates: 1 });

    // the features read back as the app's readers rebuild them from their layout: the same keys in the same order
    const rows = await withFeatures(
      await getDb().$queryRaw<(Record<string, unknown> & StoredFeatures)[]>(Prisma.sql`
        SELECT id, version, ts, layout_id, feature_values, prediction, probabilities, confidence, latency_ms, error_type, error_message, segments
        FROM prediction_events WHERE model_id = ${model} ORDER BY id`),
      (sql) => getDb().$queryRaw(sql),
    );
    for (const r of rows) if (r.error_type === null) expect(Object.keys(r.features)).toEqual(Object.keys(awkward("a").features));
    const stored = (e: ReturnType<typeof awkward>) => ({
      id: e.id,
      version: e.version,
      ts: new Date(e.timestamp),
      features: e.features,
      prediction: e.prediction,
      probabilities: e.probabilities,
      confidence: 0.75,
      latency_ms: 0.1,
      error_type: null,
      error_message: null,
      segments: e.segments,
    });
    const storedFailed = (e: ReturnType<typeof failed>) => ({
      id: e.id,
      version: "default",
      ts: new Date(e.timestamp),
      features: {},
      prediction: null,
      probabilities: null,
      confidence: null,
      latency_ms: null,
      error_type: e.error.type,
      error_message: e.error.message,
      segments: null,
    });
    const expected = [stored(awkward("a")), stored(awkward("b")), storedFailed(failed("a")), storedFailed(failed("b"))];
    expect(rows).toEqual(expected.sort((x, y) => (x.id < y.id ? -1 : 1)));
  });

  it("keeps the good lines of NDJSON with a broken line and reports the line", async () => {
    const model = uniqueModel("ndjson");
    const lines = makeEvents(model, 5).map((e) => JSON.stringify(e));
    lines.splice(2, 0, '{"model": "' + model + '", "features": {"a": 1}, "prediction": "x"'); // truncated
    const res = await predictions(undefined, { raw: lines.join("\n") + "\n", contentType: "application/x-ndjson" });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(5);
    expect(res.body.rejected).toEqual([
      { index: 2, line: 3, errors: [{ path: "", message: expect.stringMatching(/line 3 is not valid JSON/) }] },
    ]);
    expect(await countEvents(model)).toBe(5);
  });

  it("accepts every body form: one object, an array, {events}", async () => {
    const model = uniqueModel("forms");
    const [e0, e1, e2, e3] = makeEvents(model, 4);
    expect((await predictions(e0)).body.accepted).toBe(1);
    expect((await predictions([e1, e2])).body.accepted).toBe(2);
    expect((await predictions({ events: [e3] })).body.accepted).toBe(1);
    expect(await countEvents(model)).toBe(4);
  });

  it("rejects structurally invalid events one by one with paths, 422 when nothing is valid", async () => {
    const model = uniqueModel("invalid");
    const cases: [unknown, string][] = [
      [{ features: {}, prediction: "a" }, "model"],
      [{ model, features: [1, 2], prediction: "a" }, "features"],
      [{ model, features: {}, prediction: "a", timestamp: "yesterday" }, "timestamp"],
      [{ model, features: {}, prediction: "a", latencyMs: -1 }, "latencyMs"],
      [{ model, features: {}, prediction: "a", id: "x".repeat(129) }, "id"],
      [{ model, features: {} }, "prediction"],
      [{ model: "Bad Model!", features: {}, prediction: "a" }, "model"],
      [{ model, features: {}, prediction: "a", latency_ms: 3 }, ""],
    ];
    const res = await predictions(cases.map(([e]) => e));
    expect(res.status).toBe(422);
    expect(res.body.accepted).toBe(0);
    expect(res.body.rejected).toHaveLength(cases.length);
    cases.forEach(([, path], i) => {
      expect(res.body.rejected[i].index).toBe(i);
      expect(res.body.rejected[i].errors.map((e: { path: string }) => e.path)).toContain(path);
    });
    expect(await countEvents(model)).toBe(0);
  });

  it("treats an infinite number as invalid (JSON 1e999) and keeps the valid events of the request", async () => {
    const model = uniqueModel("inf");
    const raw = `[{"model":"${model}","id":"a","features":{"x":1e999},"prediction":"p"},{"model":"${model}","id":"b","features":{"x":1},"prediction":"p"}]`;
    const res = await predictions(undefined, { raw });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected[0]).toMatchObject({ index: 0, id: "a" });
  });

  it("accepts values that break the model's schema (data-quality findings are not dropped)", async () => {
    const model = uniqueModel("dq");
    await predictions({ model, id: "1", features: { amount: 5, country: "DE" }, prediction: "a" });
    const res = await predictions({ model, id: "2", features: { amount: "lots", country: 7 }, prediction: "a" });
    expect(res.body.accepted).toBe(1);
  });

  it("refuses a body over the size limit with 413 and stores nothing", async () => {
    const model = uniqueModel("big");
    const pad = "x".repeat(1000);
    const events = Array.from({ length: 11_000 }, (_, i) => ({ id: String(i), model, features: { pad }, prediction: "a" }));
    const raw = JSON.stringify(events);
    expect(raw.length).toBeGreaterThan(10 * 1024 * 1024);
    const res = await predictions(undefined, { raw });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    // A streamed body (no Content-Length) is cut off too.
    const stream = new Blob([raw]).stream();
    const streamed = await predictions(undefined, { raw: stream });
    expect(streamed.status).toBe(413);
    expect(await countEvents(model)).toBe(0);
  });

  it("refuses more events than the batch limit with 413", async () => {
    const model = uniqueModel("many");
    const events = Array.from({ length: 10_001 }, (_, i) => ({ id: String(i), model, features: {}, prediction: "a" }));
    const res = await predictions(events);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("too_many_items");
    expect(await countEvents(model)).toBe(0);
  });

  it("answers 415 for an unsupported content type and 400 for malformed JSON, in the error contract", async () => {
    const form = await predictions(undefined, { raw: "a=b", contentType: "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect(form.body).toEqual({ error: { code: "unsupported_media_type", message: expect.any(String) } });
    const broken = await predictions(undefined, { raw: "{not json" });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe("malformed_json");
  });

  it("requires a token with the ingest scope", async () => {
    const res = await predictions(makeEvents(uniqueModel(), 1), { token: null });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
    const bad = await predictions(makeEvents(uniqueModel(), 1), { token: "dw_AAAAAAAA_" + "B".repeat(32) });
    expect(bad.status).toBe(401);
  });

  it("registers an unknown model from its first events with task and feature types inferred", async () => {
    const model = uniqueModel("auto");
    await predictions(makeEvents(model, 20));
    const rows = await getDb().model.findUnique({ where: { id: model }, include: { features: true, versions: true } });
    expect(rows).toMatchObject({ task: "binary_classification", classes: ["fraud", "legit"], autoRegistered: true });
    const types = Object.fromEntries(rows!.features.map((f) => [f.name, f.type]));
    expect(types).toMatchObject({ amount: "numerical", country: "categorical", is_new_user: "categorical" });
    expect(rows!.versions.map((v) => v.version).sort()).toEqual(["v1", "v2"]);

    const reg = uniqueModel("auto-reg");
    await predictions([1.5, 2.25, 3.75].map((p, i) => ({ model: reg, id: String(i), features: { x: i }, prediction: p })));
    expect((await getDb().model.findUnique({ where: { id: reg } }))?.task).toBe("regression");
  });

  it("generates time-ordered ids for events sent without one", async () => {
    const model = uniqueModel("noid");
    const res = await predictions([{ model, features: { a: 1 }, prediction: "x" }, { model, features: { a: 2 }, prediction: "y" }]);
    expect(res.body.accepted).toBe(2);
    const ids = await getDb().$queryRaw<{ id: string }[]>(Prisma.sql`SELECT id FROM prediction_events WHERE model_id = ${model}`);
    for (const { id } of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe.skipIf(!process.env.DATABASE_URL)("the write path on PostgreSQL", () => {
  it("prepares its hot statements once per connection and stops planning them", async () => {
    // Requests run one after another, so each takes the same pooled connection (the pool hands out the one released
    // last); every batch after the fifth must run the statements' generic plan instead of planning them again.
    const model = uniqueModel("prepared");
    for (let k = 0; k < 8; k++) {
      const events = makeEvents(model, 20, `p${k}`);
      expect((await predictions(events)).body).toMatchObject({ accepted: 20 });
    }
    const prepared = await rawTransaction((tx) =>
      tx.query<{ name: string; generic_plans: number }>(
        "SELECT name, generic_plans::int AS generic_plans FROM pg_prepared_statements WHERE name IN ('dw_after_insert', 'dw_write_rollups') ORDER BY name",
      ),
    );
    expect(prepared.map((p) => p.name)).toEqual(["dw_after_insert", "dw_write_rollups"]);
    for (const p of prepared) expect(p.generic_plans).toBeGreaterThanOrEqual(3);
    expect((await rollupDifferences(model)).differences).toEqual([]);
  });
});

describe("POST /api/v1/labels", () => {
  it("joins a label sent before its prediction once the prediction arrives", async () => {
    const model = uniqueModel("early");
    const early = await labels({ labels: [{ model, id: "p1", actual: "fraud" }] });
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ accepted: 1, matched: 0, pending: 1, updated: 0 });
    await predictions({ model, id: "p1", features: { a: 1 }, prediction: "legit" });
    const joined = await getDb().$queryRaw<{ actual: unknown; prediction: unknown }[]>(Prisma.sql`
      SELECT l.actual, p.prediction FROM labels l JOIN prediction_events p ON p.model_id = l.model_id AND p.id = l.prediction_id
      WHERE l.model_id = ${model}`);
    expect(joined).toEqual([{ actual: "fraud", prediction: "legit" }]);
  });

  it("matches a label sent after its prediction, replaces it with a correction, ignores a resend", async () => {
    const model = uniqueModel("corr");
    await predictions(makeEvents(model, 3));
    const t0 = Date.now() - 60_000;
    const first = await labels([{ model, id: "e-0", actual: "legit", timestamp: t0 }]);
    expect(first.body).toMatchObject({ accepted: 1, matched: 1, pending: 0, updated: 0 });
    const resend = await labels([{ model, id: "e-0", actual: "legit", timestamp: t0 }]);
    expect(resend.body).toMatchObject({ accepted: 0, duplicates: 1 });
    const fix = await labels([{ model, id: "e-0", actual: "fraud", timestamp: t0 + 1000 }]);
    expect(fix.body).toMatchObject({ accepted: 1, matched: 1, updated: 1 });
    expect(await storedLabel(model, "e-0")).toEqual({ actual: "fraud", revision: 1 });
    // An older label does not overwrite a newer one.
    const stale = await labels([{ model, id: "e-0", actual: "legit", timestamp: t0 - 5000 }]);
    expect(stale.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await storedLabel(model, "e-0"))?.actual).toBe("fraud");
  });

  it("takes NDJSON and reports invalid labels while keeping the valid ones", async () => {
    const model = uniqueModel("lnd");
    const raw = [
      JSON.stringify({ model, id: "a", actual: 1 }),
      JSON.stringify({ model, id: "b" }),
      JSON.stringify({ model, id: "c", actual: true }),
    ].join("\n");
    const res = await labels(undefined, { raw, contentType: "application/x-ndjson" });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toEqual([{ index: 1, line: 2, id: "b", errors: [{ path: "actual", message: expect.any(String) }] }]);
  });

  it("takes an inline label on the prediction event", async () => {
    const model = uniqueModel("inline");
    await predictions({ model, id: "x", features: { a: 1 }, prediction: "a", label: "b" });
    expect((await storedLabel(model, "x"))?.actual).toBe("b");
  });
});
