import { useState } from "react";
import { api, call } from "../../api/client";
import { useI18n } from "../../i18n";
import { Link } from "../../lib/router";
import { Button, EmptyState, ErrorMessage, PageTitle, Select, Spinner, useAction, useApi } from "../../components";
import { OrganizerNav } from "./OrganizerNav";
import { listMyEvents } from "./orgApi";
import { SalesFigures } from "./event/LiveSales";
import { SalesTable } from "./SalesTable";

/** /organizer/reports: totals per event, and one event's sales by ticket type and by day (CSV too). */
export default function ReportsPage() {
  const { t } = useI18n();
  const summary = useApi(() => call(api.GET("/api/reports/organizer/summary")), []);
  const events = useApi(listMyEvents, []);
  const [eventId, setEventId] = useState("");

  return (
    <section>
      <OrganizerNav />
      <PageTitle>{t("org.reports.title")}</PageTitle>
      <section aria-labelledby="summary-h">
        <h2 id="summary-h">{t("org.reports.summary")}</h2>
        {summary.error ? (
          <ErrorMessage error={summary.error} onRetry={summary.reload} missingRoute />
        ) : !summary.data ? (
          <Spinner />
        ) : summary.data.events.length === 0 ? (
          <EmptyState action={<Link href="/organizer/events/new" className="btn btn-secondary">{t("org.events.new")}</Link>}>{t("org.reports.noSales")}</EmptyState>
        ) : (
          <SalesTable
            labelHeader={t("org.events.event")}
            rows={summary.data.events.map((e) => ({ ...e, key: e.eventId, label: <Link href={`/organizer/events/${e.eventId}`}>{e.title}</Link> }))}
            totals={summary.data.totals}
          />
        )}
      </section>

      <section className="org-section" aria-labelledby="per-event-h">
        <h2 id="per-event-h">{t("org.reports.perEvent")}</h2>
        {events.error ? (
          <ErrorMessage error={events.error} onRetry={events.reload} />
        ) : !events.data ? (
          <Spinner />
        ) : events.data.length === 0 ? (
          <EmptyState action={<Link href="/organizer/events/new" className="btn btn-secondary">{t("org.events.new")}</Link>}>{t("org.events.empty")}</EmptyState>
        ) : (
          <>
            <Select label={t("org.reports.event")} value={eventId} onChange={(e) => setEventId(e.target.value)}>
              <option value="">{t("org.reports.chooseEvent")}</option>
              {events.data.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.title}
                </option>
              ))}
            </Select>
            {eventId && <EventSalesReport key={eventId} eventId={eventId} title={events.data.find((e) => e.id === eventId)?.title ?? eventId} />}
          </>
        )}
      </section>
    </section>
  );
}

function EventSalesReport({ eventId, title }: { eventId: string; title: string }) {
  const { t } = useI18n();
  const report = useApi(() => call(api.GET("/api/reports/events/{id}/sales", { params: { path: { id: eventId } } })), [eventId]);
  // A plain link would not carry the bearer token: fetch through the client, then save a blob.
  const download = useAction(async () => {
    const csv = await call(api.GET("/api/reports/events/{id}/sales", { params: { path: { id: eventId }, query: { format: "csv" } }, parseAs: "text" }));
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `sales-${title.replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "").slice(0, 60) || eventId}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });

  if (report.error) return <ErrorMessage error={report.error} onRetry={report.reload} missingRoute />;
  if (!report.data) return <Spinner />;
  const r = report.data;
  return (
    <div className="stack org-section">
      <div className="org-head">
        <h3>{title}</h3>
        <Button variant="secondary" busy={download.busy} onClick={() => void download.run()}>
          {t("org.reports.csv")}
        </Button>
      </div>
      <ErrorMessage error={download.error} />
      <SalesFigures report={r} />
      <h4>{t("org.reports.byTicketType")}</h4>
      {r.byTicketType.length === 0 ? (
        <EmptyState>{t("org.reports.noSalesYet")}</EmptyState>
      ) : (
        <SalesTable labelHeader={t("org.tt.name")} rows={r.byTicketType.map((row) => ({ ...row, key: row.ticketTypeId, label: row.name }))} />
      )}
      <h4>{t("org.reports.byDay")}</h4>
      {r.byDay.length === 0 ? (
        <EmptyState>{t("org.reports.noSalesYet")}</EmptyState>
      ) : (
        <SalesTable labelHeader={t("org.reports.day")} rows={r.byDay.map((row) => ({ ...row, key: row.date, label: row.date }))} />
      )}
    </div>
  );
}
