import { useT } from "../i18n";
import { en, type MessageKey } from "../i18n/en";

/** A coloured status label; text from "status.<value>" when that string exists. */
export function StatusBadge({ status }: { status: string }) {
  const t = useT();
  const key = `status.${status}` as MessageKey;
  return <span className={`badge badge-${status}`}>{key in en ? t(key) : status.replace(/_/g, " ")}</span>;
}
