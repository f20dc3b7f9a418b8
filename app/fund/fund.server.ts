import type { FileStore } from "../files/file-store.server";
import type { ContributionKind, GrantCategory } from "../../db/types";
import { storeUpload } from "../files/files.server";
import { appendEntry, getBalances } from "../ledger/ledger.server";
import { AppError } from "../utils/app-error";
import type { Database, DbOrTx, Tx } from "../utils/db.server";
import { districtArea } from "../orgs/enterprises";
import { isUniqueViolation } from "../utils/pg-errors";
import { startOfSeoulDay } from "../utils/dates";
import {
  CONTRIBUTION_KINDS,
  fundCash,
  fundContributions,
  fundGrantsOut,
  fundInterestIncome,
  fundPenaltyIncome,
  fundWriteOffs,
  GRANT_CATEGORIES,
  loanReceivable,
  type ContributionInput,
  type FundSettingsInput,
} from "./fund";

/** Runs `work` in the caller's transaction, or in a new one. */
export function inTransaction<T>(db: DbOrTx, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Tx) : (db as Database).transaction().execute(work);
}

const fundColumns = [
  "funds.id",
  "funds.slug",
  "funds.host_id",
  "funds.name",
  "funds.description",
  "funds.expected_effects",
  "funds.committee_quorum",
  "funds.committee_majority_pct",
  "funds.reminder_days_before",
  "host_organisations.name as host_name",
] as const;

export async function getFund(db: DbOrTx, id: number) {
  return db
    .selectFrom("funds")
    .innerJoin("host_organisations", "host_organisations.id", "funds.host_id")
    .select(fundColumns)
    .where("funds.id", "=", id)
    .executeTakeFirst();
}

/** The slug of the first fund made (the fund index goes straight to it), or null before there is one. */
export async function firstFundSlug(db: DbOrTx): Promise<string | null> {
  return (await db.selectFrom("funds").select("slug").orderBy("id").executeTakeFirst())?.slug ?? null;
}

export async function getFundBySlug(db: DbOrTx, slug: string) {
  return db
    .selectFrom("funds")
    .innerJoin("host_organisations", "host_organisations.id", "funds.host_id")
    .select(fundColumns)
    .where("funds.slug", "=", slug)
    .executeTakeFirst();
}

export type FundRow = NonNullable<Awaited<ReturnType<typeof getFund>>>;

export async function listFundsForHosts(db: DbOrTx, hostIds: readonly number[]) {
  if (hostIds.length === 0) return [];
  return db
    .selectFrom("funds")
    .innerJoin("host_organisations", "host_organisations.id", "funds.host_id")
    .select(["funds.id", "funds.slug", "funds.name", "funds.host_id", "host_organisations.name as host_name"])
    .where("funds.host_id", "in", [...hostIds])
    .orderBy("funds.id")
    .execute();
}

/** Serialises the fund's money decisions (grants, disbursements) so "available" is never raced. */
export async function lockFund(trx: Tx, fundId: number): Promise<void> {
  await trx.selectFrom("funds").select("id").where("id", "=", fundId).forUpdate().executeTakeFirstOrThrow();
}

/** Approved or contracted loans not yet paid out: money the fund has promised. */
export async function committedWon(db: DbOrTx, fundId: number): Promise<number> {
  const approved = await db
    .selectFrom("loan_applications")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("amount_won"), eb.lit(0)).as("total"))
    .where("fund_id", "=", fundId)
    .where("state", "=", "approved")
    .executeTakeFirstOrThrow();
  const contracted = await db
    .selectFrom("loans")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("principal_won"), eb.lit(0)).as("total"))
    .where("fund_id", "=", fundId)
    .where("state", "=", "contracted")
    .executeTakeFirstOrThrow();
  return Number(approved.total) + Number(contracted.total);
}

export interface FundMoney {
  balanceWon: number;
  committedWon: number;
  availableWon: number;
}

export async function fundMoney(db: DbOrTx, fundId: number): Promise<FundMoney> {
  const balances = await getBalances(db, [fundCash(fundId).code]);
  const balanceWon = balances.get(fundCash(fundId).code) ?? 0;
  const committed = await committedWon(db, fundId);
  return { balanceWon, committedWon: committed, availableWon: Math.max(0, balanceWon - committed) };
}

export interface ContributionRequest {
  fundId: number;
  input: ContributionInput;
  evidence: File | null;
  fileStore: FileStore;
  recordedBy: number;
  hostId: number;
  now: Date;
}

