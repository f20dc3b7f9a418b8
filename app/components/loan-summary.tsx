import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate } from "../utils/dates";
import { formatWon } from "../utils/money";
import { Stat } from "./bars";
import { LoanStateBadge, percent } from "./loan-parts";
import type { LoanState, RepaymentMethod } from "../../db/types";

interface SummaryLoan {
  state: LoanState;
  principal_won: number;
  rate_bp: number;
  penalty_bp: number;
  term_months: number;
  original_term_months: number;
  repayment_method: RepaymentMethod;
  grace_months: number;
  delinquency_grace_days: number;
  contracted_on: string;
  disbursed_on: string | null;
  maturity_on: string | null;
  landlord_name: string;
  store_address: string;
  product_name: string;
  product_version: number;
  state_reason: string;
  written_off_won: number;
}

interface SummaryPosition {
  outstandingWon: number;
  arrears: { totalWon: number; penaltyWon: number; daysOverdue: number };
  next: { dueDate: string; amountWon: number; overdue: boolean } | null;
}

/** The contract's frozen terms and where the loan stands today. */
export function LoanSummary({ loan, position, payoffWon }: { loan: SummaryLoan; position: SummaryPosition | null; payoffWon: number | null }) {
  const m = useMessages();
  const locale = useLocale();
  const f = m.loans.facts;
  return (
    <>
      {position ? (
        <div className="stats">
          <Stat label={f.outstanding} value={formatWon(position.outstandingWon, locale)} testId="loan-outstanding" />
          {position.next ? (
            <Stat
              label={position.next.overdue ? m.loans.nextPaymentOverdue : m.loans.nextPayment}
              value={formatWon(position.next.amountWon, locale)}
              hint={position.next.overdue ? m.loans.dueSince(formatDate(position.next.dueDate, locale)) : m.loans.dueOn(formatDate(position.next.dueDate, locale))}
              testId="loan-next-payment"
              tone={position.next.overdue ? "danger" : undefined}
            />
          ) : (
            <Stat label={m.loans.nextPayment} value={m.loans.noNextPayment} />
          )}
          {position.arrears.totalWon > 0 ? (
            <Stat label={f.arrears} value={formatWon(position.arrears.totalWon, locale)} hint={`${f.daysOverdue} ${position.arrears.daysOverdue} · ${f.penalty} ${formatWon(position.arrears.penaltyWon, locale)}`} testId="loan-arrears" tone="danger" />
          ) : null}
          {payoffWon !== null ? <Stat label={f.payoff} value={formatWon(payoffWon, locale)} testId="loan-payoff" /> : null}
        </div>
      ) : null}
      <section className="card section">
        <dl className="facts facts-wide" data-testid="loan-terms">
          <dt>{f.state}</dt>
          <dd>
            <LoanStateBadge state={loan.state} />
            {loan.state_reason ? <div className="muted small">{loan.state_reason}</div> : null}
          </dd>
          <dt>{f.product}</dt>
          <dd>
            {loan.product_name} <span className="muted small">({f.productVersion(loan.product_version)})</span>
          </dd>
          <dt>{f.principal}</dt>
          <dd>{formatWon(loan.principal_won, locale)}</dd>
          <dt>{f.rate}</dt>
          <dd>{percent(loan.rate_bp)}</dd>
          <dt>{f.penaltyRate}</dt>
          <dd>{percent(loan.rate_bp + loan.penalty_bp)}</dd>
          <dt>{f.method}</dt>
          <dd>{m.fund.methods[loan.repayment_method]}</dd>
          <dt>{f.term}</dt>
          <dd>
            {m.fund.months(loan.term_months)}
            {loan.term_months !== loan.original_term_months ? <span className="muted small"> ({m.fund.months(loan.original_term_months)} →)</span> : null}
          </dd>
          <dt>{f.grace}</dt>
          <dd>{f.graceMonths(loan.grace_months)}</dd>
          <dt>{f.delinquencyGrace}</dt>
          <dd>{f.graceDays(loan.delinquency_grace_days)}</dd>
          <dt>{f.landlord}</dt>
          <dd>{loan.landlord_name}</dd>
          <dt>{f.storeAddress}</dt>
          <dd>{loan.store_address}</dd>
          <dt>{f.contractedOn}</dt>
          <dd>{formatDate(loan.contracted_on, locale)}</dd>
          {loan.disbursed_on ? (
            <>
              <dt>{f.disbursedOn}</dt>
              <dd>{formatDate(loan.disbursed_on, locale)}</dd>
            </>
          ) : null}
          {loan.maturity_on ? (
            <>
              <dt>{f.maturityOn}</dt>
              <dd>{formatDate(loan.maturity_on, locale)}</dd>
            </>
          ) : null}
          {loan.written_off_won > 0 ? (
            <>
              <dt>{f.writtenOff}</dt>
              <dd>{formatWon(loan.written_off_won, locale)}</dd>
            </>
          ) : null}
        </dl>
      </section>
    </>
  );
}

interface RepaymentRow {
  id: number;
  kind: "instalment" | "prepayment";
  method: "bank_transfer" | "online";
  external_reference: string;
  paid_on: string;
  amount_won: number;
  penalty_won: number;
  interest_won: number;
  principal_won: number;
  ledger_seq: number | null;
  recorded_by_name: string | null;
}

export function RepaymentsTable({ repayments, showReference }: { repayments: RepaymentRow[]; showReference: boolean }) {
  const m = useMessages();
  const locale = useLocale();
  const c = m.loans.repaymentColumns;
  if (repayments.length === 0) return <p className="muted">{m.loans.noRepayments}</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={m.loans.repayments}>
      <table className="schedule" data-testid="repayments">
        <thead>
          <tr>
            <th>{c.paidOn}</th>
            <th>{c.kind}</th>
            <th className="num">{c.amount}</th>
            <th className="num">{c.penalty}</th>
            <th className="num">{c.interest}</th>
            <th className="num">{c.principal}</th>
            {showReference ? <th>{c.reference}</th> : null}
          </tr>
        </thead>
        <tbody>
          {repayments.map((r) => (
            <tr key={r.id} data-testid="repayment">
              <td className="small">{formatDate(r.paid_on, locale)}</td>
              <td>
                {m.loans.repaymentKinds[r.kind]} <span className="muted small">· {m.loans.channels[r.method]}</span>
              </td>
              <td className="num">{formatWon(r.amount_won, locale)}</td>
              <td className="num">{formatWon(r.penalty_won, locale)}</td>
              <td className="num">{formatWon(r.interest_won, locale)}</td>
              <td className="num">{formatWon(r.principal_won, locale)}</td>
              {showReference ? (
                <td className="small">
                  {r.external_reference}
                  <div className="muted">
                    {m.loans.facts.ledgerEntry(r.ledger_seq)}
                    {r.recorded_by_name ? ` · ${r.recorded_by_name}` : ""}
                  </div>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
