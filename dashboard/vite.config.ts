import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { securityHeaders } from "./headers.ts";

const DEFAULT_API_ORIGIN = "http://localhost:8787";

/** Writes `_headers` (Cloudflare Pages) with a CSP whose connect-src is exactly the API origin. */
function pagesHeaders(apiOrigin: string): Plugin {
  return {
    name: "pages-headers",
    apply: "build",
    generateBundle() {
      this.emitFile({ type: "asset", fileName: "_headers", source: securityHeaders(apiOrigin) });
    },
  };
}

export default defineConfig(() => {
  const apiOrigin = new URL(process.env.VITE_API_ORIGIN || DEFAULT_API_ORIGIN).origin;
  return {
    plugins: [react(), pagesHeaders(apiOrigin)],
    define: { "import.meta.env.VITE_API_ORIGIN": JSON.stringify(apiOrigin) },
    build: { target: "es2022", assetsInlineLimit: 0, manifest: true },
    server: { port: 8788, strictPort: true },
    preview: { port: 8788, strictPort: true },
  };
});
