import { lazy, Suspense, type ReactNode } from "react";
import { Layout } from "./Layout";
import { RequireAuth } from "./auth/RequireAuth";
import { Routes, Link, type RouteDef } from "./lib/router";
import { Spinner } from "./components/Spinner";
import { useT } from "./i18n";
import { StorefrontPage } from "./pages/StorefrontPage";
import { EventPage } from "./pages/EventPage";
import { LoginPage } from "./pages/LoginPage";
import { RegisterPage } from "./pages/RegisterPage";

// Everything beyond browsing and signing in loads on demand, keeping the storefront small.
const OrdersPage = lazy(() => import("./pages/OrdersPage").then((m) => ({ default: m.OrdersPage })));
const OrderPage = lazy(() => import("./pages/OrderPage").then((m) => ({ default: m.OrderPage })));
const SupportPage = lazy(() => import("./pages/SupportPage").then((m) => ({ default: m.SupportPage })));
const CheckinPage = lazy(() => import("./pages/CheckinPage").then((m) => ({ default: m.CheckinPage })));
const OrganizerEventsPage = lazy(() => import("./pages/organizer/EventsPage"));
const OrganizerNewEventPage = lazy(() => import("./pages/organizer/NewEventPage"));
const OrganizerEventPage = lazy(() => import("./pages/organizer/EventPage"));
const OrganizerReportsPage = lazy(() => import("./pages/organizer/ReportsPage"));
const OrganizerSupportInboxPage = lazy(() => import("./pages/organizer/SupportInboxPage"));

const signedIn = (page: ReactNode) => <RequireAuth>{page}</RequireAuth>;

/** Every URL of the dashboard (fixed by the contract). Organizer pages get `params` as props. */
export const ROUTES: RouteDef[] = [
  { path: "/", render: () => <StorefrontPage /> },
  { path: "/events/:id", render: (p) => <EventPage id={p.id} /> },
  { path: "/login", render: () => <LoginPage /> },
  { path: "/register", render: () => <RegisterPage /> },
  { path: "/orders", render: () => signedIn(<OrdersPage />) },
  { path: "/orders/:id", render: (p) => signedIn(<OrderPage id={p.id} />) },
  { path: "/support", render: () => signedIn(<SupportPage />) },
  { path: "/organizer", render: () => signedIn(<OrganizerEventsPage />) },
  { path: "/organizer/events/new", render: () => signedIn(<OrganizerNewEventPage />) },
  { path: "/organizer/events/:id", render: (p) => signedIn(<OrganizerEventPage id={p.id} />) },
  { path: "/organizer/reports", render: () => signedIn(<OrganizerReportsPage />) },
  { path: "/organizer/support", render: () => signedIn(<OrganizerSupportInboxPage />) },
  { path: "/checkin/:eventId", render: (p) => signedIn(<CheckinPage eventId={p.eventId} />) },
];

function NotFound() {
  const t = useT();
  return (
    <section>
      <h1>{t("common.notFound")}</h1>
      <Link href="/">{t("common.goHome")}</Link>
    </section>
  );
}

export function App() {
  return (
    <Layout>
      <Suspense fallback={<Spinner />}>
        <Routes routes={ROUTES} fallback={<NotFound />} />
      </Suspense>
    </Layout>
  );
}
