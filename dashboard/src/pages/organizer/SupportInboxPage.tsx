import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { SupportTicketSummary } from "../../api/types";
import { useAuth } from "../../auth/AuthContext";
import { useI18n } from "../../i18n";
import { Link, useSearchParam } from "../../lib/router";
import { Button, DateTime, EmptyState, ErrorMessage, PageTitle, Select, Spinner, StatusBadge, TextArea, useAction, useApi, usePolling } from "../../components";
import { OrganizerNav } from "./OrganizerNav";
import { listMyEvents } from "./orgApi";
import { LoadMore, usePagedList } from "./usePagedList";

const PAGE = 20;
const SUPPORT_STATUSES: SupportTicketSummary["status"][] = ["open", "pending", "closed"];

/** /organizer/support: requests about the organizer's events; read, reply, close or reopen. */
export default function SupportInboxPage() {
  const { t } = useI18n();
  const openId = useSearchParam("ticket");
  const [status, setStatus] = useState<SupportTicketSummary["status"] | "">("");
  const [eventId, setEventId] = useState("");
  const events = useApi(listMyEvents, []);
  const query = (cursor?: string) => ({ limit: PAGE, ...(status ? { status } : {}), ...(eventId ? { eventId } : {}), ...(cursor ? { cursor } : {}) });
  const list = usePagedList((cursor?: string) => call(api.GET("/api/support/tickets", { params: { query: query(cursor) } })), [status, eventId]);
  const tickets = list.items ?? [];
  const titleOf = (id?: string | null) => (id ? (events.data?.find((e) => e.id === id)?.title ?? id) : null);
  const link = (id: string) => `/organizer/support?ticket=${encodeURIComponent(id)}`;

  return (
    <section>
      <OrganizerNav />
      <PageTitle>{t("org.support.title")}</PageTitle>
      <div className="org-inbox">
        <section aria-labelledby="inbox-h">
          <h2 id="inbox-h">{t("org.support.inbox")}</h2>
          <div className="org-form-grid">
            <Select label={t("org.support.status")} value={status} onChange={(e) => setStatus(e.target.value as SupportTicketSummary["status"] | "")}>
              <option value="">{t("org.support.allStatuses")}</option>
              {SUPPORT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}` as never)}
                </option>
              ))}
            </Select>
            <Select label={t("org.support.event")} value={eventId} onChange={(e) => setEventId(e.target.value)}>
              <option value="">{t("org.support.allEvents")}</option>
              {(events.data ?? []).map((e) => (
                <option key={e.id} value={e.id}>
                  {e.title}
                </option>
              ))}
            </Select>
          </div>
          {list.error ? (
            <ErrorMessage error={list.error} onRetry={list.reload} missingRoute />
          ) : !list.items ? (
            <Spinner />
          ) : tickets.length === 0 ? (
            <EmptyState>{status || eventId ? t("org.support.noMatch") : t("org.support.empty")}</EmptyState>
          ) : (
            <ul className="list org-section">
              {tickets.map((tk) => (
                <li key={tk.id} className="card">
                  <div className="row">
                    <Link href={link(tk.id)} className="org-ticket-link" aria-current={tk.id === openId ? "true" : undefined}>
                      {tk.subject}
                    </Link>
                    <StatusBadge status={tk.status} />
                  </div>
                  <div className="meta">
                    {titleOf(tk.eventId) && <>{titleOf(tk.eventId)} · </>}
                    <DateTime iso={tk.lastActivityAt} style="short" />
                  </div>
                </li>
              ))}
            </ul>
          )}
          <LoadMore more={list.more} />
        </section>
        <section aria-labelledby="thread-h">
          {openId ? (
            <Thread key={openId} id={openId} onChanged={list.reload} />
          ) : (
            <>
              <h2 id="thread-h">{t("org.support.thread")}</h2>
              <EmptyState>{t("org.support.pick")}</EmptyState>
            </>
          )}
        </section>
      </div>
    </section>
  );
}

function Thread({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const ticket = useApi(() => call(api.GET("/api/support/tickets/{id}", { params: { path: { id } } })).then((r) => r.ticket), [id]);
  usePolling(() => void ticket.reload(), 15_000, !!ticket.data && ticket.data.status !== "closed");
  const [reply, setReply] = useState("");
  const [replyError, setReplyError] = useState<string | undefined>();
  const sendReply = useAction(async (message: string) => {
    await call(api.POST("/api/support/tickets/{id}/messages", { params: { path: { id } }, body: { message } }));
    setReply("");
    await ticket.reload();
    onChanged();
  });
  const changeStatus = useAction(async (status: "open" | "closed") => {
    const { ticket: updated } = await call(api.PATCH("/api/support/tickets/{id}", { params: { path: { id } }, body: { status } }));
    ticket.setData((old) => ({ ...old, ...updated, messages: updated.messages ?? old?.messages }));
    onChanged();
  });

  function send(e: FormEvent) {
    e.preventDefault();
    if (!reply.trim()) return setReplyError(t("org.form.required"));
    setReplyError(undefined);
    void sendReply.run(reply.trim());
  }

  if (ticket.error && !ticket.data) return <ErrorMessage error={ticket.error} onRetry={ticket.reload} missingRoute />;
  if (!ticket.data) return <Spinner />;
  const tk = ticket.data;
  const closed = tk.status === "closed";
  return (
    <div className="org-thread">
      <div className="row">
        <h2 id="thread-h">{tk.subject}</h2>
        <StatusBadge status={tk.status} />
      </div>
      {(tk.orderId || tk.eventId) && (
        <p className="meta">
          {tk.orderId && <>{t("org.support.order", { id: tk.orderId })} </>}
          {tk.eventId && <Link href={`/organizer/events/${tk.eventId}`}>{t("org.support.openEvent")}</Link>}
        </p>
      )}
      {(tk.messages ?? []).length === 0 ? (
        <p className="org-muted">{t("org.support.noMessages")}</p>
      ) : (
        <ol className="messages">
          {(tk.messages ?? []).map((m) => (
            <li key={m.id} className={`message${m.authorId === user?.id ? " message-mine" : ""}`}>
              <div className="message-meta">
                {m.authorId === user?.id ? t("org.support.you") : t("org.support.author")} · <DateTime iso={m.createdAt} style="short" />
              </div>
              <p className="org-message-body">{m.message}</p>
            </li>
          ))}
        </ol>
      )}
      <ErrorMessage error={sendReply.error ?? changeStatus.error} />
      {!closed && (
        <form className="stack" onSubmit={send} noValidate>
          <TextArea label={t("org.support.reply")} value={reply} maxLength={5000} onChange={(e) => setReply(e.target.value)} error={replyError} />
          <div className="actions">
            <Button type="submit" busy={sendReply.busy}>
              {t("org.support.send")}
            </Button>
          </div>
        </form>
      )}
      <div className="actions">
        <Button variant="secondary" busy={changeStatus.busy} onClick={() => void changeStatus.run(closed ? "open" : "closed")}>
          {closed ? t("org.support.reopen") : t("org.support.close")}
        </Button>
      </div>
    </div>
  );
}
