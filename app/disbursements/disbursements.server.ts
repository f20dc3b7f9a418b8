import type { FileStore } from "../files/file-store.server";
import { sql } from "kysely";
import { pendingRefundsNetWon } from "../campaigns/settlement.server";
import { grantPeriodStanding } from "../contests/grants";
import { campaignMoney } from "../campaigns/totals.server";
import { enqueueEmail } from "../email/outbox.server";
import { storeUpload } from "../files/files.server";
import { campaignEscrow, campaignLineSpent, grantCategorySpent, grantEscrow } from "../ledger/accounts";
import { appendEntry, getBalancesUnder } from "../ledger/ledger.server";
import type { Services } from "../server/services";
import { AppError } from "../utils/app-error";
import { seoulDate } from "../utils/dates";
import type { DbOrTx, Tx } from "../utils/db.server";
import { isCheckViolation, isUniqueViolation } from "../utils/pg-errors";
import { budgetVsActual, canSpend } from "./disbursement";

/** The database's refusals, as messages a person can act on. */
function translate(error: unknown): never {
  if (isUniqueViolation(error, "disbursement_approvals_pkey")) throw new AppError("alreadyApproved", 409);
  if (isCheckViolation(error, "ledger_accounts_balance_not_negative")) throw new AppError("insufficientFunds", 409, "amount");
  const message = error instanceof Error ? error.message : "";
  if (/maker cannot|member of the spending enterprise/.test(message)) throw new AppError("makerCannotApprove", 403);
  if (/only an operator/.test(message)) throw new AppError("notAllowed", 403);
  if (/not open for approval|is already/.test(message)) throw new AppError("disbursementNotOpen", 409);
  throw error;
}

export interface DisbursementRequest {
  campaignId: number;
  requestedBy: number;
  kind: "expense" | "delivery";
  budgetLineId: number;
  amount: number;
  payee: string;
  description: string;
  idempotencyKey: string;
  receipts: File[];
}

/** Records a request (with private receipts); the same idempotency key records it once. */
export async function requestDisbursement(services: Pick<Services, "db" | "clock" | "fileStore">, input: DisbursementRequest): Promise<{ id: number; created: boolean }> {
  const { db, clock, fileStore } = services;
  const existing = await db.selectFrom("disbursements").select("id").where("idempotency_key", "=", input.idempotencyKey).executeTakeFirst();
  if (existing) return { id: existing.id, created: false };
  const campaign = await db
    .selectFrom("campaigns")
    .innerJoin("enterprises", "enterprises.id", "campaigns.enterprise_id")
    .leftJoin("contests", "contests.id", "campaigns.contest_id")
    .select(["campaigns.id", "campaigns.state", "campaigns.funding_model", "campaigns.enterprise_id", sql<number>`coalesce(contests.host_id, enterprises.host_id)`.as("host_id")])
    .where("campaigns.id", "=", input.campaignId)
    .executeTakeFirst();
  if (!campaign || !canSpend(campaign.state, campaign.funding_model)) throw new AppError("campaignCannotSpend", 409);
  const line = await db.selectFrom("budget_lines").select("id").where("id", "=", input.budgetLineId).where("campaign_id", "=", campaign.id).executeTakeFirst();
  if (!line) throw new AppError("invalidChoice", 422, "budgetLineId");
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom("campaigns").select("id").where("id", "=", campaign.id).forUpdate().execute();
    const escrow = (await campaignMoney(trx, [campaign.id])).get(campaign.id)?.escrowWon ?? 0;
    const pending = await trx
      .selectFrom("disbursements")
      .select(sql<number>`coalesce(sum(amount_won), 0)::bigint`.as("total"))
      .where("campaign_id", "=", campaign.id)
      .where("state", "=", "requested")
      .executeTakeFirstOrThrow();
    // Refunds already asked for are owed from the same escrow.
    if (input.amount > escrow - Number(pending.total) - (await pendingRefundsNetWon(trx, campaign.id))) throw new AppError("insufficientFunds", 409, "amount");
    const id = await insertRequest(trx, fileStore, now, input, { campaign_id: campaign.id, budget_line_id: line.id }, { enterpriseId: campaign.enterprise_id, hostId: campaign.host_id });
    return { id, created: true };
  });
}

