import { ERROR_CODES, TEST_CARDS, DEFAULT_CARD, type PaymentRequest } from "./domain/payment";

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

/** 1234567 → "1.234.567" (Vietnamese grouping, without relying on the runtime's locale data). */
export const formatVnd = (n: number) => `${Math.trunc(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".")} VND`;

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#eef3f8;margin:0;color:#1b2733}
main{max-width:520px;margin:40px auto;background:#fff;border-radius:12px;box-shadow:0 4px 24px #0002;padding:28px 32px}
.badge{display:inline-block;background:#fff4d6;color:#7a5600;border-radius:6px;padding:4px 10px;font-size:13px}
h1{font-size:22px;margin:14px 0 18px;color:#005baa}
dl{display:grid;grid-template-columns:140px 1fr;gap:8px 12px;margin:0 0 20px}
dt{color:#5b6b7a}dd{margin:0;word-break:break-all}
.amount{font-size:24px;font-weight:700;color:#d7261e}
label{display:block;margin:8px 0 4px;color:#5b6b7a}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #c5d0db;border-radius:8px;font-size:16px}
.hint{font-size:13px;color:#5b6b7a}
.actions{display:flex;gap:12px;margin-top:18px}
button{flex:1;padding:12px;border:0;border-radius:8px;font-size:16px;cursor:pointer;background:#005baa;color:#fff}
button.secondary{background:#e4e9ef;color:#1b2733}
.warn,.error{padding:10px 12px;border-radius:8px;margin:0 0 16px}
.warn{background:#fff4d6}.error{background:#fde2e1;color:#8a1c17}
`;

const layout = (title: string, body: string) =>
  `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>` +
  `<span class="badge">VNPAY sandbox · local emulator · no real money</span>${body}</main></body></html>`;

/** The payment page: order, amount, a test card field, Pay / Cancel posting back to this URL. */
export function paymentPage(req: PaymentRequest, opts: { expired: boolean; error?: string; card?: string }) {
  const en = req.locale === "en";
  const expires = new Date(req.expiresAt.getTime() + 7 * 3600_000).toISOString().replace("T", " ").slice(0, 19);
  const cards = Object.entries(TEST_CARDS)
    .map(([no, c]) => `<option value="${no}">${esc(c.label)}</option>`)
    .join("");
  return layout(
    "VNPAY - Thanh toan",
    `<h1>${en ? "Payment" : "Thanh toán"}</h1>
<dl>
<dt>${en ? "Merchant" : "Nhà cung cấp"}</dt><dd>${esc(req.tmnCode)}</dd>
<dt>${en ? "Order" : "Đơn hàng"}</dt><dd id="order-info">${esc(req.orderInfo)}</dd>
<dt>${en ? "Reference" : "Mã tham chiếu"}</dt><dd id="txn-ref">${esc(req.txnRef)}</dd>
<dt>${en ? "Amount" : "Số tiền"}</dt><dd class="amount" id="amount">${formatVnd(req.amountVnd)}</dd>
<dt>${en ? "Pay before" : "Hạn thanh toán"}</dt><dd>${esc(expires)} (GMT+7)</dd>
</dl>
${opts.expired ? `<p class="warn">${en ? "The payment window has expired: paying now ends with code 11." : "Giao dịch đã hết hạn chờ thanh toán (mã 11)."}</p>` : ""}
${opts.error ? `<p class="error">${esc(opts.error)}</p>` : ""}
<form method="post">
<label for="card">${en ? "Test card number (NCB)" : "Số thẻ thử nghiệm (NCB)"}</label>
<input id="card" name="card" list="cards" inputmode="numeric" autocomplete="off" value="${esc(opts.card ?? DEFAULT_CARD)}">
<datalist id="cards">${cards}</datalist>
<p class="hint">NGUYEN VAN A · 07/15 · OTP 123456</p>
<div class="actions">
<button type="submit" name="outcome" value="success">${en ? "Pay" : "Thanh toán"}</button>
<button type="submit" name="outcome" value="cancel" class="secondary">${en ? "Cancel" : "Hủy"}</button>
</div>
</form>`,
  );
}

export function errorPage(code: string) {
  const message = ERROR_CODES[code as keyof typeof ERROR_CODES] ?? ERROR_CODES["99"];
  return layout(
    "VNPAY - Thong bao loi",
    `<h1>Thông báo lỗi / Error</h1><p class="error" id="error-code">Code ${esc(code)}: ${esc(message)}</p>`,
  );
}
