import { useI18n } from "../i18n";
import { formatDateTime, DEFAULT_TIME_ZONE, type DateStyle } from "./format";

/** A <time> shown in the event's zone (Asia/Ho_Chi_Minh unless given). */
export function DateTime({ iso, timeZone, style = "full" }: { iso: string; timeZone?: string | null; style?: DateStyle }) {
  const { locale } = useI18n();
  return <time dateTime={iso}>{formatDateTime(iso, locale, timeZone || DEFAULT_TIME_ZONE, style)}</time>;
}
