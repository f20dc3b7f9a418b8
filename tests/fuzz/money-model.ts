import fc from "fast-check";
import { sql } from "kysely";
import { recordOfflineDonation } from "../../app/campaigns/campaigns.server";
import { chargeDuePledges, closeCampaign, processRefunds, requestRefund, settleChargingCampaigns } from "../../app/campaigns/settlement.server";
import { campaignMoney, type CampaignMoney } from "../../app/campaigns/totals.server";
import { approveDisbursement, rejectDisbursement, requestDisbursement } from "../../app/disbursements/disbursements.server";
import { canSpend } from "../../app/disbursements/disbursement";
import { fundCash, fundInterestIncome, fundPenaltyIncome, loanReceivable } from "../../app/fund/fund";
import { checkEntryContent, GENESIS_HASH } from "../../app/ledger/ledger";
import { getBalances, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { contractTerms, loadInstalments, recordRepayment, type RepaymentRequest, type RepaymentResult } from "../../app/loans/loans.server";
import { nextPayment, quotePrepayment, unpaidPrincipal } from "../../app/loans/servicing";
import { completeDemoAuthentication, confirmDemoCard } from "../../app/payments/demo-checkout.server";
import { createPledge } from "../../app/pledges/pledges.server";
import { cancelPledge } from "../../app/pledges/pledges.server";
import type { PledgeInput } from "../../app/pledges/pledge";
import { seoulDate } from "../../app/utils/dates";
import type { CampaignState, PledgeState } from "../../db/types";
import type { World } from "./world";

// R1: the money flows as fast-check commands against a small in-memory model. Each command runs
// the real domain functions on a real database; after every command the model and the database
// must agree and the ledger invariants must hold. A refused command must change nothing.

const FEE_BP = 320;
const DAY_MS = 86_400_000;
const COLLECTION_RETRY_DAYS = 3;

export type CardChoice = "ok" | "declined" | "insufficient" | "authApproved" | "authRefused" | "failsLater";
const CARD_NUMBERS: Record<CardChoice, string> = {
  ok: "4242424242424242",
  declined: "4000000000000002",
  insufficient: "4000000000009995",
  authApproved: "4000000000003220",
  authRefused: "4000000000003220",
  failsLater: "4000000000000341",
};

interface PledgeModel {
  publicId: string;
  id: number;
  campaign: number;
  backer: number;
  amount: number;
  input: PledgeInput;
  state: PledgeState;
  feeWon: number;
  /** How the saved card behaves when charged off-session. */
  savedCard: "succeeds" | "fails" | null;
  chargeAttempts: number;
  nextChargeAt: number | null;
  /** A card update already confirmed for the current attempt (its setup intent is spent). */
  updatedCard: "succeeds" | "fails" | null;
  refundRequested: boolean;
}

interface CampaignModel {
  state: CampaignState;
  settlement: "open" | "charging" | "settled";
  deadline: number | null;
  money: Omit<CampaignMoney, "raisedWon">;
}

interface DisbursementModel {
  id: number;
  campaign: number;
  amount: number;
  required: 1 | 2;
  approvers: Set<number>;
  state: "requested" | "paid" | "rejected";
  key: string;
}

interface RepaymentModel {
  key: string;
  request: RepaymentRequest;
  result: RepaymentResult;
}

export interface MoneyModel {
  now: number;
  closed: boolean;
  daysAfterClose: number;
  campaigns: CampaignModel[];
  pledges: PledgeModel[];
  offlineKeys: string[];
  disbursements: DisbursementModel[];
  repayments: RepaymentModel[];
  loanTotals: { cash: number; principal: number; interest: number; penalty: number };
  /** Hook for matching pools (branch `matching`): matched amounts per campaign, booked by match commands. */
  matchedWon: number[];
}

export function initialModel(world: World): MoneyModel {
  return {
    now: world.services.clock.now().getTime(),
    closed: false,
    daysAfterClose: 0,
    campaigns: world.campaigns.map(() => ({ state: "live", settlement: "open", deadline: null, money: { onlineWon: 0, offlineWon: 0, refundedWon: 0, feesWon: 0, escrowWon: 0 } })),
    pledges: [],
    offlineKeys: [],
    disbursements: [],
    repayments: [],
    loanTotals: { cash: 0, principal: 0, interest: 0, penalty: 0 },
    matchedWon: world.campaigns.map(() => 0),
  };
}

function raised(c: CampaignModel): number {
  return c.money.onlineWon + c.money.offlineWon - c.money.refundedWon;
}

function fee(amount: number): number {
  return Math.floor((amount * FEE_BP) / 10_000);
}

function today(world: World): string {
  return seoulDate(world.services.clock.now());
}

/** The error code a refusal carries (AppError by name, not class: see README decisions). */
function errorCode(error: unknown): string {
  if (error instanceof Error && error.name === "AppError") return (error as Error & { code: string }).code;
  throw error;
}

async function refusal(work: Promise<unknown>): Promise<string | null> {
  try {
    await work;
    return null;
  } catch (error) {
    return errorCode(error);
  }
}

/** What the runs reached (printed by `npm run fuzz`), so a quiet run is not mistaken for coverage. */
export const coverage = new Map<string, number>();
function reached(event: string): void {
  coverage.set(event, (coverage.get(event) ?? 0) + 1);
}

export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvariantViolation";
  }
}

function expectEqual<T>(what: string, actual: T, expected: T): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new InvariantViolation(`${what}: database ${a}, model ${e}`);
}

