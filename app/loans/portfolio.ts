import type { LoanState, RepaymentMethod } from "../../db/types";
import type { ArrearsBucket } from "./servicing";
import { csvCell } from "../utils/csv";

export const LOAN_STATES: LoanState[] = ["contracted", "disbursed", "repaying", "delinquent", "defaulted", "written_off", "closed"];

export interface PortfolioLoan {
  id: number;
  enterpriseId: number;
  enterpriseName: string;
  district: string;
  state: LoanState;
  method: RepaymentMethod;
  rateBp: number;
  principalWon: number;
  outstandingWon: number;
  /** Principal written off, and recovered of it since. */
  writtenOffWon: number;
  recoveredWon: number;
  disbursedOn: string | null;
  maturityOn: string | null;
  arrearsWon: number;
  penaltyWon: number;
  daysOverdue: number;
  bucket: ArrearsBucket | null;
  nextDueDate: string | null;
  nextDueWon: number | null;
}

export interface Portfolio {
  asOf: string;
  outstandingWon: number;
  disbursedWon: number;
  interestIncomeWon: number;
  penaltyIncomeWon: number;
  writtenOffWon: number;
  /** Money received on written-off loans (the fund's recoveries account). */
  recoveredWon: number;
  arrearsWon: number;
  byState: { state: LoanState; count: number; outstandingWon: number }[];
  buckets: { bucket: ArrearsBucket; count: number; arrearsWon: number; outstandingWon: number }[];
  loans: PortfolioLoan[];
}

export const PORTFOLIO_CSV_COLUMNS = [
  "loan_id",
  "enterprise",
  "district",
  "state",
  "repayment_method",
  "rate_bp",
  "principal_won",
  "outstanding_won",
  "disbursed_on",
  "maturity_on",
  "days_overdue",
  "arrears_bucket",
  "arrears_won",
  "penalty_won",
  "next_due_date",
  "next_due_won",
  "written_off_won",
  "recovered_won",
] as const;

export function portfolioCsv(portfolio: Portfolio): string {
  const rows = portfolio.loans.map((l) =>
    [l.id, l.enterpriseName, l.district, l.state, l.method, l.rateBp, l.principalWon, l.outstandingWon, l.disbursedOn, l.maturityOn, l.daysOverdue, l.bucket, l.arrearsWon, l.penaltyWon, l.nextDueDate, l.nextDueWon, l.writtenOffWon, l.recoveredWon]
      .map(csvCell)
      .join(","),
  );
  // A byte-order mark so spreadsheet programs read the Korean names as UTF-8.
  return `\uFEFF${[PORTFOLIO_CSV_COLUMNS.join(","), ...rows].join("\r\n")}\r\n`;
}
