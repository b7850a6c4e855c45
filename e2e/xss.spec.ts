import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./env";

/**
 * Every name a client chooses renders as text (issue #16): a model whose version, segment, feature names,
 * category values, class names, error type, and the alerting objects' names and matchers are HTML and script.
 * React escapes them; this checks that it stays so on every page that shows them — the strings appear literally,
 * no element they describe exists in the page, and no dialog opens. (The CSP would block an inline handler
 * anyway, so the DOM check, not the dialog, is what proves the escaping.)
 */

const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const HOUR = 3_600_000;
const stamp = Date.now().toString(36);
const model = `xss-${stamp}`; // model ids are [a-z0-9_.-]: no markup fits in one

const FEATURE = "<img src=x onerror=alert(1)>";
const FEATURE2 = '"><svg onload=alert(2)>';
const CATEGORY = "<script>alert(3)</script>";
const CATEGORY2 = "' onmouseover='alert(4)";
const CLASS_A = "<b onclick=alert(5)>fraud</b>";
const CLASS_B = "javascript:alert(6)";
const VERSION = "<iframe src=javascript:alert(7)>";
const SEGMENT_KEY = "<u onfocus=alert(8) autofocus>";
const SEGMENT_VALUE = "<img src=y onerror=alert(9)>";
const ERROR_TYPE = "<details open ontoggle=alert(10)>";
const RULE = "<img src=z onerror=alert(11)>"; // a rule label value (rule names are alertname labels: [A-Za-z0-9_.:-])
const CHANNEL = "<svg><animate onbegin=alert(12) attributeName=x>";
const MATCHER = "<marquee onstart=alert(13)>";
const KEY = "<img src=k onerror=alert(14)>";
const USER = "<img src=u onerror=alert(15)>";

/** Elements or attributes that only exist if one of the strings above became markup. */
const INJECTED = 'img[src="x"], img[src="y"], img[src="z"], img[src="k"], img[src="u"], [onerror], [onload], [onclick], [onmouseover], [onfocus], [ontoggle], [onbegin], [onstart], iframe, marquee';

async function seed(request: APIRequestContext) {
  const put = await request.put(`/api/v1/models/${model}`, {
    headers: auth,
    data: {
      task: "binary_classification",
      classes: [CLASS_A, CLASS_B],
      positiveClass: CLASS_A,
      features: [
        { name: FEATURE, type: "numerical" },
        { name: FEATURE2, type: "categorical", allowed: [CATEGORY, CATEGORY2, "plain"] },
      ],
    },
  });
  expect(put.status(), await put.text()).toBe(201);
  const rows = Array.from({ length: 200 }, (_, i) => ({
    features: { [FEATURE]: i % 50, [FEATURE2]: [CATEGORY, CATEGORY2, "plain"][i % 3] },
    prediction: i % 4 ? CLASS_B : CLASS_A,
  }));
  const ref = await request.put(`/api/v1/models/${model}/reference`, { headers: auth, data: { rows } });
  expect(ref.status(), await ref.text()).toBe(200);
  const base = Math.floor(Date.now() / HOUR) * HOUR;
  const events = Array.from({ length: 600 }, (_, i) => ({
    id: `x-${i}`,
    model,
    version: i % 2 ? VERSION : "v1",
    timestamp: new Date(base - (1 + (i % 6)) * HOUR + i * 1000).toISOString(),
    features: { [FEATURE]: (i % 50) + (i % 6 < 3 ? 30 : 0), [FEATURE2]: [CATEGORY, CATEGORY2, "plain"][i % 6 < 3 ? 0 : i % 3] },
    prediction: i % 3 ? CLASS_B : CLASS_A,
    probabilities: { [CLASS_A]: i % 3 ? 0.2 : 0.8, [CLASS_B]: i % 3 ? 0.8 : 0.2 },
    segments: { [SEGMENT_KEY]: SEGMENT_VALUE },
    latencyMs: 10 + (i % 20),
    ...(i % 25 === 0 ? { error: { type: ERROR_TYPE, message: FEATURE } } : {}),
  }));
  const ingest = await request.post("/api/v1/predictions", { headers: auth, data: { events } });
  expect(ingest.status(), await ingest.text()).toBe(200);
  expect((await ingest.json()).rejected).toEqual([]);
  const labels = events.filter((_, i) => i % 2 === 0).map((e, i) => ({ model, id: e.id, actual: i % 3 ? CLASS_A : CLASS_B }));
  expect((await request.post("/api/v1/labels", { headers: auth, data: { labels } })).status()).toBe(200);

  const rule = await request.post("/api/v1/alert-rules", {
    headers: auth,
    data: { name: `xss-rule-${stamp}`, model, metric: "error_rate", comparison: ">", threshold: 0.5, window: "5m", labels: { team: MATCHER, note: RULE } },
  });
  expect(rule.status(), await rule.text()).toBe(201);
  const channel = await request.post("/api/v1/channels", { headers: auth, data: { name: CHANNEL, type: "webhook", url: "http://127.0.0.1:9/hook" } });
  expect(channel.status(), await channel.text()).toBe(201);
  const silence = await request.post("/api/v1/silences", {
    headers: auth,
    data: { matchers: [{ name: "team", op: "=", value: MATCHER }], endsAt: new Date(Date.now() + 2 * HOUR).toISOString(), comment: RULE, createdBy: USER },
  });
  expect(silence.status(), await silence.text()).toBe(201);
  const key = await request.post("/api/v1/api-keys", { headers: auth, data: { name: KEY, scopes: ["read"] } });
  expect(key.status(), await key.text()).toBe(201);
  const user = await request.post("/api/v1/users", {
    headers: auth,
    data: { email: `xss-${stamp}@driftwatch.test`, name: USER, role: "viewer", password: "xss-password-0123456789" },
  });
  expect(user.status(), await user.text()).toBe(201);
}

