import { useState, type FormEvent } from "react";
import { api, call } from "../../../api/client";
import type { EventDetail } from "../../../api/types";
import { useI18n } from "../../../i18n";
import { Button, DateTime, DEFAULT_TIME_ZONE, EmptyState, ErrorMessage, Field, formatNumber, fromLocalInput, Money, useAction } from "../../../components";
import { fieldErrorsOf } from "../EventForm";

type Values = { name: string; priceVnd: string; quantity: string; maxPerOrder: string; salesStartAt: string; salesEndAt: string };
const EMPTY: Values = { name: "", priceVnd: "", quantity: "", maxPerOrder: "10", salesStartAt: "", salesEndAt: "" };
const whole = (s: string) => /^\d+$/.test(s.trim());

/** The event's ticket types and a form to add one (price in integer VND, optional sales window). */
export function TicketTypesPanel({ event, onChanged }: { event: EventDetail; onChanged: () => Promise<void> | void }) {
  const { t, locale } = useI18n();
  const zone = event.timezone || DEFAULT_TIME_ZONE;
  const [values, setValues] = useState<Values>(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<keyof Values, string>>>({});
  const [added, setAdded] = useState<string | null>(null);

  function validate() {
    const e: Partial<Record<keyof Values, string>> = {};
    if (!values.name.trim()) e.name = t("org.form.required");
    if (!whole(values.priceVnd)) e.priceVnd = t("org.tt.priceWhole");
    if (!whole(values.quantity) || Number(values.quantity) < 1) e.quantity = t("org.tt.quantityMin");
    if (!whole(values.maxPerOrder) || Number(values.maxPerOrder) < 1 || Number(values.maxPerOrder) > 100) e.maxPerOrder = t("org.tt.maxPerOrderRange");
    if (values.salesStartAt && values.salesEndAt && fromLocalInput(values.salesEndAt, zone) <= fromLocalInput(values.salesStartAt, zone))
      e.salesEndAt = t("org.form.endsAfterStart");
    return e;
  }

  const create = useAction(async () => {
    const { ticketType } = await call(
      api.POST("/api/events/{id}/ticket-types", {
        params: { path: { id: event.id } },
        body: {
          name: values.name.trim(),
          priceVnd: Number(values.priceVnd),
          quantity: Number(values.quantity),
          maxPerOrder: Number(values.maxPerOrder),
          ...(values.salesStartAt ? { salesStartAt: fromLocalInput(values.salesStartAt, zone) } : {}),
          ...(values.salesEndAt ? { salesEndAt: fromLocalInput(values.salesEndAt, zone) } : {}),
        },
      }),
    );
    setValues(EMPTY);
    setAdded(ticketType.name);
    await onChanged();
  });
  const serverErrors = fieldErrorsOf(create.error) as Partial<Record<keyof Values, string>>;

  function add(e: FormEvent) {
    e.preventDefault();
    const found = validate();
    setErrors(found);
    create.setError(null);
    setAdded(null);
    if (Object.keys(found).length) {
      document.getElementById(`tt-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    void create.run();
  }

  const field = (name: keyof Values) => ({
    id: `tt-${name}`,
    value: values[name],
    error: errors[name] ?? serverErrors[name],
    onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value })),
  });

  return (
    <section className="org-section" aria-labelledby="tt-h">
      <h2 id="tt-h">{t("org.tt.title")}</h2>
      {event.ticketTypes.length === 0 ? (
        <EmptyState>{t("org.tt.empty")}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="org-table org-cards">
            <thead>
              <tr>
                <th scope="col">{t("org.tt.name")}</th>
                <th scope="col" className="num">{t("org.tt.price")}</th>
                <th scope="col" className="num">{t("org.tt.quantity")}</th>
                <th scope="col" className="num">{t("org.tt.available")}</th>
                <th scope="col" className="num">{t("org.tt.maxPerOrder")}</th>
                <th scope="col">{t("org.tt.window")}</th>
              </tr>
            </thead>
            <tbody>
              {event.ticketTypes.map((tt) => (
                <tr key={tt.id}>
                  <td data-label={t("org.tt.name")}>{tt.name}</td>
                  <td className="num" data-label={t("org.tt.price")}>
                    <Money vnd={tt.priceVnd} />
                  </td>
                  <td className="num" data-label={t("org.tt.quantity")}>{formatNumber(tt.quantity, locale)}</td>
                  <td className="num" data-label={t("org.tt.available")}>{formatNumber(tt.available, locale)}</td>
                  <td className="num" data-label={t("org.tt.maxPerOrder")}>{tt.maxPerOrder}</td>
                  <td data-label={t("org.tt.window")}>
                    {tt.salesStartAt ? <DateTime iso={tt.salesStartAt} timeZone={zone} style="short" /> : t("org.tt.now")} –{" "}
                    {tt.salesEndAt ? <DateTime iso={tt.salesEndAt} timeZone={zone} style="short" /> : t("org.tt.untilStart")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {event.status !== "cancelled" && (
        <form className="stack org-section" onSubmit={add} noValidate aria-labelledby="tt-add-h">
          <h3 id="tt-add-h">{t("org.tt.addTitle")}</h3>
          <div className="org-form-grid">
            <Field label={t("org.tt.name")} maxLength={100} {...field("name")} />
            <Field label={t("org.tt.price")} type="number" inputMode="numeric" min={0} step={1000} {...field("priceVnd")} />
            <Field label={t("org.tt.quantity")} type="number" inputMode="numeric" min={1} {...field("quantity")} />
            <Field label={t("org.tt.maxPerOrder")} type="number" inputMode="numeric" min={1} max={100} {...field("maxPerOrder")} />
            <Field label={t("org.tt.salesStartAt")} type="datetime-local" hint={t("org.tt.salesStartHint", { zone })} {...field("salesStartAt")} />
            <Field label={t("org.tt.salesEndAt")} type="datetime-local" hint={t("org.tt.salesEndHint", { zone })} {...field("salesEndAt")} />
          </div>
          <ErrorMessage error={create.error} />
          {added && (
            <p className="notice notice-ok" role="status">
              {t("org.tt.added", { name: added })}
            </p>
          )}
          <div className="actions">
            <Button type="submit" busy={create.busy}>
              {t("org.tt.add")}
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
