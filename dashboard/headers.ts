/**
 * The `_headers` file Cloudflare Pages serves with every response. Strict CSP: scripts, styles
 * and fonts only from the app itself (no inline code), network calls only to the API origin,
 * images from the app, the API (QR codes) and blob: (QR codes fetched with the bearer token).
 * connect-src also names the API's WebSocket origin (ws:// or wss://: the waiting room's live place).
 */
export function contentSecurityPolicy(apiOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' blob: data: ${apiOrigin}`,
    "font-src 'self'",
    `connect-src ${apiOrigin} ${socketOrigin(apiOrigin)}`,
    "media-src 'self' blob: mediastream:",
    "manifest-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** The API origin with its WebSocket scheme: http → ws, https → wss. */
export const socketOrigin = (apiOrigin: string) => apiOrigin.replace(/^http/, "ws");

/**
 * The service worker's own policy (a worker obeys the CSP of its script): it fetches only the
 * app's files, to cache them, and loads the app's icon for push notifications; it never talks
 * to the API and imports no scripts.
 */
export const serviceWorkerPolicy = "default-src 'none'; connect-src 'self'; img-src 'self'";

export function securityHeaders(apiOrigin: string): string {
  return `/*
  Content-Security-Policy: ${contentSecurityPolicy(apiOrigin)}
  X-Content-Type-Options: nosniff
  Referrer-Policy: strict-origin-when-cross-origin
  X-Frame-Options: DENY
  Permissions-Policy: camera=(self), microphone=(), geolocation=()
  Cross-Origin-Opener-Policy: same-origin

/assets/*
  Cache-Control: public, max-age=31536000, immutable

/sw.js
  ! Content-Security-Policy
  Content-Security-Policy: ${serviceWorkerPolicy}
  Cache-Control: no-cache
`;
}
