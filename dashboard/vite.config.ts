import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { createHash } from "node:crypto";
import { securityHeaders } from "./headers.ts";
import { serviceWorkerSource } from "./sw-template.ts";

const DEFAULT_API_ORIGIN = "http://localhost:8787";

/** Writes `_headers` (Cloudflare Pages) with a CSP whose connect-src is the API origin (and its ws:// or wss:// twin). */
function pagesHeaders(apiOrigin: string): Plugin {
  return {
    name: "pages-headers",
    apply: "build",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "_headers", source: securityHeaders(apiOrigin) });
    },
  };
}

/** Emits /sw.js listing this build's files (see sw-template.ts). */
function serviceWorker(): Plugin {
  return {
    name: "service-worker",
    apply: "build",
    generateBundle(_options, bundle) {
      const assets = Object.keys(bundle)
        .filter((f) => f.startsWith("assets/") || f === "favicon.svg")
        .sort()
        .map((f) => `/${f}`);
      const version = createHash("sha256").update(assets.join("\n")).digest("hex").slice(0, 12);
      this.emitFile({ type: "asset", fileName: "sw.js", source: serviceWorkerSource(version, assets) });
    },
  };
}

export default defineConfig(() => {
  const apiOrigin = new URL(process.env.VITE_API_ORIGIN || DEFAULT_API_ORIGIN).origin;
  return {
    plugins: [react(), pagesHeaders(apiOrigin), serviceWorker()],
    define: { "import.meta.env.VITE_API_ORIGIN": JSON.stringify(apiOrigin) },
    build: { target: "es2022", assetsInlineLimit: 0, manifest: true },
    server: { port: 8788, strictPort: true },
    preview: { port: 8788, strictPort: true },
  };
});
