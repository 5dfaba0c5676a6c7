import { useI18n } from "../../i18n";
import { navigate } from "../../lib/router";
import { PageTitle } from "../../components";
import { EventForm } from "./EventForm";
import { OrganizerNav } from "./OrganizerNav";
import { createEvent, justCreated } from "./orgApi";

/** /organizer/events/new: a draft event, then its page (ticket types, publish). */
export default function NewEventPage() {
  const { t } = useI18n();
  return (
    <section>
      <OrganizerNav />
      <PageTitle>{t("org.new.title")}</PageTitle>
      <p>{t("org.new.intro")}</p>
      <EventForm
        submitLabel={t("org.new.submit")}
        onSubmit={async (body) => {
          const event = await createEvent(body);
          justCreated.add(event.id);
          navigate(`/organizer/events/${event.id}`);
        }}
      />
    </section>
  );
}
