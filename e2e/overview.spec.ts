import { type APIRequestContext, expect, type Locator, test } from "@playwright/test";
import { rng } from "../scripts/demo/random";
import { E2E_ADMIN_TOKEN } from "./env";
import { checkAtBothWidths } from "./pageChecks";

const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const HOUR = 3_600_000;
const stamp = Date.now().toString(36);

/**
 * A binary classifier with a reference and 30 hours of traffic (the 24 shown and the 24 before them partly), half
 * of it labelled; `amount` drifts in the last 6 hours, errors and latency rise in the last 3.
 */
async function seedFleetModel(request: APIRequestContext, model: string) {
  const put = await request.put(`/api/v1/models/${model}`, {
    headers: auth,
    data: {
      task: "binary_classification",
      classes: ["fraud", "legit"],
      features: [
        { name: "amount", type: "numerical" },
        { name: "age", type: "numerical" },
        { name: "country", type: "categorical" },
      ],
    },
  });
  expect(put.ok()).toBe(true);
  const r = rng(11);
  const normal = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const row = (shift: number) => ({ amount: 100 + 20 * (normal() + shift), age: 40 + 10 * normal(), country: ["DE", "FR", "US"][Math.floor(r() * 3)] });
  const ref = await request.put(`/api/v1/models/${model}/reference`, {
    headers: auth,
    data: { rows: Array.from({ length: 1000 }, () => ({ features: row(0), prediction: r() < 0.2 ? "fraud" : "legit" })) },
  });
  expect(ref.ok()).toBe(true);
  const base = Math.floor(Date.now() / HOUR) * HOUR;
  const events = [];
  const labels = [];
  for (let h = 30; h >= 1; h--) {
    for (let i = 0; i < 240; i++) {
      const id = `${h}-${i}`;
      const fraud = r() < 0.2;
      events.push({
        id,
        model,
        timestamp: new Date(base - h * HOUR + i * 15_000).toISOString(),
        features: row(h <= 6 ? 1.5 : 0),
        prediction: fraud ? "fraud" : "legit",
        probabilities: { fraud: fraud ? 0.8 : 0.1, legit: fraud ? 0.2 : 0.9 },
        latencyMs: (h <= 3 ? 300 : 40) + (i % 10),
        ...(h <= 3 && i % 5 === 0 ? { error: { type: "timeout" } } : {}),
      });
      if (i % 2 === 0) labels.push({ model, id, actual: r() < 0.85 ? (fraud ? "fraud" : "legit") : fraud ? "legit" : "fraud" });
    }
  }
  expect((await request.post("/api/v1/predictions", { headers: auth, data: { events } })).status()).toBe(200);
  expect((await request.post("/api/v1/labels", { headers: auth, data: { labels } })).status()).toBe(200);
}

/** The "latest full hour N" a sparkline's label gives, as the page printed it. */
async function latest(spark: Locator): Promise<string> {
  const label = (await spark.getAttribute("aria-label")) ?? "";
  return /latest full hour ([^;]+)/.exec(label)?.[1] ?? "";
}

const fleetModel = `fleet-${stamp}`;

