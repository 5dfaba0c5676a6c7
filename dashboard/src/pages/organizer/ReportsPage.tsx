import { useState } from "react";
import { api, call } from "../../api/client";
import { useI18n } from "../../i18n";
import { Link } from "../../lib/router";
import { Button, EmptyState, ErrorMessage, formatNumber, Money, PageTitle, Select, Spinner, useAction, useApi } from "../../components";
import { OrganizerNav } from "./OrganizerNav";
import { listMyEvents } from "./orgApi";
import { SalesFigures } from "./event/LiveSales";

/** /organizer/reports: totals per event, and one event's sales by ticket type and by day (CSV too). */
export default function ReportsPage() {
  const { t, locale } = useI18n();
  const summary = useApi(() => call(api.GET("/api/reports/organizer/summary")), []);
  const events = useApi(listMyEvents, []);
  const [eventId, setEventId] = useState("");
  const n = (x: number) => formatNumber(x, locale);

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
          <div className="table-wrap">
            <table className="org-table">
              <thead>
                <tr>
                  <th scope="col">{t("org.events.event")}</th>
                  <th scope="col" className="num">{t("org.sales.sold")}</th>
                  <th scope="col" className="num">{t("org.sales.gross")}</th>
                  <th scope="col" className="num">{t("org.sales.refunded")}</th>
                  <th scope="col" className="num">{t("org.sales.net")}</th>
                </tr>
              </thead>
              <tbody>
                {summary.data.events.map((e) => (
                  <tr key={e.eventId}>
                    <td>
                      <Link href={`/organizer/events/${e.eventId}`}>{e.title}</Link>
                    </td>
                    <td className="num">{n(e.ticketsSold)}</td>
                    <td className="num"><Money vnd={e.grossVnd} /></td>
                    <td className="num"><Money vnd={e.refundedVnd} /></td>
                    <td className="num"><Money vnd={e.netVnd} /></td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t("org.reports.totals")}</th>
                  <td className="num">{n(summary.data.totals.ticketsSold)}</td>
                  <td className="num"><Money vnd={summary.data.totals.grossVnd} /></td>
                  <td className="num"><Money vnd={summary.data.totals.refundedVnd} /></td>
                  <td className="num"><Money vnd={summary.data.totals.netVnd} /></td>
                </tr>
              </tfoot>
            </table>
          </div>
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
  const { t, locale } = useI18n();
  const report = useApi(() => call(api.GET("/api/reports/events/{id}/sales", { params: { path: { id: eventId } } })), [eventId]);
  const n = (x: number) => formatNumber(x, locale);
  // A plain link would not carry the bearer token: fetch through the client, then save a blob.
  const download = useAction(async () => {
    const csv = await call(api.GET("/api/reports/events/{id}/sales", { params: { path: { id: eventId }, query: { format: "csv" } }, parseAs: "text" }));
    const url = URL.createObjectURL(new Blob([csv as unknown as string], { type: "text/csv;charset=utf-8" }));
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
        <div className="table-wrap">
          <table className="org-table">
            <thead>
              <tr>
                <th scope="col">{t("org.tt.name")}</th>
                <th scope="col" className="num">{t("org.sales.sold")}</th>
                <th scope="col" className="num">{t("org.sales.gross")}</th>
                <th scope="col" className="num">{t("org.sales.refunded")}</th>
                <th scope="col" className="num">{t("org.sales.net")}</th>
              </tr>
            </thead>
            <tbody>
              {r.byTicketType.map((row) => (
                <tr key={row.ticketTypeId}>
                  <td>{row.name ?? row.ticketTypeId}</td>
                  <td className="num">{n(row.ticketsSold)}{row.capacity != null ? ` / ${n(row.capacity)}` : ""}</td>
                  <td className="num"><Money vnd={row.grossVnd} /></td>
                  <td className="num">{row.refundedVnd != null ? <Money vnd={row.refundedVnd} /> : "–"}</td>
                  <td className="num">{row.netVnd != null ? <Money vnd={row.netVnd} /> : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h4>{t("org.reports.byDay")}</h4>
      {r.byDay.length === 0 ? (
        <EmptyState>{t("org.reports.noSalesYet")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="org-table">
            <thead>
              <tr>
                <th scope="col">{t("org.reports.day")}</th>
                <th scope="col" className="num">{t("org.sales.sold")}</th>
                <th scope="col" className="num">{t("org.sales.gross")}</th>
              </tr>
            </thead>
            <tbody>
              {r.byDay.map((row) => (
                <tr key={row.day}>
                  <td>{row.day}</td>
                  <td className="num">{n(row.ticketsSold)}</td>
                  <td className="num"><Money vnd={row.grossVnd} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
