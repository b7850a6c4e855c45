import { describe, expect, it } from "vitest";
import { PUT as putModel } from "@/app/api/v1/models/[model]/route";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { GET as listAlertsRoute } from "@/app/api/v1/alerts/route";
import { POST as evaluateRoute } from "@/app/api/v1/alerts/evaluate/route";
import { DELETE as unackRoute, POST as ackRoute } from "@/app/api/v1/alerts/[id]/acknowledge/route";
import { POST as createKeyRoute } from "@/app/api/v1/api-keys/route";
import { getDb } from "@/lib/db/client";
import { HOUR, MINUTE } from "@/lib/domain/time";
import { call, uniqueModel } from "../helpers";

const DAY = 24 * HOUR;

type Listed = { id: string; alertname: string; state: string; firedAt: string | null; acknowledgement: { by: string; at: string; comment: string } | null };
async function alertOf(model: string, alertname: string): Promise<Listed> {
  const res = await call(listAlertsRoute, { path: `/api/v1/alerts?model=${model}` });
  expect(res.status).toBe(200);
  return (res.body.alerts as Listed[]).find((a) => a.alertname === alertname)!;
}

async function evaluate(at: number) {
  const res = await call(evaluateRoute, { method: "POST", body: { now: new Date(at).toISOString() } });
  expect(res.body.ran, JSON.stringify(res.body)).toBe(true);
}

describe("POST/DELETE /api/v1/alerts/{id}/acknowledge", () => {
  it("acknowledges a firing alert's incident (shown by GET /api/v1/alerts), takes it back, and refuses what is not firing", async () => {
    const model = uniqueModel("acks");
    expect((await call(putModel, { method: "PUT", params: { model }, body: { task: "binary_classification", classes: ["fraud", "legit"] } })).status).toBe(201);
    const t0 = Math.floor(Date.now() / HOUR) * HOUR - 2 * DAY + 17 * MINUTE;
    // 200 requests, every fourth failed: HighErrorRate (> 1 % over 5m, for 0s) fires in the first cycle
    const events = Array.from({ length: 200 }, (_, i) => ({
      id: `ack-${model}-${i}`,
      model,
      timestamp: new Date(t0 + i * 100).toISOString(),
      features: {},
      ...(i % 4 === 0 ? { error: { type: "timeout" } } : { prediction: "legit" }),
    }));
    expect((await call(postPredictions, { method: "POST", body: events })).body.accepted).toBe(200);
    await evaluate(t0 + 30_000);
    const firing = await alertOf(model, "HighErrorRate");
    expect(firing.state).toBe("firing");
    expect(firing.acknowledgement).toBeNull();

    const path = `/api/v1/alerts/${firing.id}/acknowledge`;
    const ack = await call(ackRoute, { method: "POST", path, params: { id: firing.id }, body: { by: "ana@example.com", comment: "looking into the timeouts" } });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({ ackedBy: "ana@example.com", comment: "looking into the timeouts", startsAt: firing.firedAt, alertname: "HighErrorRate", model });
    expect((await alertOf(model, "HighErrorRate")).acknowledgement).toMatchObject({ by: "ana@example.com", comment: "looking into the timeouts" });
    // again, without a body: who is the caller, the comment cleared
    const again = await call(ackRoute, { method: "POST", params: { id: firing.id } });
    expect(again.status).toBe(200);
    expect(again.body.ackedBy).toBe("admin token");
    expect((await alertOf(model, "HighErrorRate")).acknowledgement).toMatchObject({ by: "admin token", comment: "" });
    // the audit log has it
    expect(await getDb().auditEntry.count({ where: { action: `POST /api/v1/alerts/${firing.id}/acknowledge` } })).toBeGreaterThan(0);

    const undo = await call(unackRoute, { method: "DELETE", params: { id: firing.id } });
    expect(undo.status).toBe(200);
    expect(undo.body).toEqual({ removed: true, alertname: "HighErrorRate", model });
    expect((await alertOf(model, "HighErrorRate")).acknowledgement).toBeNull();
    expect((await call(unackRoute, { method: "DELETE", params: { id: firing.id } })).body.removed).toBe(false);

    // errors: unknown id, bad body, not firing, scopes
    const unknown = await call(ackRoute, { method: "POST", params: { id: "999999999999" } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    expect((await call(ackRoute, { method: "POST", params: { id: "abc" } })).status).toBe(404);
    expect((await call(ackRoute, { method: "POST", params: { id: firing.id }, body: { who: "x" } })).status).toBe(422);
    const key = await call(createKeyRoute, { method: "POST", body: { name: "acks-reader", scopes: ["read"] } });
    expect((await call(ackRoute, { method: "POST", params: { id: firing.id }, token: key.body.token })).status).toBe(403);
    expect((await call(ackRoute, { method: "POST", params: { id: firing.id }, token: null })).status).toBe(401);
    // requests resolve it; a resolved alert has no incident to acknowledge
    const fine = Array.from({ length: 300 }, (_, i) => ({ id: `ack-${model}-ok-${i}`, model, timestamp: new Date(t0 + 10 * MINUTE + i * 100).toISOString(), features: {}, prediction: "legit" }));
    expect((await call(postPredictions, { method: "POST", body: fine })).body.accepted).toBe(300);
    await evaluate(t0 + 11 * MINUTE);
    expect((await alertOf(model, "HighErrorRate")).state).toBe("resolved");
    const resolved = await call(ackRoute, { method: "POST", params: { id: firing.id } });
    expect(resolved.status).toBe(409);
    expect(resolved.body.error.code).toBe("not_firing");
  });
});
