import { useState } from "react";
import { api, ApiProblem, call } from "../../api/client";
import { useI18n } from "../../i18n";
import { Link } from "../../lib/router";
import { Button, DateTime, DEFAULT_TIME_ZONE, ErrorMessage, PageTitle, Spinner, StatusBadge, useAction, useApi, usePolling } from "../../components";
import { EventForm } from "./EventForm";
import { OrganizerNav } from "./OrganizerNav";
import { getEvent, justCreated, updateEvent } from "./orgApi";
import { CancelEventPanel } from "./event/CancelEventPanel";
import { LiveSales } from "./event/LiveSales";
import { OrdersPanel } from "./event/OrdersPanel";
import { StaffPanel } from "./event/StaffPanel";
import { TicketTypesPanel } from "./event/TicketTypesPanel";
import { WaitingRoomPanel } from "./event/WaitingRoomPanel";

const LIVE_MS = 5000;

/** /organizer/events/:id: edit, ticket types, waiting room, publish, live sales, orders and refunds, staff, cancel. */
export default function EventPage({ id }: { id: string }) {
  const { t } = useI18n();
  const created = justCreated.has(id);
  const event = useApi(() => getEvent(id), [id]);
  const publish = useAction(async () => {
    await call(api.POST("/api/events/{id}/publish", { params: { path: { id } } }));
    await event.reload();
  });
  const [saved, setSaved] = useState(false);
  const ev = event.data;
  const onSale = ev?.status === "published";
  usePolling(() => void event.reload(), LIVE_MS, onSale);

  if (!ev) {
    return (
      <section>
        <OrganizerNav />
        {event.error ? <ErrorMessage error={event.error} onRetry={event.reload} /> : <Spinner />}
      </section>
    );
  }
  const zone = ev.timezone || DEFAULT_TIME_ZONE;

  return (
    <section>
      <OrganizerNav />
      <div className="org-head">
        <PageTitle text={ev.title}>
          {ev.title} <StatusBadge status={ev.status} />
        </PageTitle>
        <div className="actions">
          {ev.status === "draft" && (
            <Button busy={publish.busy} onClick={() => void publish.run()}>
              {t("org.event.publish")}
            </Button>
          )}
          {ev.status === "published" && (
            <Link href={`/events/${ev.id}`} className="btn btn-secondary">
              {t("org.event.publicPage")}
            </Link>
          )}
          <Link href={`/checkin/${ev.id}`} className="btn btn-secondary">
            {t("org.event.checkin")}
          </Link>
        </div>
      </div>
      <p className="meta">
        <DateTime iso={ev.startsAt} timeZone={zone} /> · {[ev.venue, ev.city].filter(Boolean).join(", ")}
      </p>
      {created && ev.status === "draft" && <p className="notice notice-info">{t("org.event.createdHint")}</p>}
      {publish.error instanceof ApiProblem && publish.error.code === "invalid_state" ? (
        <div className="notice notice-error" role="alert">
          <p>
            {ev.ticketTypes.length === 0
              ? t("org.event.publishNeedsTicketTypes")
              : t("org.event.publishRefused", { message: publish.error.message })}
          </p>
        </div>
      ) : (
        <ErrorMessage error={publish.error} />
      )}
      {ev.status === "cancelled" && <p className="notice notice-warn">{t("org.event.cancelledNote")}</p>}

      {ev.status === "cancelled" && <CancelEventPanel event={ev} onCancelled={event.reload} />}
      {ev.status !== "draft" && <LiveSales event={ev} live={onSale} />}
      {ev.status !== "draft" && <OrdersPanel event={ev} live={onSale} />}
      <TicketTypesPanel event={ev} onChanged={event.reload} />
      {ev.status !== "cancelled" && <WaitingRoomPanel event={ev} onChanged={event.reload} />}

      <section className="org-section" aria-labelledby="edit-h">
        <h2 id="edit-h">{t("org.event.edit")}</h2>
        {saved && (
          <p className="notice notice-ok" role="status">
            {t("org.event.saved")}
          </p>
        )}
        <EventForm
          key={ev.updatedAt}
          event={ev}
          submitLabel={t("org.event.save")}
          onSubmit={async (body) => {
            setSaved(false);
            await updateEvent(id, body);
            await event.reload();
            setSaved(true);
          }}
        />
      </section>

      <StaffPanel eventId={ev.id} />
      {ev.status === "published" && <CancelEventPanel event={ev} onCancelled={event.reload} />}
    </section>
  );
}
