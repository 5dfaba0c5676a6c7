import { useEffect, useState, type FormEvent } from "react";
import { api, call } from "../api/client";
import type { Category, EventSummary } from "../api/types";
import { useI18n } from "../i18n";
import { Link, navigate, useLocation } from "../lib/router";
import { Button, DateTime, EmptyState, ErrorMessage, Field, PageTitle, Select, Spinner, formatVnd, useApi } from "../components";

type Filters = { q: string; city: string; category: string };
const PAGE = 24;

function filtersFrom(search: string): Filters {
  const p = new URLSearchParams(search);
  return { q: p.get("q") ?? "", city: p.get("city") ?? "", category: p.get("category") ?? "" };
}

/** GET /api/events (published, upcoming) with the filters; `category` is a v1.1 query param. */
async function loadEvents(f: Filters, cursor?: string) {
  const query = { limit: PAGE, from: new Date().toISOString(), q: f.q || undefined, city: f.city || undefined, cursor, ...(f.category ? { category: f.category as Category["id"] } : {}) };
  return call(api.GET("/api/events", { params: { query } })) as Promise<{ items: EventSummary[]; nextCursor: string | null }>;
}

export function StorefrontPage() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const applied = filtersFrom(search);
  const [form, setForm] = useState<Filters>(applied);
  useEffect(() => setForm(filtersFrom(search)), [search]);

  const events = useApi(() => loadEvents(applied), [applied.q, applied.city, applied.category]);
  const categories = useApi(() => call(api.GET("/api/categories")).then((r) => r.items as Category[]), []);
  const [more, setMore] = useState<{ items: EventSummary[]; nextCursor: string | null; loading: boolean; error: unknown } | null>(null);
  useEffect(() => setMore(null), [search]);

  // Cities offered: those of the events seen so far (the API has no city list).
  const [cities, setCities] = useState<string[]>([]);
  useEffect(() => {
    const found = (events.data?.items ?? []).map((e) => e.city).filter((c): c is string => !!c);
    if (found.length) setCities((old) => [...new Set([...old, ...found])].sort());
  }, [events.data]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (form.q.trim()) p.set("q", form.q.trim());
    if (form.city) p.set("city", form.city);
    if (form.category) p.set("category", form.category);
    navigate(p.size ? `/?${p}` : "/");
  };

  const loadMore = async () => {
    const cursor = more?.nextCursor ?? events.data?.nextCursor;
    if (!cursor) return;
    setMore((m) => ({ items: m?.items ?? [], nextCursor: cursor, loading: true, error: null }));
    try {
      const page = await loadEvents(applied, cursor);
      setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], nextCursor: page.nextCursor, loading: false, error: null }));
    } catch (error) {
      setMore((m) => ({ items: m?.items ?? [], nextCursor: cursor, loading: false, error }));
    }
  };

  const items = [...(events.data?.items ?? []), ...(more?.items ?? [])];
  const nextCursor = more ? more.nextCursor : events.data?.nextCursor;

  return (
    <section>
      <PageTitle>{t("store.title")}</PageTitle>
      <form className="filters" onSubmit={submit} role="search">
        <Field label={t("store.search")} type="search" placeholder={t("store.searchHint")} value={form.q} onChange={(e) => setForm({ ...form, q: e.target.value })} />
        <Select label={t("store.city")} value={form.city} onChange={(e) => setForm({ ...form, city: e.target.value })}>
          <option value="">{t("store.anyCity")}</option>
          {[...new Set([...cities, ...(form.city ? [form.city] : [])])].map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Select>
        <Select label={t("store.category")} value={form.category} onChange={(e) => setForm({ ...form, category: e.target.value })} disabled={!categories.data}>
          <option value="">{t("store.anyCategory")}</option>
          {(categories.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name[lang] ?? c.name.en}
            </option>
          ))}
        </Select>
        <Button type="submit">{t("store.apply")}</Button>
      </form>
      {events.error ? (
        <ErrorMessage error={events.error} onRetry={events.reload} />
      ) : events.loading && !events.data ? (
        <Spinner />
      ) : items.length === 0 ? (
        <EmptyState>{t("store.empty")}</EmptyState>
      ) : (
        <>
          <ul className="grid" aria-busy={events.loading}>
            {items.map((e) => (
              <li key={e.id} className="card">
                <EventCard event={e} />
              </li>
            ))}
          </ul>
          {more?.error ? <ErrorMessage error={more.error} /> : null}
          {nextCursor && (
            <div className="actions">
              <Button variant="secondary" busy={more?.loading} onClick={loadMore}>
                {t("store.more")}
              </Button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function EventCard({ event }: { event: EventSummary }) {
  const { t, locale } = useI18n();
  return (
    <article className="event-card">
      <Link href={`/events/${event.id}`}>
        <h3>{event.title}</h3>
      </Link>
      <p className="meta">
        <DateTime iso={event.startsAt} timeZone={event.timezone} />
      </p>
      <p className="meta">{[event.venue, event.city].filter(Boolean).join(" · ")}</p>
      <p>
        {event.available <= 0 ? (
          <span className="badge badge-void">{t("store.soldOut")}</span>
        ) : (
          <>
            {event.priceFromVnd !== null && (
              <span className="price">{t("store.from", { price: formatVnd(event.priceFromVnd, locale) })}</span>
            )}{" "}
            <span className="meta">· {t("store.left", { count: event.available })}</span>
          </>
        )}
      </p>
    </article>
  );
}
