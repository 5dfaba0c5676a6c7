// Placeholder: the organizer pages are written by the organizer-pages helper.
import { useT } from "../../i18n";

export default function EventPage({ id }: { id: string }) {
  const t = useT();
  return (
    <section>
      <h1>EventPage{" "}{id}</h1>
      <p>{t("organizer.placeholder")}</p>
    </section>
  );
}
