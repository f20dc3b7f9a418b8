import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam, requireEnterpriseMember } from "../auth/guards.server";
import { ApplicationStateBadge, LoanStateBadge, percent } from "../components/loan-parts";
import { useLocale, useMessages } from "../i18n/use-messages";
import { listApplicationsForEnterprise } from "../loans/applications.server";
import { loansWithPosition, productsForEnterprise } from "../loans/enterprise-view.server";
import { getEnterprise } from "../orgs/enterprises.server";
import { formatDate, seoulDate } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.loans.myLoansTitle);

export async function loader(args: LoaderFunctionArgs) {
  const id = idParam(args.params.id);
  await requireEnterpriseMember(args, id);
  const { db, clock } = args.context.services;
  const enterprise = await getEnterprise(db, id);
  if (!enterprise) throw notFound();
  const today = seoulDate(clock.now());
  const [products, applications, loans] = await Promise.all([
    productsForEnterprise(db, enterprise),
    listApplicationsForEnterprise(db, id),
    loansWithPosition(db, id, today),
  ]);
  return json({ enterprise: { id: enterprise.id, name: enterprise.name }, products, applications, loans });
}

export default function EnterpriseLoans() {
  const { enterprise, products, applications, loans } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const l = m.loans;
  return (
    <div className="container page">
      <header className="page-header">
        <p className="small">
          <Link to={`/enterprises/${enterprise.id}`}>{enterprise.name}</Link>
        </p>
        <h1>{l.myLoansTitle}</h1>
        <p>{l.myLoansIntro}</p>
      </header>

      <section className="section" style={{ marginTop: 0 }}>
        <h2>{l.loans}</h2>
        {loans.length === 0 ? <p className="muted">{l.noLoans}</p> : null}
        <div className="grid">
          {loans.map((loan) => (
            <Link key={loan.id} to={`${loan.id}`} className="campaign-card" data-testid="my-loan">
              <div className="campaign-meta">
                <LoanStateBadge state={loan.state} />
                <span>{loan.fund_name}</span>
              </div>
              <h3>
                {l.loanTitle(loan.id)} · {formatWon(loan.principal_won, locale)}
              </h3>
              <p className="muted small">
                {loan.product_name} · {percent(loan.rate_bp)} · {m.fund.methods[loan.repayment_method]}
              </p>
              {loan.position?.next ? (
                <div className={loan.position.next.overdue ? "alert alert-error" : "alert alert-info"} style={{ margin: 0 }} data-testid="next-payment">
                  {loan.position.next.overdue ? l.nextPaymentOverdue : l.nextPayment}: {formatWon(loan.position.next.amountWon, locale)} ·{" "}
                  {loan.position.next.overdue ? l.dueSince(formatDate(loan.position.next.dueDate, locale)) : l.dueOn(formatDate(loan.position.next.dueDate, locale))}
                </div>
              ) : null}
              {loan.position ? (
                <div className="progress-figures small">
                  <span>{l.facts.outstanding}</span>
                  <strong>{formatWon(loan.position.outstandingWon, locale)}</strong>
                </div>
              ) : null}
            </Link>
          ))}
        </div>
      </section>

      <section className="section">
        <h2>{l.products}</h2>
        <div className="grid">
          {products.map((p) => (
            <article key={p.id} className="card" data-testid="loan-product">
              <h3>{p.name}</h3>
              <p className="muted small">{p.fund_name}</p>
              <dl className="facts">
                <dt>{m.fund.cap}</dt>
                <dd>{formatWon(p.cap_won, locale)}</dd>
                <dt>{m.fund.rate}</dt>
                <dd>{percent(p.rate_bp)}</dd>
                <dt>{m.fund.term}</dt>
                <dd>{m.fund.months(p.term_months)}</dd>
                <dt>{m.fund.method}</dt>
                <dd>{m.fund.methods[p.repayment_method]}</dd>
              </dl>
              {p.problems.length === 0 ? (
                <Link to={`new?product=${p.id}`} className="button button-primary" style={{ marginTop: 16 }} data-testid="apply-link">
                  {l.apply}
                </Link>
              ) : (
                <div style={{ marginTop: 12 }}>
                  <strong className="small">{l.notEligible}</strong>
                  <ul className="problem-list small" data-testid="eligibility-problems">
                    {p.problems.map((key) => (
                      <li key={key}>{m.errors[key]}</li>
                    ))}
                  </ul>
                </div>
              )}
            </article>
          ))}
        </div>
      </section>

      <section className="section card table-wrap" tabIndex={0} role="region" aria-label={l.applications}>
        <h2>{l.applications}</h2>
        {applications.length === 0 ? (
          <p className="muted">{l.noApplications}</p>
        ) : (
          <table className="schedule">
            <thead>
              <tr>
                <th>#</th>
                <th>{l.facts.product}</th>
                <th className="num">{l.facts.amount}</th>
                <th>{l.facts.submittedAt}</th>
                <th>{l.facts.state}</th>
              </tr>
            </thead>
            <tbody>
              {applications.map((a) => (
                <tr key={a.id} data-testid="my-application">
                  <td>
                    <Link to={`applications/${a.id}`}>#{a.id}</Link>
                  </td>
                  <td>{a.product_name}</td>
                  <td className="num">{formatWon(a.amount_won, locale)}</td>
                  <td className="small">{formatDate(seoulDateOf(a.submitted_at), locale)}</td>
                  <td>
                    <ApplicationStateBadge state={a.state} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function seoulDateOf(at: string): string {
  return seoulDate(new Date(at));
}
