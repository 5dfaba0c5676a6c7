import { useState, type FormEvent } from "react";
import { api, ApiProblem, call } from "../../api/client";
import type { Category, EventDetail } from "../../api/types";
import { useI18n } from "../../i18n";
import { Button, DEFAULT_TIME_ZONE, describeError, ErrorMessage, Field, fromLocalInput, Select, TextArea, toLocalInput, useAction, useApi } from "../../components";
import type { EventFields } from "./orgApi";

type Values = {
  title: string;
  description: string;
  venue: string;
  city: string;
  categoryId: string;
  startsAt: string;
  endsAt: string;
  fullRefundUntilHours: string;
  partialRefundUntilHours: string;
  partialRefundPercent: string;
};
type Errors = Partial<Record<keyof Values, string>>;

function initialValues(event: EventDetail | undefined, zone: string): Values {
  const policy = event?.refundPolicy ?? { fullRefundUntilHours: 72, partialRefundUntilHours: 0, partialRefundPercent: 0 };
  return {
    title: event?.title ?? "",
    description: event?.description ?? "",
    venue: event?.venue ?? "",
    city: event?.city ?? "",
    categoryId: event?.categoryId ?? "",
    startsAt: event ? toLocalInput(event.startsAt, zone) : "",
    endsAt: event ? toLocalInput(event.endsAt, zone) : "",
    fullRefundUntilHours: String(policy.fullRefundUntilHours),
    partialRefundUntilHours: String(policy.partialRefundUntilHours),
    partialRefundPercent: String(policy.partialRefundPercent),
  };
}

const wholeNumber = (s: string, min: number, max: number) => /^\d+$/.test(s.trim()) && Number(s) >= min && Number(s) <= max;

/** Server-side field problems (zod issues in details) mapped onto the form's fields. */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  if (!(err instanceof ApiProblem) || err.code !== "invalid_request" || !Array.isArray(err.details)) return {};
  const out: Record<string, string> = {};
  for (const d of err.details as { path?: unknown; message?: string }[]) {
    const path = Array.isArray(d.path) ? d.path : typeof d.path === "string" ? d.path.split(".") : [];
    const name = String(path.at(-1) ?? "");
    if (name && d.message && !out[name]) out[name] = d.message;
  }
  return out;
}

/**
 * The event's fields: create (no `event`) or edit. Times are typed in the event's zone and sent
 * as UTC. `onSubmit` gets the body; it throws ApiProblem on refusal (shown here).
 */
export function EventForm({ event, submitLabel, onSubmit }: { event?: EventDetail; submitLabel: string; onSubmit: (body: EventFields) => Promise<void> }) {
  const { t, lang } = useI18n();
  const zone = event?.timezone || DEFAULT_TIME_ZONE;
  const [values, setValues] = useState<Values>(() => initialValues(event, zone));
  const [errors, setErrors] = useState<Errors>({});
  const save = useAction(onSubmit);
  const serverErrors = fieldErrorsOf(save.error) as Errors;
  const categories = useApi(() => call(api.GET("/api/categories")).then((r) => r.items), []);

  const set = (name: keyof Values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: e.target.value }));

  function validate(): Errors {
    const e: Errors = {};
    if (!values.title.trim()) e.title = t("org.form.required");
    if (!values.venue.trim()) e.venue = t("org.form.required");
    if (!values.startsAt) e.startsAt = t("org.form.required");
    if (!values.endsAt) e.endsAt = t("org.form.required");
    if (values.startsAt && values.endsAt && fromLocalInput(values.endsAt, zone) <= fromLocalInput(values.startsAt, zone)) e.endsAt = t("org.form.endsAfterStart");
    if (!wholeNumber(values.fullRefundUntilHours, 0, 8760)) e.fullRefundUntilHours = t("org.form.hours");
    if (!wholeNumber(values.partialRefundUntilHours, 0, 8760)) e.partialRefundUntilHours = t("org.form.hours");
    else if (!e.fullRefundUntilHours && Number(values.partialRefundUntilHours) > Number(values.fullRefundUntilHours))
      e.partialRefundUntilHours = t("org.form.partialBeforeFull");
    if (!wholeNumber(values.partialRefundPercent, 0, 100)) e.partialRefundPercent = t("org.form.percent");
    return e;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validate();
    setErrors(found);
    save.setError(null);
    if (Object.keys(found).length) {
      document.getElementById(`event-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    const body: EventFields = {
      title: values.title.trim(),
      description: values.description,
      venue: values.venue.trim(),
      city: values.city.trim() || null,
      startsAt: fromLocalInput(values.startsAt, zone),
      endsAt: fromLocalInput(values.endsAt, zone),
      refundPolicy: {
        fullRefundUntilHours: Number(values.fullRefundUntilHours),
        partialRefundUntilHours: Number(values.partialRefundUntilHours),
        partialRefundPercent: Number(values.partialRefundPercent),
      },
      ...(values.categoryId ? { categoryId: values.categoryId as Category["id"] } : {}),
    };
    await save.run(body);
  }

  const field = (name: keyof Values) => ({ id: `event-${name}`, value: values[name], onChange: set(name), error: errors[name] ?? serverErrors[name] });
  return (
    <form className="stack" onSubmit={submit} noValidate>
      <div className="org-form-grid">
        <div className="field-span">
          <Field label={t("org.form.title")} required maxLength={200} {...field("title")} />
        </div>
        <div className="field-span">
          <TextArea label={t("org.form.description")} maxLength={5000} {...field("description")} />
        </div>
        <Field label={t("org.form.venue")} required maxLength={200} {...field("venue")} />
        <Field label={t("org.form.city")} maxLength={100} {...field("city")} />
        {categories.data ? (
          <Select label={t("org.form.category")} {...field("categoryId")}>
            <option value="">{t("org.form.noCategory")}</option>
            {categories.data.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name[lang] ?? c.name.en}
              </option>
            ))}
          </Select>
        ) : categories.error ? (
          <div className="field-span notice notice-error" role="alert">
            <p>
              {t("org.form.categoriesFailed")} {describeError(categories.error, t, lang)}
            </p>
            <Button variant="secondary" busy={categories.loading} onClick={() => void categories.reload()}>
              {t("common.retry")}
            </Button>
          </div>
        ) : null}
        <Field label={t("org.form.startsAt")} type="datetime-local" required hint={t("org.form.zone", { zone })} {...field("startsAt")} />
        <Field label={t("org.form.endsAt")} type="datetime-local" required hint={t("org.form.zone", { zone })} {...field("endsAt")} />
      </div>
      <fieldset className="org-fieldset">
        <legend>{t("org.form.refundPolicy")}</legend>
        <p className="org-muted">{t("org.form.refundPolicyHint")}</p>
        <div className="org-form-grid">
          <Field label={t("org.form.fullRefundUntilHours")} type="number" inputMode="numeric" min={0} max={8760} {...field("fullRefundUntilHours")} />
          <Field label={t("org.form.partialRefundUntilHours")} type="number" inputMode="numeric" min={0} max={8760} {...field("partialRefundUntilHours")} />
          <Field label={t("org.form.partialRefundPercent")} type="number" inputMode="numeric" min={0} max={100} {...field("partialRefundPercent")} />
        </div>
      </fieldset>
      <ErrorMessage error={save.error} />
      <div className="actions">
        <Button type="submit" busy={save.busy}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
