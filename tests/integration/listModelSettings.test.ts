// What Settings → Models lists per model: feature counts (declared and all), the reference it measures against
// (the model-wide one before a newer version-specific one), and where retention cut its raw events.
import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { listModelSettings } from "@/lib/queries/listModelSettings";
import { pruneRawEvents, retentionCutoff } from "@/lib/retention/prune";
import { call, uniqueModel } from "../helpers";

const DAY = 86_400_000;

describe("listModelSettings", () => {
  it("counts declared and seen features, prefers the model-wide reference, and reports the retention cut", async () => {
    const model = uniqueModel("lms");
    await call(putModel, { method: "PUT", params: { model }, body: { task: "regression", features: [{ name: "a", type: "numerical" }] } });
    let row = (await listModelSettings()).find((m) => m.id === model)!;
    expect(row).toMatchObject({ task: "regression", autoRegistered: false, features: { declared: 1, total: 1 }, reference: null, rawPrunedBefore: null });

    const now = Date.now();
    const events = [now - 10 * DAY, now - 60_000].map((t, i) => ({ id: `e${i}`, model, timestamp: new Date(t).toISOString(), features: { a: i, b: "x" }, prediction: i }));
    expect((await call(postPredictions, { method: "POST", body: events })).body.accepted).toBe(2);
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ features: { a: i, b: "x" }, prediction: i }));
    expect((await call(putReference, { method: "PUT", params: { model }, body: { rows: rows(30) } })).status).toBe(200);
    expect((await call(putReference, { method: "PUT", params: { model }, body: { version: "v2", rows: rows(20) } })).status).toBe(200);
    await pruneRawEvents(new Date(now), 7);

    row = (await listModelSettings()).find((m) => m.id === model)!;
    expect(row.features).toEqual({ declared: 1, total: 2 });
    expect(row.reference?.rows).toBe(30);
    expect(row.rawPrunedBefore).toBe(retentionCutoff(new Date(now), 7).toISOString());
  });
});
