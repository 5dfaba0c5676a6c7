/** Vietnam (Asia/Ho_Chi_Minh) is UTC+7 all year: no daylight saving, so a fixed offset is exact. */
const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** The Vietnam calendar day of an instant, 'YYYY-MM-DD'. */
export const vnDay = (ms: number): string => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10);

/** The Vietnam day before the one `ms` falls in (what the 07:00 daily report covers). */
export const previousVnDay = (ms: number): string => vnDay(ms - DAY_MS);

export const minuteOf = (ms: number): number => Math.floor(ms / 60_000);

/** An envelope's ISO time in ms; a malformed one falls back to now rather than poisoning the queue. */
export function instant(iso: string, now = Date.now()): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? now : ms;
}
