import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, E2E_ADMIN_TOKEN } from "./env";
import { createUser, fillSignIn, signedInPage } from "./users";

/** Every page and route file under app/, as a URL (route groups dropped, dynamic segments filled in). */
function appRoutes(): { pages: string[]; routes: string[] } {
  const pages: string[] = [];
  const routes: string[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        const seg = entry.name;
        if (seg.startsWith("_")) continue; // private folders hold no routes
        walk(path.join(dir, seg), /^\(.*\)$/.test(seg) ? segments : [...segments, seg.replace(/^\[+\.*(.+?)\]+$/, "e2e-$1")]);
      } else if (/^page\.tsx?$/.test(entry.name)) pages.push("/" + segments.join("/"));
      else if (/^route\.tsx?$/.test(entry.name)) routes.push("/" + segments.join("/"));
    }
  };
  walk(path.join(process.cwd(), "app"), []);
  return { pages, routes };
}

async function expectNoSeriousAxe(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Screenshots at desktop and phone width in both themes, each checked by axe and for sideways scrolling. */
async function shoot(page: Page, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [w, h, tag] of [
      [1440, 900, "desktop"],
      [390, 844, "phone"],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await expectNoSeriousAxe(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} ${tag} scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `test-results/signin-${name}-${tag}-${scheme}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
}

test.describe("without a session", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("every page leads to the sign-in page; every API route but /api/health answers 401", async ({ page, request }) => {
    const { pages, routes } = appRoutes();
    expect(pages).toContain("/settings");
    expect(routes).toContain("/api/v1/models");
    for (const p of pages.filter((p) => p !== "/signin")) {
      await page.goto(p);
      await expect(page, `${p} is open without a session`).toHaveURL(/\/signin(\?next=.*)?$/);
      await expect(page.getByRole("form", { name: "Sign in" })).toBeVisible();
    }
    for (const r of routes) {
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        const res = await request.fetch(r, { method, data: method === "GET" ? undefined : {} });
        if (r === "/api/health") {
          if (method === "GET") expect(res.status()).toBe(200);
          continue;
        }
        expect(res.status(), `${method} ${r}`).toBe(401);
        expect((await res.json()).error.code).toBe("unauthorized");
      }
    }
    // A path that does not exist is not a way to learn anything either.
    expect((await request.get("/api/v1/nothing-here")).status()).toBe(401);
    await page.goto("/no-such-page");
    await expect(page).toHaveURL(/\/signin/);
  });

  test("the sign-in page: wrong password refused, repeated failures lock the account, then a right one goes where you were headed", async ({ page, request }) => {
    const user = await createUser(request, "viewer");
    await page.goto("/models/some-model?range=24h");
    await expect(page).toHaveURL(/\/signin\?next=%2Fmodels%2Fsome-model%3Frange%3D24h$/);
    await shoot(page, "form");
    await fillSignIn(page, user.email, "not the password");
    await expect(page.getByRole("alert").filter({ hasText: /./ })).toContainText("do not match");
    for (let i = 2; i <= 5; i++) {
      await fillSignIn(page, user.email, `still wrong ${i}`);
      await expect(page.getByRole("alert").filter({ hasText: /./ })).toContainText(i < 5 ? "do not match" : "Too many failed attempts");
    }
    // Locked: even the right password is refused until the delay has passed.
    await fillSignIn(page, user.email, user.password);
    await expect(page.getByRole("alert").filter({ hasText: /./ })).toContainText("Too many failed attempts");
    await shoot(page, "locked");

    const other = await createUser(request, "viewer");
    await fillSignIn(page, other.email, other.password);
    await expect(page).toHaveURL(/\/models\/some-model\?range=24h$/);
    const cookie = (await page.context().cookies()).find((c) => c.name === "driftwatch_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000 + 3600);
  });
});

test("an admin creates a read key in Settings, uses it, revokes it, and signs out", async ({ browser, baseURL, playwright }) => {
  // Three Settings views × two widths × two themes of axe and full-page screenshots: over a minute on a loaded 2-core CI machine.
  test.setTimeout(180_000);
  const page = await signedInPage(browser, baseURL, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD, "/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await shoot(page, "settings-users");
  await page.getByRole("link", { name: "API keys" }).click();
  const form = page.getByRole("form", { name: "New API key" });
  await form.getByLabel("Name").fill("e2e reader");
  await form.getByLabel("Expires after (days; empty: never)").fill("30");
  await form.getByRole("button", { name: "Create key" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^dw_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{32}$/);
  const row = page.getByTestId("api-key").filter({ hasText: "e2e reader" });
  await expect(row).toContainText(`dw_${token.slice(3, 11)}_…`);
  await expect(row).toContainText("read");
  await shoot(page, "settings-keys");

  // The key, used as curl would (no cookies): reads, cannot ingest.
  const api = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const auth = { Authorization: `Bearer ${token}` };
  expect((await api.get("/api/v1/models", { headers: auth })).status()).toBe(200);
  const ingest = await api.post("/api/v1/predictions", { headers: auth, data: { model: "m", prediction: 1, features: {} } });
  expect(ingest.status()).toBe(403);

  await page.getByRole("button", { name: "Revoke e2e reader" }).click();
  await expect(page.getByText("Key revoked.")).toBeVisible();
  await expect(row).toContainText("revoked");
  // Each server process remembers a verified key for up to 30 s (README); after that it is refused everywhere.
  await expect.poll(async () => (await api.get("/api/v1/models", { headers: auth })).status(), { timeout: 40_000, intervals: [1000] }).toBe(401);

  await page.getByRole("link", { name: "Audit log" }).click();
  const entries = page.getByTestId("audit-entry");
  await expect(entries.filter({ hasText: "api_key.revoke" }).first()).toContainText(`user:${E2E_ADMIN_EMAIL}`);
  await expect(entries.filter({ hasText: "api_key.create" }).first()).toContainText(token.slice(3, 11));
  await shoot(page, "settings-audit");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/signin\?next=%2Fsettings$/);
  await api.dispose();
  await page.context().close();
});

test("a viewer cannot reach admin actions: the UI offers none and the API refuses", async ({ browser, baseURL, request }) => {
  const viewer = await createUser(request, "viewer");
  const page = await signedInPage(browser, baseURL, viewer.email, viewer.password, "/settings");
  await expect(page.getByRole("note")).toContainText("Settings are for admins");
  await expect(page.getByRole("form", { name: "New API key" })).toHaveCount(0);
  await expect(page.getByRole("form", { name: "New user" })).toHaveCount(0);
  await page.goto("/settings?tab=keys");
  await expect(page.getByRole("form", { name: "New API key" })).toHaveCount(0);

  // The browser's own session on the API: reads work, admin routes answer 403.
  const same = { origin: new URL(baseURL!).origin };
  expect((await page.request.get("/api/v1/models")).status()).toBe(200);
  expect((await page.request.get("/api/v1/api-keys")).status()).toBe(403);
  const mint = await page.request.post("/api/v1/api-keys", { headers: same, data: { name: "sneaky", scopes: ["admin"] } });
  expect(mint.status()).toBe(403);
  expect((await mint.json()).error.code).toBe("forbidden");
  const promote = await page.request.patch(`/api/v1/users/${viewer.id}`, { headers: same, data: { role: "admin" } });
  expect(promote.status()).toBe(403);
  await page.context().close();
});

test("a signed-in browser's changes must come from Driftwatch's own origin (CSRF)", async ({ page, baseURL }) => {
  await page.goto("/");
  const body = { name: "csrf", scopes: ["read"] };
  const cross = await page.request.post("/api/v1/api-keys", { headers: { origin: "https://evil.example" }, data: body });
  expect(cross.status()).toBe(403);
  expect((await cross.json()).error.code).toBe("cross_origin");
  const same = await page.request.post("/api/v1/api-keys", { headers: { origin: new URL(baseURL!).origin }, data: body });
  expect(same.status()).toBe(201);
  await page.request.delete(`/api/v1/api-keys/${(await same.json()).id}`, { headers: { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
});

test("an admin adds a user in Settings, changes their role, sets their password and disables them", async ({ page, browser, baseURL }) => {
  const email = `person-${Date.now().toString(36)}@driftwatch.test`;
  await page.goto("/settings");
  const add = page.getByRole("form", { name: "New user" });
  await add.getByLabel("Email").fill(email);
  await add.getByLabel("Role").selectOption("editor");
  await add.getByLabel("First password").fill("first-password-123");
  await add.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status")).toContainText(`${email} can now sign in as editor.`);
  const row = page.getByTestId("user").filter({ hasText: email });
  await row.getByLabel(`Role of ${email}`).selectOption("viewer");
  await expect(page.getByRole("status")).toContainText(`${email} updated.`);
  const set = page.getByRole("form", { name: "Set a password" });
  await set.getByLabel("User").selectOption({ label: email });
  await set.getByLabel("New password").fill("second-password-456");
  await set.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByRole("status")).toContainText(`New password set for ${email}`);

  const theirs = await signedInPage(browser, baseURL, email, "second-password-456", "/settings");
  await expect(theirs.getByRole("note")).toContainText("(viewer)");

  await row.getByRole("button", { name: `Disable ${email}` }).click();
  await expect(row).toContainText("disabled");
  await theirs.goto("/");
  await expect(theirs).toHaveURL(/\/signin$/);
  await theirs.context().close();

  await page.goto("/settings?tab=audit");
  const entries = page.getByTestId("audit-entry").filter({ hasText: email });
  for (const action of ["user.create", "user.role", "user.password", "user.disable"]) {
    await expect(entries.filter({ hasText: action }).first()).toContainText(`user:${E2E_ADMIN_EMAIL}`);
  }
});
