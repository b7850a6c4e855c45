import { expect, test } from "@playwright/test";

// The e2e server starts on an empty database. This spec is its own Playwright project ("fresh-install") that every
// other spec depends on, so it runs before anything posts an event, whatever the other files are called.
test("a fresh install shows how to send the first event", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "No models yet" })).toBeVisible();
  await expect(page.getByText("POST /api/v1/labels")).toBeVisible();
  await page.screenshot({ path: "test-results/overview-empty.png", fullPage: true });
});
