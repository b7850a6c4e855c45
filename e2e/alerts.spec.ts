import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import http from "node:http";
import { E2E_ADMIN_TOKEN } from "./env";
import { createUser, signedInPage } from "./users";

/** A real webhook receiver for the channel tests, on a port beside the app's. */
async function startReceiver() {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(200).end("ok");
    });
  });
  const port = (Number(process.env.E2E_PORT) || 3100) + 50;
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function expectNoSeriousAxe(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Screenshots at 1440×900 and 390×844 in both themes, each checked by axe and for sideways scrolling. */
async function shoot(page: Page, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // the page really is in that theme (the shell's background follows it), so axe judges the right colours
    const dark = await page.evaluate(() => {
      // the computed colour may be lab()/oklch(): let a canvas turn it into RGB
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
      return (r + g + b) / 3 < 128;
    });
    expect(dark).toBe(scheme === "dark");
    for (const [w, h, tag] of [
      [1440, 900, "desktop"],
      [390, 844, "phone"],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await expectNoSeriousAxe(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} ${tag} scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `test-results/alerts-${name}-${tag}-${scheme}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
}

test("the alerts page is behind the dashboard sign-in", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Alerts" }).click();
  await expect(page.getByRole("link", { name: "Channels" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await shoot(page, "signed-in");
});

test("a viewer sees channels with their URL masked and cannot change them", async ({ browser, baseURL, request }) => {
  const auth = { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
  const ch = await request.post("/api/v1/channels", { headers: auth, data: { name: "secret slack", type: "slack", url: "https://hooks.slack.com/services/T1/B2/s3cret" } });
  expect(ch.status()).toBe(201);
  const viewer = await createUser(request, "viewer");
  const page = await signedInPage(browser, baseURL, viewer.email, viewer.password, "/alerts");
  await expect(page.getByRole("note")).toContainText("read only");
  await page.getByRole("link", { name: "Channels" }).click();
  const channel = page.getByTestId("channel").filter({ hasText: "secret slack" });
  await expect(channel).toContainText("https://hooks.slack.com/…");
  await expect(channel).not.toContainText("s3cret");
  await channel.getByRole("button", { name: "Pause secret slack" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "editor role" })).toBeVisible();
  await expect(channel).toContainText("enabled");
  await page.context().close();
  await request.delete(`/api/v1/channels/${(await ch.json()).id}`, { headers: auth });
});

test("channels: add one, send a test to a real receiver, read the delivery log", async ({ page }) => {
  const receiver = await startReceiver();
  try {
    await page.goto("/alerts?tab=channels");
    const form = page.getByRole("form", { name: "New channel" });
    await form.getByLabel("Name").fill("e2e hook");
    await form.getByLabel("Type").selectOption("webhook");
    await form.getByLabel("URL").fill(receiver.url);
    await form.getByRole("button", { name: "Add channel" }).click();
    await expect(page.getByText("Channel e2e hook added.")).toBeVisible();
    const channel = page.getByTestId("channel").filter({ hasText: "e2e hook" });
    await expect(channel).toBeVisible();

    await channel.getByRole("button", { name: "Send test to e2e hook" }).click();
    await expect(page.getByText("Test delivered (HTTP 200).")).toBeVisible();
    expect(receiver.bodies).toHaveLength(1);
    expect(receiver.bodies[0]).toMatchObject({ version: "4", status: "firing", receiver: "e2e hook" });
    await channel.locator("summary").click();
    await expect(channel.getByTestId("delivery").first()).toContainText("delivered");

    // Invalid input is explained, field by field.
    const form2 = page.getByRole("form", { name: "New channel" });
    await form2.getByLabel("Name").fill("broken");
    await form2.getByLabel("URL").fill("not a url");
    await form2.getByRole("button", { name: "Add channel" }).click();
    await expect(form2.getByRole("alert")).toContainText("must be an http(s) URL");
    await shoot(page, "channels");
  } finally {
    await receiver.close();
  }
});

test("silences: create one from matchers, then expire it", async ({ page }) => {
  await page.goto("/alerts?tab=silences");
  const form = page.getByRole("form", { name: "New silence" });
  await form.getByLabel("Label 1").fill("model_name");
  await form.getByLabel("Value 1").fill("e2e-fraud");
  await form.getByRole("button", { name: "Add matcher" }).click();
  await form.getByLabel("Label 2").fill("alertname");
  await form.getByLabel("Operator 2").selectOption("=~");
  await form.getByLabel("Value 2").fill("Feature.*");
  await form.getByLabel("Comment").fill("retraining");
  await form.getByRole("button", { name: "Create silence" }).click();
  const silence = page.getByTestId("silence").filter({ hasText: "e2e-fraud" });
  await expect(silence).toContainText("active");
  await expect(silence).toContainText('alertname=~"Feature.*"');
  await shoot(page, "silences");
  await silence.getByRole("button", { name: /Expire silence/ }).click();
  await expect(silence).toContainText("expired");
});