/** What a refused command must leave untouched: business rows of the run and the ledger head. */
async function fingerprint(world: World): Promise<string> {
  const campaignIds = world.campaigns.map((c) => c.id);
  const row = await sql<{ f: string }>`
    SELECT md5(concat_ws('|',
      (SELECT seq::text FROM ledger_head),
      (SELECT string_agg(concat_ws(',', id, state, next_charge_at, refund_requested_at, charge_attempts, provider_payment_method_id), ';' ORDER BY id) FROM pledges WHERE campaign_id IN (${sql.join(campaignIds)})),
      (SELECT string_agg(concat_ws(',', id, state, settlement), ';' ORDER BY id) FROM campaigns WHERE id IN (${sql.join(campaignIds)})),
      (SELECT string_agg(concat_ws(',', id, state), ';' ORDER BY id) FROM disbursements),
      (SELECT count(*)::text FROM disbursement_approvals),
      (SELECT count(*)::text FROM offline_donations),
      (SELECT count(*)::text FROM loan_repayments),
      (SELECT string_agg(concat_ws(',', number, principal_paid_won, interest_paid_won, penalty_paid_won, paid_off_on), ';' ORDER BY number) FROM loan_instalments WHERE loan_id = ${world.loan.id}),
      (SELECT sum(claimed_count)::text FROM rewards)
    )) AS f`.execute(world.db);
  return row.rows[0]?.f ?? "";
}

async function expectUnchanged(world: World, before: string, what: string): Promise<void> {
  const after = await fingerprint(world);
  if (after !== before) throw new InvariantViolation(`${what} was refused but changed the database`);
}

function expectRefusal(what: string, code: string | null, expected: string | null): void {
  if (code !== expected) throw new InvariantViolation(`${what}: got ${code ?? "success"}, model expects ${expected ?? "success"}`);
}

// ---------------------------------------------------------------------------------------------
// Invariants, checked after every command.

let verifiedUpTo = new WeakMap<World, number>();

export async function checkInvariants(world: World, model: MoneyModel): Promise<void> {
  const { db } = world;
  // Every journal entry written since the last check has ≥ 2 lines summing to zero.
  const from = verifiedUpTo.get(world) ?? 0;
  const unbalanced = await sql<{ seq: number }>`
    SELECT entry_seq AS seq FROM journal_lines WHERE entry_seq > ${from}
    GROUP BY entry_seq HAVING sum(amount_won) <> 0 OR count(*) < 2 LIMIT 1`.execute(db);
  if (unbalanced.rows[0]) throw new InvariantViolation(`journal entry ${unbalanced.rows[0].seq} does not balance`);
  // Every account's balance is the sum of its lines; no holding account is negative.
  const drift = await sql<{ code: string }>`
    SELECT a.code FROM ledger_accounts a
    LEFT JOIN (SELECT account_id, sum(amount_won) AS total FROM journal_lines GROUP BY account_id) l ON l.account_id = a.id
    WHERE a.balance_won <> coalesce(l.total, 0) LIMIT 1`.execute(db);
  if (drift.rows[0]) throw new InvariantViolation(`balance of ${drift.rows[0].code} differs from the sum of its lines`);
  const negative = await db.selectFrom("ledger_accounts").select("code").where("may_go_negative", "=", false).where("balance_won", "<", 0).executeTakeFirst();
  if (negative) throw new InvariantViolation(`${negative.code} is negative`);
  // The entries written since the last check chain on from the last verified hash, with their
  // canonical texts and hashes intact (the whole ledger is verified at the end of every run).
  const fresh = await db.selectFrom("journal_entries").select(["seq", "canonical", "leaf_hash", "chain_hash"]).where("seq", ">=", Math.max(1, from)).orderBy("seq").execute();
  let previous: Buffer | null = from === 0 ? GENESIS_HASH : null;
  for (const row of fresh) {
    if (row.seq === from) {
      previous = row.chain_hash;
      continue;
    }
    const checked = checkEntryContent({ seq: row.seq, canonical: row.canonical, leaf_hash: row.leaf_hash.toString("hex"), chain_hash: row.chain_hash.toString("hex") }, previous);
    if (typeof checked === "string") throw new InvariantViolation(`journal entry ${row.seq}: ${checked}`);
    previous = row.chain_hash;
  }
  verifiedUpTo.set(world, fresh.at(-1)?.seq ?? from);

  // Campaigns: state, settlement and money from the ledger equal the model.
  const ids = world.campaigns.map((c) => c.id);
  const money = await campaignMoney(db, ids);
  const rows = await db.selectFrom("campaigns").select(["id", "state", "settlement"]).where("id", "in", ids).execute();
  world.campaigns.forEach((setup, i) => {
    const m = model.campaigns[i];
    if (!m) return;
    const row = rows.find((r) => r.id === setup.id);
    expectEqual(`campaign ${setup.fundingModel} state`, [row?.state, row?.settlement], [m.state, m.settlement]);
    expectEqual(`campaign ${setup.fundingModel} money`, money.get(setup.id), { ...m.money, raisedWon: raised(m) });
  });

  // Matching pools (branch `matching`) check here: each pool's available + committed + returned
  // = contributed, and `model.matchedWon[i]` = the campaign's matched money in the ledger.

  // Pledges: states equal the model; money moved exactly once for each.
  const pledgeRows = await db.selectFrom("pledges").select(["id", "state", "fee_won"]).where("campaign_id", "in", ids).orderBy("id").execute();
  expectEqual("pledge count", pledgeRows.length, model.pledges.length);
  for (const p of model.pledges) {
    const row = pledgeRows.find((r) => r.id === p.id);
    expectEqual(`pledge ${p.id} state`, row?.state, p.state);
  }
  const entryCounts = await sql<{ key: string; n: number }>`
    SELECT idempotency_key AS key, count(*)::int AS n FROM journal_entries
    WHERE idempotency_key LIKE 'pledge:%' GROUP BY idempotency_key`.execute(db);
  const entries = new Map(entryCounts.rows.map((r) => [r.key, r.n]));
  const intents = await sql<{ key: string; kind: string; n: number }>`
    SELECT split_part(idempotency_key, ':', 2) AS key, kind, count(*)::int AS n FROM demo_payment_intents
    WHERE idempotency_key LIKE 'pledge:%' AND status = 'succeeded' AND kind IN ('payment', 'refund')
    GROUP BY 1, 2`.execute(db);
  for (const p of model.pledges) {
    const collected = p.state === "collected" || p.state === "refunded";
    expectEqual(`pledge ${p.id} collection entries`, entries.get(`pledge:${p.id}:collected`) ?? 0, collected ? 1 : 0);
    expectEqual(`pledge ${p.id} refund entries`, entries.get(`pledge:${p.id}:refunded`) ?? 0, p.state === "refunded" ? 1 : 0);
    const charges = intents.rows.find((r) => r.key === String(p.id) && r.kind === "payment")?.n ?? 0;
    if (charges > 1) throw new InvariantViolation(`pledge ${p.id} was charged ${charges} times at the processor`);
    expectEqual(`pledge ${p.id} processor charges`, charges, collected ? 1 : 0);
  }

  // Escrow from the business tables (collected net of fees, offline, refunds, paid disbursements) = ledger escrow.
  const fromTables = await sql<{ campaign_id: number; escrow: string }>`
    SELECT c.id AS campaign_id,
      coalesce((SELECT sum(amount_won - coalesce(fee_won, 0)) FROM pledges WHERE campaign_id = c.id AND state = 'collected'), 0)
      + coalesce((SELECT sum(amount_won) FROM offline_donations WHERE campaign_id = c.id), 0)
      - coalesce((SELECT sum(amount_won) FROM disbursements WHERE campaign_id = c.id AND state = 'paid'), 0) AS escrow
    FROM campaigns c WHERE c.id IN (${sql.join(ids)})`.execute(db);
  for (const row of fromTables.rows) {
    expectEqual(`campaign ${row.campaign_id} escrow from the tables`, Number(row.escrow), money.get(row.campaign_id)?.escrowWon);
  }

  // Disbursements: state and approvals as the model says.
  const disbursements = await db
    .selectFrom("disbursements")
    .select(["id", "state", (eb) => eb.selectFrom("disbursement_approvals").select(sql<number>`count(*)::int`.as("n")).whereRef("disbursement_id", "=", "disbursements.id").as("approvals")])
    .where("campaign_id", "in", ids)
    .execute();
  expectEqual("disbursement count", disbursements.length, model.disbursements.length);
  for (const d of model.disbursements) {
    const row = disbursements.find((r) => r.id === d.id);
    expectEqual(`disbursement ${d.id}`, [row?.state, row?.approvals], [d.state, d.approvers.size]);
  }

  // The fund and the loan: ledger = baseline + what the model booked; receivable = unpaid principal.
  const { loan } = world;
  const codes = [fundCash(loan.fundId), fundInterestIncome(loan.fundId), fundPenaltyIncome(loan.fundId), loanReceivable(loan.id)].map((a) => a.code);
  const balances = await getBalances(db, codes);
  const b = (i: number) => balances.get(codes[i] ?? "") ?? 0;
  expectEqual("fund cash", b(0), loan.baseline.cash + model.loanTotals.cash);
  expectEqual("fund interest income", b(1), loan.baseline.interest - model.loanTotals.interest);
  expectEqual("fund penalty income", b(2), loan.baseline.penalty - model.loanTotals.penalty);
  expectEqual("loan receivable", b(3), loan.baseline.receivable - model.loanTotals.principal);
  const instalments = await loadInstalments(db, loan.id);
  expectEqual("loan receivable vs. schedule", b(3), instalments.reduce((s, i) => s + unpaidPrincipal(i), 0));
  const repaymentRows = await db.selectFrom("loan_repayments").select("idempotency_key").where("idempotency_key", "like", "fuzz-%").execute();
  expectEqual("repayments recorded", repaymentRows.map((r) => r.idempotency_key).sort(), model.repayments.map((r) => r.key).sort());
}

