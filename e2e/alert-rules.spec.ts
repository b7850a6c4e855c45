import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { metricValue, wouldHave } from "../components/alerts/format";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_TOKEN } from "./env";
import { checkAtBothWidths } from "./pageChecks";
import { createUser, signedInPage } from "./users";

const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const MINUTE = 60_000;
const stamp = Date.now().toString(36);
const MODEL = `rules-${stamp}`;

/**
 * A model with 3 hours of traffic, one request a minute, and two incidents of failures: 100–130 and 40–55
 * minutes ago every other request fails (50 %), and in the last 4 minutes every request fails.
 */
async function seed(request: APIRequestContext) {
  expect((await request.put(`/api/v1/models/${MODEL}`, { headers: auth, data: { task: "binary_classification", classes: ["fraud", "legit"] } })).ok()).toBe(true);
  const now = Date.now();
  const events = [];
  for (let i = 0; i < 180; i++) {
    const ago = i + 0.5;
    const incident = (ago >= 100 && ago < 130) || (ago >= 40 && ago < 55);
    const fail = ago < 4 || (incident && i % 2 === 0);
    events.push({
      id: `r-${i}`, model: MODEL, timestamp: new Date(now - ago * MINUTE).toISOString(), features: { amount: i % 50 },
      prediction: "legit", latencyMs: 40 + (i % 30), ...(fail ? { error: { type: "model_error" } } : {}),
    });
  }
  expect((await request.post("/api/v1/predictions", { headers: auth, data: { events } })).status()).toBe(200);
}

async function shootBothThemes(page: Page, name: string, open: () => Promise<void>) {
  const top = async () => {
    await open();
    // full-page shots from the top, so the sticky header stays at the top of the picture
    await page.evaluate(() => window.scrollTo(0, 0));
  };
  for (const scheme of ["light", "dark"] as const) await checkAtBothWidths(page, name, scheme, top);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  await seed(request);
});

test.afterAll(async ({ request }) => {
  // The model's rules and alerts go with it, so later specs see none of this spec's alerts.
  await request.delete(`/api/v1/models/${MODEL}`, { headers: auth });
});

