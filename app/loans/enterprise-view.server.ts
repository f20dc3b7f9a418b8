import type { EnterpriseStatus, EnterpriseType } from "../../db/types";
import { fundMoney } from "../fund/fund.server";
import type { DbOrTx } from "../utils/db.server";
import { hasOpenApplicationOrLoan } from "./applications.server";
import { eligibilityProblems } from "./loans";
import { listLoansForEnterprise, loadInstalments, loanPosition } from "./loans.server";

/** Current products of every fund, with why this enterprise may not apply for each (if it may not). */
export async function productsForEnterprise(db: DbOrTx, enterprise: { id: number; status: EnterpriseStatus; type: EnterpriseType }) {
  const products = await db
    .selectFrom("loan_products as p")
    .innerJoin("funds as f", "f.id", "p.fund_id")
    .select(["p.id", "p.fund_id", "p.code", "p.version", "p.name", "p.purpose", "p.cap_won", "p.rate_bp", "p.term_months", "p.repayment_method", "p.grace_months", "p.penalty_bp", "p.eligible_types", "p.required_documents", "p.is_current", "f.name as fund_name"])
    .where("p.is_current", "=", true)
    .orderBy("p.fund_id")
    .orderBy("p.code")
    .execute();
  return Promise.all(
    products.map(async (product) => ({
      ...product,
      availableWon: (await fundMoney(db, product.fund_id)).availableWon,
      problems: eligibilityProblems({ enterprise, product, hasOpenApplicationOrLoan: await hasOpenApplicationOrLoan(db, enterprise.id, product.fund_id, product.code) }),
    })),
  );
}

/** The enterprise's loans with where each stands today. */
export async function loansWithPosition(db: DbOrTx, enterpriseId: number, today: string) {
  const loans = await listLoansForEnterprise(db, enterpriseId);
  return Promise.all(loans.map(async (loan) => ({ ...loan, position: loanPosition(loan, await loadInstalments(db, loan.id), today) })));
}