/** The whole ledger from seq 1: chain, canonical texts, stored lines, balances and totals by kind. */
export async function verifyWholeLedger(world: World): Promise<void> {
  const verified = await verifyStoredLedger(world.db);
  if (!verified.ok) throw new InvariantViolation(`ledger does not verify: ${JSON.stringify(verified.problem)}`);
}

export function resetInvariantCursor(): void {
  verifiedUpTo = new WeakMap();
}

// ---------------------------------------------------------------------------------------------
// Commands.

/** A command as data: what a kept regression case stores and replays without fast-check. */
export interface CommandSpec {
  name: string;
  args: unknown[];
}

export type Cmd = fc.AsyncCommand<MoneyModel, World, false> & { spec(): CommandSpec };

let keySerial = 0;
function newKey(prefix: string): string {
  keySerial += 1;
  return `${prefix}-${process.pid}-${keySerial}-${Math.random().toString(36).slice(2, 8)}`;
}

function campaignAccepts(model: MoneyModel, campaign: number): boolean {
  const c = model.campaigns[campaign];
  return !model.closed && c?.state === "live";
}

class PledgeCommand implements Cmd {
  constructor(
    readonly campaign: number,
    readonly backer: number,
    readonly amount: number,
    readonly card: CardChoice,
    readonly doubleSubmit: boolean,
  ) {}
  check = () => true;
  async run(model: MoneyModel, world: World): Promise<void> {
    const setup = world.campaigns[this.campaign];
    const backerId = world.backers[this.backer];
    if (!setup || backerId === undefined) return;
    const input: PledgeInput = { amount: this.amount, kind: "sponsorship", rewardId: null, message: "", anonymous: false, backerKind: "individual", companyName: "", businessNumber: null, idempotencyKey: newKey("fuzz-pledge") };
    const before = await fingerprint(world);
    const attempt = () => createPledge(world.services, { backerId, campaignId: setup.id, data: input });
    let created: { publicId: string } | null = null;
    const code = await refusal(
      (async () => {
        const results = this.doubleSubmit ? await Promise.all([attempt(), attempt()]) : [await attempt()];
        if (new Set(results.map((r) => r.publicId)).size !== 1) throw new InvariantViolation("one idempotency key made two pledges");
        created = results[0] ?? null;
      })(),
    );
    expectRefusal("pledge", code, campaignAccepts(model, this.campaign) ? null : "campaignNotOpen");
    if (code || !created) return expectUnchanged(world, before, "pledge");
    const publicId = (created as { publicId: string }).publicId;
    const row = await world.db.selectFrom("pledges").select("id").where("public_id", "=", publicId).executeTakeFirstOrThrow();
    const pledge: PledgeModel = {
      publicId,
      id: row.id,
      campaign: this.campaign,
      backer: this.backer,
      amount: this.amount,
      input,
      state: "pending_authorization",
      feeWon: 0,
      savedCard: null,
      chargeAttempts: 0,
      nextChargeAt: null,
      updatedCard: null,
      refundRequested: false,
    };
    model.pledges.push(pledge);
    // The same key with another body is refused and changes nothing.
    const replayBefore = await fingerprint(world);
    const conflict = await refusal(createPledge(world.services, { backerId, campaignId: setup.id, data: { ...input, amount: this.amount + 1_000 } }));
    expectRefusal("pledge replay with another body", conflict, "idempotencyConflict");
    await expectUnchanged(world, replayBefore, "pledge replay with another body");
    await payPledge(model, world, pledge, this.card);
  }
  spec = (): CommandSpec => ({ name: "pledge", args: [this.campaign, this.backer, this.amount, this.card, this.doubleSubmit] });
  toString = () => `pledge(campaign ${this.campaign}, backer ${this.backer}, ${this.amount}, ${this.card}${this.doubleSubmit ? ", double submit" : ""})`;
}

