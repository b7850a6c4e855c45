import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";

test("the theme toggle cycles system → light → dark, applies at once and survives a reload", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  const html = page.locator("html");
  const toggle = page.getByTestId("theme-toggle");
  await expect(html).toHaveAttribute("data-theme", "system");
  const bodyBg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const lightBg = await bodyBg();

  await toggle.click();
  await expect(html).toHaveAttribute("data-theme", "light");
  await toggle.click();
  await expect(html).toHaveAttribute("data-theme", "dark");
  expect(await bodyBg()).not.toBe(lightBg);

  await page.reload();
  await expect(html).toHaveAttribute("data-theme", "dark");
  await expect(page.getByTestId("theme-toggle")).toHaveAttribute("data-theme-choice", "dark");
  expect((await page.context().cookies()).find((c) => c.name === "driftwatch-theme")?.value).toBe("dark");

  // "system" follows the OS: dark OS → dark page.
  await page.getByTestId("theme-toggle").click();
  await expect(html).toHaveAttribute("data-theme", "system");
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await bodyBg()).not.toBe(lightBg);
});

test("the header marks the current section and every page has a skip link", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Models" })).toHaveAttribute("aria-current", "page");
  await page.goto("/alerts");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" })).toHaveAttribute("aria-current", "page");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
});

for (const scheme of ["light", "dark"] as const) {
  test(`the shell passes axe in the ${scheme} theme at both widths`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [width, height] of [
      [1440, 900],
      [390, 844],
    ]) {
      await page.setViewportSize({ width, height });
      await page.goto("/");
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: `test-results/shell-${scheme}-${width}.png`, fullPage: true });
    }
  });
}