test.describe.serial("overview", () => {
  test.beforeAll(async ({ request }) => {
    await seedFleetModel(request, fleetModel);
  });

  test("every trend on the overview shows the API's numbers for the same range", async ({ page, request }) => {
    await page.goto("/");
    const row = page.locator(`tr[data-model="${fleetModel}"]`);
    const requests = row.getByTestId("trend-requests");
    await expect(requests).toBeVisible();
    const from = (await requests.getAttribute("data-from"))!;
    const to = (await requests.getAttribute("data-to"))!;
    const qs = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&step=1h`;
    const metrics = await (await request.get(`/api/v1/models/${fleetModel}/metrics?${qs}`, { headers: auth })).json();
    const drift = await (await request.get(`/api/v1/models/${fleetModel}/drift?${qs}`, { headers: auth })).json();
    const summary = (await (await request.get("/api/v1/models", { headers: auth })).json()).models.find((m: { id: string }) => m.id === fleetModel);
    const buckets = metrics.buckets as { requests: number; errors: { rate: number | null }; latency: { p99: number | null }; performance: { accuracy: number } | null }[];
    expect(buckets).toHaveLength(24);

    // requests: the total of the 24 hours, and the sparkline's latest complete hour (the seed's last hour of traffic)
    const total = buckets.reduce((a, b) => a + b.requests, 0);
    expect(total).toBe(summary.last24h.requests);
    await expect(requests).toContainText(total.toLocaleString("en-US"));
    const lastWithData = buckets.at(-2)!;
    expect(lastWithData.requests).toBe(240);
    expect(await latest(row.getByTestId("spark-requests"))).toBe(lastWithData.requests.toLocaleString("en-US"));

    // error rate and p99 of the 24 hours: the summary's, formatted as the page formats them
    await expect(row.getByTestId("trend-errors")).toContainText(`${(summary.last24h.errorRate * 100).toFixed(2)} %`);
    await expect(row.getByTestId("trend-p99")).toContainText(`${summary.last24h.latencyP99Ms.toPrecision(3)} ms`);
    // the error-rate sparkline's latest point is the API's last non-empty hour
    expect(await latest(row.getByTestId("trend-errors").getByRole("img"))).toBe(`${(lastWithData.errors.rate! * 100).toFixed(2)} %`);

    // drifted features: the latest complete hour of the drift API
    const lastComplete = drift.windows.at(-2);
    await expect(row.getByTestId("drift-count")).toHaveText(`${lastComplete.driftedCount} / ${lastComplete.tested}`);
    expect(lastComplete.driftedCount).toBeGreaterThan(0); // amount drifts in the last 6 hours

    // accuracy of the 24 hours and label coverage
    await expect(row.getByTestId("trend-quality")).toContainText(`${(summary.last24h.accuracy * 100).toFixed(1)} %`);
    await expect(row.getByTestId("label-coverage")).toHaveText(`${(summary.last24h.labelCoverage * 100).toFixed(0)} % labelled`);
    const accLast = buckets.at(-2)!;
    expect(await latest(row.getByTestId("trend-quality").getByRole("img"))).toBe(`${(accLast.performance!.accuracy * 100).toFixed(1)} %`);

    // late events into the latest complete hour change its drift: the overview computes that hour again (its
    // rollup rows changed) and still shows the API's number
    const hourAgo = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const late = Array.from({ length: 400 }, (_, i) => ({
      id: `late-${i}`,
      model: fleetModel,
      timestamp: new Date(hourAgo + i * 5_000).toISOString(),
      features: { amount: 400 + i, age: 90, country: "US" },
      prediction: "legit",
      latencyMs: 40,
    }));
    expect((await request.post("/api/v1/predictions", { headers: auth, data: { events: late } })).status()).toBe(200);
    await page.reload();
    const after = await (await request.get(`/api/v1/models/${fleetModel}/drift?${qs}`, { headers: auth })).json();
    expect(after.windows.at(-2).driftedCount).toBeGreaterThan(lastComplete.driftedCount);
    await expect(row.getByTestId("drift-count")).toHaveText(`${after.windows.at(-2).driftedCount} / ${after.windows.at(-2).tested}`);
  });

  test("search, status filter and sort live in the URL, Back restores, a row opens its model page", async ({ page, request }) => {
    const other = `quiet-${stamp}`;
    const res = await request.post("/api/v1/predictions", {
      headers: auth,
      data: { events: [{ id: "q-1", model: other, features: { x: 1 }, prediction: "a", latencyMs: 5 }] },
    });
    expect(res.status()).toBe(200);
    await page.goto("/");
    await page.getByTestId("fleet-search").fill(stamp);
    await expect(page).toHaveURL(new RegExp(`q=${stamp}`));
    await expect(page.locator("tbody tr")).toHaveCount(2);
    // the fleet model is warning or critical (its errors; its alerts once the evaluator has run), the quiet one healthy
    await page.getByTestId("fleet-status").selectOption("healthy");
    await expect(page).toHaveURL(/status=healthy/);
    await expect(page.locator("tbody tr")).toHaveCount(1);
    await expect(page.locator(`tr[data-model="${other}"]`)).toBeVisible();
    await page.goBack();
    await expect(page).not.toHaveURL(/status=healthy/);
    await expect(page.locator("tbody tr")).toHaveCount(2);

    await page.locator("thead").getByRole("link", { name: "Model", exact: true }).click();
    await expect(page).toHaveURL(/sort=name&dir=asc/);
    await expect(page.locator("tbody tr").first()).toHaveAttribute("data-model", fleetModel);
    await page.locator("thead").getByRole("link", { name: "Model", exact: true }).click();
    await expect(page).toHaveURL(/sort=name&dir=desc/);
    await expect(page.locator("tbody tr").first()).toHaveAttribute("data-model", other);
    await expect(page.locator("th[aria-sort='descending']")).toContainText("Model");

    await page.getByTestId("fleet-search").fill("no-such-model-anywhere");
    await expect(page.getByText("No model matches this search or filter.")).toBeVisible();

    await page.goto("/");
    await page.locator(`tr[data-model="${fleetModel}"]`).getByRole("link", { name: fleetModel }).click();
    await expect(page).toHaveURL(new RegExp(`/models/${fleetModel}$`));
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`screenshots, axe and no sideways scroll in the ${scheme} theme`, async ({ page }) => {
      await checkAtBothWidths(page, "overview", scheme, async () => {
        await page.goto(`/?q=${stamp}`);
        await expect(page.locator(`tr[data-model="${fleetModel}"]`).getByTestId("trend-requests")).toBeAttached();
      });
    });
  }
});

test("the overview lists models with their event counts and status reasons", async ({ page, request }) => {
  const model = `e2e-${stamp}`;
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
  // 5 errors in 250 is above the 1 % warning threshold; the reason is shown under the badge.
  await expect(row.getByTestId("status")).toContainText("error rate above 1 %");
  // the page says what GET /api/v1/models says: the status (its numbers' and its firing alerts', e.g. HighErrorRate
  // once the evaluator has run), each reason, and a firing alert never beside "Healthy"
  const LABEL = { healthy: "Healthy", warning: "Warning", critical: "Critical", no_data: "No data" } as const;
  await expect(async () => {
    await page.reload();
    const api = (await (await request.get("/api/v1/models", { headers: auth })).json()).models.find((m: { id: string }) => m.id === model);
    expect(api.status).not.toBe("healthy");
    await expect(row.getByTestId("status")).toContainText(LABEL[api.status as keyof typeof LABEL], { timeout: 1000 });
    for (const reason of api.statusReasons as string[]) await expect(row.getByTestId("status")).toContainText(reason, { timeout: 1000 });
    await expect(row.getByTestId("alert-line")).toHaveCount(api.alerts ? 1 : 0, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(row.getByTestId("trend-errors")).toContainText("2.00 %"); // 5 errors in 250
  await expect(row.getByTestId("trend-drift")).toContainText("no reference");
});

test("the API refuses requests without a token", async ({ playwright, baseURL }) => {
  // A client of its own: the spec's `request` carries the signed-in admin's session cookie.
  const request = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const res = await request.get("/api/v1/models");
  expect(res.status()).toBe(401);
  expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  expect((await request.get("/api/health")).status()).toBe(200);
  await request.dispose();
});
