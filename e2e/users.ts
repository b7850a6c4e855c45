import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { E2E_ADMIN_TOKEN } from "./env";

/** Creates a dashboard user through the API (as the admin token) and returns how to sign in as them. */
export async function createUser(request: APIRequestContext, role: "viewer" | "editor" | "admin") {
  const email = `${role}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@driftwatch.test`;
  const password = `pw-${role}-0123456789`;
  const res = await request.post("/api/v1/users", { headers: { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` }, data: { email, role, password } });
  expect(res.status(), await res.text()).toBe(201);
  return { email, password, id: (await res.json()).id as string };
}

/** Fills the sign-in form on `page` (which must be on /signin) and waits for the server's answer. */
export async function fillSignIn(page: Page, email: string, password: string) {
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/signin");
  await form.getByRole("button", { name: "Sign in" }).click();
  await answered;
  // React resets the form when the action's transition ends: wait for that before the next fill.
  await expect(page.getByRole("button", { name: "Signing in…" })).toHaveCount(0);
}

/** A page in a fresh browser context (no admin session) signed in as `email`. */
export async function signedInPage(browser: Browser, baseURL: string | undefined, email: string, password: string, path = "/") {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(path);
  await fillSignIn(page, email, password);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return page;
}
