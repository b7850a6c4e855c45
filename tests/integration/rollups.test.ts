import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { POST as postLabels } from "@/app/api/v1/labels/route";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { rollupDifferences, storedRollups } from "@/lib/rollups/recount";
import { call, makeEvents, uniqueModel } from "../helpers";

async function expectRollupsMatchRecount(model: string) {
  const { differences, rows } = await rollupDifferences(model);
  expect(differences).toEqual([]);
  expect(rows).toBeGreaterThan(0);
}

describe("rollups", () => {
  it("equal a recount from raw events after 8 concurrent writers, late labels and corrections", async () => {
    const model = uniqueModel("roll");
    await call(putModel, {
      method: "PUT",
      params: { model },
      body: {
        task: "binary_classification",
        classes: ["fraud", "legit"],
        positiveClass: "fraud",
        features: [
          { name: "amount", type: "numerical", min: 0, max: 100 },
          { name: "country", type: "categorical", allowed: ["DE", "FR"] },
        ],
      },
    });
    const base = Date.now() - 3 * 3600_000;
    const events = makeEvents(model, 4000, "e", base).map((e, i) => ({
      ...e,
      segments: { region: i % 3 === 0 ? "eu" : "us" },
      ...(i % 97 === 0 ? { error: { type: i % 2 ? "timeout" : "oom" } } : {}),
    }));
    // Labels for some predictions arrive before them.
    const early = events.filter((_, i) => i % 10 === 0).map((e, i) => ({ model, id: e.id, actual: i % 2 ? "fraud" : "legit" }));
    expect((await call(postLabels, { method: "POST", body: early })).body.pending).toBe(early.length);

    // 8 writers with overlapping batches (retries), each batch 250 events.
    const batches = Array.from({ length: 16 }, (_, b) => events.slice(b * 250, b * 250 + 250));
    const jobs = batches.flatMap((batch, b) => [batch, b % 4 === 0 ? batch : []]).filter((b) => b.length > 0);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < jobs.length) {
          const res = await call(postPredictions, { method: "POST", body: jobs[next++] });
          expect(res.status).toBe(200);
        }
      }),
    );
    // Late labels, then corrections of some of them, and a concurrent second wave.
    const labelTime = Date.now() + 60_000;
    const late = events.filter((_, i) => i % 7 === 0).map((e) => ({ model, id: e.id, actual: "legit", timestamp: labelTime }));
    await Promise.all([
      call(postLabels, { method: "POST", body: late.slice(0, 300) }),
      call(postLabels, { method: "POST", body: late.slice(300) }),
    ]);
    const fixes = late.filter((_, i) => i % 5 === 0).map((l) => ({ ...l, actual: "fraud", timestamp: labelTime + 1000 }));
    expect((await call(postLabels, { method: "POST", body: fixes })).body.updated).toBe(fixes.length);

    await expectRollupsMatchRecount(model);
  });

  it("stay exact when a reference is published while writers are running", async () => {
    const model = uniqueModel("rollref");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", features: [{ name: "amount", type: "numerical" }] } });
    const events = makeEvents(model, 3000, "w", Date.now() - 2 * 3600_000);
    const batches = Array.from({ length: 12 }, (_, b) => events.slice(b * 250, b * 250 + 250));
    let next = 0;
    const writers = Array.from({ length: 4 }, async () => {
      while (next < batches.length) expect((await call(postPredictions, { method: "POST", body: batches[next++] })).status).toBe(200);
    });
    const rows = Array.from({ length: 500 }, (_, i) => ({ features: { amount: (i * 37) % 150, age: 20 + (i % 50) } }));
    const publish = (async () => {
      while (next < 4) await new Promise((r) => setTimeout(r, 5)); // publish mid-stream
      expect((await call(putReference, { method: "PUT", params: { model }, body: { rows } })).status).toBe(200);
    })();
    await Promise.all([...writers, publish]);
    await expectRollupsMatchRecount(model);
  });

  it("count an inline label once and follow its correction", async () => {
    const model = uniqueModel("rollinline");
    const e = makeEvents(model, 3);
    await call(postPredictions, { method: "POST", body: [{ ...e[0], label: "fraud" }, e[1], e[2]] });
    await call(postPredictions, { method: "POST", body: [{ ...e[1], label: "legit" }] }); // duplicate event, new label
    await call(postLabels, { method: "POST", body: [{ model, id: e[0].id, actual: "legit" }] });
    await expectRollupsMatchRecount(model);
    const { metrics } = await storedRollups(model);
    const hour = [...metrics].find(([k]) => k.includes("\u001fh\u001f"));
    expect(hour).toBeDefined();
  });
});
