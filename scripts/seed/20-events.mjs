// Demo event for `npm run dev` (and the e2e stack), created through the public API as the demo
// organizer once the stack is up. Idempotent: skipped when a published "Demo Flash Sale" exists.
// Fails soft: a problem becomes a printed note, never a failed boot.

const TITLE = "Demo Flash Sale";
const CATEGORY = "music";
const ORGANIZER = { email: "organizer@example.com", password: "organizer-demo-pass" };
const DAY = 24 * 60 * 60 * 1000;

async function api(baseUrl, method, path, { token, body } = {}) {
  const headers = { "cf-connecting-ip": "127.0.0.2" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${json?.error?.code ?? ""}`.trim());
  return json;
}

export async function http(baseUrl) {
  try {
    const { accessToken: token } = await api(baseUrl, "POST", "/api/auth/login", { body: ORGANIZER });
    const mine = await api(baseUrl, "GET", `/api/events?mine=true&limit=100&q=${encodeURIComponent(TITLE)}`, { token });
    const existing = mine.items.filter((e) => e.title === TITLE && e.status !== "cancelled");
    const published = existing.find((e) => e.status === "published");
    if (published) {
      // Seeded before categories existed: give it its category.
      if (!published.categoryId) await api(baseUrl, "PATCH", `/api/events/${published.id}`, { token, body: { categoryId: CATEGORY } });
      return [`Demo event     ${baseUrl}/api/events/${published.id}`];
    }

    // A draft left by an interrupted earlier run is finished rather than duplicated.
    let id = existing[0]?.id;
    if (!id) {
      const start = new Date(Date.now() + 30 * DAY);
      start.setUTCHours(12, 0, 0, 0); // 19:00 in Ho Chi Minh City
      const { event } = await api(baseUrl, "POST", "/api/events", {
        token,
        body: {
          title: TITLE,
          description: "A demo concert whose tickets go on sale at once: try buying them with the VNPAY sandbox.",
          venue: "Nhà hát Thành phố Hồ Chí Minh, 7 Công Trường Lam Sơn, Quận 1",
          city: "Ho Chi Minh City",
          categoryId: CATEGORY,
          startsAt: start.toISOString(),
          endsAt: new Date(start.getTime() + 4 * 60 * 60 * 1000).toISOString(),
          refundPolicy: { fullRefundUntilHours: 72, partialRefundUntilHours: 24, partialRefundPercent: 50 },
        },
      });
      id = event.id;
    }
    const { event } = await api(baseUrl, "GET", `/api/events/${id}`, { token });
    const have = new Set(event.ticketTypes.map((t) => t.name));
    for (const tt of [
      { name: "Standard", priceVnd: 500_000, quantity: 1000, maxPerOrder: 4 },
      { name: "VIP", priceVnd: 1_500_000, quantity: 100, maxPerOrder: 4 },
    ]) {
      if (!have.has(tt.name)) await api(baseUrl, "POST", `/api/events/${id}/ticket-types`, { token, body: tt });
    }
    await api(baseUrl, "POST", `/api/events/${id}/publish`, { token });
    return [`Demo event     ${baseUrl}/api/events/${id}`];
  } catch (err) {
    return [`Demo event     not seeded (${err.message})`];
  }
}