test("a firing alert appears on /alerts with the API's value and can be acknowledged", async ({ page, request }) => {
  test.setTimeout(150_000);
  const rule = await request.post("/api/v1/alert-rules", {
    headers: auth,
    data: { name: `E2EErrors_${stamp}`, model: MODEL, metric: "error_rate", comparison: ">", threshold: 0.2, window: "5m", for: "0s", severity: "critical" },
  });
  expect(rule.status(), await rule.text()).toBe(201);
  const ruleId = (await rule.json()).id as string;
  const cycle = await request.post("/api/v1/alerts/evaluate", { headers: auth });
  expect(cycle.status()).toBe(200);

  await page.goto(`/alerts?state=firing&model=${MODEL}`);
  const item = page.getByTestId("alert").filter({ hasText: `E2EErrors_${stamp}` });
  // The value on the page is the API's (the background evaluator may move it between the two reads: read again).
  await expect(async () => {
    await page.reload();
    const [alert] = (await (await request.get(`/api/v1/alerts?rule=${ruleId}`, { headers: auth })).json()).alerts;
    expect(alert).toMatchObject({ state: "firing", model: MODEL, alertname: `E2EErrors_${stamp}` });
    await expect(item).toHaveAttribute("data-alert-state", "firing", { timeout: 1000 });
    await expect(item.getByTestId("alert-value")).toHaveText(metricValue("error_rate", ">", alert.value), { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(item).toContainText("error rate > 20 %");
  await expect(item.getByRole("link", { name: MODEL, exact: true })).toHaveAttribute("href", `/models/${MODEL}`);
  await item.getByText(/History \(1 transition\)/).click();
  await expect(item.getByTestId("transition")).toContainText("inactive → firing");

  await item.getByRole("button", { name: `Acknowledge E2EErrors_${stamp} on ${MODEL}` }).click();
  await expect(item.getByTestId("ack")).toContainText(`Acknowledged by ${E2E_ADMIN_EMAIL}`);
  await shootBothThemes(page, "alerts-firing", async () => {
    await page.goto(`/alerts?model=${MODEL}`);
    await expect(page.getByTestId("alert").first()).toBeVisible();
  });

  // "Silence" on the alert opens the silence form with the alert's own labels: alertname, model, then the rest
  // (here severity), so the silence mutes this alert and no other rule's of the same name.
  await item.getByRole("link", { name: `Silence E2EErrors_${stamp} on ${MODEL}` }).click();
  const silenceForm = page.getByRole("form", { name: "New silence" });
  await expect(silenceForm.getByLabel("Value 1")).toHaveValue(`E2EErrors_${stamp}`);
  await expect(silenceForm.getByLabel("Label 2")).toHaveValue("model_name");
  await expect(silenceForm.getByLabel("Value 2")).toHaveValue(MODEL);
  await expect(silenceForm.getByLabel("Label 3")).toHaveValue("severity");
  await expect(silenceForm.getByLabel("Value 3")).toHaveValue("critical");

  // The state filter's count agrees with the API.
  await page.goto(`/alerts?model=${MODEL}`);
  const firing = (await (await request.get(`/api/v1/alerts?state=firing&model=${MODEL}`, { headers: auth })).json()).alerts.length;
  expect(firing).toBeGreaterThan(0);
  await expect(page.getByRole("navigation", { name: "Filter by state" }).getByRole("link", { name: /^Firing/ })).toHaveText(`Firing ${firing}`);
});

test("a rule is created, previewed, edited, silenced, disabled and deleted from the UI", async ({ page, request }) => {
  // two sets of axe runs and full-page screenshots (two themes, two widths) on a loaded CI machine
  test.setTimeout(240_000);
  const name = `E2ERule_${stamp}`;
  page.on("dialog", (d) => d.accept());
  await page.goto("/alerts?tab=rules");
  await page.getByRole("button", { name: "New rule" }).click();
  const form = page.getByRole("form", { name: "New rule" });
  await form.getByLabel("Name (the alertname)").fill(name);
  await form.getByLabel("Model").selectOption(MODEL);
  await form.getByLabel("Metric").selectOption("error_rate");
  await form.getByLabel("Fires when the value is").selectOption(">");
  await form.getByLabel("Window").fill("5m");
  await form.getByLabel("For").fill("0s");
  await form.getByLabel("Minimum samples").fill("0");
  await form.getByLabel("Severity").selectOption("critical");

  // The API's own validation, shown at the fields.
  await form.getByLabel("Threshold").fill("lots");
  await form.getByRole("button", { name: "Create rule" }).click();
  await expect(form.getByText("must be a number")).toBeVisible();
  await form.getByLabel("Threshold").fill("2");
  await form.getByRole("button", { name: "Create rule" }).click();
  await expect(form.getByText("error_rate is a share: the threshold must be between 0 and 1")).toBeVisible();
  await expect(form.getByLabel("Threshold")).toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Threshold").fill("0.2");
  await form.getByLabel("Window").fill("5 minutes");
  await form.getByRole("button", { name: "Create rule" }).click();
  await expect(form.getByText('window must be a duration like "30s", "5m", "1h" or "1d"')).toBeVisible();
  await expect(form.getByLabel("Threshold")).not.toHaveAttribute("aria-invalid", "true");
  await form.getByLabel("Window").fill("5m");

  // The preview's numbers are POST /api/v1/alert-rules/preview's for the same draft (both replay up to now: a
  // firing still open grows by the minute, so the two reads are taken again until they agree).
  const draft = { name, model: MODEL, metric: "error_rate", comparison: ">", threshold: 0.2, window: "5m", for: "0s", minSamples: 0, severity: "critical", labels: {}, enabled: true, days: 1 };
  await form.getByLabel("Over the last").selectOption("1");
  await expect(async () => {
    await form.getByRole("button", { name: "Preview" }).click();
    await expect(form.getByRole("button", { name: "Preview" })).toBeEnabled();
    const api = await request.post("/api/v1/alert-rules/preview", { headers: auth, data: draft });
    expect(api.status()).toBe(200);
    const answer = await api.json();
    expect(answer.firings.length).toBeGreaterThanOrEqual(2);
    await expect(form.getByTestId("preview-summary")).toHaveText(wouldHave(answer.summary), { timeout: 1000 });
    await expect(form.getByTestId("preview-firings")).toHaveText(String(answer.firings.length), { timeout: 1000 });
    await expect(form.getByTestId("preview-hours")).toHaveText(`${(answer.firingMs / 3_600_000).toFixed(2)} h`, { timeout: 1000 });
    await expect(form.getByTestId("preview-interval")).toHaveCount(answer.firings.length, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await form.getByText(/Firing intervals/).click();
  await expect(form.getByRole("img", { name: new RegExp(`^${MODEL}: fired`) })).toBeVisible();
  await shootBothThemes(page, "alert-rules-editor", async () => {
    await expect(form.getByTestId("preview-summary")).toBeVisible();
  });

  await form.getByRole("button", { name: "Create rule" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Rule ${name} created.` })).toBeVisible();
  const row = page.getByTestId("rule").filter({ hasText: name });
  await expect(row.getByTestId("rule-threshold")).toHaveText("20 %");
  const rules = (await (await request.get(`/api/v1/alert-rules?model=${MODEL}`, { headers: auth })).json()).rules as { id: string; name: string }[];
  const id = rules.find((r) => r.name === name)!.id;
  expect(await (await request.get(`/api/v1/alert-rules/${id}`, { headers: auth })).json()).toMatchObject({ model: MODEL, metric: "error_rate", comparison: ">", threshold: 0.2, window: "5m", for: "0s", severity: "critical", enabled: true });

  // Edit: a higher threshold, a `for` and a label.
  await row.getByRole("button", { name: `Edit ${name} on ${MODEL}` }).click();
  const edit = page.getByRole("form", { name: `Edit rule ${name}` });
  await expect(edit.getByLabel("Threshold")).toHaveValue("0.2");
  await edit.getByLabel("Threshold").fill("0.3");
  await edit.getByLabel("For").fill("2m");
  await edit.getByRole("button", { name: "Add label" }).click();
  await edit.getByLabel("Label name 1").fill("team");
  await edit.getByLabel("Label value 1").fill("risk");
  await edit.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Rule ${name} saved.` })).toBeVisible();
  await expect(row.getByTestId("rule-threshold")).toHaveText("30 %");
  await expect(row).toContainText("For2m");
  expect(await (await request.get(`/api/v1/alert-rules/${id}`, { headers: auth })).json()).toMatchObject({ threshold: 0.3, for: "2m", labels: { team: "risk" } });
  await shootBothThemes(page, "alert-rules-list", async () => {
    await expect(row).toBeVisible();
  });

  // Disable, then enable again.
  await row.getByRole("button", { name: `Disable ${name} on ${MODEL}` }).click();
  await expect(row).toContainText("disabled");
  expect((await (await request.get(`/api/v1/alert-rules/${id}`, { headers: auth })).json()).enabled).toBe(false);
  await row.getByRole("button", { name: `Enable ${name} on ${MODEL}` }).click();
  await expect(row).toContainText("enabled");

  // Silence: the silence form comes prefilled with the rule's matchers.
  await row.getByRole("link", { name: `Silence ${name} on ${MODEL}` }).click();
  const silenceForm = page.getByRole("form", { name: "New silence" });
  await expect(silenceForm.getByLabel("Label 1")).toHaveValue("alertname");
  await expect(silenceForm.getByLabel("Value 1")).toHaveValue(name);
  await expect(silenceForm.getByLabel("Label 2")).toHaveValue("model_name");
  await expect(silenceForm.getByLabel("Value 2")).toHaveValue(MODEL);
  await silenceForm.getByLabel("Comment").fill("tuning the rule");
  await silenceForm.getByRole("button", { name: "Create silence" }).click();
  const silence = page.getByTestId("silence").filter({ hasText: name });
  await expect(silence).toContainText("active");
  await expect(silence).toContainText(`by ${E2E_ADMIN_EMAIL}`);
  const silences = (await (await request.get("/api/v1/silences", { headers: auth })).json()).silences as { id: string; matchers: { value: string }[] }[];
  expect(silences.find((s) => s.matchers.some((m) => m.value === name))).toBeTruthy();
  await silence.getByRole("button", { name: /Expire silence/ }).click();
  await expect(silence).toContainText("expired");

  // Delete.
  await page.goto("/alerts?tab=rules");
  await page.getByTestId("rule").filter({ hasText: name }).getByRole("button", { name: `Delete ${name} on ${MODEL}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Rule deleted." })).toBeVisible();
  await expect(page.getByTestId("rule").filter({ hasText: name })).toHaveCount(0);
  expect((await request.get(`/api/v1/alert-rules/${id}`, { headers: auth })).status()).toBe(404);
});

test("a viewer reads alerts and rules but gets no buttons that change them", async ({ browser, baseURL, request }) => {
  const viewer = await createUser(request, "viewer");
  const page = await signedInPage(browser, baseURL, viewer.email, viewer.password, `/alerts?model=${MODEL}`);
  await expect(page.getByTestId("alert").first()).toBeVisible();
  await expect(page.getByRole("button", { name: /^Acknowledge/ })).toHaveCount(0);
  await page.getByRole("link", { name: "Rules", exact: true }).click();
  await expect(page.getByTestId("rule").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "New rule" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Delete/ })).toHaveCount(0);
  await page.context().close();
});
