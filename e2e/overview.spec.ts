import { expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./env";

const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };

test("the overview lists models with their event counts after events are posted", async ({ page, request }) => {
  const model = `e2e-${Date.now().toString(36)}`;
  const events = Array.from({ length: 250 }, (_, i) => ({
    id: `p-${i}`,
    model,
    features: { amount: i * 1.5, country: ["DE", "FR"][i % 2] },
    prediction: i % 9 === 0 ? "fraud" : "legit",
    latencyMs: 10 + (i % 30),
    ...(i % 50 === 0 ? { error: { type: "timeout" } } : {}),
  }));
  const res = await request.post("/api/v1/predictions", { headers: auth, data: { events } });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ accepted: 250, duplicates: 0 });

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Models" })).toBeVisible();
  const row = page.locator(`tr[data-model="${model}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("event-count")).toHaveText("250");
  // 5 errors in 250 is above the 1 % warning threshold; the reason is on the badge's cell.
  await expect(row).toContainText("Warning");
  await expect(row.locator("td[title]").first()).toHaveAttribute("title", "error rate above 1 %");
  await expect(row).toContainText("2.00 %"); // 5 errors in 250
  await page.screenshot({ path: "test-results/overview.png", fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: "test-results/overview-phone.png", fullPage: true });
});

test("the API refuses requests without a token", async ({ request }) => {
  const res = await request.get("/api/v1/models");
  expect(res.status()).toBe(401);
  expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  expect((await request.get("/api/health")).status()).toBe(200);
});
