// Stand-in for the "gateway" service binding in the payments vitest project: a tiny VNPAY
// querydr/refund API with its own (independent) HMAC-SHA512 signing, steered by vnp_TxnRef:
//   "unsigned-*" answers without vnp_SecureHash, "forged-*" with a wrong one, "dup-*" answers a
//   refund with 94 and a querydr with TransactionStatus 05, "down-*" with HTTP 503, "slow-*"
//   stalls its first refund request for 2 s (past the merchant's timeout) and then answers it;
//   querydr of "unpaid-*" shows TransactionStatus 01 (not completed), "failed-*" 02 (failed),
//   "unknown-*" answers 91 (not found); anything else is a normal signed 00 (a querydr: paid
//   150,000 VND). A request with a bad hash gets a signed 97.
//   GET /__requests?txnRef= lists the requests received for a TxnRef (for assertions).
const enc = new TextEncoder();
const REQ = {
  refund: ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType", "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"],
  querydr: ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"],
};
const RES_REFUND = ["vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo"];
const RES = { refund: RES_REFUND, querydr: [...RES_REFUND, "vnp_PromotionCode", "vnp_PromotionAmount"] };

async function hmac(secret, text) {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(text)));
  return [...sig].map((b) => b.toString(16).padStart(2, "0")).join("");
}
const pipe = (o, fields) => fields.map((f) => (o[f] == null ? "" : String(o[f]))).join("|");

const received = [];
const stalled = new Set();

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/__requests") return Response.json(received.filter((r) => r.vnp_TxnRef === url.searchParams.get("txnRef")));
    if (request.method !== "POST" || url.pathname !== "/merchant_webapi/api/transaction") return new Response("not found", { status: 404 });
    const body = await request.json();
    const command = body.vnp_Command;
    const ref = String(body.vnp_TxnRef ?? "");
    received.push(body);
    if (ref.startsWith("down-")) return new Response("unavailable", { status: 503 });
    if (ref.startsWith("slow-") && command === "refund" && !stalled.has(ref)) {
      stalled.add(ref);
      await new Promise((r) => setTimeout(r, 2_000));
      return new Response("late", { status: 504 });
    }
    const good = REQ[command] && (await hmac(env.SECRET, pipe(body, REQ[command]))) === body.vnp_SecureHash;
    let code = good ? "00" : "97";
    if (good && command === "refund" && ref.startsWith("dup-")) code = "94";
    if (good && command === "querydr" && ref.startsWith("unknown-")) code = "91";
    const queryStatus = ref.startsWith("unpaid-") ? "01" : ref.startsWith("failed-") ? "02" : ref.startsWith("dup-") ? "05" : "00";
    const out = {
      vnp_ResponseId: crypto.randomUUID().replace(/-/g, ""),
      vnp_Command: command,
      vnp_ResponseCode: code,
      vnp_Message: { "00": "Success", "94": "Duplicate request", "91": "Transaction not found" }[code] ?? "Invalid checksum",
      vnp_TmnCode: env.TMN_CODE,
      vnp_TxnRef: ref,
      vnp_Amount: command === "refund" ? body.vnp_Amount : "15000000",
      vnp_BankCode: "NCB",
      vnp_PayDate: "20260101120000",
      vnp_TransactionNo: ref.startsWith("failed-") ? "0" : "14000001",
      vnp_TransactionType: command === "refund" ? body.vnp_TransactionType : "02",
      vnp_TransactionStatus: command === "refund" ? "05" : queryStatus,
      vnp_OrderInfo: body.vnp_OrderInfo,
    };
    if (command === "querydr") Object.assign(out, { vnp_PromotionCode: "", vnp_PromotionAmount: "" });
    if (!ref.startsWith("unsigned-")) out.vnp_SecureHash = await hmac(ref.startsWith("forged-") ? "not-the-secret" : env.SECRET, pipe(out, RES[command]));
    return Response.json(out);
  },
};
