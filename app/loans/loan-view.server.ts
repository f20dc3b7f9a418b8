import type { DbOrTx } from "../utils/db.server";
import { contractTerms, getLoan, listLoanEvents, listRepayments, loadInstalments, loanPosition } from "./loans.server";
import { penaltyAsOf, quotePrepayment } from "./servicing";

/** Everything a loan page shows, as of `today`. */
export async function loanView(db: DbOrTx, loanId: number, today: string) {
  const loan = await getLoan(db, loanId);
  if (!loan) return null;
  const [instalments, repayments, events] = await Promise.all([loadInstalments(db, loanId), listRepayments(db, loanId), listLoanEvents(db, loanId)]);
  // A written-off loan is owed nothing more on its schedule: what came back is shown as recoveries.
  const writtenOff = loan.state === "written_off";
  const position = writtenOff ? null : loanPosition(loan, instalments, today);
  const terms = loan.disbursed_on ? contractTerms(loan) : null;
  const penalties: Record<number, number> = {};
  if (terms && !writtenOff) for (const i of instalments) if (i.paidOffOn === null) penalties[i.number] = penaltyAsOf(i, today, terms);
  const quote = terms && ["disbursed", "repaying", "delinquent", "defaulted"].includes(loan.state) ? quotePrepayment(terms, instalments, today) : null;
  return {
    loan,
    instalments,
    penalties,
    repayments,
    events: events.map((e) => ({ ...e, details: e.details as Record<string, unknown> })),
    position,
    payoffWon: quote?.ok ? quote.quote.payoffWon : null,
  };
}
