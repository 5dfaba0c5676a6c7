import { useI18n } from "../i18n";
import { formatVnd } from "./format";

/** Integer VND, formatted for the chosen language (e.g. "500.000 ₫"). */
export function Money({ vnd }: { vnd: number }) {
  const { locale } = useI18n();
  return <span className="money">{formatVnd(vnd, locale)}</span>;
}
