import { IDENTITY_HEADER, IDENTITY_SIG_HEADER, PUBLIC_ORIGIN_HEADER, REQUEST_ID_HEADER, signIdentity, type Identity } from "@tickets/common";

/** Headers a client may never pass through to a service: identity is the gateway's to assert. */
const STRIPPED = [IDENTITY_HEADER, IDENTITY_SIG_HEADER, PUBLIC_ORIGIN_HEADER, "x-forwarded-identity", "x-user-id", "x-user-roles"];

/** Forwards to one worker; the identity (if any) is signed for that worker alone (`audience`, its service name). */
export async function forward(
  service: Fetcher,
  request: Request,
  opts: { requestId: string; identity: Identity | null; secret: string; publicOrigin: string; audience: string },
): Promise<Response> {
  const headers = new Headers(request.headers);
  for (const h of STRIPPED) headers.delete(h);
  headers.set(REQUEST_ID_HEADER, opts.requestId);
  headers.set(PUBLIC_ORIGIN_HEADER, opts.publicOrigin);
  if (opts.identity) {
    for (const [k, v] of Object.entries(await signIdentity(opts.identity, opts.secret, opts.audience))) headers.set(k, v);
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const res = await service.fetch(
    new Request(request.url, { method: request.method, headers, body: hasBody ? request.body : undefined, redirect: "manual" }),
  );
  // A WebSocket (the waiting room's live place) passes through with its socket attached.
  if (res.webSocket) return new Response(null, { status: 101, webSocket: res.webSocket, headers: res.headers });
  // Responses from bindings are immutable; copy so the gateway can add its headers.
  return new Response(res.body, res);
}
