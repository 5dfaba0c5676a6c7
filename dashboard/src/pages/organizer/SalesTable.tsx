import type { ReactNode } from "react";
import type { SalesReport } from "../../api/types";
import { useI18n } from "../../i18n";
import { formatNumber, Money } from "../../components";

export type SalesTotals = Pick<SalesReport, "ticketsSold" | "grossVnd" | "refundedVnd" | "netVnd">;
export type SalesRow = SalesTotals & { key: string; label: ReactNode };

/** One row per event, ticket type or day: sold, gross, refunded and net; optional totals row. */
export function SalesTable({ labelHeader, rows, totals }: { labelHeader: string; rows: SalesRow[]; totals?: SalesTotals }) {
  const { t, locale } = useI18n();
  const cells = (f: SalesTotals) => (
    <>
      <td className="num">{formatNumber(f.ticketsSold, locale)}</td>
      <td className="num"><Money vnd={f.grossVnd} /></td>
      <td className="num"><Money vnd={f.refundedVnd} /></td>
      <td className="num"><Money vnd={f.netVnd} /></td>
    </>
  );
  return (
    <div className="table-wrap">
      <table className="org-table">
        <thead>
          <tr>
            <th scope="col">{labelHeader}</th>
            <th scope="col" className="num">{t("org.sales.sold")}</th>
            <th scope="col" className="num">{t("org.sales.gross")}</th>
            <th scope="col" className="num">{t("org.sales.refunded")}</th>
            <th scope="col" className="num">{t("org.sales.net")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td>{row.label}</td>
              {cells(row)}
            </tr>
          ))}
        </tbody>
        {totals && (
          <tfoot>
            <tr>
              <th scope="row">{t("org.reports.totals")}</th>
              {cells(totals)}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
