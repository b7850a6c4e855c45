import AxeBuilder from "@axe-core/playwright";
import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./env";

const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const MINUTE = 60_000;
const SHOTS = "test-results/screenshots";
const stamp = Date.now().toString(36);
const MODEL = `slo-fraud-${stamp}`;
const EMPTY = `slo-none-${stamp}`;

/**
 * Four days of traffic (one event a minute, 0.2 % errors, latencies 20–400 ms, a third labelled, one in eight of
 * those wrong) and, 2–4 minutes ago, a burst of 60 requests a third of which fail: availability pages.
 */
async function seed(request: APIRequestContext) {
  expect((await request.put(`/api/v1/models/${MODEL}`, { headers: auth, data: { task: "binary_classification", classes: ["fraud", "legit"] } })).ok()).toBe(true);
  const now = Date.now();
  const events = [];
  const labels = [];
  for (let i = 0; i < 4 * 24 * 60; i++) {
    const fraud = i % 9 === 0;
    const id = `bg-${i}`;
    events.push({
      id, model: MODEL, timestamp: new Date(now - 10 * MINUTE - i * MINUTE).toISOString(), features: { amount: i % 300 },
      prediction: fraud ? "fraud" : "legit", latencyMs: 20 + ((i * 37) % 380), ...(i % 500 === 3 ? { error: { type: "timeout" } } : {}),
    });
    if (i % 3 === 0) labels.push({ model: MODEL, id, actual: i % 8 === 0 ? (fraud ? "legit" : "fraud") : fraud ? "fraud" : "legit" });
  }
  for (let i = 0; i < 60; i++) {
    events.push({
      id: `burst-${i}`, model: MODEL, timestamp: new Date(now - 4 * MINUTE + i * 2000).toISOString(), features: { amount: 1 },
      prediction: "legit", latencyMs: 120, ...(i % 3 === 0 ? { error: { type: "model_error" } } : {}),
    });
  }
  for (let b = 0; b < events.length; b += 5000) {
    expect((await request.post("/api/v1/predictions", { headers: auth, data: { events: events.slice(b, b + 5000) } })).status()).toBe(200);
  }
  expect((await request.post("/api/v1/labels", { headers: auth, data: { labels } })).status()).toBe(200);
  const put = await request.put(`/api/v1/models/${MODEL}/slos`, {
    headers: auth,
    data: {
      slos: [
        { kind: "availability", target: 0.999, windowDays: 30 },
        { kind: "latency", target: 0.95, thresholdMs: 300, windowDays: 7 },
        { kind: "accuracy", target: 0.8, windowDays: 7 },
      ],
    },
  });
  expect(put.status()).toBe(200);
  expect((await request.put(`/api/v1/models/${EMPTY}`, { headers: auth, data: { task: "regression" } })).ok()).toBe(true);
}

async function expectNoSeriousAxe(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

const pct = (x: number) => `${Number((x * 100).toPrecision(4))} %`;
const burn = (x: number | null) => (x === null ? "—" : `${Number(x.toPrecision(3)).toLocaleString("en-US")}×`);

test.describe.serial("SLO page", () => {
  test.beforeAll(async ({ request }) => seed(request));

  test("shows each SLO's budget and burn-rate rows with the API's numbers", async ({ page, request }) => {
    // the page and the API evaluate "now": compare them when both saw the same minute (a boundary may pass between)
    let api;
    for (let attempt = 0; attempt < 3; attempt++) {
      await page.goto(`/models/${MODEL}/slos`);
      const pageEnd = await page.getByTestId("slo-page").getAttribute("data-window-end");
      api = await (await request.get(`/api/v1/models/${MODEL}/slos`, { headers: auth })).json();
      if (api.windowEnd === pageEnd) break;
    }
    expect(api.slos.map((s: { name: string }) => s.name)).toEqual(["availability", "latency-300ms", "accuracy"]);
    for (const s of api.slos) {
      const card = page.getByTestId(`slo-${s.name}`);
      await expect(card.getByRole("heading", { name: s.name })).toBeVisible();
      await expect(card).toContainText(s.objective);
      // budget left, or how many times over when overspent
      const remaining = s.errorBudget.remaining;
      await expect(card.getByTestId("slo-remaining")).toHaveText(remaining < 0 ? burn(s.errorBudget.consumed) : pct(remaining));
      await expect(card.getByTestId("slo-bad")).toHaveText(s.errorBudget.bad.toLocaleString("en-US"));
      // one burn-rate number per row: the long window's, as the API gives it
      for (const r of s.burnRates) {
        await expect(card.getByTestId(`burn-${r.longWindow}`).getByTestId("burn-long")).toHaveText(burn(r.long.burnRate));
      }
    }
    // the burst pages on availability (1 h and 5 m both far above 14.4×), and the page says so
    const availability = api.slos[0];
    expect(availability.firing).toContain("page");
    await expect(page.getByTestId("slo-availability").getByTestId("slo-state")).toHaveText("Paging");
    await expect(page.getByTestId("slo-availability").getByTestId("burn-1h")).toContainText("Firing");
  });

  test("the overview names a paging SLO under the model's status and links to the SLO page", async ({ page, request }) => {
    await page.goto(`/?q=${MODEL}`);
    const line = page.locator(`tr[data-model="${MODEL}"]`).getByTestId("slo-line");
    await expect(line).toHaveText("SLO paging: availability");
    // a model without SLOs has no line
    await page.goto(`/?q=${EMPTY}`);
    await expect(page.locator(`tr[data-model="${EMPTY}"]`)).toBeVisible();
    await expect(page.locator(`tr[data-model="${EMPTY}"]`).getByTestId("slo-line")).toHaveCount(0);
    await page.goto(`/?q=${MODEL}`);
    await page.locator(`tr[data-model="${MODEL}"]`).getByTestId("slo-line").click();
    await expect(page).toHaveURL(new RegExp(`/models/${MODEL}/slos$`));
    const api = await (await request.get(`/api/v1/models/${MODEL}/slos`, { headers: auth })).json();
    expect(api.slos[0].firing).toContain("page");
  });

  test("a model without SLOs shows how to set one", async ({ page }) => {
    await page.goto(`/models/${EMPTY}/slos`);
    await expect(page.getByTestId("slo-empty")).toContainText(`/api/v1/models/${EMPTY}/slos`);
    await expectNoSeriousAxe(page);
  });

  test("an unknown model shows the not-found page", async ({ page }) => {
    // the page streams (loading.tsx), so the status is sent before the model is looked up: the body says 404
    await page.goto(`/models/no-such-model-${stamp}/slos`);
    await expect(page.getByText("This page could not be found.")).toBeVisible();
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`screenshots, axe and no sideways scroll in the ${scheme} theme`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      for (const [width, height] of [[1440, 900], [390, 844]]) {
        await page.setViewportSize({ width, height });
        await page.goto(`/models/${MODEL}/slos`);
        await expect(page.getByTestId("slo-availability")).toBeVisible();
        await expectNoSeriousAxe(page);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `${SHOTS}/slo-${scheme}-${width}.png`, fullPage: true });
        // the overview row with its SLO line
        await page.goto(`/?q=${MODEL}`);
        await expect(page.getByTestId("slo-line")).toBeVisible();
        await expectNoSeriousAxe(page);
        await page.screenshot({ path: `${SHOTS}/slo-overview-${scheme}-${width}.png` });
      }
    });
  }
});
