import type { Locale } from "../env";

/** Integer VND, grouped the way each language writes it: 1.200.000 ₫ / 1,200,000 VND. */
export function formatVnd(amount: number, locale: Locale): string {
  const digits = Math.round(Math.abs(amount))
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, locale === "vi" ? "." : ",");
  const sign = amount < 0 ? "-" : "";
  return locale === "vi" ? `${sign}${digits} ₫` : `${sign}${digits} VND`;
}

const pad = (n: number) => String(n).padStart(2, "0");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Event times in Vietnam's time (UTC+7 all year: no daylight saving), without relying on ICU data. */
export function formatDateTime(iso: string, locale: Locale): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const d = new Date(ms + 7 * 3600_000);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  if (locale === "vi") return `${time} ngày ${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} (GMT+7)`;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${time} (GMT+7)`;
}

/** How long until something, as people say it: whole hours from 3 h up, else hours and minutes to the nearest 5. */
export function formatDuration(minutes: number, locale: Locale): string {
  const en = locale === "en";
  if (minutes >= 180) {
    const h = Math.round(minutes / 60);
    return en ? `${h} hours` : `${h} giờ`;
  }
  if (minutes < 5) return en ? "a few minutes" : "vài phút";
  const rounded = Math.round(minutes / 5) * 5;
  const h = Math.floor(rounded / 60);
  const m = rounded % 60;
  const parts = en
    ? [h && `${h} hour${h > 1 ? "s" : ""}`, m && `${m} minutes`]
    : [h && `${h} giờ`, m && `${m} phút`];
  return parts.filter(Boolean).join(" ");
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** SMS goes out unaccented: GSM-7 fits 160 characters per part, UCS-2 only 70. */
export function toSmsText(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/₫/g, "VND");
}
