import { fundInterestIncome, fundPenaltyIncome, fundRecoveries, fundWriteOffs, loanReceivable } from "../fund/fund";
import { getBalances } from "../ledger/ledger.server";
import type { DbOrTx } from "../utils/db.server";
import { contractTerms, instalmentFromRow } from "./loans.server";
import { LOAN_STATES, type Portfolio, type PortfolioLoan } from "./portfolio";
import { recoveredByLoan } from "./recoveries.server";
import { ARREARS_BUCKETS, arrearsAsOf, arrearsBucket, nextPayment, type InstalmentState } from "./servicing";

/** The fund's loan book on `asOf`: outstanding from the ledger, arrears and penalty from the schedules. */
export async function loadPortfolio(db: DbOrTx, fundId: number, asOf: string): Promise<Portfolio> {
  const loans = await db
    .selectFrom("loans as l")
    .innerJoin("enterprises as e", "e.id", "l.enterprise_id")
    .select([
      "l.id",
      "l.enterprise_id",
      "l.state",
      "l.principal_won",
      "l.rate_bp",
      "l.penalty_bp",
      "l.repayment_method",
      "l.grace_months",
      "l.term_months",
      "l.disbursed_on",
      "l.maturity_on",
      "l.written_off_won",
      "e.name as enterprise_name",
      "e.district",
    ])
    .where("l.fund_id", "=", fundId)
    .orderBy("l.id")
    .execute();
  const ids = loans.map((l) => l.id);
  const instalmentRows = ids.length
    ? await db.selectFrom("loan_instalments").selectAll().where("loan_id", "in", ids).orderBy("loan_id").orderBy("number").execute()
    : [];
  const byLoan = new Map<number, InstalmentState[]>();
  for (const r of instalmentRows) {
    const list = byLoan.get(r.loan_id) ?? [];
    list.push(instalmentFromRow(r));
    byLoan.set(r.loan_id, list);
  }
  const balances = await getBalances(db, [
    ...loans.map((l) => loanReceivable(l.id).code),
    fundInterestIncome(fundId).code,
    fundPenaltyIncome(fundId).code,
    fundWriteOffs(fundId).code,
    fundRecoveries(fundId).code,
  ]);
  const recovered = await recoveredByLoan(db, fundId);
  const portfolioLoans: PortfolioLoan[] = loans.map((loan) => {
    const instalments = byLoan.get(loan.id) ?? [];
    const outstandingWon = balances.get(loanReceivable(loan.id).code) ?? 0;
    const serviced = loan.disbursed_on !== null && loan.state !== "closed" && loan.state !== "written_off";
    const terms = loan.disbursed_on ? contractTerms(loan) : null;
    const arrears = serviced && terms ? arrearsAsOf(instalments, asOf, terms) : null;
    const next = serviced && terms ? nextPayment(instalments, asOf, terms) : null;
    return {
      id: loan.id,
      enterpriseId: loan.enterprise_id,
      enterpriseName: loan.enterprise_name,
      district: loan.district,
      state: loan.state,
      method: loan.repayment_method,
      rateBp: loan.rate_bp,
      principalWon: loan.principal_won,
      outstandingWon,
      writtenOffWon: loan.written_off_won,
      recoveredWon: recovered.get(loan.id) ?? 0,
      disbursedOn: loan.disbursed_on,
      maturityOn: loan.maturity_on,
      arrearsWon: arrears?.totalWon ?? 0,
      penaltyWon: arrears?.penaltyWon ?? 0,
      daysOverdue: arrears?.daysOverdue ?? 0,
      bucket: arrears ? arrearsBucket(arrears.daysOverdue) : null,
      nextDueDate: next?.dueDate ?? null,
      nextDueWon: next?.amountWon ?? null,
    };
  });
  return {
    asOf,
    outstandingWon: portfolioLoans.reduce((s, l) => s + l.outstandingWon, 0),
    disbursedWon: portfolioLoans.filter((l) => l.disbursedOn !== null).reduce((s, l) => s + l.principalWon, 0),
    interestIncomeWon: -(balances.get(fundInterestIncome(fundId).code) ?? 0),
    penaltyIncomeWon: -(balances.get(fundPenaltyIncome(fundId).code) ?? 0),
    writtenOffWon: balances.get(fundWriteOffs(fundId).code) ?? 0,
    recoveredWon: -(balances.get(fundRecoveries(fundId).code) ?? 0),
    arrearsWon: portfolioLoans.reduce((s, l) => s + l.arrearsWon, 0),
    byState: LOAN_STATES.map((state) => {
      const matching = portfolioLoans.filter((l) => l.state === state);
      return { state, count: matching.length, outstandingWon: matching.reduce((s, l) => s + l.outstandingWon, 0) };
    }),
    buckets: ARREARS_BUCKETS.map((bucket) => {
      const matching = portfolioLoans.filter((l) => l.bucket === bucket);
      return { bucket, count: matching.length, arrearsWon: matching.reduce((s, l) => s + l.arrearsWon, 0), outstandingWon: matching.reduce((s, l) => s + l.outstandingWon, 0) };
    }),
    loans: portfolioLoans,
  };
}

