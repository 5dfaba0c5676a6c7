import { useT } from "../../i18n";
import { Link, useLocation } from "../../lib/router";
import "./organizer.css";

/** The organizer area's own navigation (my events, reports, support inbox). */
export function OrganizerNav() {
  const t = useT();
  const { path } = useLocation();
  const links = [
    { href: "/organizer", label: t("org.nav.events"), current: path === "/organizer" || path.startsWith("/organizer/events") },
    { href: "/organizer/reports", label: t("org.nav.reports"), current: path === "/organizer/reports" },
    { href: "/organizer/support", label: t("org.nav.support"), current: path === "/organizer/support" },
  ];
  return (
    <nav className="org-nav" aria-label={t("org.nav.label")}>
      {links.map((l) => (
        <Link key={l.href} href={l.href} className="org-nav-link" aria-current={l.current ? "page" : undefined}>
          {l.label}
        </Link>
      ))}
    </nav>
  );
}
