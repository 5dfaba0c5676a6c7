import { inject } from "vitest";

/** A tiny HTTP client for the booted stack; each instance looks like its own client address. */
export class Client {
  readonly baseUrl = inject("baseUrl");
  token: string | null = null;
  constructor(readonly ip = `10.${rand()}.${rand()}.${rand()}`) {}

  async call(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; raw?: BodyInit } = {}) {
    const headers: Record<string, string> = { "cf-connecting-ip": this.ip, ...opts.headers };
    if (this.token && !("authorization" in headers)) headers.authorization = `Bearer ${this.token}`;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      redirect: "manual",
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, json, text };
  }
  get = (path: string, headers?: Record<string, string>) => this.call("GET", path, { headers });
  post = (path: string, body?: unknown, headers?: Record<string, string>) => this.call("POST", path, { body, headers });
  patch = (path: string, body?: unknown, headers?: Record<string, string>) => this.call("PATCH", path, { body, headers });
}

function rand() {
  return Math.floor(Math.random() * 250) + 1;
}

export const uniqueEmail = (prefix = "user") => `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@example.test`;

/** Polls until `check` returns a truthy value or the time runs out. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ""}`);
}

/** The seeded admin (scripts/seed), signed in. */
export async function adminClient() {
  const admin = new Client();
  const res = await admin.post("/api/auth/login", { email: "admin@example.com", password: "admin-demo-pass" });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${res.text}`);
  admin.token = res.json.accessToken;
  return admin;
}
