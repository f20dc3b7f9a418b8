import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Bars, Stat } from "../components/bars";
import { LoanStateBadge, percent } from "../components/loan-parts";
import { requireFundStaff } from "../fund/fund-access.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { loadPortfolio } from "../loans/portfolio.server";
import { formatDate, seoulDate } from "../utils/dates";
import { titled } from "../utils/meta";
import { formatWon, formatWonShort } from "../utils/money";

export const meta = titled((m) => m.loans.portfolio.title);

export async function loader(args: LoaderFunctionArgs) {
  const { fund } = await requireFundStaff(args, "read");
  const { db, clock } = args.context.services;
  return json({ fundId: fund.id, portfolio: await loadPortfolio(db, fund.id, seoulDate(clock.now())) });
}

export default function PortfolioPage() {
  const { fundId, portfolio } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const l = m.loans;
  const p = l.portfolio;
  return (
    <>
      <div className="page-header-row" style={{ marginBottom: 16 }}>
        <div>
          <h2 style={{ margin: 0 }}>{p.title}</h2>
          <p className="muted small" style={{ margin: 0 }}>
            {p.asOf(formatDate(portfolio.asOf, locale))}
          </p>
        </div>
        <a href={`/staff/fund/${fundId}/portfolio.csv`} className="button button-secondary button-small" data-testid="portfolio-csv" download>
          {p.csv}
        </a>
      </div>
      <div className="stats">
        <Stat label={p.outstanding} value={formatWon(portfolio.outstandingWon, locale)} testId="portfolio-outstanding" />
        <Stat label={p.disbursed} value={formatWon(portfolio.disbursedWon, locale)} />
        <Stat label={p.interestIncome} value={formatWon(portfolio.interestIncomeWon, locale)} hint={`${p.penaltyIncome} ${formatWon(portfolio.penaltyIncomeWon, locale)}`} testId="portfolio-interest" />
        <Stat label={p.arrears} value={formatWon(portfolio.arrearsWon, locale)} testId="portfolio-arrears" tone={portfolio.arrearsWon > 0 ? "danger" : undefined} />
        {portfolio.writtenOffWon > 0 ? <Stat label={p.writtenOff} value={formatWon(portfolio.writtenOffWon, locale)} testId="portfolio-written-off" /> : null}
        {portfolio.writtenOffWon > 0 ? <Stat label={p.recovered} value={formatWon(portfolio.recoveredWon, locale)} testId="portfolio-recovered" /> : null}
      </div>
      <div className="two-col section">
        <section className="card">
          <h3>{p.byState}</h3>
          <Bars
            testId="portfolio-by-state"
            bars={portfolio.byState
              .filter((s) => s.count > 0)
              .map((s) => ({
                key: s.state,
                label: l.loanStates[s.state],
                value: s.count,
                display: `${p.loansCount(s.count)} · ${formatWonShort(s.outstandingWon, locale)}`,
                tone: s.state === "delinquent" || s.state === "defaulted" ? ("danger" as const) : s.state === "closed" || s.state === "written_off" ? ("muted" as const) : ("brand" as const),
              }))}
          />
        </section>
        <section className="card">
          <h3>{p.buckets}</h3>
          <Bars
            testId="portfolio-buckets"
            bars={portfolio.buckets.map((b) => ({
              key: b.bucket,
              label: p.bucketNames[b.bucket],
              value: b.arrearsWon,
              display: `${p.loansCount(b.count)} · ${formatWon(b.arrearsWon, locale)}`,
              tone: b.bucket === "1_30" ? ("warning" as const) : ("danger" as const),
            }))}
          />
        </section>
      </div>
      <section className="card section table-wrap" tabIndex={0} role="region" aria-label={p.loansTable}>
        <h3>{p.loansTable}</h3>
        {portfolio.loans.length === 0 ? (
          <p className="muted">{p.noLoans}</p>
        ) : (
          <table data-testid="portfolio-loans">
            <thead>
              <tr>
                <th>#</th>
                <th>{l.facts.enterprise}</th>
                <th>{l.facts.state}</th>
                <th className="num">{l.facts.principal}</th>
                <th className="num">{l.facts.outstanding}</th>
                <th>{l.nextPayment}</th>
                <th className="num">{l.facts.arrears}</th>
                <th className="num">{l.facts.daysOverdue}</th>
              </tr>
            </thead>
            <tbody>
              {portfolio.loans.map((loan) => (
                <tr key={loan.id} data-testid="portfolio-loan" className={loan.daysOverdue > 0 ? "row-overdue" : undefined}>
                  <td className="nowrap">
                    <Link to={`/staff/fund/${fundId}/loans/${loan.id}`}>#{loan.id}</Link>
                  </td>
                  <td>
                    {loan.enterpriseName}
                    <div className="muted small">
                      {loan.district} · {percent(loan.rateBp)} · {m.fund.methods[loan.method]}
                    </div>
                  </td>
                  <td>
                    <LoanStateBadge state={loan.state} />
                  </td>
                  <td className="num">{formatWon(loan.principalWon, locale)}</td>
                  <td className="num">
                    {formatWon(loan.outstandingWon, locale)}
                    {loan.writtenOffWon > 0 ? (
                      <div className="muted small" data-testid="portfolio-loan-recovery">
                        <div>
                          {p.writtenOff} {formatWon(loan.writtenOffWon, locale)}
                        </div>
                        <div>
                          {l.recovery.recovered} {formatWon(loan.recoveredWon, locale)}
                        </div>
                      </div>
                    ) : null}
                  </td>
                  <td className="small">{loan.nextDueDate && loan.nextDueWon !== null ? `${formatDate(loan.nextDueDate, locale)} · ${formatWon(loan.nextDueWon, locale)}` : "—"}</td>
                  <td className="num">{loan.arrearsWon > 0 ? formatWon(loan.arrearsWon, locale) : "—"}</td>
                  <td className="num">{loan.daysOverdue > 0 ? `${loan.daysOverdue} (${p.bucketNames[loan.bucket ?? "1_30"]})` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
