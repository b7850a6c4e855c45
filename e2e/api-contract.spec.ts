import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./env";

/**
 * What the real server answers where Next itself would answer (before or around our handlers): every error in the
 * one contract, and large bodies reaching their handler whole.
 */
const auth = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

// No dashboard session: requests carry only what each test gives them.
test.use({ storageState: { cookies: [], origins: [] } });

async function expectContract(res: { status(): number; headers(): Record<string, string>; json(): Promise<unknown> }, status: number, code: string) {
  expect(res.status()).toBe(status);
  expect(res.headers()["content-type"]).toMatch(/^application\/json/);
  expect(await res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
}

test("bad percent-encoding, NUL, unknown paths and other methods answer in the error contract", async ({ request }) => {
  await expectContract(await request.get("/api/v1/models/%FF", { headers: auth }), 400, "invalid_path");
  await expectContract(await request.get("/api/v1/models/%FF"), 400, "invalid_path");
  await expectContract(await request.put("/api/v1/models/%FF/reference", { headers: auth, data: "{}" }), 400, "invalid_path");
  await expectContract(await request.get("/api/v1/models/a%00b", { headers: auth }), 400, "invalid_path");
  await expectContract(await request.delete("/api/v1/api-keys/a%00b", { headers: auth }), 400, "invalid_path");
  await expectContract(await request.get("/api/v1/no-such-thing", { headers: auth }), 404, "not_found");
  await expectContract(await request.get("/api/v2/models", { headers: auth }), 404, "not_found");

  const post = await request.post("/api/v1/models", { headers: auth, data: {} });
  await expectContract(post, 405, "method_not_allowed");
  expect(post.headers()["allow"]).toBe("GET, HEAD, OPTIONS");
  // the streaming routes, which the proxy does not see, answer the same themselves (after the same 401)
  const get = await request.get("/api/v1/predictions", { headers: auth });
  await expectContract(get, 405, "method_not_allowed");
  expect(get.headers()["allow"]).toBe("POST, OPTIONS");
  await expectContract(await request.get("/api/v1/labels"), 401, "unauthorized");
  await expectContract(await request.delete("/api/v1/models/m/reference", { headers: auth }), 405, "method_not_allowed");
});

test("a reference upload larger than the proxy's 10 MB body buffer arrives whole", async ({ request }) => {
  const model = `bigref-${Date.now().toString(36)}`;
  const put = await request.put(`/api/v1/models/${model}`, {
    headers: auth,
    data: { task: "binary_classification", features: [{ name: "x", type: "numerical" }, { name: "s", type: "categorical" }] },
  });
  expect(put.ok()).toBe(true);
  const rows = 150_000;
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(JSON.stringify({ features: { x: i % 1000, s: `c${i % 7}`, note: "n".repeat(60) }, prediction: "a" }));
  const body = Buffer.from(lines.join("\n") + "\n");
  expect(body.length).toBeGreaterThan(14 * 1024 * 1024);
  const res = await request.put(`/api/v1/models/${model}/reference`, {
    headers: { ...auth, "content-type": "application/x-ndjson" },
    data: body,
    timeout: 120_000,
  });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ rows, rejectedCount: 0 });
});
