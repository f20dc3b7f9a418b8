import { NavLink, Outlet } from "@remix-run/react";
import { useMessages } from "../i18n/use-messages";

/** The public ledger's sections, one tab bar over all of them. */
export default function LedgerLayout() {
  const m = useMessages();
  const tabs = [
    { to: "/ledger", label: m.ledger.nav.entries, end: true },
    { to: "/ledger/accounts", label: m.ledger.nav.accounts, end: false },
    { to: "/ledger/checkpoints", label: m.ledger.nav.checkpoints, end: false },
    { to: "/ledger/verify", label: m.ledger.nav.verify, end: false },
    { to: "/ledger/find", label: m.ledger.nav.find, end: false },
  ];
  return (
    <div className="container page">
      <nav className="tabs" aria-label={m.ledger.title} data-testid="ledger-tabs">
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end} className={({ isActive }) => (isActive ? "tab active" : "tab")}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
