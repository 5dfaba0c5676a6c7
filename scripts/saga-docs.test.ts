import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { PUBLISHERS, eventTypes } from "../packages/common/src/events";
import { SAGA_DOC_PATH, sagaMarkdown } from "./saga-docs";

const ROOT = resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}
/** Where a worker's events are made: its src, and for events the inventory object it hosts. */
const sourcesOf = (worker: string) => [
  ...sourceFiles(join(ROOT, "workers", worker, "src")),
  ...(worker === "events" ? sourceFiles(join(ROOT, "durable-objects")) : []),
];

describe("docs/saga.md", () => {
  it("is exactly what `npm run docs:saga` generates from events.ts", () => {
    expect(readFileSync(SAGA_DOC_PATH, "utf8")).toBe(sagaMarkdown());
  });

  it("names as publisher of each event a worker whose source makes it", () => {
    const wrong = eventTypes.filter((type) => {
      const made = new RegExp(`makeEvent\\(\\s*"${type}"`);
      return PUBLISHERS[type].split(", ").some((worker) => !sourcesOf(worker).some((file) => made.test(readFileSync(file, "utf8"))));
    });
    expect(wrong).toEqual([]);
  });

  it("documents PaymentRequested between OrderCreated and the payment outcome", () => {
    expect(sagaMarkdown()).toMatch(/\| PaymentRequested \| payments \| notifications/);
  });
});
