import { useEffect, useRef, type ReactNode } from "react";
import { useAuth } from "./auth/AuthContext";
import { LANGS, useI18n, type Lang } from "./i18n";
import { Link, useLocation } from "./lib/router";

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const { path } = useLocation();
  const current = href === "/" ? path === "/" || path.startsWith("/events/") : path === href || path.startsWith(`${href}/`);
  return (
    <Link href={href} aria-current={current ? "page" : undefined} className="nav-link">
      {children}
    </Link>
  );
}

/** After an in-app navigation, focus the new page's <h1> so screen readers and keyboards start there. */
function useFocusOnNavigate() {
  const { path } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(() => document.getElementById("page-title")?.focus({ preventScroll: true }), 50);
    return () => clearTimeout(timer);
  }, [path]);
}

export function Layout({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const { user, status, hasRole, signOut } = useAuth();
  useFocusOnNavigate();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("app.skip")}
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link href="/" className="brand">
            {t("app.name")}
          </Link>
          <nav aria-label={t("nav.main")} className="nav">
            <NavLink href="/">{t("nav.events")}</NavLink>
            {user && <NavLink href="/orders">{t("nav.orders")}</NavLink>}
            {user && <NavLink href="/support">{t("nav.support")}</NavLink>}
            {(hasRole("organizer") || hasRole("admin")) && <NavLink href="/organizer">{t("nav.organizer")}</NavLink>}
          </nav>
          <div className="header-tools">
            <label className="lang-switch">
              <span className="visually-hidden">{t("nav.language")}</span>
              <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} aria-label={t("nav.language")}>
                {Object.entries(LANGS).map(([code, { label }]) => (
                  <option key={code} value={code} lang={code}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            {user ? (
              <>
                <span className="user-name" title={user.email}>
                  {user.name}
                </span>
                <button type="button" className="btn btn-link" onClick={() => void signOut()}>
                  {t("nav.signOut")}
                </button>
              </>
            ) : (
              status !== "loading" && (
                <>
                  <Link href="/login" className="nav-link">
                    {t("nav.signIn")}
                  </Link>
                  <Link href="/register" className="btn btn-secondary btn-small">
                    {t("nav.register")}
                  </Link>
                </>
              )
            )}
          </div>
        </div>
      </header>
      <main id="main" className="main">
        {children}
      </main>
    </>
  );
}
