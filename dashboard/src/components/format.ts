/** Formatting with Intl in the chosen language. Times default to the event's zone. */
export const DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh";

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function memo<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}

export function formatVnd(amount: number, locale: string): string {
  return memo(`vnd|${locale}`, () => new Intl.NumberFormat(locale, { style: "currency", currency: "VND", maximumFractionDigits: 0 })).format(amount);
}

export function formatNumber(n: number, locale: string): string {
  return memo(`num|${locale}`, () => new Intl.NumberFormat(locale)).format(n);
}

export type DateStyle = "full" | "date" | "time" | "short";
export function formatDateTime(iso: string | number | Date, locale: string, timeZone = DEFAULT_TIME_ZONE, style: DateStyle = "full"): string {
  const date = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const options: Intl.DateTimeFormatOptions =
    style === "date"
      ? { dateStyle: "medium" }
      : style === "time"
        ? { timeStyle: "medium" }
        : style === "short"
          ? { dateStyle: "short", timeStyle: "short" }
          : { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  return memo(`dt|${locale}|${timeZone}|${style}`, () => new Intl.DateTimeFormat(locale, { ...options, timeZone })).format(date);
}

/** Value for <input type="datetime-local"> in a zone, and back to ISO UTC. */
export function toLocalInput(iso: string, timeZone = DEFAULT_TIME_ZONE): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export function fromLocalInput(value: string, timeZone = DEFAULT_TIME_ZONE): string {
  // Interpret the wall time in `timeZone`: guess UTC, then correct by the zone's offset then.
  const guess = new Date(`${value}:00Z`);
  const shown = new Date(toLocalInput(guess.toISOString(), timeZone) + ":00Z");
  return new Date(guess.getTime() - (shown.getTime() - guess.getTime())).toISOString();
}
