import { sql } from "kysely";
import { validateAwards, validateGrantRules, type GrantAward, type GrantRules } from "../contests/grants";
import { contestGrantSource, grantCategorySpent, grantEscrow } from "../ledger/accounts";
import { appendEntry, getBalances } from "../ledger/ledger.server";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx, Tx } from "../utils/db.server";
import { isCheckViolation } from "../utils/pg-errors";
import { awardProblemMessage, rulesProblemMessage } from "./awards";

// Grants after a pitch contest: the versioned rules, one award per selected team written to the
// ledger (the contest's grant source → the award's escrow), and what each award has spent by
// category (the ledger's balances, so the public figures are the ledger's).

export interface CurrentGrantRules extends GrantRules {
  id: number;
  version: number;
  title: string;
}

export async function getCurrentGrantRules(db: DbOrTx, contestId: number): Promise<CurrentGrantRules | null> {
  const row = await db
    .selectFrom("contest_grant_rules")
    .select(["id", "version", "title", "pool_won", "cap_per_awardee_won", "funding_source", "eligible_expenses", "period_from", "period_to"])
    .where("contest_id", "=", contestId)
    .where("is_current", "=", true)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    version: row.version,
    title: row.title,
    poolWon: row.pool_won,
    capPerAwardeeWon: row.cap_per_awardee_won,
    fundingSource: row.funding_source,
    eligibleExpenses: row.eligible_expenses,
    periodFrom: row.period_from,
    periodTo: row.period_to,
  };
}

/** A new version of the rules; refused once any award was made under the current ones. */
export async function saveGrantRules(db: Database, input: { contestId: number; userId: number; title: string; rules: GrantRules; now: Date }): Promise<void> {
  const problem = validateGrantRules(input.rules)[0];
  if (problem) {
    const { key, field } = rulesProblemMessage(problem);
    throw new AppError(key, 422, field);
  }
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom("contests").select("id").where("id", "=", input.contestId).forUpdate().executeTakeFirstOrThrow();
    const awarded = await trx.selectFrom("grant_awards").select("id").where("contest_id", "=", input.contestId).executeTakeFirst();
    if (awarded) throw new AppError("grantRulesLocked", 409);
    const last = await trx.selectFrom("contest_grant_rules").select(sql<number>`coalesce(max(version), 0)::int`.as("v")).where("contest_id", "=", input.contestId).executeTakeFirstOrThrow();
    await trx.updateTable("contest_grant_rules").set({ is_current: false }).where("contest_id", "=", input.contestId).where("is_current", "=", true).execute();
    await trx
      .insertInto("contest_grant_rules")
      .values({
        contest_id: input.contestId,
        version: Number(last.v) + 1,
        title: input.title,
        pool_won: input.rules.poolWon,
        cap_per_awardee_won: input.rules.capPerAwardeeWon,
        funding_source: input.rules.fundingSource,
        eligible_expenses: input.rules.eligibleExpenses,
        period_from: input.rules.periodFrom,
        period_to: input.rules.periodTo,
        created_by: input.userId,
        created_at: input.now,
      })
      .execute();
  });
}

export interface AwardInput {
  contestId: number;
  award: GrantAward;
  awardedBy: number;
  now: Date;
  /** Added to the ledger memo, e.g. "데모 금액" for the demo history. */
  note?: string;
}

/**
 * Records an award and its ledger entry in the caller's transaction. The contest's row is locked
 * first, so awards of one contest are decided one at a time against the pool; an application
 * already awarded returns that award (nothing new is written).
 */
