import { chromium, type BrowserContext, type Page } from "playwright-core";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// @ts-expect-error plain ESM script shared with `npm run dev` and the bench
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../../../scripts/dashboard.mjs";
export const SCREENSHOTS = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "screenshots");

/** Debian's Chromium with a fresh user-data-dir; `close()` also deletes the profile. */
export async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), "dashboard-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH as string,
    headless: true,
    args: CHROMIUM_FLAGS as string[],
    viewport: { width: 1280, height: 860 },
    locale: "en-US",
    timezoneId: "Asia/Ho_Chi_Minh",
  });
  context.setDefaultTimeout(30_000);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Saves dashboard/screenshots/<name>.png (committed; the README shows a few). */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: opts.fullPage ?? true, animations: "disabled" });
}

/** Fails the test on any CSP violation or uncaught error in the page. */
export function watchPageErrors(page: Page, errors: string[]) {
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && /Content Security Policy|Refused to/.test(msg.text())) errors.push(`csp: ${msg.text()}`);
  });
}

/** Signs in on /login and waits until the header shows Sign out. */
export async function signIn(page: Page, web: string, { email, password }: { email: string; password: string }) {
  await page.goto(`${web}/login`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** A JSON caller for the API beside the browser (setup and checks): `{status, json}`. */
export function apiCaller(apiUrl: string) {
  return async (method: string, path: string, { token, body }: { token?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(apiUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, json: (await res.json().catch(() => null)) as any };
  };
}
