import { type APIRequestContext, expect, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./env";
import { checkAtBothWidths } from "./pageChecks";

const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const MINUTE = 60_000;
const stamp = Date.now().toString(36);
const MODEL = `alerting-${stamp}`;
const QUIET = `quiet-${stamp}`;
/** Fires 45 minutes ago and keeps firing: a third of the requests fail. */
const ERRORS = `ErrorsE2e_${stamp}`;
/** Fires 45 minutes ago on slow requests and resolves 20 minutes ago once they are fast again. */
const SLOW = `SlowE2e_${stamp}`;

type Alert = { alertname: string; slo: { name: string; window: string } | null; state: string; severity: string; value: number | null; history: { at: string; from: string; to: string }[] };

/**
 * 50 minutes of traffic (6 events a minute, under the default rules' 100-sample minimum over 5 minutes): a third
 * of them errors throughout, 450 ms latency until 30 minutes ago and 40 ms since. Then two rules, evaluated as of
 * 45 and 20 minutes ago and now, so the model has one alert firing and one resolved in the last hour. A second model,
 * registered by one event just before the last cycle, has nothing firing.
 */
async function seed(request: APIRequestContext) {
  const put = await request.put(`/api/v1/models/${MODEL}`, { headers: auth, data: { task: "binary_classification", classes: ["fraud", "legit"] } });
  expect(put.ok()).toBe(true);
  const now = Date.now();
  const events = [];
  for (let m = 50; m >= 0; m--) {
    for (let i = 0; i < 6; i++) {
      events.push({
        id: `${m}-${i}`,
        model: MODEL,
        version: "v7",
        timestamp: new Date(now - m * MINUTE - i * 9_000).toISOString(),
        features: { amount: i * 10 },
        prediction: i % 2 ? "legit" : "fraud",
        latencyMs: m > 30 ? 450 : 40,
        ...(i % 3 === 0 ? { error: { type: "timeout" } } : {}),
      });
    }
  }
  expect((await request.post("/api/v1/predictions", { headers: auth, data: { events } })).status()).toBe(200);

  const rules = [
    { name: ERRORS, model: MODEL, metric: "error_rate", comparison: ">", threshold: 0.05, window: "5m", for: "0s", minSamples: 10, severity: "critical" },
    { name: SLOW, model: MODEL, metric: "latency_p99", comparison: ">", threshold: 0.3, window: "5m", for: "0s", minSamples: 10, severity: "warning" },
  ];
  for (const rule of rules) {
    const res = await request.post("/api/v1/alert-rules", { headers: auth, data: { ...rule, labels: {}, enabled: true } });
    expect(res.status(), await res.text()).toBe(201);
  }
  // evaluation as of past times moves only alerts not evaluated later (the server's own 15 s loop may have run
  // meanwhile: then the errors alert fires "now" instead, and its band is narrow; the checks below hold either way)
  const evaluate = async (at: number) => {
    const res = await request.post("/api/v1/alerts/evaluate", { headers: auth, data: { now: new Date(at).toISOString() } });
    expect(res.status(), await res.text()).toBe(200);
  };
  await evaluate(now - 45 * MINUTE);
  await evaluate(now - 20 * MINUTE);
  // registered by its first event (one request: no cycle sees it without traffic, so "no requests" never fires)
  const quiet = { id: "q1", model: QUIET, timestamp: new Date(Date.now() - MINUTE).toISOString(), features: { x: 1 }, prediction: 1.5, latencyMs: 10 };
  expect((await request.post("/api/v1/predictions", { headers: auth, data: { events: [quiet] } })).status()).toBe(200);
  await evaluate(Date.now());
}

async function alertsOf(request: APIRequestContext, model: string): Promise<Alert[]> {
  const res = await request.get(`/api/v1/alerts?model=${model}`, { headers: auth });
  expect(res.status()).toBe(200);
  return (await res.json()).alerts;
}

const ratio = (v: number) => `${(v * 100).toFixed(v >= 0.995 || v < 0.1 ? 2 : 1)} %`;

test.describe.serial("alerts on the model page and the overview", () => {
  test.beforeAll(async ({ request }) => seed(request));

  test("the model page lists the firing alert with the API's value and shades it on every time chart", async ({ page, request }) => {
    const alerts = await alertsOf(request, MODEL);
    const errors = alerts.find((a) => a.alertname === ERRORS)!;
    expect(errors.state).toBe("firing");
    await page.goto(`/models/${MODEL}?range=1h`);
    const strip = page.getByTestId("alert-strip");
    const item = strip.locator(`[data-testid="alert-item"][data-alert="${ERRORS}"]`);
    await expect(item).toHaveAttribute("data-state", "firing");
    await expect(item).toContainText("Critical");
    await expect(item.getByTestId("alert-value")).toHaveText(ratio(errors.value!));
    await expect(item.getByTestId("alert-condition")).toHaveText("(> 5.00 % over 5 min)");
    // every firing or pending alert of the API is in the strip, and nothing else
    // (the page names an SLO burn-rate alert by its SLO and row: its alertname repeats)
    const active = alerts
      .filter((a) => a.state === "firing" || a.state === "pending")
      .map((a) => (a.slo ? `${a.alertname} ${a.slo.name} ${a.slo.window}` : a.alertname))
      .sort();
    expect((await strip.getByTestId("alert-item").evaluateAll((els) => els.map((e) => e.getAttribute("data-alert")))).sort()).toEqual(active);
    // recent history: the alert that fired and resolved in the range, with a link to its history
    const resolved = strip.getByTestId("alert-resolved");
    await expect(resolved).toContainText("1 resolved in this range");
    await resolved.locator("summary").click();
    await expect(resolved.locator(`[data-testid="alert-resolved-item"][data-alert="${SLOW}"]`)).toContainText("resolved");
    await expect(resolved.getByRole("link", { name: "History on the alerts page →" })).toHaveAttribute("href", `/alerts?state=resolved&model=${MODEL}`);
    // the strip links to this model's alerts on /alerts, filtered in the URL
    const link = strip.getByRole("link", { name: "This model's alerts →" });
    await expect(link).toHaveAttribute("href", `/alerts?model=${MODEL}`);

    // a band on each time chart, named in the chart's legend; the resolved one too
    const slow = alerts.find((a) => a.alertname === SLOW)!;
    expect(slow.history.map((h) => `${h.from}→${h.to}`)).toEqual(["inactive→firing", "firing→resolved"]);
    for (const chart of ["chart-requests", "chart-latency", "chart-predictions"]) {
      const card = page.getByTestId(chart);
      await expect(card.locator(`.alert-band[data-alert="${ERRORS}"]`)).toHaveCount(1);
      await expect(card.locator(`.alert-band[data-alert="${SLOW}"]`)).toHaveCount(1);
      await expect(card.getByTestId("alert-legend")).toContainText(`alert ${ERRORS} (critical) firing`);
      await expect(card.getByTestId("alert-legend")).toContainText(`alert ${SLOW} (warning) fired`);
    }
    // the resolved band spans its firing: 45 → 20 minutes ago of the hour, about 5/12 of the plot's width
    const band = page.getByTestId("chart-latency").locator(`.alert-band[data-alert="${SLOW}"] rect`).first();
    const plot = page.getByTestId("chart-latency").locator(".recharts-cartesian-grid").first();
    const [bw, pw] = [(await band.boundingBox())!.width, (await plot.boundingBox())!.width];
    expect(bw / pw).toBeGreaterThan(0.35);
    expect(bw / pw).toBeLessThan(0.5);
    // the band names its rule on hover
    await expect(page.getByTestId("chart-latency").locator(`.alert-band[data-alert="${SLOW}"] title`)).toContainText(`${SLOW} (warning) firing`);

    await link.click();
    await expect(page).toHaveURL(new RegExp(`/alerts\\?model=${MODEL}$`));
    await expect(page.getByRole("heading", { name: `Alerts on ${MODEL}` })).toBeVisible();
    await expect(page.getByLabel("Model")).toHaveValue(MODEL);
    const listed = await page.getByTestId("alert").evaluateAll((els) => els.map((e) => e.textContent ?? ""));
    expect(listed.length).toBe(alerts.filter((a) => a.state !== "inactive").length);
    for (const text of listed) expect(text).toContain(MODEL);
    await page.getByRole("navigation", { name: "Filter by state" }).getByRole("link", { name: /^Resolved/ }).click();
    await expect(page).toHaveURL(new RegExp(`/alerts\\?state=resolved&model=${MODEL}$`));
    await expect(page.getByTestId("alert").filter({ hasText: SLOW })).toHaveAttribute("data-alert-state", "resolved");

    // a week still marks it (a narrow band is drawn at least 3 px wide)
    await page.goto(`/models/${MODEL}?range=7d`);
    await expect(page.getByTestId("chart-requests").locator(`.alert-band[data-alert="${ERRORS}"]`)).toHaveCount(1);
    expect((await page.getByTestId("chart-requests").locator(`.alert-band[data-alert="${ERRORS}"] rect`).first().boundingBox())!.width).toBeGreaterThanOrEqual(3);
  });

  test("a model with no alert firing says so calmly", async ({ page, request }) => {
    expect((await alertsOf(request, QUIET)).filter((a) => a.state === "firing" || a.state === "pending")).toEqual([]);
    await page.goto(`/models/${QUIET}?range=1h`);
    await expect(page.getByTestId("alert-strip")).toContainText("No alerts firing");
    await expect(page.getByTestId("alert-strip").getByTestId("alert-item")).toHaveCount(0);
    await expect(page.locator(".alert-band")).toHaveCount(0);
  });

  test("the overview shows the model's firing alerts beside its status, linking to /alerts", async ({ page, request }) => {
    const firing = (await alertsOf(request, MODEL)).filter((a) => a.state === "firing");
    await page.goto(`/?q=${stamp}`);
    const line = page.locator(`tr[data-model="${MODEL}"]`).getByTestId("alert-line");
    await expect(line).toHaveText(`● ${firing.length} ${firing.length === 1 ? "alert" : "alerts"} firing · critical`);
    await expect(page.locator(`tr[data-model="${QUIET}"]`).getByTestId("status")).toBeVisible();
    const quietFiring = (await alertsOf(request, QUIET)).filter((a) => a.state === "firing");
    await expect(page.locator(`tr[data-model="${QUIET}"]`).getByTestId("alert-line")).toHaveCount(quietFiring.length ? 1 : 0);
    await line.click();
    await expect(page).toHaveURL(/\/alerts$/);
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`screenshots, axe and no sideways scroll in the ${scheme} theme`, async ({ page }) => {
      // two pages at two widths, each with axe and a full-page screenshot: minutes on a busy CI machine
      test.setTimeout(240_000);
      await checkAtBothWidths(page, "model-alerts", scheme, async () => {
        await page.goto(`/models/${MODEL}?range=1h`);
        await expect(page.getByTestId("alert-strip")).toBeVisible();
        await expect(page.getByTestId("chart-latency").locator(".alert-band").first()).toBeVisible();
      });
      await checkAtBothWidths(page, "model-alerts-overview", scheme, async () => {
        await page.goto(`/?q=${stamp}`);
        await expect(page.getByTestId("alert-line")).toBeVisible();
      });
    });
  }
});
