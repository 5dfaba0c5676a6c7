// What the storefront page loads: the entry chunk of dist/index.html and its static imports
// (from Vite's manifest), gzipped with node:zlib. Lazy chunks (orders, check-in, organizer)
// are listed but not counted.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const DIST = process.env.DASHBOARD_DIST || resolve(dirname(fileURLToPath(import.meta.url)), "..", "dist");
export const BUDGET = 150 * 1024;

export function storefrontBudget(dist = DIST) {
  const manifestPath = join(dist, ".vite", "manifest.json");
  if (!existsSync(manifestPath)) throw new Error(`no build manifest at ${manifestPath}: run the dashboard build first`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const entry = Object.values(manifest).find((c) => c.isEntry);
  const initial = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || initial.has(chunk.file)) return;
    initial.add(chunk.file);
    (chunk.imports ?? []).forEach(visit);
  };
  visit(Object.keys(manifest).find((k) => manifest[k] === entry));
  const files = readdirSync(join(dist, "assets"))
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => {
      const file = `assets/${f}`;
      return { file, gzip: gzipSync(readFileSync(join(dist, file))).length, initial: initial.has(file) };
    })
    .sort((a, b) => b.gzip - a.gzip);
  const initialJsGzip = files.filter((f) => f.initial && f.file.endsWith(".js")).reduce((s, f) => s + f.gzip, 0);
  return { files, initialJsGzip, budget: BUDGET, initialFiles: [...initial] };
}
