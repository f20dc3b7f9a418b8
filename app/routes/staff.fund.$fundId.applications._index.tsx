import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ApplicationStateBadge, LoanStateBadge } from "../components/loan-parts";
import { requireFundStaff } from "../fund/fund-access.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { listApplicationsForFund } from "../loans/applications.server";
import { formatDateTime } from "../utils/dates";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.loans.applicationsTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { fund } = await requireFundStaff(args, "read");
  return json({ fundId: fund.id, applications: await listApplicationsForFund(args.context.services.db, fund.id) });
}

export default function FundApplications() {
  const { fundId, applications } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const l = m.loans;
  return (
    <section className="card table-wrap" tabIndex={0} role="region" aria-label={l.applicationsTitle}>
      <h2>{l.applicationsTitle}</h2>
      {applications.length === 0 ? (
        <p className="muted">{l.noOpenApplications}</p>
      ) : (
        <table data-testid="applications">
          <thead>
            <tr>
              <th>#</th>
              <th>{l.facts.enterprise}</th>
              <th className="num">{l.facts.amount}</th>
              <th>{l.facts.submittedAt}</th>
              <th className="num">{l.votesCol}</th>
              <th>{l.facts.state}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {applications.map((a) => (
              <tr key={a.id} data-testid="application-row">
                <td>#{a.id}</td>
                <td>
                  {a.enterprise_name}
                  <div className="muted small">
                    {a.district} · {a.product_name}
                  </div>
                </td>
                <td className="num">{formatWon(a.amount_won, locale)}</td>
                <td className="small nowrap">{formatDateTime(a.submitted_at, locale)}</td>
                <td className="num">{Number(a.votes ?? 0)}</td>
                <td>
                  <ApplicationStateBadge state={a.state} />
                  {a.loan_state ? (
                    <div style={{ marginTop: 4 }}>
                      <LoanStateBadge state={a.loan_state} />
                    </div>
                  ) : null}
                </td>
                <td>
                  <Link to={`/staff/fund/${fundId}/applications/${a.id}`} className="button button-secondary button-small">
                    {l.view}
                  </Link>
                  {a.loan_id ? (
                    <Link to={`/staff/fund/${fundId}/loans/${a.loan_id}`} className="button button-ghost button-small" style={{ marginLeft: 6 }}>
                      {l.loanTitle(a.loan_id)}
                    </Link>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