/** The card form (and the 3-D Secure page when asked), for a new pledge or a card update. */
async function payPledge(model: MoneyModel, world: World, pledge: PledgeModel, card: CardChoice): Promise<void> {
  const campaign = world.campaigns[pledge.campaign];
  if (!campaign) return;
  const before = await fingerprint(world);
  const code = await refusal(
    (async () => {
      const result = await confirmDemoCard(world.services, pledge.publicId, { number: CARD_NUMBERS[card], expiry: "12/30", cvc: "123" });
      if (result.requiresAction) await completeDemoAuthentication(world.services, pledge.publicId, card === "authApproved");
    })(),
  );
  const declineCode = card === "declined" ? "cardDeclined" : card === "insufficient" ? "cardInsufficientFunds" : card === "authRefused" ? "authenticationFailed" : null;
  const keepItAll = campaign.fundingModel === "keep_it_all";

  if (pledge.state === "pending_authorization") {
    const refused = declineCode ?? (keepItAll && card === "failsLater" ? "cardDeclined" : null);
    expectRefusal("card", code, refused);
    reached(refused ? "card refused" : "card accepted");
    if (refused) return expectUnchanged(world, before, "card");
    if (keepItAll) {
      collect(model, pledge);
    } else {
      pledge.state = "saved";
      pledge.savedCard = card === "failsLater" ? "fails" : "succeeds";
    }
    return;
  }
  if (pledge.state === "collection_failed") {
    // A card update: one setup intent per charge attempt; once confirmed, later forms reuse it.
    if (pledge.updatedCard) {
      expectRefusal("card update (intent already confirmed)", code, null);
      pledge.savedCard = pledge.updatedCard;
      pledge.nextChargeAt = model.now;
      return;
    }
    expectRefusal("card update", code, declineCode);
    reached(declineCode ? "card update refused" : "card updated");
    if (declineCode) return expectUnchanged(world, before, "card update");
    pledge.updatedCard = card === "failsLater" ? "fails" : "succeeds";
    pledge.savedCard = pledge.updatedCard;
    pledge.nextChargeAt = model.now;
    return;
  }
  // Already paid, released, cancelled…: the form reports where it stands and changes nothing.
  expectRefusal("card on a settled pledge", code, null);
  await expectUnchanged(world, before, "card on a settled pledge");
}

function collect(model: MoneyModel, pledge: PledgeModel): void {
  const c = model.campaigns[pledge.campaign];
  if (!c) return;
  reached(`pledge collected (${c.settlement === "charging" ? "charged after close" : "paid at once"})`);
  pledge.state = "collected";
  pledge.feeWon = fee(pledge.amount);
  pledge.nextChargeAt = null;
  c.money.onlineWon += pledge.amount;
  c.money.feesWon += pledge.feeWon;
  c.money.escrowWon += pledge.amount - pledge.feeWon;
}

class PayAgainCommand implements Cmd {
  constructor(
    readonly pledge: number,
    readonly card: CardChoice,
  ) {}
  check = (m: Readonly<MoneyModel>) => m.pledges.length > 0;
  async run(model: MoneyModel, world: World): Promise<void> {
    const pledge = model.pledges[this.pledge % model.pledges.length];
    if (pledge) await payPledge(model, world, pledge, this.card);
  }
  spec = (): CommandSpec => ({ name: "payAgain", args: [this.pledge, this.card] });
  toString = () => `payAgain(pledge #${this.pledge}, ${this.card})`;
}

class CancelCommand implements Cmd {
  constructor(
    readonly pledge: number,
    readonly byOther: boolean,
  ) {}
  check = (m: Readonly<MoneyModel>) => m.pledges.length > 0;
  async run(model: MoneyModel, world: World): Promise<void> {
    const pledge = model.pledges[this.pledge % model.pledges.length];
    if (!pledge) return;
    const actor = world.backers[this.byOther ? (pledge.backer + 1) % world.backers.length : pledge.backer];
    if (actor === undefined) return;
    const before = await fingerprint(world);
    const code = await refusal(cancelPledge(world.services, actor, pledge.publicId));
    const allowed = !this.byOther && !model.closed && model.campaigns[pledge.campaign]?.state === "live" && (pledge.state === "saved" || pledge.state === "pending_authorization");
    expectRefusal("cancel", code, allowed ? null : "pledgeNotCancellable");
    reached(allowed ? "pledge cancelled" : "cancel refused");
    if (!allowed) return expectUnchanged(world, before, "cancel");
    pledge.state = "cancelled";
  }
  spec = (): CommandSpec => ({ name: "cancel", args: [this.pledge, this.byOther] });
  toString = () => `cancel(pledge #${this.pledge}${this.byOther ? ", by another backer" : ""})`;
}

