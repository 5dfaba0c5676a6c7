import { api, call } from "../../api/client";
import type { EventSummary } from "../../api/types";
import { useI18n } from "../../i18n";
import { Link } from "../../lib/router";
import { DateTime, EmptyState, ErrorMessage, formatNumber, PageTitle, Spinner, StatusBadge, useApi } from "../../components";
import { OrganizerNav } from "./OrganizerNav";
import { getEvent, soldOf } from "./orgApi";
import { LoadMore, usePagedList } from "./usePagedList";

/** /organizer: the organizer's own events, drafts included, soonest first. */
export default function EventsPage() {
  const { t } = useI18n();
  const list = usePagedList(
    (cursor?: string) =>
      call(api.GET("/api/events", { params: { query: { mine: "true", limit: 50, ...(cursor ? { cursor } : {}) } } })).then((page) => ({
        items: page.items as EventSummary[],
        nextCursor: page.nextCursor,
      })),
    [],
  );
  const items = list.items ?? [];

  return (
    <section>
      <OrganizerNav />
      <div className="org-head">
        <PageTitle>{t("org.events.title")}</PageTitle>
        <Link href="/organizer/events/new" className="btn btn-primary">
          {t("org.events.new")}
        </Link>
      </div>
      {list.error ? (
        <ErrorMessage error={list.error} onRetry={list.reload} />
      ) : !list.items ? (
        <Spinner />
      ) : items.length === 0 ? (
        <EmptyState action={<Link href="/organizer/events/new" className="btn btn-secondary">{t("org.events.new")}</Link>}>{t("org.events.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="org-table">
            <caption className="visually-hidden">{t("org.events.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("org.events.event")}</th>
                <th scope="col">{t("org.events.status")}</th>
                <th scope="col">{t("org.events.starts")}</th>
                <th scope="col" className="num">{t("org.events.sold")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((ev) => (
                <tr key={ev.id}>
                  <td>
                    <Link href={`/organizer/events/${ev.id}`}>{ev.title}</Link>
                    <div className="meta">{[ev.venue, ev.city].filter(Boolean).join(", ")}</div>
                  </td>
                  <td>
                    <StatusBadge status={ev.status} />
                  </td>
                  <td>
                    <DateTime iso={ev.startsAt} timeZone={ev.timezone} style="short" />
                  </td>
                  <td className="num">
                    <SoldOfCapacity id={ev.id} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore more={list.more} />
    </section>
  );
}

/** "sold / capacity" across the event's ticket types (from its availability figures). */
function SoldOfCapacity({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const detail = useApi(() => getEvent(id), [id]);
  if (!detail.data) return detail.error ? <span className="org-muted">–</span> : <Spinner inline />;
  const types = detail.data.ticketTypes;
  const sold = types.reduce((s, tt) => s + soldOf(tt), 0);
  const capacity = types.reduce((s, tt) => s + tt.quantity, 0);
  return <span>{t("org.events.soldOf", { sold: formatNumber(sold, locale), capacity: formatNumber(capacity, locale) })}</span>;
}