type RequestTerms = Pick<DisbursementRequest, "requestedBy" | "kind" | "amount" | "payee" | "description" | "idempotencyKey" | "receipts">;

/** The request row and its private receipts, for a campaign's budget line or a grant's category. */
async function insertRequest(
  trx: Tx,
  fileStore: FileStore,
  now: Date,
  terms: RequestTerms,
  target: { campaign_id: number; budget_line_id: number } | { grant_award_id: number; expense_category: string },
  owner: { enterpriseId: number; hostId: number },
): Promise<number> {
  const row = await trx
    .insertInto("disbursements")
    .values({
      ...target,
      kind: terms.kind,
      payee: terms.payee,
      description: terms.description,
      amount_won: terms.amount,
      requested_by: terms.requestedBy,
      idempotency_key: terms.idempotencyKey,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const file of terms.receipts) {
    const stored = await storeUpload(trx, fileStore, file, "document", { purpose: "disbursement_receipt", enterpriseId: owner.enterpriseId, hostId: owner.hostId, uploadedBy: terms.requestedBy }, "receipts");
    await trx.insertInto("disbursement_receipts").values({ disbursement_id: row.id, file_id: stored.id }).execute();
  }
  return row.id;
}

export interface GrantDisbursementRequest extends RequestTerms {
  grantAwardId: number;
  expenseCategory: string;
}

/**
 * A request against one of a grant award's expense categories, through the same four-eyes flow
 * as a campaign's: only inside the grant period (by the app clock's Seoul date), never more than
 * is left of the category's plan once open requests count (the database checks both, the plan
 * under the award's lock).
 */
export async function requestGrantDisbursement(services: Services, input: GrantDisbursementRequest): Promise<{ id: number; created: boolean }> {
  try {
    return await services.db.transaction().execute((trx) => requestGrantDisbursementIn(trx, { fileStore: services.fileStore, now: services.clock.now() }, input));
  } catch (error) {
    if (isCheckViolation(error, "disbursements_grant_category_limit")) throw new AppError("grantCategoryOverspent", 409, "amount");
    if (isCheckViolation(error, "disbursements_grant_period_not_started")) throw new AppError("grantPeriodNotStarted", 409);
    if (isCheckViolation(error, "disbursements_grant_period_ended")) throw new AppError("grantPeriodEnded", 409);
    throw error;
  }
}

/** The request inside the caller's transaction (the demo seed writes its history this way). */
export async function requestGrantDisbursementIn(trx: Tx, context: { fileStore: FileStore; now: Date }, input: GrantDisbursementRequest): Promise<{ id: number; created: boolean }> {
  const existing = await trx.selectFrom("disbursements").select("id").where("idempotency_key", "=", input.idempotencyKey).executeTakeFirst();
  if (existing) return { id: existing.id, created: false };
  const award = await trx
    .selectFrom("grant_awards")
    .innerJoin("contests", "contests.id", "grant_awards.contest_id")
    .innerJoin("contest_grant_rules", "contest_grant_rules.id", "grant_awards.rules_id")
    .select(["grant_awards.id", "grant_awards.enterprise_id", "contests.host_id", "contest_grant_rules.period_from", "contest_grant_rules.period_to"])
    .where("grant_awards.id", "=", input.grantAwardId)
    .executeTakeFirst();
  if (!award) throw new AppError("invalidChoice", 404);
  const standing = grantPeriodStanding({ periodFrom: award.period_from, periodTo: award.period_to }, seoulDate(context.now));
  if (standing !== "open") throw new AppError(standing === "notStarted" ? "grantPeriodNotStarted" : "grantPeriodEnded", 409);
  const line = await trx.selectFrom("grant_award_lines").select("amount_won").where("award_id", "=", award.id).where("expense_category", "=", input.expenseCategory).executeTakeFirst();
  if (!line) throw new AppError("invalidChoice", 422, "expenseCategory");
  const committed = await trx
    .selectFrom("disbursements")
    .select(sql<number>`coalesce(sum(amount_won), 0)::bigint`.as("total"))
    .where("grant_award_id", "=", award.id)
    .where("expense_category", "=", input.expenseCategory)
    .where("state", "in", ["requested", "paid"])
    .executeTakeFirstOrThrow();
  if (input.amount > line.amount_won - Number(committed.total)) throw new AppError("grantCategoryOverspent", 409, "amount");
  const id = await insertRequest(trx, context.fileStore, context.now, input, { grant_award_id: award.id, expense_category: input.expenseCategory }, { enterpriseId: award.enterprise_id, hostId: award.host_id });
  return { id, created: true };
}

async function lockDisbursement(trx: Tx, id: number) {
  const row = await trx
    .selectFrom("disbursements")
    .leftJoin("campaigns", "campaigns.id", "disbursements.campaign_id")
    .leftJoin("budget_lines", "budget_lines.id", "disbursements.budget_line_id")
    .leftJoin("grant_awards", "grant_awards.id", "disbursements.grant_award_id")
    .leftJoin("contests", "contests.id", "grant_awards.contest_id")
    .innerJoin("users", "users.id", "disbursements.requested_by")
    .select([
      "disbursements.id",
      "disbursements.campaign_id",
      "disbursements.budget_line_id",
      "disbursements.grant_award_id",
      "disbursements.expense_category",
      "disbursements.amount_won",
      "disbursements.payee",
      "disbursements.kind",
      "disbursements.state",
      "disbursements.required_approvals",
      "campaigns.slug as campaign_slug",
      "campaigns.title as campaign_title",
      "budget_lines.name as line_name",
      "contests.slug as contest_slug",
      "contests.title as contest_title",
      "users.email",
      "users.locale",
    ])
    .where("disbursements.id", "=", id)
    .forUpdate("disbursements")
    .executeTakeFirst();
  if (!row) return undefined;
  // Where the money comes from and which line it is spent on: a campaign's budget line or a grant's category.
  const fromCampaign = row.campaign_id !== null && row.budget_line_id !== null;
  const source = fromCampaign ? campaignEscrow(row.campaign_id ?? 0) : grantEscrow(row.grant_award_id ?? 0);
  const target = fromCampaign ? campaignLineSpent(row.campaign_id ?? 0, row.budget_line_id ?? 0) : grantCategorySpent(row.grant_award_id ?? 0, row.expense_category ?? "");
  const ref: Record<string, string | number> = fromCampaign ? { campaign: row.campaign_slug ?? "" } : { contest: row.contest_slug ?? "", grant: row.grant_award_id ?? 0 };
  return {
    ...row,
    source,
    target,
    label: (fromCampaign ? row.line_name : row.expense_category) ?? "",
    title: (fromCampaign ? row.campaign_title : row.contest_title) ?? "",
    ref,
    url: fromCampaign ? `/campaigns/${row.campaign_slug}/spending` : `/grants/${row.grant_award_id}`,
  };
}

/**
 * One operator's approval. When the last required approval arrives, the money moves from escrow
 * in the same transaction; concurrent approvals are serialised on the request's row, so it is
 * paid once.
 */
export async function approveDisbursement(services: Pick<Services, "db" | "clock" | "origin">, input: { disbursementId: number; approverId: number }): Promise<{ paid: boolean }> {
  const now = services.clock.now();
  try {
    return await services.db.transaction().execute((trx) => approveDisbursementIn(trx, { origin: services.origin, now }, input));
  } catch (error) {
    return translate(error);
  }
}

/** The approval inside the caller's transaction (the demo seed writes its history this way). */
export async function approveDisbursementIn(trx: Tx, context: { origin: string; now: Date }, input: { disbursementId: number; approverId: number }): Promise<{ paid: boolean }> {
  const { now } = context;
  const disbursement = await lockDisbursement(trx, input.disbursementId);
  if (!disbursement) throw new AppError("disbursementNotOpen", 404);
  if (disbursement.state !== "requested") throw new AppError("disbursementNotOpen", 409);
  await trx.insertInto("disbursement_approvals").values({ disbursement_id: disbursement.id, approver_id: input.approverId, approved_at: now }).execute();
  const approvals = await trx.selectFrom("disbursement_approvals").select(sql<number>`count(*)::int`.as("n")).where("disbursement_id", "=", disbursement.id).executeTakeFirstOrThrow();
  if (approvals.n < disbursement.required_approvals) return { paid: false };
  await enqueueEmail(trx, disbursement.email, "disbursementDecided", {
    locale: disbursement.locale,
    campaignTitle: disbursement.title,
    lineName: disbursement.label,
    amountWon: disbursement.amount_won,
    paid: true,
    reason: "",
    campaignUrl: `${context.origin}${disbursement.url}`,
  });
  const entry = await appendEntry(trx, {
    kind: disbursement.kind === "delivery" ? "disbursement.delivered" : "disbursement.paid",
    occurredAt: now,
    memo: `${disbursement.label} · ${disbursement.payee}`,
    refs: { ...disbursement.ref, disbursement: disbursement.id },
    idempotencyKey: `disbursement:${disbursement.id}:paid`,
    lines: [
      { account: disbursement.source, amountWon: -disbursement.amount_won },
      { account: disbursement.target, amountWon: disbursement.amount_won },
    ],
  });
  await trx.updateTable("disbursements").set({ state: "paid", ledger_entry_id: entry.entryId, paid_at: now, updated_at: now }).where("id", "=", disbursement.id).execute();
  return { paid: true };
}

export async function rejectDisbursement(services: Services, input: { disbursementId: number; operatorId: number; reason: string }): Promise<void> {
  const now = services.clock.now();
  try {
    await services.db.transaction().execute(async (trx) => {
      const disbursement = await lockDisbursement(trx, input.disbursementId);
      if (!disbursement) throw new AppError("disbursementNotOpen", 404);
      if (disbursement.state !== "requested") throw new AppError("disbursementNotOpen", 409);
      await trx
        .updateTable("disbursements")
        .set({ state: "rejected", rejected_by: input.operatorId, rejection_reason: input.reason, updated_at: now })
        .where("id", "=", disbursement.id)
        .execute();
      await enqueueEmail(trx, disbursement.email, "disbursementDecided", {
        locale: disbursement.locale,
        campaignTitle: disbursement.title,
        lineName: disbursement.label,
        amountWon: disbursement.amount_won,
        paid: false,
        reason: input.reason,
        campaignUrl: `${services.origin}${disbursement.url}`,
      });
    });
  } catch (error) {
    translate(error);
  }
}

/** Publishes a redacted copy of a private receipt; only that copy becomes public. */
export async function publishRedactedReceipt(services: Services, input: { receiptId: number; operatorId: number; hostId: number; file: File }): Promise<void> {
  const stored = await storeUpload(services.db, services.fileStore, input.file, "document", { purpose: "redacted_receipt", hostId: input.hostId, uploadedBy: input.operatorId }, "redacted");
  await services.db
    .updateTable("disbursement_receipts")
    .set({ redacted_file_id: stored.id, published_by: input.operatorId, published_at: services.clock.now() })
    .where("id", "=", input.receiptId)
    .execute();
}

/** What a disbursement belongs to: a campaign (budget lines) or a grant award (expense categories). */
export type DisbursementSubject = { campaignId: number } | { grantAwardId: number };

/**
 * The disbursements of a campaign or a grant award, newest first, with their receipts: the
 * public sees paid ones and only the redacted copies an operator published; insiders see all.
 */
export async function listDisbursements(db: DbOrTx, subject: DisbursementSubject, options: { insider: boolean }) {
  const [column, subjectId] =
    "campaignId" in subject ? (["disbursements.campaign_id", subject.campaignId] as const) : (["disbursements.grant_award_id", subject.grantAwardId] as const);
  const [disbursements, receipts] = await Promise.all([
    db
      .selectFrom("disbursements")
      .leftJoin("budget_lines", "budget_lines.id", "disbursements.budget_line_id")
      .leftJoin("journal_entries as ledger_entry", "ledger_entry.id", "disbursements.ledger_entry_id")
      .select([
        "disbursements.id",
        "disbursements.kind",
        "disbursements.payee",
        "disbursements.description",
        "disbursements.amount_won",
        "disbursements.state",
        "disbursements.required_approvals",
        "disbursements.rejection_reason",
        "ledger_entry.seq as ledger_seq",
        "disbursements.paid_at",
        "disbursements.created_at",
        "disbursements.requested_by",
        sql<string>`coalesce(budget_lines.name, disbursements.expense_category)`.as("line_name"),
        (eb) => eb.selectFrom("disbursement_approvals").select(sql<number>`count(*)::int`.as("n")).whereRef("disbursement_approvals.disbursement_id", "=", "disbursements.id").as("approvals"),
      ])
      .where(column, "=", subjectId)
      .where((eb) => (options.insider ? eb.val(true) : eb("disbursements.state", "=", "paid")))
      .orderBy("disbursements.id", "desc")
      .execute(),
    db
      .selectFrom("disbursement_receipts")
      .innerJoin("disbursements", "disbursements.id", "disbursement_receipts.disbursement_id")
      .innerJoin("stored_files as original", "original.id", "disbursement_receipts.file_id")
      .leftJoin("stored_files as redacted", "redacted.id", "disbursement_receipts.redacted_file_id")
      .select([
        "disbursement_receipts.id",
        "disbursement_receipts.disbursement_id",
        "original.public_id as original_id",
        "original.original_name",
        "redacted.public_id as redacted_id",
      ])
      .where(column, "=", subjectId)
      .execute(),
  ]);
  return disbursements.map((d) => ({
    ...d,
    approvals: Number(d.approvals ?? 0),
    // The public sees only redacted copies an operator published; insiders see the originals.
    receipts: receipts
      .filter((r) => r.disbursement_id === d.id)
      .map((r) => ({ id: r.id, name: r.original_name, originalId: options.insider ? r.original_id : null, redactedId: r.redacted_id }))
      .filter((r) => options.insider || r.redactedId !== null),
  }));
}

/** Everything the spending page shows, for the public (published receipts only) or insiders. */
export async function getSpending(db: DbOrTx, campaignId: number, options: { insider: boolean }) {
  const [lines, disbursements, money] = await Promise.all([
    db.selectFrom("budget_lines").select(["id", "name", "amount_won", "explanation"]).where("campaign_id", "=", campaignId).orderBy("position").execute(),
    listDisbursements(db, { campaignId }, options),
    getBalancesUnder(db, `campaign:${campaignId}:line:`),
  ]);
  const spent = new Map([...money].map(([code, balance]) => [Number(code.split(":")[3]), balance]));
  const plan = budgetVsActual(
    lines.map((l) => ({ id: l.id, name: l.name, amountWon: l.amount_won, explanation: l.explanation })),
    spent,
  );
  return { plan, disbursements };
}

export async function saveLineExplanation(db: DbOrTx, campaignId: number, lineId: number, explanation: string): Promise<void> {
  await db.updateTable("budget_lines").set({ explanation }).where("id", "=", lineId).where("campaign_id", "=", campaignId).execute();
}

export async function getThreshold(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom("platform_settings").select("value_bigint").where("key", "=", "dual_approval_threshold_won").executeTakeFirst();
  return row?.value_bigint ?? 1_000_000;
}

/** The enterprise's results report after success (progress, impressions, plans, photos). */
export async function publishReport(
  services: Pick<Services, "db" | "clock" | "fileStore">,
  input: { campaignId: number; authorId: number; enterpriseId: number; progress: string; impressions: string; followUp: string; photos: File[] },
): Promise<void> {
  const now = services.clock.now();
  await services.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("campaign_reports")
      .values({ campaign_id: input.campaignId, author_id: input.authorId, progress: input.progress, impressions: input.impressions, follow_up: input.followUp, published_at: now, updated_at: now })
      .onConflict((oc) => oc.column("campaign_id").doUpdateSet({ progress: input.progress, impressions: input.impressions, follow_up: input.followUp, updated_at: now }))
      .execute();
    for (const photo of input.photos) {
      const stored = await storeUpload(trx, services.fileStore, photo, "image", { purpose: "report_photo", enterpriseId: input.enterpriseId, uploadedBy: input.authorId }, "photos");
      await trx.insertInto("campaign_report_photos").values({ campaign_id: input.campaignId, file_id: stored.id }).execute();
    }
  });
}

export async function getReport(db: DbOrTx, campaignId: number) {
  const report = await db.selectFrom("campaign_reports").select(["progress", "impressions", "follow_up", "published_at", "updated_at"]).where("campaign_id", "=", campaignId).executeTakeFirst();
  if (!report) return null;
  const photos = await db
    .selectFrom("campaign_report_photos")
    .innerJoin("stored_files", "stored_files.id", "campaign_report_photos.file_id")
    .select(["campaign_report_photos.id", "stored_files.public_id", "campaign_report_photos.caption"])
    .where("campaign_report_photos.campaign_id", "=", campaignId)
    .orderBy("campaign_report_photos.id")
    .execute();
  return { ...report, photos };
}
