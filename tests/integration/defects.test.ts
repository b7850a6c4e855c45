import { describe, expect, it } from "vitest";
import { POST as postPredictions } from "@/app/api/v1/predictions/route";
import { GET as getModelRoute } from "@/app/api/v1/models/[model]/route";
import { GET as getDriftRoute } from "@/app/api/v1/models/[model]/drift/route";
import { GET as getQualityRoute } from "@/app/api/v1/models/[model]/quality/route";
import { PUT as putReference } from "@/app/api/v1/models/[model]/reference/route";
import { DELETE as deleteApiKey } from "@/app/api/v1/api-keys/[id]/route";
import { call, uniqueModel } from "../helpers";

/** Defects found by probing the API as a hostile client would; each test failed before its fix. */

const PROTOTYPE_NAMES = ["toString", "constructor", "valueOf", "hasOwnProperty", "__defineGetter__", "isPrototypeOf"];

describe("feature names that are Object.prototype members", () => {
  it("are ordinary features: drift reads answer, and an absent one is missing, not a type mismatch", async () => {
    const model = uniqueModel("proto");
    const hour = Math.floor((Date.now() - 3 * 3600_000) / 3600_000) * 3600_000;
    const rows = (n: number, shift: number) =>
      Array.from({ length: n }, (_, i) => {
        const features: Record<string, number | string> = { plain: i % 7 };
        for (const [k, name] of PROTOTYPE_NAMES.entries()) if (i % 10 !== k) features[name] = k % 2 ? `c${(i + shift) % 3}` : (i % 13) + shift;
        return features;
      });
    const ref = await call(putReference, {
      method: "PUT",
      params: { model },
      body: { rows: rows(300, 0).map((features) => ({ features, prediction: "a" })) },
    });
    // The model does not exist yet: a reference needs one (404), so register it through events first.
    expect(ref.status).toBe(404);
    const events = rows(400, 2).map((features, i) => ({
      id: `p-${i}`,
      model,
      timestamp: new Date(hour + i * 1000).toISOString(),
      features,
      prediction: "a",
    }));
    const ingest = await call(postPredictions, { body: events });
    expect(ingest.status).toBe(200);
    expect(ingest.body).toMatchObject({ accepted: 400, rejected: [] });
    const refAgain = await call(putReference, {
      method: "PUT",
      params: { model },
      body: { rows: rows(300, 0).map((features) => ({ features, prediction: "a" })) },
    });
    expect(refAgain.status).toBe(200);

    const model_ = await call(getModelRoute, { params: { model } });
    expect(model_.body.features.map((f: { name: string }) => f.name).sort()).toEqual([...PROTOTYPE_NAMES, "plain"].sort());

    const range = `from=${new Date(hour).toISOString()}&to=${new Date(hour + 3600_000).toISOString()}`;
    for (const methods of ["", "&methods=psi,ks,wasserstein,chi2,js,hellinger,evidently"]) {
      const drift = await call(getDriftRoute, { path: `/api/v1/models/${model}/drift?${range}${methods}`, params: { model } });
      expect(drift.status).toBe(200);
      const names = drift.body.features.map((f: { name: string }) => f.name);
      for (const name of PROTOTYPE_NAMES) expect(names).toContain(name);
    }

    const quality = await call(getQualityRoute, { path: `/api/v1/models/${model}/quality?${range}`, params: { model } });
    expect(quality.status).toBe(200);
    for (const name of PROTOTYPE_NAMES) {
      const f = quality.body.features.find((x: { name: string }) => x.name === name);
      expect(f, name).toMatchObject({ count: 400, missing: 40, typeMismatches: 0 });
    }
  });

  it("a `__proto__` key is refused with a clear reason, not dropped, and the rest of the batch is kept", async () => {
    const model = uniqueModel("dunder");
    const raw = `[{"id":"a","model":"${model}","features":{"__proto__":1,"x":2},"prediction":"a"},` +
      `{"id":"b","model":"${model}","features":{"x":2},"prediction":"a"},` +
      `{"id":"c","model":"${model}","features":{"x":2},"segments":{"__proto__":"s"},"prediction":"a"}]`;
    const res = await call(postPredictions, { raw });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: { id: string }) => r.id)).toEqual(["a", "c"]);
    expect(JSON.stringify(res.body.rejected)).toContain("__proto__");
  });
});

describe("ids in the path and in bodies", () => {
  it("a NUL in a path id answers in the error contract, not 500", async () => {
    const model = "a\u0000b";
    for (const res of [
      await call(getModelRoute, { params: { model } }),
      await call(getDriftRoute, { params: { model } }),
      await call(deleteApiKey, { method: "DELETE", params: { id: "a\u0000b" } }),
    ]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.error.code).toEqual(expect.any(String));
    }
  });

  it("invalid UTF-8 in an id is refused, so two different byte strings never collide", async () => {
    const model = uniqueModel("utf8");
    const enc = (s: string) => Buffer.from(s, "utf8");
    const line = (idBytes: Buffer) =>
      Buffer.concat([enc(`{"id":"`), idBytes, enc(`","model":"${model}","features":{"x":1},"prediction":"a"}\n`)]);
    const body = Buffer.concat([line(Buffer.from([0x61, 0xff])), line(Buffer.from([0x61, 0xfe])), line(enc("ok"))]);
    const res = await call(postPredictions, { raw: new Blob([body]).stream(), contentType: "application/x-ndjson" });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toHaveLength(2);
    expect(res.body.rejected[0]).toMatchObject({ line: 1 });
    expect(JSON.stringify(res.body.rejected[0].errors)).toMatch(/UTF-8/);

    const json = Buffer.concat([enc(`{"id":"`), Buffer.from([0x61, 0xff]), enc(`","model":"${model}","features":{},"prediction":"a"}`)]);
    const bad = await call(postPredictions, { raw: new Blob([json]).stream() });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/UTF-8/);
  });
});