class OfflineDonationCommand implements Cmd {
  constructor(
    readonly campaign: number,
    readonly amount: number,
    readonly reuseKey: boolean,
  ) {}
  check = () => true;
  async run(model: MoneyModel, world: World): Promise<void> {
    const setup = world.campaigns[this.campaign];
    const c = model.campaigns[this.campaign];
    if (!setup || !c) return;
    const reused = this.reuseKey ? model.offlineKeys.at(-1) : undefined;
    const key = reused ?? newKey("fuzz-offline");
    const before = await fingerprint(world);
    let created = false;
    const code = await refusal(
      recordOfflineDonation(world.services, { campaignId: setup.id, operatorId: world.operators[0], source: "현장 모금함", amount: this.amount, receivedOn: today(world), evidenceFileId: null, idempotencyKey: key }).then((r) => {
        created = r.created;
      }),
    );
    if (reused) {
      expectRefusal("offline donation replay", code, null);
      if (created) throw new InvariantViolation("an offline donation key was recorded twice");
      return expectUnchanged(world, before, "offline donation replay");
    }
    const open = c.state === "live" || c.state === "succeeded";
    expectRefusal("offline donation", code, open ? null : "campaignNotOpen");
    if (!open) return expectUnchanged(world, before, "offline donation");
    reached("offline donation");
    model.offlineKeys.push(key);
    c.money.offlineWon += this.amount;
    c.money.escrowWon += this.amount;
  }
  spec = (): CommandSpec => ({ name: "offline", args: [this.campaign, this.amount, this.reuseKey] });
  toString = () => `offline(campaign ${this.campaign}, ${this.amount}${this.reuseKey ? ", reused key" : ""})`;
}

/** The deadline passes (09:00 in Seoul the next day) and both campaigns close. */
class CloseCommand implements Cmd {
  // After a few pledges, so runs reach the charge, settle and spending steps.
  check = (m: Readonly<MoneyModel>) => !m.closed && m.pledges.length >= 4;
  async run(model: MoneyModel, world: World): Promise<void> {
    world.services.clock.set("2026-12-01T00:00:00Z");
    model.now = world.services.clock.now().getTime();
    model.closed = true;
    for (const [i, setup] of world.campaigns.entries()) {
      const closed = await closeCampaign(world.services, setup.id);
      if (!closed) throw new InvariantViolation(`campaign ${setup.fundingModel} did not close`);
      const c = model.campaigns[i];
      if (!c) continue;
      const pledges = model.pledges.filter((p) => p.campaign === i);
      for (const p of pledges) if (p.state === "pending_authorization") p.state = "cancelled";
      if (setup.fundingModel === "keep_it_all") {
        c.state = raised(c) >= setup.goalWon ? "succeeded" : "failed";
        c.settlement = "settled";
        continue;
      }
      const promised = pledges.filter((p) => p.state === "saved").reduce((s, p) => s + p.amount, 0);
      if (promised + raised(c) < setup.goalWon) {
        for (const p of pledges) if (p.state === "saved" || p.state === "collection_failed") p.state = "released";
        c.state = "failed";
        c.settlement = "settled";
        continue;
      }
      c.settlement = "charging";
      c.deadline = model.now + COLLECTION_RETRY_DAYS * DAY_MS;
      for (const p of pledges) if (p.state === "saved") p.nextChargeAt = model.now;
    }
  }
  spec = (): CommandSpec => ({ name: "close", args: [] });
  toString = () => "close()";
}

class AdvanceDayCommand implements Cmd {
  check = (m: Readonly<MoneyModel>) => m.closed && m.daysAfterClose < 5;
  async run(model: MoneyModel, world: World): Promise<void> {
    await world.services.clock.advance(DAY_MS);
    model.now += DAY_MS;
    model.daysAfterClose += 1;
  }
  spec = (): CommandSpec => ({ name: "advanceDay", args: [] });
  toString = () => "advanceDay()";
}

/** The charge sweeper then the settle sweeper, as the minute tick runs them. */
class ChargeCommand implements Cmd {
  check = (m: Readonly<MoneyModel>) => m.closed;
  async run(model: MoneyModel, world: World): Promise<void> {
    await chargeDuePledges(world.services);
    await settleChargingCampaigns(world.services);
    for (const [i, setup] of world.campaigns.entries()) {
      const c = model.campaigns[i];
      if (!c || c.settlement !== "charging" || setup.fundingModel !== "all_or_nothing") continue;
      const pledges = model.pledges.filter((p) => p.campaign === i);
      for (const p of pledges) {
        if ((p.state !== "saved" && p.state !== "collection_failed") || p.nextChargeAt === null || p.nextChargeAt > model.now) continue;
        p.chargeAttempts += 1;
        p.updatedCard = null;
        if (p.savedCard === "succeeds") {
          collect(model, p);
        } else {
          p.state = "collection_failed";
          reached("charge declined");
          const next = model.now + DAY_MS;
          p.nextChargeAt = c.deadline !== null && next <= c.deadline ? next : null;
        }
      }
      const reachedGoal = raised(c) >= setup.goalWon;
      if (reachedGoal && c.state === "live") c.state = "succeeded";
      const open = pledges.some((p) => p.state === "saved" || p.state === "charging" || (p.state === "collection_failed" && p.nextChargeAt !== null));
      const windowOver = c.deadline !== null && model.now >= c.deadline;
      if (open && !windowOver) continue;
      for (const p of pledges) if (p.state === "saved" || p.state === "collection_failed") p.state = "released";
      reached(reachedGoal ? "all-or-nothing settled: succeeded" : "all-or-nothing settled: failed");
      if (!reachedGoal) {
        for (const p of pledges) if (p.state === "collected") p.refundRequested = true;
        c.state = "failed";
      }
      c.settlement = "settled";
    }
  }
  spec = (): CommandSpec => ({ name: "chargeAndSettle", args: [] });
  toString = () => "chargeAndSettle()";
}

