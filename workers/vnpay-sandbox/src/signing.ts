/**
 * VNPAY's two signatures, implemented here independently of the `vnpay` library the payments
 * worker uses (an emulator sharing the client's code could not catch the client's mistakes):
 * - payment URL, return and IPN: keys sorted, empty values dropped, form-encoded
 *   (URLSearchParams: space → "+"), HMAC-SHA512, lowercase hex, in vnp_SecureHash;
 * - querydr/refund JSON: HMAC-SHA512 over the documented fields joined by "|".
 */
const enc = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function key(secret: string) {
  let k = keys.get(secret);
  if (!k) {
    k = crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-512" }, false, ["sign"]);
    keys.set(secret, k);
  }
  return k;
}

export async function hmacSha512Hex(secret: string, data: string): Promise<string> {
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await key(secret), enc.encode(data)));
  let hex = "";
  for (const b of sig) hex += b.toString(16).padStart(2, "0");
  return hex;
}

function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

const UNSIGNED = new Set(["vnp_SecureHash", "vnp_SecureHashType"]);

export function canonicalQuery(params: Record<string, string>): string {
  const out = new URLSearchParams();
  for (const k of Object.keys(params).sort()) {
    if (!UNSIGNED.has(k) && params[k] !== "" && params[k] != null) out.append(k, params[k]);
  }
  return out.toString();
}

export async function signQuery(params: Record<string, string>, secret: string): Promise<Record<string, string>> {
  const signed: Record<string, string> = {};
  for (const k of Object.keys(params).sort()) if (params[k] !== "" && params[k] != null) signed[k] = params[k];
  signed.vnp_SecureHash = await hmacSha512Hex(secret, canonicalQuery(signed));
  return signed;
}

export async function verifyQuery(params: Record<string, string>, secret: string): Promise<boolean> {
  const received = (params.vnp_SecureHash ?? "").toLowerCase();
  return /^[0-9a-f]{128}$/.test(received) && sameHex(await hmacSha512Hex(secret, canonicalQuery(params)), received);
}

export const QUERYDR_REQUEST_FIELDS = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef", "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"];
export const REFUND_REQUEST_FIELDS = ["vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType", "vnp_TxnRef", "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo"];
export const REFUND_RESPONSE_FIELDS = ["vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef", "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType", "vnp_TransactionStatus", "vnp_OrderInfo"];
export const QUERYDR_RESPONSE_FIELDS = [...REFUND_RESPONSE_FIELDS, "vnp_PromotionCode", "vnp_PromotionAmount"];

export const pipeString = (body: Record<string, unknown>, fields: string[]) =>
  fields.map((f) => (body[f] == null ? "" : String(body[f]))).join("|");

export async function signPipe<T extends Record<string, string>>(body: T, fields: string[], secret: string) {
  return { ...body, vnp_SecureHash: await hmacSha512Hex(secret, pipeString(body, fields)) };
}

export async function verifyPipe(body: Record<string, unknown>, fields: string[], secret: string): Promise<boolean> {
  const received = typeof body.vnp_SecureHash === "string" ? body.vnp_SecureHash.toLowerCase() : "";
  return /^[0-9a-f]{128}$/.test(received) && sameHex(await hmacSha512Hex(secret, pipeString(body, fields)), received);
}
