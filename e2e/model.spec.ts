import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { rng } from "../scripts/demo/random";
import { E2E_ADMIN_TOKEN } from "./env";
import { checkAtBothWidths } from "./pageChecks";

const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const HOUR = 3_600_000;
const stamp = Date.now().toString(36);
const model = `model-${stamp}`;

/** 20 hours of traffic: v1, then v2 from 8 hours ago (slower, less confident); errors; 60 % labelled; len sometimes missing. */
async function seed(request: APIRequestContext) {
  const put = await request.put(`/api/v1/models/${model}`, {
    headers: auth,
    data: { task: "multiclass_classification", classes: ["billing", "sales", "tech"], features: [{ name: "len", type: "numerical" }] },
  });
  expect(put.ok()).toBe(true);
  const r = rng(5);
  const classes = ["billing", "sales", "tech"];
  const base = Math.floor(Date.now() / HOUR) * HOUR;
  const events = [];
  const labels = [];
  for (let h = 20; h >= 1; h--) {
    const v2 = h <= 8;
    for (let i = 0; i < 120; i++) {
      const id = `${h}-${i}`;
      const k = Math.floor(r() ** 1.5 * 3);
      const conf = (v2 ? 0.55 : 0.75) + r() * 0.2;
      const probs = Object.fromEntries(classes.map((c, j) => [c, j === k ? conf : (1 - conf) / 2]));
      events.push({
        id,
        model,
        version: v2 ? "v2" : "v1",
        timestamp: new Date(base - h * HOUR + i * 30_000).toISOString(),
        // len is missing from a share of each hour's events that changes hour to hour (the quality sparkline's line)
        features: i % (4 + (h % 5)) === 1 ? {} : { len: 100 + r() * 50 },
        prediction: classes[k],
        probabilities: probs,
        latencyMs: (v2 ? 120 : 40) + r() * 30,
        ...(i % 40 === 0 ? { error: { type: "timeout" } } : {}),
      });
      if (r() < 0.6) labels.push({ model, id, actual: r() < 0.8 ? classes[k] : classes[(k + 1) % 3] });
    }
  }
  expect((await request.post("/api/v1/predictions", { headers: auth, data: { events } })).status()).toBe(200);
  expect((await request.post("/api/v1/labels", { headers: auth, data: { labels } })).status()).toBe(200);
}

