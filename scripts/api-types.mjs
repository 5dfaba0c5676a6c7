// `npm run api:types`: snapshot the gateway's merged OpenAPI document into
// dashboard/src/api/openapi.json and regenerate dashboard/src/api/schema.d.ts from it.
// Uses $API (a running gateway, e.g. http://localhost:8787) or boots a throwaway stack.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, freePort, startStack } from "./stack.mjs";

const SNAPSHOT = join(ROOT, "dashboard", "src", "api", "openapi.json");
const TYPES = join(ROOT, "dashboard", "src", "api", "schema.d.ts");

let stack = null;
let persistTo = null;
let api = process.env.API;
if (!api) {
  persistTo = mkdtempSync(join(tmpdir(), "tickets-api-types-"));
  stack = await startStack({ port: await freePort(), persistTo, quiet: true });
  api = stack.baseUrl;
}
try {
  const res = await fetch(`${api}/api/openapi.json`);
  if (!res.ok) throw new Error(`GET /api/openapi.json → ${res.status}`);
  const doc = await res.json();
  writeFileSync(SNAPSHOT, `${JSON.stringify(doc, null, 2)}\n`);
  execFileSync(process.execPath, [join(ROOT, "node_modules", "openapi-typescript", "bin", "cli.js"), SNAPSHOT, "-o", TYPES], { stdio: "inherit" });
  console.log(`wrote ${SNAPSHOT} (${Object.keys(doc.paths ?? {}).length} paths) and ${TYPES}`);
} finally {
  await stack?.stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
}
