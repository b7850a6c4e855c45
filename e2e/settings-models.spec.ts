import { type APIRequestContext, expect, test } from "@playwright/test";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_TOKEN } from "./env";
import { checkAtBothWidths } from "./pageChecks";
import { createUser, signedInPage } from "./users";

const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const HOUR = 3_600_000;
const model = `settings-${Date.now().toString(36)}`;
const EVENTS = 360;
const FAILED = EVENTS / 40;

/** A model with two features and an uploaded reference, and three hours of production traffic (some failed). */
async function seed(request: APIRequestContext) {
  const put = await request.put(`/api/v1/models/${model}`, {
    headers: auth,
    data: {
      name: "Settings e2e",
      task: "binary_classification",
      classes: ["no", "yes"],
      features: [
        { name: "amount", type: "numerical", min: 0 },
        { name: "country", type: "categorical", allowed: ["DE", "FR", "US"] },
      ],
    },
  });
  expect(put.status()).toBe(201);
  const rows = Array.from({ length: 300 }, (_, i) => ({ features: { amount: (i * 7) % 500, country: ["DE", "FR", "US"][i % 3] }, prediction: i % 4 ? "no" : "yes" }));
  expect((await request.put(`/api/v1/models/${model}/reference`, { headers: auth, data: { rows } })).status()).toBe(200);
  const start = Date.now() - 3 * HOUR;
  const events = Array.from({ length: EVENTS }, (_, i) => ({
    id: `s-${i}`,
    model,
    timestamp: new Date(start + i * 25_000).toISOString(),
    features: { amount: 100 + ((i * 13) % 700), country: ["DE", "FR", "US", "IT"][i % 4] },
    prediction: i % 3 ? "no" : "yes",
    ...(i % 40 === 0 ? { error: { type: "timeout" } } : {}),
  }));
  const sent = await request.post("/api/v1/predictions", { headers: auth, data: { events } });
  expect((await sent.json()).accepted).toBe(EVENTS);
}

