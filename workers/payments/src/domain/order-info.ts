/**
 * VNPAY accepts only ASCII letters, digits and spaces in vnp_OrderInfo: strip Vietnamese
 * diacritics (đ/Đ are letters of their own, not combining marks), drop everything else.
 */
export function asciiOrderInfo(text: string, fallback: string): string {
  const ascii = text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/[^A-Za-z0-9 ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 255)
    .trim();
  return ascii || fallback.replace(/[^A-Za-z0-9 ]+/g, " ").trim();
}
