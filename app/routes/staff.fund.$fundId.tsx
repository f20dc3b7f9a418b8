import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { countOpenRequests } from "../fund/approvals.server";
import { requireFundStaff } from "../fund/fund-access.server";
import { useMessages } from "../i18n/use-messages";

export async function loader(args: LoaderFunctionArgs) {
  const { fund, canWrite } = await requireFundStaff(args, "read");
  const openRequests = await countOpenRequests(args.context.services.db, fund.id);
  return json({ fund: { id: fund.id, name: fund.name, slug: fund.slug, host_name: fund.host_name }, canWrite, openRequests });
}

/** The fund's staff area: one header and tabs; each page guards itself too. */
export default function StaffFundLayout() {
  const { fund, canWrite, openRequests } = useLoaderData<typeof loader>();
  const m = useMessages();
  const t = m.loans.tabs;
  const base = `/staff/fund/${fund.id}`;
  return (
    <div className="container page">
      <header className="page-header page-header-row" style={{ marginBottom: 12 }}>
        <div>
          <p className="small muted" style={{ margin: 0 }}>
            {m.loans.staffTitle} · {fund.host_name}
          </p>
          <h1 style={{ margin: 0 }}>{fund.name}</h1>
        </div>
        <Link to={`/fund/${fund.slug}`} className="button button-secondary button-small">
          {m.fund.indexTitle} →
        </Link>
      </header>
      {canWrite ? null : <div className="alert alert-info">{m.loans.readOnly}</div>}
      <nav className="tabs" aria-label={m.loans.staffTitle}>
        <NavLink to={base} end>
          {t.overview}
        </NavLink>
        <NavLink to={`${base}/applications`}>{t.applications}</NavLink>
        <NavLink to={`${base}/approvals`} data-testid="approvals-tab">
          {t.approvals}
          {openRequests > 0 ? <span className="tab-count" aria-label={m.loans.approvals.pendingCount(openRequests)}>{openRequests}</span> : null}
        </NavLink>
        <NavLink to={`${base}/portfolio`}>{t.portfolio}</NavLink>
        <NavLink to={`${base}/products`}>{t.products}</NavLink>
      </nav>
      <Outlet />
    </div>
  );
}