/** "YYYY-MM-DDTHH:mm" in the local zone, as a datetime-local input takes it (browser and test share the machine's zone). */
function localInput(ms: number) {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

test.describe.serial("settings: models and retention", () => {
  test.beforeAll(async ({ request }) => {
    await seed(request);
  });

  test("an admin edits a feature's threshold (invalid values are marked beside their field) and the API returns it", async ({ page, request }) => {
    await page.goto(`/settings?tab=models&model=${model}`);
    const form = page.getByRole("form", { name: `Definition of ${model}` });
    await expect(form.getByTestId("feature-row")).toHaveCount(2);

    // The API's own validation, before anything is sent: a negative threshold, and min above max.
    await form.getByLabel("Drift method of amount").selectOption("psi");
    await expect(form.getByLabel("Threshold of amount")).toHaveAttribute("placeholder", "0.1");
    await form.getByLabel("Threshold of amount").fill("-1");
    await form.getByLabel("Max of amount").fill("-5");
    await form.getByRole("button", { name: "Save definition" }).click();
    await expect(form.getByLabel("Threshold of amount")).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#err-0\\.threshold")).toContainText("expected number to be >0");
    await expect(page.locator("#err-0\\.min")).toContainText("min must not exceed max");
    await expect(form.getByRole("alert")).toContainText("Some fields are not valid");

    await form.getByLabel("Threshold of amount").fill("0.25");
    await form.getByLabel("Max of amount").fill("");
    await form.getByLabel("Drift method for categorical features").selectOption("js");
    await form.getByLabel("Threshold for categorical features").fill("0.2");
    await form.getByRole("button", { name: "Save definition" }).click();
    await expect(form.getByRole("status")).toHaveText("Definition saved.");
    await expect(form.getByLabel("Threshold of amount")).not.toHaveAttribute("aria-invalid");

    const got = await (await request.get(`/api/v1/models/${model}`, { headers: auth })).json();
    expect(got.drift).toEqual({ categorical: { method: "js", threshold: 0.2 }, features: { amount: { method: "psi", threshold: 0.25 } } });
    expect(got.features.find((f: { name: string }) => f.name === "amount")).toMatchObject({ min: 0, max: null, declared: true });
    expect(got.features.find((f: { name: string }) => f.name === "country").allowed).toEqual(["DE", "FR", "US"]);

    await page.reload();
    await expect(page.getByRole("form", { name: `Definition of ${model}` }).getByLabel("Threshold of amount")).toHaveValue("0.25");
  });

  test("an admin replaces the reference from a production window", async ({ page, request }) => {
    await page.goto(`/settings?tab=models&model=${model}`);
    await expect(page.getByTestId("reference-rows")).toHaveText("300");
    await expect(page.getByTestId("reference-source")).toContainText("uploaded file");
    const form = page.getByRole("form", { name: "Replace from a production window" });
    await form.getByLabel("From").fill(localInput(Date.now() - 4 * HOUR));
    await form.getByLabel("To").fill(localInput(Date.now() + 2 * 60_000));
    await form.getByRole("button", { name: "Use window" }).click();
    await expect(page.getByText(`Reference replaced: ${EVENTS - FAILED} rows from production.`)).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("reference-rows")).toHaveText(String(EVENTS - FAILED));
    await expect(page.getByTestId("reference-source")).toContainText("production window");

    const got = await (await request.get(`/api/v1/models/${model}`, { headers: auth })).json();
    expect(got.reference).toMatchObject({ rows: EVENTS - FAILED, source: { kind: "window" } });

    await page.goto("/settings?tab=audit");
    const entries = page.getByTestId("audit-entry");
    await expect(entries.filter({ hasText: "reference.from_window" }).first()).toContainText(`user:${E2E_ADMIN_EMAIL}`);
    await expect(entries.filter({ hasText: "model.define" }).first()).toContainText(model);
  });

  test("an admin replaces the reference from a CSV file (sent to the reference API as NDJSON rows)", async ({ page, request }) => {
    await page.goto(`/settings?tab=models&model=${model}`);
    const lines = ["amount,country,prediction,actual", ...Array.from({ length: 250 }, (_, i) => `${i * 2.5},"${["DE", "FR", "US"][i % 3]}",${i % 5 ? "no" : "yes"},`)];
    const form = page.getByRole("form", { name: "Replace from a file" });
    await form.getByLabel("Reference file").setInputFiles({ name: "reference.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\r\n")) });
    await form.getByRole("button", { name: "Upload" }).click();
    await expect(page.getByText("Reference replaced: 250 rows.")).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("reference-rows")).toHaveText("250");
    await expect(page.getByTestId("reference-source")).toContainText("uploaded file");
    const got = await (await request.get(`/api/v1/models/${model}`, { headers: auth })).json();
    expect(got.reference).toMatchObject({ rows: 250, source: { kind: "upload" } });
  });

  test("an admin sets the raw-event retention", async ({ page, request }) => {
    await page.goto("/settings?tab=retention");
    const form = page.getByRole("form", { name: "Raw-event retention" });
    await form.getByLabel("Delete raw events older than").check();
    await form.getByLabel("Retention in days").fill("0");
    await form.getByRole("button", { name: "Save retention" }).click();
    await expect(form.getByRole("alert")).toContainText("from 1 to 3650");
    await form.getByLabel("Retention in days").fill("400");
    await form.getByRole("button", { name: "Save retention" }).click();
    await expect(form.getByRole("status")).toContainText("older than 400 days");
    await page.reload();
    await expect(page.getByLabel("Retention in days")).toHaveValue("400");
    await page.goto("/settings?tab=audit");
    await expect(page.getByTestId("audit-entry").filter({ hasText: "retention.set" }).first()).toContainText(`user:${E2E_ADMIN_EMAIL}`);
    // back to keeping everything, so other specs' raw events are never touched
    await page.goto("/settings?tab=retention");
    await page.getByLabel("Keep raw events forever").check();
    await page.getByRole("button", { name: "Save retention" }).click();
    await expect(page.getByRole("status")).toContainText("kept forever");
    expect((await request.get(`/api/v1/models/${model}`, { headers: auth })).status()).toBe(200);
  });

  test("a viewer sees the models read-only: no edit controls, and the API refuses a change", async ({ browser, baseURL, request }) => {
    const viewer = await createUser(request, "viewer");
    const page = await signedInPage(browser, baseURL, viewer.email, viewer.password, `/settings?tab=models&model=${model}`);
    await expect(page.getByRole("note")).toContainText("read-only");
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Retention" })).toHaveCount(0);
    const definition = page.getByRole("form", { name: `Definition of ${model}` });
    await expect(definition.getByTestId("feature-row")).toHaveCount(2);
    await expect(definition.getByTestId("feature-threshold").first()).toHaveText("0.25");
    for (const name of ["Save definition", "Add feature", "Upload", "Use window"]) await expect(page.getByRole("button", { name })).toHaveCount(0);
    await expect(page.locator("main input, main select")).toHaveCount(0);
    await page.screenshot({ path: "test-results/screenshots/settings-models-viewer-1280.png", fullPage: true });
    await page.goto("/settings?tab=retention");
    await expect(page.getByRole("form", { name: "Raw-event retention" })).toHaveCount(0);

    const same = { origin: new URL(baseURL!).origin };
    const refused = await page.request.put(`/api/v1/models/${model}`, { headers: same, data: { drift: {} } });
    expect(refused.status()).toBe(403);
    await page.context().close();
  });

  test("an editor may change the models but not the retention", async ({ browser, baseURL, request }) => {
    const editor = await createUser(request, "editor");
    const page = await signedInPage(browser, baseURL, editor.email, editor.password, `/settings?tab=models&model=${model}`);
    await expect(page.getByRole("note")).toContainText("you may change the models");
    await expect(page.getByRole("link", { name: "Retention" })).toHaveCount(0);
    const form = page.getByRole("form", { name: `Definition of ${model}` });
    await form.getByLabel("Description").fill("edited by an editor");
    await form.getByRole("button", { name: "Save definition" }).click();
    await expect(form.getByRole("status")).toHaveText("Definition saved.");
    expect((await (await request.get(`/api/v1/models/${model}`, { headers: auth })).json()).description).toBe("edited by an editor");
    await page.goto("/settings?tab=retention");
    await expect(page.getByRole("form", { name: "Raw-event retention" })).toHaveCount(0);
    await page.context().close();
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`screenshots, axe and no sideways scroll in the ${scheme} theme`, async ({ page }) => {
      await checkAtBothWidths(page, "settings-models", scheme, async () => {
        await page.goto(`/settings?tab=models&model=${model}`);
        await expect(page.getByTestId("reference-rows")).toBeVisible();
      });
      await checkAtBothWidths(page, "settings-retention", scheme, async () => {
        await page.goto("/settings?tab=retention");
        await expect(page.getByRole("form", { name: "Raw-event retention" })).toBeVisible();
      });
    });
  }
});
