import { describe, expect, inject, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error plain ESM script (also run by `npm run build`)
import { storefrontBudget, BUDGET } from "../../scripts/bundle.mjs";

const dist = inject("distDir");
const apiOrigin = inject("apiOrigin");

type Report = { files: { file: string; gzip: number; initial: boolean }[]; initialJsGzip: number; initialFiles: string[] };

describe("dashboard build", () => {
  it("keeps the storefront's JavaScript within 150 KB gzipped", () => {
    const report: Report = storefrontBudget(dist);
    expect(report.initialFiles.length).toBeGreaterThan(0);
    expect(report.initialJsGzip).toBeGreaterThan(10 * 1024); // React is in there: the measure is real
    expect(report.initialJsGzip).toBeLessThanOrEqual(BUDGET);
  });

  it("loads the QR decoder and the check-in, orders and organizer pages only on demand", () => {
    const report: Report = storefrontBudget(dist);
    const lazy = report.files.filter((f) => !f.initial).map((f) => f.file);
    for (const name of ["jsQR", "CheckinPage", "OrderPage", "EventsPage"]) {
      expect(lazy.some((f) => f.includes(name)), name).toBe(true);
      expect(report.initialFiles.some((f) => f.includes(name)), name).toBe(false);
    }
  });

  it("serves a strict Content-Security-Policy whose connect-src is only the API origin (and its WebSocket origin)", () => {
    const headers = readFileSync(join(dist, "_headers"), "utf8");
    const csp = /Content-Security-Policy: (.+)/.exec(headers)?.[1] ?? "";
    const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives["default-src"]).toEqual(["'none'"]);
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(directives["style-src"]).toEqual(["'self'"]);
    expect(directives["connect-src"]).toEqual([apiOrigin, apiOrigin.replace(/^http/, "ws")]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(headers).toMatch(/X-Content-Type-Options: nosniff/);
  });

  it("ships a service worker that caches every built file, allowed to fetch only its own origin", () => {
    const sw = readFileSync(join(dist, "sw.js"), "utf8");
    const shell: string[] = JSON.parse(/const SHELL = (\[.*\]);/.exec(sw)?.[1] ?? "[]");
    const report: Report = storefrontBudget(dist);
    expect(shell).toContain("/");
    for (const f of report.files) expect(shell).toContain(`/${f.file}`);
    const headers = readFileSync(join(dist, "_headers"), "utf8");
    const swRule = headers.slice(headers.indexOf("/sw.js"));
    expect(swRule).toMatch(/! Content-Security-Policy\n\s+Content-Security-Policy: default-src 'none'; connect-src 'self'; img-src 'self'\n/);
  });

  it("has no inline script or style in index.html (the CSP would block it)", () => {
    const html = readFileSync(join(dist, "index.html"), "utf8");
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body.trim()).toBe("");
    }
    expect(html).not.toMatch(/<style\b|\sstyle=/);
  });

  it("bakes the API origin into the app", () => {
    const report: Report = storefrontBudget(dist);
    const entry = report.initialFiles.map((f) => readFileSync(join(dist, f), "utf8")).join("\n");
    expect(entry).toContain(apiOrigin);
    expect(entry).not.toContain("localhost:8787");
  });
});
