import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { useCurrentUser, useLocale, useMessages, useRootData } from "../i18n/use-messages";
import { AppForm } from "./form";
import { Notice } from "./notice";

/** Signed in, the choice is also saved on the account (a POST with the CSRF token); anonymous, it is only a cookie (decision 46). */
function LanguageSwitch({ signedIn }: { signedIn: boolean }) {
  const m = useMessages();
  const locale = useLocale();
  const location = useLocation();
  const next = `${location.pathname}${location.search}`;
  const fields = (
    <>
      <input type="hidden" name="locale" value={locale === "ko" ? "en" : "ko"} />
      <input type="hidden" name="next" value={next} />
      <button type="submit" className="link-button" lang={locale === "ko" ? "en" : "ko"} data-testid="language-switch">
        {m.common.language.switchTo}
      </button>
    </>
  );
  return signedIn ? (
    <AppForm action="/locale" className="lang-switch" reloadDocument>
      {fields}
    </AppForm>
  ) : (
    <Form method="get" action="/locale" className="lang-switch" reloadDocument>
      {fields}
    </Form>
  );
}

export function SiteLayout({ children }: { children: ReactNode }) {
  const m = useMessages();
  const user = useCurrentUser();
  const devTools = useRootData()?.devTools ?? false;
  const nav = [
    { to: "/campaigns", label: m.common.nav.campaigns },
    { to: "/contests", label: m.common.nav.contests },
    { to: "/enterprises", label: m.common.nav.enterprises },
    { to: "/fund", label: m.common.nav.fund },
    { to: "/ledger", label: m.common.nav.ledger },
  ];
  return (
    <>
      <a className="skip-link" href="#main">
        {m.common.skipToContent}
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand" aria-label={m.common.brand}>
            <span className="brand-mark" aria-hidden="true">
              ₩
            </span>
            <span className="brand-name">{m.common.brand}</span>
          </Link>
          <nav className="main-nav" aria-label="main">
            {nav.map((item) => (
              <NavLink key={item.to} to={item.to} className={({ isActive }) => (isActive ? "active" : undefined)}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="header-actions">
            <LanguageSwitch signedIn={user !== null} />
            {user ? (
              <>
                {user.isStaff ? (
                  <NavLink to="/staff" className="header-link">
                    {m.common.nav.staff}
                  </NavLink>
                ) : null}
                {user.isPlatformAdmin ? (
                  <NavLink to="/admin/roles" className="header-link">
                    {m.common.nav.admin}
                  </NavLink>
                ) : null}
                <NavLink to="/account" className="header-link" data-testid="account-link">
                  {user.displayName}
                </NavLink>
                <AppForm action="/logout" className="inline-form">
                  <button type="submit" className="button button-ghost button-small" data-testid="logout">
                    {m.common.nav.logout}
                  </button>
                </AppForm>
              </>
            ) : (
              <>
                <NavLink to="/login" className="header-link">
                  {m.common.nav.login}
                </NavLink>
                <Link to="/signup" className="button button-primary button-small">
                  {m.common.nav.signup}
                </Link>
              </>
            )}
          </div>
        </div>
      </header>
      <main id="main" className="site-main">
        <div className="container">
          <Notice />
        </div>
        {children}
      </main>
      <footer className="site-footer">
        <div className="container footer-inner">
          <div>
            <p className="footer-brand">{m.common.brand}</p>
            <p className="footer-about">{m.common.footer.about}</p>
          </div>
          <ul className="footer-links">
            <li>
              <Link to="/ledger">{m.common.footer.ledger}</Link>
            </li>
            <li>
              <Link to="/ledger/verify">{m.common.footer.verify}</Link>
            </li>
            <li>
              <Link to="/privacy" className="footer-privacy" data-testid="privacy-link">
                {m.common.footer.privacy}
              </Link>
            </li>
            {devTools ? (
              <>
                <li>
                  <Link to="/dev/outbox">{m.common.footer.dev}</Link>
                </li>
                <li>
                  <Link to="/dev/clock">{m.common.footer.clock}</Link>
                </li>
              </>
            ) : null}
          </ul>
        </div>
      </footer>
    </>
  );
}