/** Refunds asked for and not yet made: the escrow still owes them (net of the fee the platform bears). */
function pendingRefundsNet(model: MoneyModel, campaign: number): number {
  return model.pledges.filter((p) => p.campaign === campaign && p.state === "collected" && p.refundRequested).reduce((s, p) => s + p.amount - p.feeWon, 0);
}

function pendingDisbursements(model: MoneyModel, campaign: number): number {
  return model.disbursements.filter((d) => d.campaign === campaign && d.state === "requested").reduce((s, d) => s + d.amount, 0);
}

class RequestRefundCommand implements Cmd {
  constructor(readonly pledge: number) {}
  check = (m: Readonly<MoneyModel>) => m.pledges.length > 0;
  async run(model: MoneyModel, world: World): Promise<void> {
    const pledge = model.pledges[this.pledge % model.pledges.length];
    const c = pledge ? model.campaigns[pledge.campaign] : undefined;
    if (!pledge || !c) return;
    const before = await fingerprint(world);
    const outcome = await requestRefund(world.services, pledge.id, "후원자 요청");
    const covered = pledge.amount - pledge.feeWon <= c.money.escrowWon - pendingRefundsNet(model, pledge.campaign) - pendingDisbursements(model, pledge.campaign);
    const expected = pledge.state !== "collected" || pledge.refundRequested ? "notRefundable" : covered ? "requested" : "exceedsEscrow";
    expectEqual(`refund request for pledge ${pledge.id}`, outcome, expected);
    reached(`refund request ${outcome}`);
    if (outcome !== "requested") return expectUnchanged(world, before, "refund request");
    pledge.refundRequested = true;
  }
  spec = (): CommandSpec => ({ name: "requestRefund", args: [this.pledge] });
  toString = () => `requestRefund(pledge #${this.pledge})`;
}

class ProcessRefundsCommand implements Cmd {
  check = (m: Readonly<MoneyModel>) => m.pledges.some((p) => p.refundRequested && p.state === "collected");
  async run(model: MoneyModel, world: World): Promise<void> {
    await processRefunds(world.services);
    for (const [i, c] of model.campaigns.entries()) {
      const pending = model.pledges.filter((p) => p.campaign === i && p.state === "collected" && p.refundRequested);
      if (pending.length === 0) continue;
      // All fit: all are refunded. Otherwise the sweeper refunds what the escrow still covers, in
      // its order, and flags the rest: read which, then check that no skipped one would have fit.
      const fits = pending.reduce((s, p) => s + p.amount - p.feeWon, 0) <= c.money.escrowWon;
      const states = fits ? null : new Map((await world.db.selectFrom("pledges").select(["id", "state"]).where("id", "in", pending.map((p) => p.id)).execute()).map((r) => [r.id, r.state]));
      for (const p of pending) {
        if (states && states.get(p.id) !== "refunded") continue;
        p.state = "refunded";
        reached("pledge refunded");
        c.money.refundedWon += p.amount;
        c.money.escrowWon -= p.amount - p.feeWon;
      }
      for (const p of pending) {
        if (p.state === "refunded") continue;
        reached("refund held: escrow spent");
        if (p.amount - p.feeWon <= c.money.escrowWon) throw new InvariantViolation(`pledge ${p.id}'s refund fits the escrow but was not made`);
      }
    }
  }
  spec = (): CommandSpec => ({ name: "processRefunds", args: [] });
  toString = () => "processRefunds()";
}

class RequestDisbursementCommand implements Cmd {
  constructor(
    readonly campaign: number,
    readonly line: number,
    readonly amount: number,
    readonly reuseKey: boolean,
  ) {}
  check = () => true;
  async run(model: MoneyModel, world: World): Promise<void> {
    const setup = world.campaigns[this.campaign];
    const c = model.campaigns[this.campaign];
    const line = setup?.budgetLineIds[this.line % (setup?.budgetLineIds.length ?? 1)];
    if (!setup || !c || line === undefined) return;
    const reused = this.reuseKey ? model.disbursements.at(-1) : undefined;
    const before = await fingerprint(world);
    let result: { id: number; created: boolean } | null = null;
    const code = await refusal(
      requestDisbursement(world.services, {
        campaignId: setup.id,
        requestedBy: world.maker,
        kind: "expense",
        budgetLineId: line,
        amount: this.amount,
        payee: "퍼즈 상회",
        description: "재료 구입",
        idempotencyKey: reused?.key ?? newKey("fuzz-disb"),
        receipts: [],
      }).then((r) => {
        result = r;
      }),
    );
    if (reused) {
      expectRefusal("disbursement replay", code, null);
      expectEqual("disbursement replay", result, { id: reused.id, created: false });
      return expectUnchanged(world, before, "disbursement replay");
    }
    const owed = pendingDisbursements(model, this.campaign) + pendingRefundsNet(model, this.campaign);
    const expected = !canSpend(c.state, setup.fundingModel) ? "campaignCannotSpend" : this.amount > c.money.escrowWon - owed ? "insufficientFunds" : null;
    expectRefusal("disbursement request", code, expected);
    reached(`disbursement request ${expected ?? "accepted"}`);
    if (expected || !result) return expectUnchanged(world, before, "disbursement request");
    const created = result as { id: number; created: boolean };
    const key = await world.db.selectFrom("disbursements").select("idempotency_key").where("id", "=", created.id).executeTakeFirstOrThrow();
    model.disbursements.push({ id: created.id, campaign: this.campaign, amount: this.amount, required: this.amount > 30_000 ? 2 : 1, approvers: new Set(), state: "requested", key: key.idempotency_key ?? "" });
  }
  spec = (): CommandSpec => ({ name: "requestDisbursement", args: [this.campaign, this.line, this.amount, this.reuseKey] });
  toString = () => `requestDisbursement(campaign ${this.campaign}, line ${this.line}, ${this.amount}${this.reuseKey ? ", reused key" : ""})`;
}

