import { expect, test as setup } from "@playwright/test";
import { ADMIN_STATE, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD } from "./env";

/** Signs in through the real form as the admin the server created at first start, and keeps the session. */
setup("sign in as the e2e admin", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(E2E_ADMIN_EMAIL);
  await form.getByLabel("Password").fill(E2E_ADMIN_PASSWORD);
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible({ timeout: 60_000 });
  await page.context().storageState({ path: ADMIN_STATE });
});
