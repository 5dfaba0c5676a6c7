import { useState, type FormEvent } from "react";
import { api, call } from "../../../api/client";
import { useI18n } from "../../../i18n";
import { Button, DateTime, EmptyState, ErrorMessage, Field, Spinner, useAction, useApi } from "../../../components";

/** Door staff of the event: invite by email (the answer never tells whether the address has an account), remove. */
export function StaffPanel({ eventId }: { eventId: string }) {
  const { t } = useI18n();
  const staff = useApi(() => call(api.GET("/api/events/{id}/staff", { params: { path: { id: eventId }, query: { limit: 100 } } })).then((r) => r.items), [eventId]);
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [granted, setGranted] = useState<string | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const add = useAction(async (who: string) => {
    await call(api.POST("/api/events/{id}/staff", { params: { path: { id: eventId } }, body: { email: who } }));
    setGranted(who);
    setRevoked(null);
    setEmail("");
    await staff.reload();
  });
  const remove = useAction(async (invite: { id: string; email: string }) => {
    await call(api.DELETE("/api/events/{id}/staff/{staffId}", { params: { path: { id: eventId, staffId: invite.id } } }));
    setRevoked(invite.email);
    setGranted(null);
    await staff.reload();
  });

  function grant(e: FormEvent) {
    e.preventDefault();
    setGranted(null);
    add.setError(null);
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) {
      setError(t("org.staff.emailInvalid"));
      return;
    }
    setError(undefined);
    void add.run(email.trim());
  }

  return (
    <section className="org-section" aria-labelledby="staff-h">
      <h2 id="staff-h">{t("org.staff.title")}</h2>
      <p className="org-muted">{t("org.staff.intro")}</p>
      <form className="org-inline-form" onSubmit={grant} noValidate>
        <Field label={t("org.staff.email")} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} error={error} />
        <Button type="submit" busy={add.busy}>
          {t("org.staff.grant")}
        </Button>
      </form>
      <ErrorMessage error={add.error ?? remove.error} />
      {(granted || revoked) && (
        <p className="notice notice-ok" role="status">
          {granted ? t("org.staff.granted", { email: granted }) : t("org.staff.revoked", { email: revoked! })}
        </p>
      )}
      {staff.error ? (
        <ErrorMessage error={staff.error} onRetry={staff.reload} missingRoute />
      ) : !staff.data ? (
        <Spinner />
      ) : staff.data.length === 0 ? (
        <EmptyState>{t("org.staff.empty")}</EmptyState>
      ) : (
        <ul className="list">
          {staff.data.map((s) => (
            <li key={s.id} className="card row">
              <span>{s.email}</span>
              <span className="meta">
                <DateTime iso={s.invitedAt} style="date" />{" "}
                <Button variant="secondary" className="btn-small" busy={remove.busy} aria-label={t("org.staff.revokeLabel", { email: s.email })} onClick={() => void remove.run(s)}>
                  {t("org.staff.revoke")}
                </Button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
