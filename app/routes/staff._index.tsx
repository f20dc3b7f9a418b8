import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireAnyStaff, staffHostIds } from "../auth/guards.server";
import { useMessages } from "../i18n/use-messages";
import { listHosts, listPendingEnterprisesForHosts } from "../orgs/enterprises.server";
import { STAFF_ROLES } from "../orgs/roles";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.staff.dashboardTitle);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireAnyStaff(args, STAFF_ROLES);
  const { db } = args.context.services;
  const hosts = await listHosts(db);
  const hostNames = new Map(hosts.map((h) => [h.id, h.name]));
  const pending = await listPendingEnterprisesForHosts(db, staffHostIds(user, ["operator"]));
  return json({
    roles: user.staffRoles.map((r) => ({ ...r, hostName: hostNames.get(r.hostId) ?? "" })),
    pendingCount: pending.length,
    isOperator: staffHostIds(user, ["operator"]).length > 0,
    isJuror: staffHostIds(user, ["juror"]).length > 0,
    isConsultant: staffHostIds(user, ["consultant"]).length > 0,
    isFundStaff: staffHostIds(user, ["fund_admin", "auditor"]).length > 0,
  });
}

export default function StaffDashboard() {
  const { roles, pendingCount, isOperator, isJuror, isConsultant, isFundStaff } = useLoaderData<typeof loader>();
  const m = useMessages();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.staff.dashboardTitle}</h1>
        <p>{m.staff.dashboardIntro}</p>
      </header>
      <div className="grid">
        <section className="card">
          <h2>{m.staff.yourRoles}</h2>
          <ul>
            {roles.map((r) => (
              <li key={`${r.hostId}-${r.role}`}>
                {r.hostName} · <strong>{m.common.roles[r.role]}</strong>
              </li>
            ))}
          </ul>
        </section>
        <section className="card">
          <h2>{m.staffCampaigns.title}</h2>
          <p className="muted small">{m.staffCampaigns.intro}</p>
          <Link to="/staff/campaigns" className="button button-secondary">
            {m.staffCampaigns.review}
          </Link>
        </section>
        {isOperator ? (
          <section className="card">
            <h2>{m.staff.pendingEnterprises}</h2>
            <p style={{ fontSize: "2rem", fontWeight: 800, margin: "4px 0" }} data-testid="pending-count">
              {pendingCount}
            </p>
            <Link to="/staff/enterprises" className="button button-secondary">
              {m.staff.enterpriseQueueTitle}
            </Link>
          </section>
        ) : null}
        {isOperator ? (
          <section className="card">
            <h2>{m.contestWork.staffTitle}</h2>
            <p className="muted small">{m.contestWork.staffIntro}</p>
            <Link to="/staff/contests" className="button button-secondary">
              {m.contestWork.staffTitle}
            </Link>
          </section>
        ) : null}
        {isJuror ? (
          <section className="card">
            <h2>{m.contestWork.jurorHome}</h2>
            <p className="muted small">{m.contestWork.jurorIntro}</p>
            <Link to="/jury" className="button button-secondary">
              {m.contestWork.jurorHome}
            </Link>
          </section>
        ) : null}
        {isConsultant ? (
          <section className="card">
            <h2>{m.round.consultingTitle}</h2>
            <p className="muted small">{m.round.consultingIntro}</p>
            <Link to="/consulting" className="button button-secondary" data-testid="consulting-link">
              {m.round.consultingTitle}
            </Link>
          </section>
        ) : null}
        {isFundStaff ? (
          <section className="card">
            <h2>{m.loans.staffCard}</h2>
            <p className="muted small">{m.fund.indexIntro}</p>
            <Link to="/staff/fund" className="button button-secondary" data-testid="staff-fund-link">
              {m.loans.openFund}
            </Link>
          </section>
        ) : null}
      </div>
    </div>
  );
}
