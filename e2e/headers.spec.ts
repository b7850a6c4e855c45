import { expect, type Page, request as http, test } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./env";

/**
 * Security headers on every answer (issue #16; proxy.ts, next.config.ts, lib/http/securityHeaders.ts), and the
 * pages still hydrating and drawing their charts under the nonce-based CSP without a single violation.
 */

const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const HOUR = 3_600_000;
const model = `csp-${Date.now().toString(36)}`;
const STATIC = { "x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "DENY" };
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function expectHeaders(headers: Record<string, string>, what: string, csp: "page" | "api" | "none") {
  for (const [name, value] of Object.entries(STATIC)) expect(headers[name], `${what}: ${name}`).toBe(value);
  if (csp === "api") expect(headers["content-security-policy"], what).toBe(API_CSP);
  if (csp === "page") {
    const policy = headers["content-security-policy"];
    expect(policy, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic';/);
    expect(policy, what).toContain("frame-ancestors 'none'");
    expect(policy, what).not.toMatch(/script-src[^;]*unsafe/);
  }
}

/** Records every CSP violation the page reports (the listener is installed by Playwright, outside the page's CSP). */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) seen.push(m.text());
  });
  await page.exposeFunction("__cspViolation", (v: string) => seen.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return seen;
}

test.describe.serial("security headers and the CSP", () => {
  test.beforeAll(async ({ request }) => {
    const base = Math.floor(Date.now() / HOUR) * HOUR;
    const rows = Array.from({ length: 300 }, (_, i) => ({ features: { amount: i % 97, country: ["DE", "FR", "US"][i % 3] }, prediction: i % 5 ? "legit" : "fraud" }));
    const events = Array.from({ length: 600 }, (_, i) => ({
      id: `c-${i}`,
      model,
      timestamp: new Date(base - (1 + (i % 12)) * HOUR + i * 1000).toISOString(),
      features: { amount: (i % 97) + (i % 12 < 4 ? 40 : 0), country: ["DE", "FR", "US"][i % 3] },
      prediction: i % 5 ? "legit" : "fraud",
      probabilities: i % 5 ? { fraud: 0.1, legit: 0.9 } : { fraud: 0.8, legit: 0.2 },
      latencyMs: 5 + (i % 40),
    }));
    expect((await request.post("/api/v1/predictions", { headers: auth, data: { events } })).status()).toBe(200);
    expect((await request.put(`/api/v1/models/${model}/reference`, { headers: auth, data: { rows } })).status()).toBe(200);
  });

  test("a page, an API route, /api/health, an ingest route, a refusal and a static file all carry them", async ({ page, request, baseURL }) => {
    const res = await page.goto("/");
    expectHeaders(await res!.allHeaders(), "page /", "page");
    expectHeaders(await (await request.get("/api/health")).headers(), "/api/health", "api");
    expectHeaders(await (await request.get("/api/v1/models", { headers: auth })).headers(), "/api/v1/models", "api");
    // the ingest routes do not pass the proxy (large bodies): next.config.ts gives them the same headers
    const ingest = await request.post("/api/v1/predictions", { headers: auth, data: { events: [] } });
    expect(ingest.status()).toBe(400);
    expectHeaders(ingest.headers(), "POST /api/v1/predictions", "api");
    const anonymous = await http.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const refused = await anonymous.get("/api/v1/models");
    expect(refused.status()).toBe(401);
    expectHeaders(refused.headers(), "401 /api/v1/models", "api");
    await anonymous.dispose();
    const script = await page.locator("script[src^='/_next/static/']").first().getAttribute("src");
    expectHeaders(await (await request.get(script!)).headers(), script!, "none");
  });

  test("pages hydrate and draw their charts under the CSP, every script carries the nonce, and nothing is refused", async ({ page, browser, baseURL }) => {
    const violations = await watchViolations(page);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    const res = await page.goto(`/models/${model}?range=24h`);
    const nonce = /'nonce-([^']+)'/.exec((await res!.allHeaders())["content-security-policy"])![1];
    // Recharts measures its container in the browser: an SVG surface means React hydrated and drew
    await expect(page.locator(".recharts-surface").first()).toBeVisible();
    expect(await page.locator(".recharts-surface").count()).toBeGreaterThan(1);
    const scripts = await page.$$eval("script", (all) => all.map((s) => ({ src: s.src, nonce: s.nonce })));
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts.filter((x) => !x.src)) expect(s.nonce, "inline script without this response's nonce").toBe(nonce);

    await page.goto(`/models/${model}/drift`);
    // the heatmap canvas draws only in the browser
    await expect(page.getByTestId("heatmap-canvas")).toHaveAttribute("data-draws", /\d+/);
    await page.goto("/");
    await expect(page.getByRole("link", { name: model }).first()).toBeVisible();
    await page.goto("/alerts");
    await page.goto("/settings");
    await page.waitForLoadState("networkidle");

    // the sign-in page, without a session
    const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const signIn = await context.newPage();
    const signInViolations = await watchViolations(signIn);
    const r = await signIn.goto("/signin");
    expectHeaders(await r!.allHeaders(), "/signin", "page");
    await expect(signIn.getByRole("form", { name: "Sign in" })).toBeVisible();
    await signIn.waitForLoadState("networkidle");
    expect(signInViolations).toEqual([]);
    // the watcher sees what the policy refuses: an image from another origin
    await signIn.evaluate(() => {
      new Image().src = "http://example.invalid/pixel.png";
    });
    await expect.poll(() => signInViolations.length).toBe(1);
    expect(signInViolations[0]).toContain("img-src");
    await context.close();

    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});
