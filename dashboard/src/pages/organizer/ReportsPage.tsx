// Placeholder: the organizer pages are written by the organizer-pages helper.
import { useT } from "../../i18n";

export default function ReportsPage() {
  const t = useT();
  return (
    <section>
      <h1>ReportsPage</h1>
      <p>{t("organizer.placeholder")}</p>
    </section>
  );
}
