import { useState, type FormEvent } from "react";
import { api, call } from "../api/client";
import type { Order, SupportTicket } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { useT } from "../i18n";
import { Link, navigate, useSearchParam } from "../lib/router";
import { Button, DateTime, EmptyState, ErrorMessage, Field, PageTitle, Select, Spinner, StatusBadge, TextArea, useAction, useApi, usePolling } from "../components";

export function SupportPage() {
  const t = useT();
  const openId = useSearchParam("ticket");
  const tickets = useApi(() => call(api.GET("/api/support/tickets", { params: { query: { limit: 100 } } })).then((r) => r.items), []);
  return (
    <section className="stack">
      <PageTitle>{t("support.title")}</PageTitle>
      <p>{t("support.intro")}</p>
      <div className="two-col">
        <div className="stack">
          {openId ? <TicketThread id={openId} onChange={tickets.reload} /> : <NewRequest onCreated={(id) => { void tickets.reload(); navigate(`/support?ticket=${id}`); }} />}
        </div>
        <section aria-labelledby="mine-h">
          <h2 id="mine-h">{t("support.mine")}</h2>
          {tickets.error ? (
            <ErrorMessage error={tickets.error} onRetry={tickets.reload} missingRoute />
          ) : !tickets.data ? (
            <Spinner />
          ) : tickets.data.length === 0 ? (
            <EmptyState>{t("support.empty")}</EmptyState>
          ) : (
            <ul className="list">
              {tickets.data.map((tk) => (
                <li key={tk.id} className="card row">
                  <Link href={`/support?ticket=${tk.id}`} aria-current={tk.id === openId ? "true" : undefined}>
                    {tk.subject}
                  </Link>
                  <StatusBadge status={tk.status} />
                </li>
              ))}
            </ul>
          )}
          {openId && (
            <div className="actions">
              <Link href="/support" className="btn btn-secondary">
                {t("support.new")}
              </Link>
            </div>
          )}
        </section>
      </div>
    </section>
  );
}

function NewRequest({ onCreated }: { onCreated: (id: string) => void }) {
  const t = useT();
  const [subject, setSubject] = useState("");
  const [message, setMessage] = useState("");
  const [orderId, setOrderId] = useState(useSearchParam("orderId") ?? "");
  const orders = useApi(() => call(api.GET("/api/orders", { params: { query: { limit: 100 } } })).then((r) => r.items as Order[]), []);
  const send = useAction(async () => {
    const { ticket } = await call(
      api.POST("/api/support/tickets", { body: { subject: subject.trim(), message: message.trim(), ...(orderId ? { orderId } : {}) } }),
    );
    onCreated(ticket.id);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send.run();
  };
  const orderIds = [...new Set([...(orders.data ?? []).map((o) => o.id), ...(orderId ? [orderId] : [])])];
  return (
    <form className="form card form-wide" onSubmit={submit}>
      <h2>{t("support.new")}</h2>
      <Field label={t("support.subject")} required maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} />
      <Select label={t("support.order")} value={orderId} onChange={(e) => setOrderId(e.target.value)}>
        <option value="">{t("support.noOrder")}</option>
        {orderIds.map((id) => (
          <option key={id} value={id}>
            {t("orders.order")} {id.slice(-8)}
          </option>
        ))}
      </Select>
      <TextArea label={t("support.message")} required maxLength={5000} value={message} onChange={(e) => setMessage(e.target.value)} />
      <ErrorMessage error={send.error} missingRoute />
      <div className="actions">
        <Button type="submit" busy={send.busy} disabled={!subject.trim() || !message.trim()}>
          {t("support.send")}
        </Button>
      </div>
    </form>
  );
}

export function TicketThread({ id, onChange }: { id: string; onChange?: () => void }) {
  const t = useT();
  const { user } = useAuth();
  const ticket = useApi(() => call(api.GET("/api/support/tickets/{id}", { params: { path: { id } } })).then((r) => r.ticket as SupportTicket), [id]);
  usePolling(() => void ticket.reload(), 10000, !!ticket.data && ticket.data.status !== "closed");
  const [reply, setReply] = useState("");
  const send = useAction(async () => {
    await call(api.POST("/api/support/tickets/{id}/messages", { params: { path: { id } }, body: { message: reply.trim() } }));
    setReply("");
    await ticket.reload();
    onChange?.();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void send.run();
  };

  if (ticket.error && !ticket.data) return <ErrorMessage error={ticket.error} onRetry={ticket.reload} missingRoute />;
  if (!ticket.data) return <Spinner />;
  const tk = ticket.data;
  return (
    <section className="card stack" aria-labelledby="thread-h">
      <div className="row">
        <h2 id="thread-h">{tk.subject}</h2>
        <StatusBadge status={tk.status} />
      </div>
      {tk.orderId && (
        <Link href={`/orders/${tk.orderId}`}>
          {t("orders.order")} {tk.orderId.slice(-8)}
        </Link>
      )}
      <ol className="messages" aria-live="polite">
        {(tk.messages ?? []).map((m) => (
          <li key={m.id} className={`message${m.authorId === user?.id ? " message-mine" : ""}`}>
            <div className="message-meta">
              {m.authorId === user?.id ? t("support.you") : t("support.staff")} · <DateTime iso={m.createdAt} style="short" />
            </div>
            <p>{m.message}</p>
          </li>
        ))}
      </ol>
      {tk.status !== "closed" && (
        <form className="form form-wide" onSubmit={submit}>
          <TextArea label={t("support.reply")} required maxLength={5000} value={reply} onChange={(e) => setReply(e.target.value)} />
          <ErrorMessage error={send.error} />
          <div className="actions">
            <Button type="submit" busy={send.busy} disabled={!reply.trim()}>
              {t("support.sendReply")}
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
