import { AppError } from "../utils/app-error";
import type { Database, DbOrTx } from "../utils/db.server";
import type { ProductVersionInput } from "./loans";

const productColumns = [
  "id",
  "fund_id",
  "code",
  "version",
  "name",
  "purpose",
  "cap_won",
  "rate_bp",
  "term_months",
  "repayment_method",
  "grace_months",
  "penalty_bp",
  "eligible_types",
  "required_documents",
  "delinquency_grace_days",
  "is_current",
  "created_at",
] as const;

export async function getProduct(db: DbOrTx, id: number) {
  return db.selectFrom("loan_products").select(productColumns).where("id", "=", id).executeTakeFirst();
}

export type ProductRow = NonNullable<Awaited<ReturnType<typeof getProduct>>>;

export async function listCurrentProducts(db: DbOrTx, fundId: number) {
  return db.selectFrom("loan_products").select(productColumns).where("fund_id", "=", fundId).where("is_current", "=", true).orderBy("code").execute();
}

/** Every fund's current products, with the fund they belong to. */
export async function listCurrentProductsOfAllFunds(db: DbOrTx) {
  return db
    .selectFrom("loan_products")
    .innerJoin("funds", "funds.id", "loan_products.fund_id")
    .select(["loan_products.name", "loan_products.cap_won", "loan_products.rate_bp", "funds.name as fund_name", "funds.slug as fund_slug"])
    .where("loan_products.is_current", "=", true)
    .execute();
}

/** Every version, newest first per product. */
export async function listProductVersions(db: DbOrTx, fundId: number) {
  return db.selectFrom("loan_products").select(productColumns).where("fund_id", "=", fundId).orderBy("code").orderBy("version", "desc").execute();
}

/**
 * Publishes a product's next version (or its first): the current one is superseded, never edited,
 * so contracts made under it keep their terms.
 */
export async function publishProductVersion(db: Database, fundId: number, input: ProductVersionInput, userId: number, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom("loan_products")
      .select(["id", "version"])
      .where("fund_id", "=", fundId)
      .where("code", "=", input.code)
      .orderBy("version", "desc")
      .forUpdate()
      .executeTakeFirst();
    if (current) await trx.updateTable("loan_products").set({ is_current: false }).where("fund_id", "=", fundId).where("code", "=", input.code).where("is_current", "=", true).execute();
    if (input.graceMonths >= input.termMonths) throw new AppError("graceNotShorterThanTerm", 422, "graceMonths");
    const row = await trx
      .insertInto("loan_products")
      .values({
        fund_id: fundId,
        code: input.code,
        version: (current?.version ?? 0) + 1,
        name: input.name,
        purpose: input.purpose,
        cap_won: input.capWon,
        rate_bp: input.rateBp,
        term_months: input.termMonths,
        repayment_method: input.repaymentMethod,
        grace_months: input.graceMonths,
        penalty_bp: input.penaltyBp,
        eligible_types: input.eligibleTypes,
        required_documents: input.requiredDocuments,
        delinquency_grace_days: input.delinquencyGraceDays,
        is_current: true,
        created_by: userId,
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  });
}
