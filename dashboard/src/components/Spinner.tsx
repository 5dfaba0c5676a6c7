import { useT } from "../i18n";

/** An accessible busy indicator; `label` defaults to "Loading…". */
export function Spinner({ label, inline = false }: { label?: string; inline?: boolean }) {
  const t = useT();
  return (
    <span className={inline ? "spinner spinner-inline" : "spinner"} role="status" aria-live="polite">
      <span className="spinner-wheel" aria-hidden="true" />
      <span className={inline ? "visually-hidden" : "spinner-label"}>{label ?? t("common.loading")}</span>
    </span>
  );
}