class DecideDisbursementCommand implements Cmd {
  /** who: 0 and 1 are the two operators, 2 the enterprise member who asked. */
  constructor(
    readonly disbursement: number,
    readonly who: 0 | 1 | 2,
    readonly reject: boolean,
  ) {}
  check = (m: Readonly<MoneyModel>) => m.disbursements.length > 0;
  async run(model: MoneyModel, world: World): Promise<void> {
    const d = model.disbursements[this.disbursement % model.disbursements.length];
    const c = d ? model.campaigns[d.campaign] : undefined;
    if (!d || !c) return;
    const actor = this.who === 2 ? world.maker : world.operators[this.who];
    const before = await fingerprint(world);
    if (this.reject) {
      const code = await refusal(rejectDisbursement(world.services, { disbursementId: d.id, operatorId: actor, reason: "증빙 부족" }));
      // Rejecting is an operator's decision on an open request (the route checks the role).
      const expected = d.state !== "requested" ? "disbursementNotOpen" : null;
      expectRefusal("disbursement rejection", code, expected);
      if (expected) return expectUnchanged(world, before, "disbursement rejection");
      d.state = "rejected";
      return;
    }
    const code = await refusal(approveDisbursement(world.services, { disbursementId: d.id, approverId: actor }));
    const last = d.approvers.size + 1 >= d.required;
    const expected =
      d.state !== "requested"
        ? "disbursementNotOpen"
        : this.who === 2
          ? "makerCannotApprove"
          : d.approvers.has(this.who)
            ? "alreadyApproved"
            : last && d.amount > c.money.escrowWon
              ? "insufficientFunds"
              : null;
    expectRefusal("disbursement approval", code, expected);
    reached(`disbursement approval ${expected ?? (last ? "paid" : "first of two")}`);
    if (expected) return expectUnchanged(world, before, "disbursement approval");
    d.approvers.add(this.who);
    if (last) {
      d.state = "paid";
      c.money.escrowWon -= d.amount;
    }
  }
  spec = (): CommandSpec => ({ name: "decideDisbursement", args: [this.disbursement, this.who, this.reject] });
  toString = () => `${this.reject ? "reject" : "approve"}Disbursement(#${this.disbursement}, by ${["operator 1", "operator 2", "maker"][this.who]})`;
}

export type RepaymentAmount = { kind: "nextDue" } | { kind: "payoff" } | { kind: "fixed"; won: number };

class RepaymentCommand implements Cmd {
  constructor(
    readonly kind: "instalment" | "prepayment",
    readonly amount: RepaymentAmount,
    readonly submit: "once" | "twiceAtOnce" | "replaySame" | "replayOther",
  ) {}
  check = () => true;
  async run(model: MoneyModel, world: World): Promise<void> {
    const { loan } = world;
    const paidOn = today(world);
    const loanRow = await world.db.selectFrom("loans").selectAll().where("id", "=", loan.id).executeTakeFirstOrThrow();
    const instalments = await loadInstalments(world.db, loan.id);
    const terms = contractTerms(loanRow);
    let amountWon = this.amount.kind === "fixed" ? this.amount.won : 0;
    if (this.amount.kind === "nextDue") amountWon = nextPayment(instalments, paidOn, terms)?.amountWon ?? 10_000;
    if (this.amount.kind === "payoff") {
      const quote = quotePrepayment(terms, instalments, paidOn);
      amountWon = quote.ok ? quote.quote.payoffWon : 10_000;
    }
    const request: RepaymentRequest = {
      loanId: loan.id,
      kind: this.kind,
      method: "bank_transfer",
      amountWon,
      paidOn,
      externalReference: `FUZZ-${model.repayments.length + 1}`,
      idempotencyKey: newKey("fuzz-repay"),
      recordedBy: world.fundAdmin,
      today: paidOn,
      now: world.services.clock.now(),
      origin: world.services.origin,
      silent: true,
    };
    const before = await fingerprint(world);
    let results: RepaymentResult[] = [];
    const code = await refusal(
      (async () => {
        results = this.submit === "twiceAtOnce" ? await Promise.all([recordRepayment(world.db, request), recordRepayment(world.db, request)]) : [await recordRepayment(world.db, request)];
      })(),
    );
    reached(`repayment ${this.kind} ${code ?? "recorded"}`);
    if (code) return expectUnchanged(world, before, `repayment (${code})`);
    const first = results.find((r) => !r.duplicate);
    if (!first || results.filter((r) => !r.duplicate).length !== 1) throw new InvariantViolation("a repayment submitted twice at once was not recorded exactly once");
    if (new Set(results.map((r) => r.repaymentId)).size !== 1) throw new InvariantViolation("a double submit recorded two repayments");
    const a = first.allocation;
    if (a.penaltyWon + a.interestWon + a.principalWon !== a.totalWon || a.totalWon !== amountWon) throw new InvariantViolation(`repayment of ${amountWon} allocated ${JSON.stringify(a)}`);
    model.repayments.push({ key: request.idempotencyKey, request, result: first });
    model.loanTotals.cash += a.totalWon;
    model.loanTotals.principal += a.principalWon;
    model.loanTotals.interest += a.interestWon;
    model.loanTotals.penalty += a.penaltyWon;

    if (this.submit === "replaySame" || this.submit === "replayOther") {
      const replayBefore = await fingerprint(world);
      const other = this.submit === "replayOther" ? { ...request, amountWon: request.amountWon + 1 } : request;
      let replayed: RepaymentResult | null = null;
      const replayCode = await refusal(
        recordRepayment(world.db, other).then((r) => {
          replayed = r;
        }),
      );
      expectRefusal("repayment replay", replayCode, this.submit === "replayOther" ? "requestNumberReused" : null);
      if (replayed) expectEqual("repayment replay", [(replayed as RepaymentResult).repaymentId, (replayed as RepaymentResult).duplicate], [first.repaymentId, true]);
      await expectUnchanged(world, replayBefore, "repayment replay");
    }
  }
  spec = (): CommandSpec => ({ name: "repay", args: [this.kind, this.amount, this.submit] });
  toString = () => `repay(${this.kind}, ${this.amount.kind === "fixed" ? this.amount.won : this.amount.kind}, ${this.submit})`;
}