/** Records money received by the fund, with its evidence, and the ledger entry. Idempotent by key. */
export async function recordContribution(db: Database, request: ContributionRequest): Promise<{ id: number; duplicate: boolean }> {
  const { fundId, input } = request;
  const existing = await db.selectFrom("fund_contributions").select("id").where("idempotency_key", "=", input.idempotencyKey).executeTakeFirst();
  if (existing) return { id: existing.id, duplicate: true };
  if (!request.evidence) throw new AppError("fileRequired", 422, "evidence");
  const evidence = request.evidence;
  try {
    return await db.transaction().execute(async (trx) => {
      const file = await storeUpload(trx, request.fileStore, evidence, "document", { purpose: "fund_evidence", hostId: request.hostId, uploadedBy: request.recordedBy }, "evidence");
      const id = await writeContribution(trx, fundId, input, { evidence_file_id: file.id }, request.recordedBy, request.now);
      return { id, duplicate: false };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const again = await db.selectFrom("fund_contributions").select("id").where("idempotency_key", "=", input.idempotencyKey).executeTakeFirst();
      if (again) return { id: again.id, duplicate: true };
    }
    throw error;
  }
}

/** Seeds and tests: a contribution whose evidence is described rather than uploaded. */
export async function recordContributionWithoutFile(trx: Tx, fundId: number, input: ContributionInput, evidenceNote: string, recordedBy: number, now: Date): Promise<number> {
  const existing = await trx.selectFrom("fund_contributions").select("id").where("idempotency_key", "=", input.idempotencyKey).executeTakeFirst();
  if (existing) return existing.id;
  return writeContribution(trx, fundId, input, { evidence_note: evidenceNote }, recordedBy, now);
}

/** The contribution row and its ledger entry (fund's contributions source → fund cash). */
async function writeContribution(
  trx: Tx,
  fundId: number,
  input: ContributionInput,
  evidence: { evidence_file_id: number } | { evidence_note: string },
  recordedBy: number,
  now: Date,
): Promise<number> {
  const entry = await appendEntry(trx, {
    kind: "fund.contribution",
    occurredAt: startOfSeoulDay(input.receivedOn),
    memo: `자활기금 재원 출연 (${input.kind})`,
    refs: { fund: fundId, kind: input.kind },
    idempotencyKey: `fund-contribution:${input.idempotencyKey}`,
    lines: [
      { account: fundContributions(fundId), amountWon: -input.amountWon },
      { account: fundCash(fundId), amountWon: input.amountWon },
    ],
  });
  const row = await trx
    .insertInto("fund_contributions")
    .values({
      fund_id: fundId,
      contributor: input.contributor,
      kind: input.kind,
      amount_won: input.amountWon,
      received_on: input.receivedOn,
      note: input.note,
      ...evidence,
      recorded_by: recordedBy,
      idempotency_key: input.idempotencyKey,
      ledger_entry_id: entry.entryId,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateFundSettings(db: DbOrTx, fundId: number, input: FundSettingsInput): Promise<void> {
  await db
    .updateTable("funds")
    .set({
      committee_quorum: input.committeeQuorum,
      committee_majority_pct: input.committeeMajorityPct,
      reminder_days_before: input.reminderDaysBefore,
      expected_effects: input.expectedEffects,
    })
    .where("id", "=", fundId)
    .execute();
}

export async function listContributions(db: DbOrTx, fundId: number) {
  return db
    .selectFrom("fund_contributions")
    .leftJoin("stored_files", "stored_files.id", "fund_contributions.evidence_file_id")
    .leftJoin("journal_entries as ledger_entry", "ledger_entry.id", "fund_contributions.ledger_entry_id")
    .select([
      "fund_contributions.id",
      "fund_contributions.contributor",
      "fund_contributions.kind",
      "fund_contributions.amount_won",
      "fund_contributions.received_on",
      "fund_contributions.note",
      "fund_contributions.evidence_note",
      "ledger_entry.seq as ledger_seq",
      "stored_files.public_id as evidence_public_id",
      "stored_files.original_name as evidence_name",
    ])
    .where("fund_contributions.fund_id", "=", fundId)
    .orderBy("fund_contributions.received_on", "desc")
    .orderBy("fund_contributions.id", "desc")
    .execute();
}

export async function listGrants(db: DbOrTx, fundId: number) {
  return db
    .selectFrom("fund_grants")
    .leftJoin("stored_files", "stored_files.id", "fund_grants.evidence_file_id")
    .leftJoin("journal_entries as ledger_entry", "ledger_entry.id", "fund_grants.ledger_entry_id")
    .select([
      "fund_grants.id",
      "fund_grants.category",
      "fund_grants.recipient",
      "fund_grants.area",
      "fund_grants.purpose",
      "fund_grants.expected_effect",
      "fund_grants.amount_won",
      "fund_grants.granted_on",
      "ledger_entry.seq as ledger_seq",
      "stored_files.public_id as evidence_public_id",
      "stored_files.original_name as evidence_name",
    ])
    .where("fund_grants.fund_id", "=", fundId)
    .orderBy("fund_grants.granted_on", "desc")
    .orderBy("fund_grants.id", "desc")
    .execute();
}

export interface FundOverview {
  balanceWon: number;
  availableWon: number;
  committedWon: number;
  sources: { kind: ContributionKind; amountWon: number }[];
  sourcesTotalWon: number;
  grants: { category: GrantCategory; amountWon: number }[];
  grantsTotalWon: number;
  loansDisbursedWon: number;
  loansCount: number;
  enterprisesSupported: number;
  outstandingWon: number;
  repaidPrincipalWon: number;
  interestIncomeWon: number;
  penaltyIncomeWon: number;
  writtenOffWon: number;
  areas: { area: string; loansWon: number; grantsWon: number }[];
}

/** The fund's public figures: every money figure comes from the ledger's balances. */
export async function fundOverview(db: DbOrTx, fundId: number): Promise<FundOverview> {
  const loans = await db
    .selectFrom("loans")
    .innerJoin("enterprises", "enterprises.id", "loans.enterprise_id")
    .select(["loans.id", "loans.enterprise_id", "loans.principal_won", "enterprises.district"])
    .where("loans.fund_id", "=", fundId)
    .where("loans.disbursed_on", "is not", null)
    .execute();
  const codes = [
    fundCash(fundId).code,
    fundContributions(fundId).code,
    fundInterestIncome(fundId).code,
    fundPenaltyIncome(fundId).code,
    fundWriteOffs(fundId).code,
    ...GRANT_CATEGORIES.map((c) => fundGrantsOut(fundId, c).code),
    ...loans.map((l) => loanReceivable(l.id).code),
  ];
  const balances = await getBalances(db, codes);
  const balance = (code: string) => balances.get(code) ?? 0;
  const money = await fundMoney(db, fundId);
  const sourceRows = await db
    .selectFrom("fund_contributions")
    .select((eb) => ["kind", eb.fn.sum<number>("amount_won").as("total")])
    .where("fund_id", "=", fundId)
    .groupBy("kind")
    .execute();
  const sourceTotals = new Map(sourceRows.map((r) => [r.kind, Number(r.total)]));
  const grants = GRANT_CATEGORIES.map((category) => ({ category, amountWon: balance(fundGrantsOut(fundId, category).code) }));
  const grantAreas = await db
    .selectFrom("fund_grants")
    .select((eb) => ["area", eb.fn.sum<number>("amount_won").as("total")])
    .where("fund_id", "=", fundId)
    .groupBy("area")
    .execute();
  const areas = new Map<string, { area: string; loansWon: number; grantsWon: number }>();
  const areaOf = (name: string) => {
    let row = areas.get(name);
    if (!row) {
      row = { area: name, loansWon: 0, grantsWon: 0 };
      areas.set(name, row);
    }
    return row;
  };
  for (const loan of loans) areaOf(districtArea(loan.district)).loansWon += loan.principal_won;
  for (const grant of grantAreas) areaOf(grant.area).grantsWon += Number(grant.total);
  const outstandingWon = loans.reduce((sum, l) => sum + balance(loanReceivable(l.id).code), 0);
  const loansDisbursedWon = loans.reduce((sum, l) => sum + l.principal_won, 0);
  const writtenOffWon = balance(fundWriteOffs(fundId).code);
  return {
    balanceWon: money.balanceWon,
    availableWon: money.availableWon,
    committedWon: money.committedWon,
    sources: CONTRIBUTION_KINDS.map((kind) => ({ kind, amountWon: sourceTotals.get(kind) ?? 0 })),
    sourcesTotalWon: -balance(fundContributions(fundId).code),
    grants,
    grantsTotalWon: grants.reduce((sum, g) => sum + g.amountWon, 0),
    loansDisbursedWon,
    loansCount: loans.length,
    enterprisesSupported: new Set(loans.map((l) => l.enterprise_id)).size,
    outstandingWon,
    repaidPrincipalWon: loansDisbursedWon - outstandingWon - writtenOffWon,
    interestIncomeWon: -balance(fundInterestIncome(fundId).code),
    penaltyIncomeWon: -balance(fundPenaltyIncome(fundId).code),
    writtenOffWon,
    areas: [...areas.values()].sort((a, b) => b.loansWon + b.grantsWon - (a.loansWon + a.grantsWon)),
  };
}