const ratio = (v: number) => `${(v * 100).toFixed(v >= 0.995 || v < 0.1 ? 2 : 1)} %`;
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toPrecision(3)} s` : `${v.toPrecision(3)} ms`);
const num = (v: number) => Number(v.toPrecision(3)).toLocaleString("en-US");

async function rangeOf(page: Page) {
  const note = page.getByTestId("range-note");
  return { from: (await note.getAttribute("data-from"))!, to: (await note.getAttribute("data-to"))! };
}

test.describe.serial("model page", () => {
  test.beforeAll(async ({ request }) => {
    await seed(request);
  });

  test("each chart's number is the metrics API's for the same range, and every time chart marks the deployment", async ({ page, request }) => {
    await page.goto(`/models/${model}?range=24h`);
    await expect(page.getByRole("heading", { name: model })).toBeVisible();
    await expect(page.getByTestId("versions")).toContainText("v1");
    await expect(page.getByTestId("versions")).toContainText("v2");
    // the SLO summary (none defined yet) links to where objectives are set
    await expect(page.getByTestId("slo-summary")).toContainText("None defined");
    const { from, to } = await rangeOf(page);
    const api = await (
      await request.get(`/api/v1/models/${model}/metrics?window=single&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { headers: auth })
    ).json();
    const w = api.buckets[0];
    await expect(page.getByTestId("stat-requests")).toHaveText(w.requests.toLocaleString("en-US"));
    await expect(page.getByTestId("stat-error-rate")).toHaveText(ratio(w.errors.rate));
    await expect(page.getByTestId("stat-p99")).toHaveText(ms(w.latency.p99));
    const counts = w.predictions.counts as Record<string, number>;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const top = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
    await expect(page.getByTestId("stat-top-class")).toHaveText(ratio(top[1] / total));
    await expect(page.getByTestId("stat-confidence-p25")).toHaveText(num(w.confidence.p25));
    await expect(page.getByTestId("stat-performance")).toHaveText(ratio(w.performance.accuracy));
    await expect(page.getByTestId("stat-coverage")).toHaveText(ratio(w.labels.coverage));
    await expect(page.getByTestId("cm-0-0")).toHaveText(w.performance.confusion.matrix[0][0].toLocaleString("en-US"));
    // the quality table covers the 24 h range widened to whole hours (rollup rows only, no raw events at its edges),
    // says so, and draws its missing-share sparklines per hour: the API's step=1h series over those hours
    const card = page.getByTestId("chart-quality");
    const qFrom = (await card.getAttribute("data-from"))!;
    const qTo = (await card.getAttribute("data-to"))!;
    expect(Date.parse(qFrom) % 3_600_000).toBe(0);
    expect(Date.parse(qTo) % 3_600_000).toBe(0);
    expect(Date.parse(qFrom)).toBeLessThanOrEqual(Date.parse(from));
    expect(Date.parse(from) - Date.parse(qFrom)).toBeLessThan(3_600_000);
    expect(Date.parse(qTo)).toBeGreaterThanOrEqual(Date.parse(to));
    expect(Date.parse(qTo) - Date.parse(to)).toBeLessThan(3_600_000);
    const quality = await (
      await request.get(`/api/v1/models/${model}/quality?from=${encodeURIComponent(qFrom)}&to=${encodeURIComponent(qTo)}&step=1h`, { headers: auth })
    ).json();
    const len = quality.features.find((f: { name: string }) => f.name === "len");
    const lenRow = card.locator('tr[data-feature="len"]');
    await expect(lenRow.getByTestId("quality-missing")).toHaveText(ratio(len.missingRate));
    const rates = (len.missingSeries as { missingRate: number | null }[]).map((p) => p.missingRate).filter((x): x is number => x !== null);
    expect(rates.length).toBeGreaterThan(10);
    expect(Math.max(...rates)).toBeGreaterThan(Math.min(...rates));
    await expect(lenRow.getByTestId("quality-missing-spark")).toHaveAttribute(
      "aria-label",
      `Missing share of len per hour: ${ratio(Math.min(...rates))} to ${ratio(Math.max(...rates))}; latest ${ratio(rates.at(-1)!)}`,
    );
    for (const chart of ["requests", "latency", "predictions", "confidence", "performance"]) {
      await expect(page.getByTestId(`chart-${chart}`).locator("svg").getByText("▲ v2")).toBeVisible();
    }
    // the 500 ms limit: p99 here stays far below it, so the card says where it is instead of flattening the lines
    expect(w.latency.p99).toBeLessThan(200);
    await expect(page.getByTestId("latency-limit")).toHaveText("limit 500 ms, above the chart");
  });

  test("the range is in the URL: a preset, a drag across a chart, and Back restores each view", async ({ page }) => {
    await page.goto(`/models/${model}?range=24h`);
    const first = await rangeOf(page);
    await page.getByRole("group", { name: "Time range" }).getByRole("link", { name: "7d" }).click();
    await expect(page).toHaveURL(/range=7d/);
    await expect.poll(async () => (await rangeOf(page)).from).not.toBe(first.from);
    const week = await rangeOf(page);
    expect(Date.parse(week.to) - Date.parse(week.from)).toBeGreaterThanOrEqual(7 * 24 * HOUR);

    // drag across the requests chart: from a third to two thirds of its width
    const plot = page.getByTestId("chart-requests").locator(".recharts-surface").first();
    await plot.scrollIntoViewIfNeeded();
    const box = (await plot.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.55, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, y, { steps: 8 });
    await page.mouse.move(box.x + box.width * 0.85, y, { steps: 8 });
    await page.mouse.up();
    await expect(page).toHaveURL(/from=.*&to=|to=.*&from=/);
    await expect(page).not.toHaveURL(/range=/);
    const zoomed = await rangeOf(page);
    expect(Date.parse(zoomed.to) - Date.parse(zoomed.from)).toBeLessThan(Date.parse(week.to) - Date.parse(week.from));

    await page.goBack();
    await expect(page).toHaveURL(/range=7d/);
    await expect.poll(async () => (await rangeOf(page)).from).toBe(week.from);
    await page.goBack();
    await expect(page).toHaveURL(/range=24h/);
  });

  test("now-relative from/to and the version filter are in the URL", async ({ page, request }) => {
    await page.goto(`/models/${model}?from=now-6h&to=now`);
    const { from, to } = await rangeOf(page);
    expect(Date.parse(to) - Date.parse(from)).toBeGreaterThanOrEqual(6 * HOUR);
    await page.getByTestId("version-filter").selectOption("v2");
    await expect(page).toHaveURL(/version=v2/);
    await expect(page).toHaveURL(/from=now-6h/);
    const r = await rangeOf(page);
    const api = await (
      await request.get(`/api/v1/models/${model}/metrics?window=single&version=v2&from=${encodeURIComponent(r.from)}&to=${encodeURIComponent(r.to)}`, { headers: auth })
    ).json();
    await expect(page.getByTestId("stat-requests")).toHaveText(api.buckets[0].requests.toLocaleString("en-US"));
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`screenshots, axe and no sideways scroll in the ${scheme} theme`, async ({ page }) => {
      await checkAtBothWidths(page, "model", scheme, async () => {
        await page.goto(`/models/${model}?range=24h`);
        await expect(page.getByTestId("chart-performance").locator(".recharts-surface").first()).toBeVisible();
      });
    });
  }
});

test("a model without events says how to send one; an unknown model is a 404", async ({ page, request }) => {
  const empty = `empty-${stamp}`;
  expect((await request.put(`/api/v1/models/${empty}`, { headers: auth, data: { task: "regression", features: [{ name: "x", type: "numerical" }] } })).ok()).toBe(true);
  await page.goto(`/models/${empty}`);
  await expect(page.getByTestId("model-empty")).toContainText("No predictions yet");
  await expect(page.getByTestId("reference")).toContainText("none yet");
  const res = await page.goto(`/models/no-such-model-${stamp}`);
  expect(res?.status()).toBe(404);
});

test("a model with one hour of events draws that hour's point, which a line alone could not, and opens on its last hour", async ({ page, request }) => {
  const one = `one-hour-${stamp}`;
  const t = Date.now() - 20 * 60_000;
  const events = Array.from({ length: 20 }, (_, i) => ({
    id: `o-${i}`, model: one, timestamp: t + i * 1000, features: { x: i }, prediction: i % 2 ? "yes" : "no", latencyMs: 10 + i,
  }));
  expect((await request.post("/api/v1/predictions", { headers: auth, data: { events } })).status()).toBe(200);
  // a week at 1-hour buckets: the twenty seconds of events are one bucket, a point with no neighbour
  await page.goto(`/models/${one}?range=7d`);
  await expect(page.locator("circle[data-isolated-point]").first()).toBeVisible();
  // with no range in the URL, a model this young opens on the last hour, its events spread across the charts
  await page.goto(`/models/${one}`);
  await expect(page.getByRole("group", { name: "Time range" }).getByRole("link", { name: "1h" })).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId("chart-requests")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/model-one-hour.png", fullPage: true });
});