export async function recordGrantAwardIn(trx: Tx, input: AwardInput): Promise<{ id: number; created: boolean }> {
  const contest = await trx.selectFrom("contests").select(["id", "slug"]).where("id", "=", input.contestId).forUpdate().executeTakeFirst();
  if (!contest) throw new AppError("invalidChoice", 404);
  const existing = await trx.selectFrom("grant_awards").select(["id", "amount_won"]).where("application_id", "=", input.award.applicationId).where("contest_id", "=", contest.id).executeTakeFirst();
  if (existing) {
    // The same award again (a retry) returns it; a different one for the same team is refused.
    const lines = await trx.selectFrom("grant_award_lines").select(["expense_category", "amount_won"]).where("award_id", "=", existing.id).execute();
    const same =
      existing.amount_won === input.award.amountWon &&
      lines.length === input.award.lines.length &&
      input.award.lines.every((line) => lines.some((l) => l.expense_category === line.category && l.amount_won === line.amountWon));
    if (!same) throw new AppError("grantAlreadyAwarded", 409, "applicationId");
    return { id: existing.id, created: false };
  }
  const rules = await getCurrentGrantRules(trx, contest.id);
  if (!rules) throw new AppError("grantRulesMissing", 409);
  const [awarded, awardedLines, selected] = await Promise.all([
    trx.selectFrom("grant_awards").select(["id", "application_id", "amount_won"]).where("contest_id", "=", contest.id).execute(),
    trx
      .selectFrom("grant_award_lines")
      .innerJoin("grant_awards", "grant_awards.id", "grant_award_lines.award_id")
      .select(["grant_award_lines.award_id", "grant_award_lines.expense_category", "grant_award_lines.amount_won"])
      .where("grant_awards.contest_id", "=", contest.id)
      .execute(),
    trx.selectFrom("contest_applications").select(["id", "enterprise_id"]).where("contest_id", "=", contest.id).where("outcome", "=", "selected").execute(),
  ]);
  const previous: GrantAward[] = awarded.map((a) => ({
    applicationId: a.application_id,
    amountWon: a.amount_won,
    lines: awardedLines.filter((l) => l.award_id === a.id).map((l) => ({ category: l.expense_category, amountWon: l.amount_won })),
  }));
  const problem = validateAwards(rules, [...previous, input.award], new Set(selected.map((s) => s.id)))[0];
  if (problem) {
    const { key, field } = awardProblemMessage(problem);
    throw new AppError(key, 422, field);
  }
  const enterpriseId = selected.find((s) => s.id === input.award.applicationId)?.enterprise_id ?? 0;
  // The award's id names its ledger accounts, and the award row records its ledger entry: the id
  // is taken first, the entry appended, then the row written with both.
  const next = await sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence('grant_awards', 'id'))::bigint AS id`.execute(trx);
  const id = Number(next.rows[0]?.id);
  const entry = await appendEntry(trx, {
    kind: "grant.awarded",
    occurredAt: input.now,
    memo: [rules.title, rules.fundingSource, input.note ?? ""].filter((part) => part !== "").join(" · "),
    refs: { contest: contest.slug, grant: id },
    idempotencyKey: `grant:application:${input.award.applicationId}:awarded`,
    lines: [
      { account: contestGrantSource(contest.id), amountWon: -input.award.amountWon },
      { account: grantEscrow(id), amountWon: input.award.amountWon },
    ],
  });
  try {
    await sql`
      INSERT INTO grant_awards (id, contest_id, application_id, enterprise_id, rules_id, amount_won, awarded_by, awarded_at, ledger_entry_id)
      OVERRIDING SYSTEM VALUE
      VALUES (${id}, ${contest.id}, ${input.award.applicationId}, ${enterpriseId}, ${rules.id}, ${input.award.amountWon}, ${input.awardedBy}, ${input.now}, ${entry.entryId})`.execute(trx);
  } catch (error) {
    if (isCheckViolation(error, "grant_awards_cap")) throw new AppError("grantAboveCap", 422);
    if (isCheckViolation(error, "grant_awards_pool")) throw new AppError("grantAbovePool", 422);
    if (isCheckViolation(error, "grant_awards_selected")) throw new AppError("grantNotSelected", 422, "applicationId");
    throw error;
  }
  await trx
    .insertInto("grant_award_lines")
    .values(input.award.lines.map((line) => ({ award_id: id, expense_category: line.category, amount_won: line.amountWon })))
    .execute();
  return { id, created: true };
}

export async function recordGrantAward(db: Database, input: AwardInput): Promise<{ id: number; created: boolean }> {
  return db.transaction().execute((trx) => recordGrantAwardIn(trx, input));
}

export interface CategoryPlan {
  category: string;
  plannedWon: number;
  spentWon: number;
}

/** Each award's lines with what the ledger says was spent on them. */
async function withSpending(db: DbOrTx, awardIds: number[]): Promise<Map<number, CategoryPlan[]>> {
  if (awardIds.length === 0) return new Map();
  const lines = await db.selectFrom("grant_award_lines").select(["award_id", "expense_category", "amount_won"]).where("award_id", "in", awardIds).execute();
  const balances = await getBalances(
    db,
    lines.map((l) => grantCategorySpent(l.award_id, l.expense_category).code),
  );
  const plans = new Map<number, CategoryPlan[]>();
  for (const line of lines) {
    const list = plans.get(line.award_id) ?? [];
    list.push({ category: line.expense_category, plannedWon: line.amount_won, spentWon: balances.get(grantCategorySpent(line.award_id, line.expense_category).code) ?? 0 });
    plans.set(line.award_id, list);
  }
  return plans;
}

/** Orders an award's categories as the rules list them. */
function byRulesOrder(plans: CategoryPlan[], order: readonly string[]): CategoryPlan[] {
  return [...plans].sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category));
}

/** Every award of a contest, for the operator's page and the public contest page. */
export async function listContestAwards(db: DbOrTx, contestId: number) {
  const awards = await db
    .selectFrom("grant_awards")
    .innerJoin("enterprises", "enterprises.id", "grant_awards.enterprise_id")
    .innerJoin("contest_applications", "contest_applications.id", "grant_awards.application_id")
    .innerJoin("contest_grant_rules", "contest_grant_rules.id", "grant_awards.rules_id")
    .leftJoin("journal_entries as ledger_entry", "ledger_entry.id", "grant_awards.ledger_entry_id")
    .select([
      "grant_awards.id",
      "grant_awards.application_id",
      "grant_awards.amount_won",
      "grant_awards.awarded_at",
      "ledger_entry.seq as ledger_seq",
      "enterprises.name as enterprise_name",
      "contest_applications.title as application_title",
      "contest_applications.rank",
      "contest_grant_rules.eligible_expenses",
    ])
    .where("grant_awards.contest_id", "=", contestId)
    .orderBy("contest_applications.rank")
    .orderBy("grant_awards.id")
    .execute();
  const plans = await withSpending(
    db,
    awards.map((a) => a.id),
  );
  return awards.map(({ eligible_expenses, ...award }) => {
    const lines = byRulesOrder(plans.get(award.id) ?? [], eligible_expenses);
    return { ...award, lines, spentWon: lines.reduce((sum, l) => sum + l.spentWon, 0) };
  });
}

/** One award with its contest, rules and the enterprise it went to. */
export async function getGrantAward(db: DbOrTx, awardId: number) {
  const award = await db
    .selectFrom("grant_awards")
    .innerJoin("enterprises", "enterprises.id", "grant_awards.enterprise_id")
    .innerJoin("contests", "contests.id", "grant_awards.contest_id")
    .innerJoin("contest_applications", "contest_applications.id", "grant_awards.application_id")
    .innerJoin("contest_grant_rules", "contest_grant_rules.id", "grant_awards.rules_id")
    .leftJoin("journal_entries as ledger_entry", "ledger_entry.id", "grant_awards.ledger_entry_id")
    .select([
      "grant_awards.id",
      "grant_awards.amount_won",
      "grant_awards.awarded_at",
      "ledger_entry.seq as ledger_seq",
      "grant_awards.enterprise_id",
      "enterprises.name as enterprise_name",
      "contests.id as contest_id",
      "contests.slug as contest_slug",
      "contests.title as contest_title",
      "contests.host_id",
      "contest_applications.title as application_title",
      "contest_grant_rules.title as rules_title",
      "contest_grant_rules.funding_source",
      "contest_grant_rules.period_from",
      "contest_grant_rules.period_to",
      "contest_grant_rules.eligible_expenses",
    ])
    .where("grant_awards.id", "=", awardId)
    .executeTakeFirst();
  if (!award) return null;
  const { eligible_expenses, ...rest } = award;
  const lines = byRulesOrder((await withSpending(db, [award.id])).get(award.id) ?? [], eligible_expenses);
  return { ...rest, lines, spentWon: lines.reduce((sum, l) => sum + l.spentWon, 0) };
}

/** The awards of an enterprise's members, for their own pages. */
export async function listEnterpriseAwards(db: DbOrTx, enterpriseIds: number[]) {
  if (enterpriseIds.length === 0) return [];
  return db
    .selectFrom("grant_awards")
    .innerJoin("contests", "contests.id", "grant_awards.contest_id")
    .select(["grant_awards.id", "grant_awards.amount_won", "grant_awards.enterprise_id", "contests.title as contest_title"])
    .where("grant_awards.enterprise_id", "in", enterpriseIds)
    .orderBy("grant_awards.id", "desc")
    .execute();
}
