import { HashAlgorithm, VNPay } from "vnpay";
import type { Env } from "../env";

/** The VNPAY library configured with this merchant's credentials; `host` serves the payment page. */
export function vnpayClient(env: Pick<Env, "VNPAY_TMN_CODE" | "VNPAY_SECURE_SECRET">, host = "http://localhost") {
  if (!env.VNPAY_TMN_CODE || !env.VNPAY_SECURE_SECRET) throw new Error("VNPAY credentials are not configured");
  return new VNPay({
    tmnCode: env.VNPAY_TMN_CODE,
    secureSecret: env.VNPAY_SECURE_SECRET,
    vnpayHost: host,
    queryDrAndRefundHost: host,
    hashAlgorithm: HashAlgorithm.SHA512,
    enableLog: false,
  });
}
