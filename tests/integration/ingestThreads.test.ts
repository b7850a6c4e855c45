import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { toErrorResponse } from "@/lib/errors";
import { answerPredictions } from "@/lib/ingest/predictions";
import { IngestThreads, startIngestThreads, stopIngestThreads, type ThreadAnswer } from "@/lib/ingest/threads/pool";
import { rollupDifferences } from "@/lib/rollups/store/recount";
import { call, countEvents, makeEvents, uniqueModel } from "../helpers";

/**
 * Ingest threads (lib/ingest/threads/pool.ts) store prediction batches on worker threads of the server process.
 * They must answer exactly what the route handler answers in its own thread, lose nothing when a thread ends in the
 * middle of a request, and stop only after their requests are answered. PostgreSQL only, as the threads are.
 */
const url = process.env.DATABASE_URL;
const options = () => ({ count: 2 });
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const parsed = (a: ThreadAnswer) => ({ status: a.status, body: JSON.parse(a.body) as Record<string, unknown> });
/** The answer in this thread, errors through the one contract as the route handler's wrapper gives them. */
async function inThread(body: Buffer, kind: "json" | "ndjson" = "json") {
  const res = await answerPredictions(body, kind).catch(toErrorResponse);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.skipIf(!url)("ingest threads on PostgreSQL", () => {
  let threads: IngestThreads;
  beforeAll(() => {
    threads = new IngestThreads(options());
  });
  afterAll(async () => {
    await threads.close();
  });

  it("store a batch once and answer as the route handler does, rejections and duplicates included", async () => {
    const model = uniqueModel("threads");
    const events = [...makeEvents(model, 300, "t"), { model, id: "bad", features: { a: 1 } }, { model: "not a model id!", features: {}, prediction: 1 }];
    const first = parsed(await threads.predictions(json(events), "json"));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 300, duplicates: 0 });
    // the same body again, on a thread and here: both see only duplicates, and give the same answer word for word
    const again = parsed(await threads.predictions(json(events), "json"));
    const here = await inThread(json(events));
    expect(again).toEqual(here);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 300 });
    expect((again.body.rejected as unknown[]).length).toBe(2);
    expect(await countEvents(model)).toBe(300);
    expect((await rollupDifferences(model)).differences).toEqual([]);
  });

  it("answer bad bodies with the error contract, and a wholly invalid batch with 422", async () => {
    const malformed = parsed(await threads.predictions(Buffer.from("[{"), "json"));
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: "malformed_json" } });
    const notUtf8 = parsed(await threads.predictions(Buffer.from([0x5b, 0xff, 0x5d]), "json"));
    expect(notUtf8).toEqual(await inThread(Buffer.from([0x5b, 0xff, 0x5d])));
    expect(notUtf8.status).toBe(400);
    const invalid = parsed(await threads.predictions(json([{ model: uniqueModel("inv"), features: {} }]), "json"));
    expect(invalid.status).toBe(422);
    // NDJSON: the bad line is reported, the good one stored
    const model = uniqueModel("nd");
    const ndjson = Buffer.from(`${JSON.stringify(makeEvents(model, 1, "n")[0])}\nnot json\n`);
    const nd = parsed(await threads.predictions(ndjson, "ndjson"));
    expect(nd.body).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
  });

  it("store batches without ever starting Prisma in a thread, labels that wait for their predictions included", async () => {
    const model = uniqueModel("raw");
    // a new model, its labels sent first (they wait), then the predictions they join, on both threads at once
    const events = makeEvents(model, 400, "w");
    const labels = events.slice(0, 100).map((e) => ({ model, id: e.id, actual: e.prediction }));
    expect((await call(postLabels, { method: "POST", path: "/api/v1/labels", body: labels })).status).toBe(200);
    const answers = await Promise.all([threads.predictions(json(events.slice(0, 200)), "json"), threads.predictions(json(events.slice(200)), "json")]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(await countEvents(model)).toBe(400);
    expect((await rollupDifferences(model)).differences).toEqual([]);
    // Prisma's query engine would cost each thread ~50 MB (the attacks end-to-end test bounds a process's memory)
    expect(await threads.probe()).toEqual([{ prisma: false }, { prisma: false }]);
  });

  it("fail the requests of a thread that ends, start another, and a resend stores each event once", async () => {
    const model = uniqueModel("ended");
    const body = json(makeEvents(model, 500, "x"));
    const sent = threads.predictions(body, "json");
    // both threads are idle, so the request went to the first
    void threads.workers[0].terminate();
    await expect(sent).rejects.toThrow(/ingest thread ended/);
    expect(threads.size).toBe(2);
    // whether the ended thread committed before it ended or not, the client's resend leaves every event once
    const resent = parsed(await threads.predictions(json(makeEvents(model, 500, "x")), "json"));
    expect(resent.status).toBe(200);
    expect(Number(resent.body.accepted) + Number(resent.body.duplicates)).toBe(500);
    expect(await countEvents(model)).toBe(500);
    expect((await rollupDifferences(model)).differences).toEqual([]);
  });

  it("serve the route handler when the process runs them, and stop only after their requests are answered", async () => {
    startIngestThreads(options());
    const model = uniqueModel("route");
    const routed = call(postPredictions, { method: "POST", path: "/api/v1/predictions", body: makeEvents(model, 200, "r") });
    const stopping = stopIngestThreads();
    const res = await routed;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ accepted: 200, duplicates: 0 });
    await stopping;
    expect(await countEvents(model)).toBe(200);
  });

  it("stop replacing threads that keep ending, and the route then stores batches in its own thread", async () => {
    const pool = startIngestThreads({ count: 1 });
    try {
      // more than three ends a thread within a minute: the pool gives up on threads
      for (let k = 0; k < 4; k++) {
        const [worker] = pool.workers;
        await new Promise((resolve) => {
          worker.once("exit", resolve);
          void worker.terminate();
        });
      }
      expect(pool.size).toBe(0);
      await expect(pool.predictions(json([]), "json")).rejects.toThrow(/stopped/);
      const model = uniqueModel("fallback");
      const res = await call(postPredictions, { method: "POST", path: "/api/v1/predictions", body: makeEvents(model, 50, "f") });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 50 });
      expect(await countEvents(model)).toBe(50);
    } finally {
      await stopIngestThreads();
    }
  });
});
