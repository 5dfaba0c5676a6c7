// Placeholder: the organizer pages are written by the organizer-pages helper.
import { useT } from "../../i18n";

export default function EventsPage() {
  const t = useT();
  return (
    <section>
      <h1>EventsPage</h1>
      <p>{t("organizer.placeholder")}</p>
    </section>
  );
}
