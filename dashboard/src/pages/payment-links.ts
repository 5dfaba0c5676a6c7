// The payment URL of an order is only in POST /api/orders' answer; keep it for this tab so the
// order page can offer "Complete payment" again while the hold lasts.
const key = (orderId: string) => `edge-tickets.pay.${orderId}`;
export const rememberPaymentUrl = (orderId: string, url: string) => sessionStorage.setItem(key(orderId), url);
export const paymentUrlFor = (orderId: string) => sessionStorage.getItem(key(orderId));
