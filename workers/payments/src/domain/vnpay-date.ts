import { dateFormat, getDateInGMT7 } from "vnpay";

/** yyyyMMddHHmmss in GMT+7, as VNPAY wants every date (Workers run in UTC). */
export const toVnpDate = (date: Date): string => String(dateFormat(getDateInGMT7(date)));

/** Parses a VNPAY yyyyMMddHHmmss GMT+7 date; null when malformed. */
export function fromVnpDate(value: string | undefined | null): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value ?? "");
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - 7 * 3600_000;
  return Number.isNaN(ms) ? null : new Date(ms);
}
