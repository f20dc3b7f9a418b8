import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam, requireEnterpriseMember } from "../auth/guards.server";
import { ScheduleTable } from "../components/loan-parts";
import { LoanSummary, RepaymentsTable } from "../components/loan-summary";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatWon } from "../utils/money";
import { SERVICED_LOAN_STATES } from "../loans/loans";
import { loanView } from "../loans/loan-view.server";
import { seoulDate } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => (data ? m.loans.loanTitle(data.view.loan.id) : m.loans.myLoansTitle));

export async function loader(args: LoaderFunctionArgs) {
  const enterpriseId = idParam(args.params.id);
  const loanId = idParam(args.params.loanId);
  await requireEnterpriseMember(args, enterpriseId);
  const { db, clock } = args.context.services;
  const today = seoulDate(clock.now());
  const view = await loanView(db, loanId, today);
  if (!view || view.loan.enterprise_id !== enterpriseId) throw notFound();
  const payable = (SERVICED_LOAN_STATES as readonly string[]).includes(view.loan.state) && view.position?.next !== null && view.position?.next !== undefined;
  return json({ view, today, payable });
}

export default function MyLoan() {
  const { view, today, payable } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const { loan } = view;
  return (
    <div className="container page">
      <header className="page-header">
        <p className="small">
          <Link to={`/enterprises/${loan.enterprise_id}/loans`}>
            {loan.enterprise_name} · {m.loans.myLoansTitle}
          </Link>
        </p>
        <h1>
          {m.loans.loanTitle(loan.id)} · {loan.fund_name}
        </h1>
      </header>
      <LoanSummary loan={loan} position={view.position} payoffWon={view.payoffWon} />
      {payable && view.position?.next ? (
        <section className="card section" data-testid="pay-online">
          <p>
            <Link to={`/enterprises/${loan.enterprise_id}/loans/${loan.id}/pay`} className="button button-primary">
              {m.loans.payOnline} · {formatWon(view.position.next.amountWon, locale)}
            </Link>
          </p>
          <p className="muted small">{m.loans.payOnlineHint}</p>
        </section>
      ) : null}
      {view.instalments.length > 0 ? (
        <section className="card section">
          <h2>{m.loans.schedule}</h2>
          <ScheduleTable instalments={view.instalments} penalties={view.penalties} today={today} />
        </section>
      ) : null}
      <section className="card section">
        <h2>{m.loans.repayments}</h2>
        <RepaymentsTable repayments={view.repayments} showReference={false} />
      </section>
    </div>
  );
}
