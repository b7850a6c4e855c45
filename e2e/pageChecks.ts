import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import fs from "node:fs";

/** axe on the page as it is now: no serious or critical violation (the bar for every page and theme). */
export async function expectNoSeriousAxe(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** The page itself never scrolls sideways (a wide table or heatmap scrolls inside its own box). */
export async function expectNoPageScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

/** The two viewports every page is judged at: a laptop and a phone. */
export const VIEWPORTS = [
  [1440, 900],
  [390, 844],
] as const;

/**
 * At each viewport: open the page (`open` navigates and waits for its content), then axe, no sideways scroll, and
 * a full-page screenshot `test-results/screenshots/<name>-<scheme>-<width>.png`.
 */
export async function checkAtBothWidths(page: Page, name: string, scheme: "light" | "dark", open: () => Promise<void>) {
  await page.emulateMedia({ colorScheme: scheme });
  fs.mkdirSync("test-results/screenshots", { recursive: true });
  for (const [width, height] of VIEWPORTS) {
    await page.setViewportSize({ width, height });
    await open();
    await expectNoSeriousAxe(page);
    await expectNoPageScroll(page);
    await page.screenshot({ path: `test-results/screenshots/${name}-${scheme}-${width}.png`, fullPage: true });
  }
}
