// Stand-in for the "gateway" service binding in the vnpay-sandbox vitest project: a merchant's
// IPN endpoint that checks the signature on its own (97 when wrong) and answers by vnp_TxnRef:
//   "flaky-*" answers 99 twice, then 00; "never-*" always 01; "broken-*" an HTML 500;
//   anything else 00 (or 02 once confirmed before).
const enc = new TextEncoder();
const seen = new Map();

async function hmacHex(secret, text) {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname !== env.IPN_PATH) return new Response("not found", { status: 404 });
    const params = Object.fromEntries(url.searchParams);
    const { vnp_SecureHash, ...rest } = params;
    const canonical = new URLSearchParams(Object.keys(rest).sort().filter((k) => rest[k] !== "").map((k) => [k, rest[k]])).toString();
    if ((await hmacHex(env.SECRET, canonical)) !== vnp_SecureHash) return Response.json({ RspCode: "97", Message: "Fail checksum" });
    const ref = params.vnp_TxnRef ?? "";
    const calls = (seen.get(ref) ?? 0) + 1;
    seen.set(ref, calls);
    if (ref.startsWith("broken-")) return new Response("<h1>oops</h1>", { status: 500, headers: { "content-type": "text/html" } });
    if (ref.startsWith("never-")) return Response.json({ RspCode: "01", Message: "Order not found" });
    if (ref.startsWith("flaky-") && calls <= 2) return Response.json({ RspCode: "99", Message: "Unknown error" });
    if (calls > 1 && !ref.startsWith("flaky-")) return Response.json({ RspCode: "02", Message: "Order already confirmed" });
    return Response.json({ RspCode: "00", Message: "Confirm Success" });
  },
};
