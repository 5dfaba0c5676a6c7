import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chromium, type Browser } from "playwright-core";
// @ts-expect-error plain ESM script shared with `npm run dev`
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../scripts/dashboard.mjs";

// /api/docs must render with no network beyond this machine: its script is the installed
// @scalar/api-reference package's standalone build, served by the gateway's static assets.

const baseUrl = inject("baseUrl");
let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH as string, headless: true, args: CHROMIUM_FLAGS as string[] });
});
afterAll(async () => browser?.close());

const isLocal = (url: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);

describe("GET /api/docs", () => {
  it("points at the locally served script, which the gateway serves as JavaScript", async () => {
    const page = await fetch(`${baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/api/docs/scalar.js">');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[^"']*\.js/);
    const script = await fetch(`${baseUrl}/api/docs/scalar.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(1_000_000);
  });

  it("renders the operations in Chromium with every request beyond localhost blocked", async () => {
    const context = await browser.newContext();
    const leaving: string[] = [];
    const problems: string[] = [];
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (!/^https?:$/.test(url.protocol) || isLocal(url)) return route.continue();
      leaving.push(url.href);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error" && /Content Security Policy|Refused to/.test(msg.text())) problems.push(`csp: ${msg.text()}`);
    });
    try {
      await page.goto(`${baseUrl}/api/docs`);
      // Operations from the merged OpenAPI document: auth's are open at first; createOrder and
      // the admin metrics summary show once their tags are opened in the sidebar.
      await page.getByText("Sign in with email and password").first().waitFor({ timeout: 60_000 });
      await page.getByText("orders", { exact: true }).first().click();
      await page.getByText("Hold tickets and start paying", { exact: false }).first().waitFor();
      await page.getByText("operations", { exact: true }).first().click();
      await page.getByText("Platform metrics of the last hour", { exact: false }).first().waitFor();
      expect(problems).toEqual([]);
      expect(leaving).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