/**
 * Opens `path`, waits for the page to settle, and checks that each of `mustShow` is there as text (or as the
 * part of a form field's value, where the page edits it) and that none of the strings became markup.
 */
async function visit(page: Page, path: string, mustShow: string[]) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  await page.waitForLoadState("networkidle");
  const text = (await page.locator("body").textContent()) ?? "";
  const values = await page.$$eval("input, textarea, select", (els) => els.map((e) => (e as HTMLInputElement).value));
  for (const s of mustShow) expect(text.includes(s) || values.some((v) => v.includes(s)), `${path} shows ${s} literally`).toBe(true);
  expect(await page.locator(INJECTED).count(), `${path}: an element made of a name`).toBe(0);
}

test.describe.serial("user-supplied names render as text", () => {
  test.beforeAll(async ({ request }) => {
    await seed(request);
  });

  test("overview, model, drift, alerts and settings show the strings literally and open no dialog", async ({ page }) => {
    const dialogs: string[] = [];
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await visit(page, "/", [model]);
    await expect(page.getByRole("link", { name: model }).first()).toBeVisible();
    await visit(page, `/models/${model}?range=24h`, [FEATURE, FEATURE2, CATEGORY, CATEGORY2, CLASS_A, CLASS_B, VERSION, ERROR_TYPE]);
    // a segment filter shows its key and value in the filter chip; the segment's events are found under it
    await visit(page, `/models/${model}?range=24h&segment.${encodeURIComponent(SEGMENT_KEY)}=${encodeURIComponent(SEGMENT_VALUE)}`, [SEGMENT_KEY, SEGMENT_VALUE]);
    await expect(page.getByTestId("stat-requests")).toHaveText("600");
    await visit(page, `/models/${model}/drift`, [FEATURE, FEATURE2]);
    // the drawer of the categorical feature lists its categories
    const start = await page.getByTestId("worst-window").getAttribute("data-start");
    await visit(page, `/models/${model}/drift?cell=${encodeURIComponent(`${FEATURE2}@${start}`)}`, [FEATURE2, CATEGORY, CATEGORY2]);
    await expect(page.getByTestId("drawer-feature")).toHaveText(FEATURE2);
    // the silence's matcher value, comment and author are on the Silences tab (Alerts is the default tab since the
    // alerts list landed); the Alerts and Rules tabs must not turn the rule's labels into markup either
    await visit(page, "/alerts?tab=silences", [MATCHER, RULE, USER]);
    await visit(page, "/alerts", []);
    await visit(page, "/alerts?tab=rules", []);
    await visit(page, "/alerts?tab=channels", [CHANNEL]);
    await visit(page, "/settings?tab=users", [USER]);
    await visit(page, "/settings?tab=keys", [KEY]);
    await visit(page, `/settings?tab=models&model=${model}`, [FEATURE, FEATURE2, CATEGORY, CATEGORY2]);

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });
});
