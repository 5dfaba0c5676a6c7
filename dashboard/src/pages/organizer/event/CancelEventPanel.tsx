import { useState, type FormEvent } from "react";
import { api, call } from "../../../api/client";
import type { EventDetail } from "../../../api/types";
import { useI18n } from "../../../i18n";
import { Button, ErrorMessage, Field, formatNumber, Spinner, useAction, useApi, usePolling } from "../../../components";
import { Meter } from "./LiveSales";

/**
 * Cancel the event (reason + confirmation): sales stop and every paid order is refunded; then
 * the refunds' progress, polled until none is pending.
 */
export function CancelEventPanel({ event, onCancelled }: { event: EventDetail; onCancelled: () => Promise<void> | void }) {
  const { t } = useI18n();
  const cancelled = event.status === "cancelled";
  return (
    <section className={`org-section card${cancelled ? "" : " org-danger"}`} aria-labelledby="cancel-h">
      <h2 id="cancel-h" tabIndex={-1}>{cancelled ? t("org.cancel.progressTitle") : t("org.cancel.title")}</h2>
      {cancelled ? <CancellationProgress eventId={event.id} /> : <CancelForm event={event} onCancelled={onCancelled} />}
    </section>
  );
}

function CancelForm({ event, onCancelled }: { event: EventDetail; onCancelled: () => Promise<void> | void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);
  const cancel = useAction(async () => {
    try {
      await call(api.POST("/api/events/{id}/cancel", { params: { path: { id: event.id } }, body: { reason: reason.trim() } }));
    } finally {
      setConfirming(false);
    }
    await onCancelled();
    // The panel moves to the top of the page as the progress view: take the focus there.
    setTimeout(() => document.getElementById("cancel-h")?.focus(), 0);
  });

  function review(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) return setError(t("org.form.required"));
    setError(undefined);
    setConfirming(true);
  }

  return (
    <form className="stack" onSubmit={review} noValidate>
      <p>{t("org.cancel.intro")}</p>
      <Field label={t("org.cancel.reason")} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} error={error} />
      <ErrorMessage error={cancel.error} missingRoute />
      {confirming ? (
        <div className="notice notice-warn" role="alertdialog" aria-label={t("org.cancel.confirmTitle")}>
          <p>{t("org.cancel.confirmText", { title: event.title })}</p>
          <div className="actions">
            <Button variant="danger" busy={cancel.busy} onClick={() => void cancel.run()} autoFocus>
              {t("org.cancel.confirm")}
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              {t("org.cancel.keep")}
            </Button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <Button type="submit" variant="danger">
            {t("org.cancel.submit")}
          </Button>
        </div>
      )}
    </form>
  );
}

function CancellationProgress({ eventId }: { eventId: string }) {
  const { t, locale } = useI18n();
  const progress = useApi(() => call(api.GET("/api/events/{id}/cancellation", { params: { path: { id: eventId } } })), [eventId]);
  const p = progress.data;
  usePolling(() => void progress.reload(), 3000, !p || p.pending > 0);
  if (progress.error && !p) return <ErrorMessage error={progress.error} onRetry={progress.reload} missingRoute />;
  if (!p) return <Spinner />;
  const done = p.succeeded + p.failed;
  const n = (x: number) => formatNumber(x, locale);
  return (
    <div className="stack">
      <Meter value={done} max={p.total} label={t("org.cancel.progressLabel", { done: n(done), total: n(p.total) })} />
      <dl className="org-figures">
        {(
          [
            ["org.cancel.total", p.total],
            ["org.cancel.succeeded", p.succeeded],
            ["org.cancel.failed", p.failed],
            ["org.cancel.pending", p.pending],
          ] as const
        ).map(([key, value]) => (
          <div key={key} className="org-figure">
            <dt>{t(key)}</dt>
            <dd>{n(value)}</dd>
          </div>
        ))}
      </dl>
      <p role="status">{p.pending > 0 ? t("org.cancel.working") : p.failed > 0 ? t("org.cancel.someFailed") : t("org.cancel.done")}</p>
    </div>
  );
}