// ---------------------------------------------------------------------------------------------
// The command generators. Matching pools (branch `matching`) add theirs to `extraCommands`.

const amount = fc.integer({ min: 1, max: 60 }).map((n) => n * 1_000);
const card = fc.constantFrom<CardChoice>("ok", "ok", "ok", "declined", "insufficient", "authApproved", "authRefused", "failsLater", "failsLater");

export function moneyCommands(extraCommands: fc.Arbitrary<Cmd>[] = []): fc.Arbitrary<Cmd>[] {
  const pledge = fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 3 }), amount, card, fc.boolean()).map(([c, b, a, k, d]) => new PledgeCommand(c, b, a, k, d));
  const requestDisbursement = fc
    .tuple(fc.integer({ min: 0, max: 1 }), fc.nat(), fc.integer({ min: 1, max: 80 }).map((n) => n * 1_000), fc.boolean())
    .map(([c, l, a, r]) => new RequestDisbursementCommand(c, l, a, r));
  const decideDisbursement = fc
    .tuple(fc.nat(), fc.constantFrom<0 | 1 | 2>(0, 1, 0, 1, 2), fc.integer({ min: 0, max: 4 }))
    .map(([d, w, r]) => new DecideDisbursementCommand(d, w, r === 0 && w !== 2));
  const repay = fc
    .tuple(
      fc.constantFrom<"instalment" | "prepayment">("instalment", "instalment", "prepayment"),
      fc.oneof(fc.constant<RepaymentAmount>({ kind: "nextDue" }), fc.constant<RepaymentAmount>({ kind: "payoff" }), fc.integer({ min: 1, max: 400 }).map<RepaymentAmount>((n) => ({ kind: "fixed", won: n * 1_000 }))),
      fc.constantFrom<"once" | "twiceAtOnce" | "replaySame" | "replayOther">("once", "twiceAtOnce", "replaySame", "replayOther"),
    )
    .map(([k, a, s]) => new RepaymentCommand(k, a, s));
  const charge = fc.constant(new ChargeCommand());
  // fc.commands picks uniformly among these: repeats weight the frequent steps (≈ 20 steps before the close).
  return [
    pledge,
    pledge,
    pledge,
    pledge,
    pledge,
    fc.tuple(fc.nat(), card).map(([p, k]) => new PayAgainCommand(p, k)),
    fc.tuple(fc.nat(), card).map(([p, k]) => new PayAgainCommand(p, k)),
    fc.tuple(fc.nat(), fc.boolean()).map(([p, o]) => new CancelCommand(p, o)),
    fc.tuple(fc.integer({ min: 0, max: 1 }), amount, fc.boolean()).map(([c, a, r]) => new OfflineDonationCommand(c, a, r)),
    fc.constant(new CloseCommand()),
    fc.constant(new AdvanceDayCommand()),
    charge,
    charge,
    fc.nat().map((p) => new RequestRefundCommand(p)),
    fc.constant(new ProcessRefundsCommand()),
    requestDisbursement,
    requestDisbursement,
    decideDisbursement,
    decideDisbursement,
    repay,
    repay,
    ...extraCommands,
  ];
}

/** The command a spec describes (the inverse of `spec()`). */
export function commandFromSpec({ name, args: a }: CommandSpec): Cmd {
  const n = (i: number) => Number(a[i]);
  const b = (i: number) => a[i] === true;
  switch (name) {
    case "pledge":
      return new PledgeCommand(n(0), n(1), n(2), a[3] as CardChoice, b(4));
    case "payAgain":
      return new PayAgainCommand(n(0), a[1] as CardChoice);
    case "cancel":
      return new CancelCommand(n(0), b(1));
    case "offline":
      return new OfflineDonationCommand(n(0), n(1), b(2));
    case "close":
      return new CloseCommand();
    case "advanceDay":
      return new AdvanceDayCommand();
    case "chargeAndSettle":
      return new ChargeCommand();
    case "requestRefund":
      return new RequestRefundCommand(n(0));
    case "processRefunds":
      return new ProcessRefundsCommand();
    case "requestDisbursement":
      return new RequestDisbursementCommand(n(0), n(1), n(2), b(3));
    case "decideDisbursement":
      return new DecideDisbursementCommand(n(0), n(1) as 0 | 1 | 2, b(2));
    case "repay":
      return new RepaymentCommand(a[0] as "instalment" | "prepayment", a[1] as RepaymentAmount, a[2] as "once" | "twiceAtOnce" | "replaySame" | "replayOther");
    default:
      throw new Error(`unknown fuzz command ${name}`);
  }
}

/** Wraps each command so the invariants are checked after it (and the failing command is named). */
export function withInvariants(command: Cmd): Cmd {
  return {
    check: (m) => command.check(m),
    run: async (m, r) => {
      await command.run(m, r);
      m.now = r.services.clock.now().getTime();
      try {
        await checkInvariants(r, m);
      } catch (error) {
        if (error instanceof Error) error.message = `after ${command.toString()}: ${error.message}`;
        throw error;
      }
    },
    toString: () => command.toString(),
    spec: () => command.spec(),
  };
}
