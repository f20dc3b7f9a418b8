import fc from "fast-check";
import { sql } from "kysely";
import { recordOfflineDonation } from "../../app/campaigns/campaigns.server";
import { chargeDuePledges, closeCampaign, processRefunds, requestRefund, settleChargingCampaigns } from "../../app/campaigns/settlement.server";
import { campaignMoney, type CampaignMoney } from "../../app/campaigns/totals.server";
import { approveDisbursement, rejectDisbursement, requestDisbursement } from "../../app/disbursements/disbursements.server";
import { canSpend } from "../../app/disbursements/disbursement";
import { fundCash, fundInterestIncome, fundPenaltyIncome, loanReceivable } from "../../app/fund/fund";
import { campaignEscrow, poolAvailable, poolCommitted, poolReturned, poolSource } from "../../app/ledger/accounts";
import { checkEntryContent, GENESIS_HASH } from "../../app/ledger/ledger";
import { getBalances, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { drainLedger, getSequencingStatus, sequenceBatch } from "../../app/ledger/sequencer.server";
import { ALLOCATION_MODES, computeMatch, factorMatch, reserveFor, type MatchDecision, type MatchingRules } from "../../app/matching/matching";
import { rulesFromInput, rulesFromRow, type RulesInput } from "../../app/matching/matching-forms";
import { closePool, publishRules } from "../../app/matching/matching.server";
import { contractTerms, loadInstalments, recordRepayment, type RepaymentRequest, type RepaymentResult } from "../../app/loans/loans.server";
import { nextPayment, quotePrepayment, unpaidPrincipal } from "../../app/loans/servicing";
import { completeDemoAuthentication, confirmDemoCard, decideDemoApproval } from "../../app/payments/demo-checkout.server";
import { declineMessage } from "../../app/payments/methods";
import { confirmPledgeRedirect, createPledge, refreshPledgePayment } from "../../app/pledges/pledges.server";
import { cancelPledge } from "../../app/pledges/pledges.server";
import { BACKING_STATES, UNCHARGED_STATES, type PledgeInput } from "../../app/pledges/pledge";
import { seoulDate } from "../../app/utils/dates";
import type { CampaignState, PledgeState } from "../../db/types";
import { FUZZ_FIRST_RULES, type World } from "./world";
import { CARD_EXPIRY } from "../support/dates";

// R1: the money flows as fast-check commands against a small in-memory model. Each command runs
// the real domain functions on a real database; after every command the model and the database
// must agree and the ledger invariants must hold. A refused command must change nothing.

const FEE_BP = 320;
const DAY_MS = 86_400_000;
const COLLECTION_RETRY_DAYS = 3;

/** A card typed in, or a Korean wallet answered on the demo approval page (Kakao Pay to save it, PAYCO to pay now). */
export type CardChoice = "ok" | "declined" | "insufficient" | "authApproved" | "authRefused" | "failsLater" | WalletChoice;
type WalletChoice = "walletApproved" | "walletCancelled" | "walletFailed";
const WALLET_DECISIONS = { walletApproved: "approve", walletCancelled: "cancel", walletFailed: "fail" } as const;
const CARD_NUMBERS: Record<Exclude<CardChoice, WalletChoice>, string> = {
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
  /** The pledge's match from the round's pool, made when the pledge became live money. */
  match: MatchModel | null;
}

interface MatchModel {
  id: number;
  amount: number;
  version: number;
  state: "committed" | "released" | "returned";
}

/** The round's pool as its ledger accounts hold it. */
interface PoolModel {
  totalWon: number;
  availableWon: number;
  committedWon: number;
  /** Released into campaigns' escrow and not given back. */
  releasedWon: number;
  returnedToSponsorWon: number;
  closed: boolean;
  /** Every published rule version, in order; the last one is in force. */
  versions: MatchingRules[];
  /** The highest match id when the round closed: no match may come after it. */
  lastMatchIdAtClose: number | null;
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
  /** Live matches (committed or released) per campaign. */
  matchedWon: number[];
  pool: PoolModel;
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
    pool: {
      totalWon: world.pool.totalWon,
      availableWon: world.pool.totalWon,
      committedWon: 0,
      releasedWon: 0,
      returnedToSponsorWon: 0,
      closed: false,
      versions: [rulesFromInput(FUZZ_FIRST_RULES, 1)],
      lastMatchIdAtClose: null,
    },
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

/** What a refused command must leave untouched: business rows of the run and the journal. */
async function fingerprint(world: World): Promise<string> {
  const campaignIds = world.campaigns.map((c) => c.id);
  const row = await sql<{ f: string }>`
    SELECT md5(concat_ws('|',
      (SELECT count(*)::text FROM journal_entries),
      (SELECT string_agg(concat_ws(',', id, state, next_charge_at, refund_requested_at, charge_attempts, provider_payment_method_id), ';' ORDER BY id) FROM pledges WHERE campaign_id IN (${sql.join(campaignIds)})),
      (SELECT string_agg(concat_ws(',', id, state, settlement), ';' ORDER BY id) FROM campaigns WHERE id IN (${sql.join(campaignIds)})),
      (SELECT string_agg(concat_ws(',', id, state), ';' ORDER BY id) FROM disbursements),
      (SELECT count(*)::text FROM disbursement_approvals),
      (SELECT count(*)::text FROM offline_donations),
      (SELECT count(*)::text FROM loan_repayments),
      (SELECT string_agg(concat_ws(',', number, principal_paid_won, interest_paid_won, penalty_paid_won, paid_off_on), ';' ORDER BY number) FROM loan_instalments WHERE loan_id = ${world.loan.id}),
      (SELECT sum(claimed_count)::text FROM rewards),
      (SELECT string_agg(concat_ws(',', id, state), ';' ORDER BY id) FROM matches WHERE pool_id = ${world.pool.id}),
      (SELECT concat_ws(',', committed_won, closed_at) FROM matching_pools WHERE id = ${world.pool.id}),
      (SELECT count(*)::text FROM matching_rule_versions WHERE pool_id = ${world.pool.id})
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
let checkedEntriesUpTo = new WeakMap<World, number>();

export async function checkInvariants(world: World, model: MoneyModel): Promise<void> {
  const { db } = world;
  // Entries wait for their seq across commands while the sequencer runs beside them; each check
  // below reads one snapshot, so a batch committing meanwhile cannot make it disagree with itself.
  // Every journal entry written since the last check, sequenced or waiting, has ≥ 2 lines summing to zero.
  const fromId = checkedEntriesUpTo.get(world) ?? 0;
  const unbalanced = await sql<{ id: number }>`
    SELECT entry_id AS id FROM journal_lines WHERE entry_id > ${fromId}
    GROUP BY entry_id HAVING sum(amount_won) <> 0 OR count(*) < 2 LIMIT 1`.execute(db);
  if (unbalanced.rows[0]) throw new InvariantViolation(`journal entry #${unbalanced.rows[0].id} does not balance`);
  const lastId = await db.selectFrom("journal_entries").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
  checkedEntriesUpTo.set(world, Number(lastId?.id ?? fromId));
  // Every account's sequenced balance is the sum of its sequenced lines; no holding account is
  // negative, sequenced or counting the entries that wait.
  const drift = await sql<{ code: string }>`
    SELECT a.code FROM ledger_accounts a
    LEFT JOIN (SELECT account_id, sum(amount_won) AS total FROM journal_lines WHERE entry_seq IS NOT NULL GROUP BY account_id) l ON l.account_id = a.id
    WHERE a.balance_won <> coalesce(l.total, 0) LIMIT 1`.execute(db);
  if (drift.rows[0]) throw new InvariantViolation(`balance of ${drift.rows[0].code} differs from the sum of its sequenced lines`);
  const negative = await sql<{ code: string }>`
    SELECT a.code FROM ledger_accounts a
    LEFT JOIN (SELECT account_id, sum(amount_won) AS total FROM journal_lines GROUP BY account_id) l ON l.account_id = a.id
    WHERE NOT a.may_go_negative AND (a.balance_won < 0 OR coalesce(l.total, 0) < 0) LIMIT 1`.execute(db);
  if (negative.rows[0]) throw new InvariantViolation(`${negative.rows[0].code} is negative`);
  // The entries sequenced since the last check chain on from the last verified hash, with their
  // canonical texts and hashes intact (the whole ledger is verified at the end of every run).
  const from = verifiedUpTo.get(world) ?? 0;
  const fresh = await db.selectFrom("sequenced_entries").select(["seq", "canonical", "leaf_hash", "chain_hash"]).where("seq", ">=", Math.max(1, from)).orderBy("seq").execute();
  let previous: string | null = from === 0 ? GENESIS_HASH.toString("hex") : null;
  for (const row of fresh) {
    const entry = { seq: row.seq, canonical: row.canonical, leaf_hash: row.leaf_hash.toString("hex"), chain_hash: row.chain_hash.toString("hex") };
    if (row.seq !== from) {
      const checked = checkEntryContent(entry, previous);
      if (typeof checked === "string") throw new InvariantViolation(`journal entry ${row.seq}: ${checked}`);
    }
    previous = entry.chain_hash;
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

  await checkMatchingInvariants(world, model);

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

  // Escrow from the business tables (collected net of fees, offline, released matches, refunds,
  // paid disbursements) = ledger escrow.
  const fromTables = await sql<{ campaign_id: number; escrow: string }>`
    SELECT c.id AS campaign_id,
      coalesce((SELECT sum(amount_won - coalesce(fee_won, 0)) FROM pledges WHERE campaign_id = c.id AND state = 'collected'), 0)
      + coalesce((SELECT sum(amount_won) FROM offline_donations WHERE campaign_id = c.id), 0)
      + coalesce((SELECT sum(amount_won) FROM matches WHERE campaign_id = c.id AND state = 'released'), 0)
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

/**
 * The round's pool: its ledger accounts against the model, the matches table and the rule
 * versions; every live match within the caps of the version it was made under.
 */
async function checkMatchingInvariants(world: World, model: MoneyModel): Promise<void> {
  const { db, pool } = world;
  const accounts = { source: poolSource(pool.id).code, available: poolAvailable(pool.id).code, committed: poolCommitted(pool.id).code, returned: poolReturned(pool.id).code };
  const balances = await getBalances(db, Object.values(accounts));
  const balance = (code: string) => balances.get(code) ?? 0;
  // The ledger's matching entries by the campaign they name: what each campaign holds committed
  // in the pool and what was released into (and given back from) its escrow.
  const byCampaign = await sql<{ campaign: string | null; code: string; total: string }>`
    SELECT d.doc -> 'refs' ->> 'campaign' AS campaign, a.code, sum(l.amount_won)::bigint AS total
    FROM journal_entries e
    CROSS JOIN LATERAL (SELECT (e.canonical_before_seq || '0' || e.canonical_after_seq)::jsonb AS doc) d
    JOIN journal_lines l ON l.entry_id = e.id
    JOIN ledger_accounts a ON a.id = l.account_id
    WHERE e.kind IN ('matching.committed', 'matching.released', 'matching.returned')
      AND (d.doc -> 'refs' ->> 'pool')::bigint = ${pool.id}
      AND a.code NOT IN (${accounts.available}, ${accounts.returned})
    GROUP BY 1, 2`.execute(db);
  const ledgerCommitted = world.campaigns.map(() => 0);
  const ledgerReleased = world.campaigns.map(() => 0);
  for (const row of byCampaign.rows) {
    const i = world.campaigns.findIndex((c) => c.slug === row.campaign);
    const setup = world.campaigns[i];
    if (!setup) throw new InvariantViolation(`a matching entry of the pool names campaign ${row.campaign ?? "none"}, not one of the round`);
    if (row.code === accounts.committed) ledgerCommitted[i] = Number(row.total);
    else if (row.code === campaignEscrow(setup.id).code) ledgerReleased[i] = Number(row.total);
    else throw new InvariantViolation(`a matching entry for campaign ${setup.slug} moves money on ${row.code}`);
  }
  const released = ledgerReleased.reduce((s, v) => s + v, 0);
  const ledger = { availableWon: balance(accounts.available), committedWon: balance(accounts.committed), releasedWon: released, returnedToSponsorWon: balance(accounts.returned) };
  for (const [what, won] of [...Object.entries(ledger), ...ledgerCommitted.map((v, i) => [`campaign ${i} committed`, v] as const), ...ledgerReleased.map((v, i) => [`campaign ${i} released`, v] as const)]) {
    if (won < 0) throw new InvariantViolation(`pool ${what} is negative (${won})`);
  }
  expectEqual("pool funded", -balance(accounts.source), pool.totalWon);
  expectEqual("pool available + committed + released + returned to the sponsor", ledger.availableWon + ledger.committedWon + ledger.releasedWon + ledger.returnedToSponsorWon, pool.totalWon);
  const { versions, lastMatchIdAtClose, closed } = model.pool;
  expectEqual("pool figures", ledger, {
    availableWon: model.pool.availableWon,
    committedWon: model.pool.committedWon,
    releasedWon: model.pool.releasedWon,
    returnedToSponsorWon: model.pool.returnedToSponsorWon,
  });
  world.campaigns.forEach((_, i) => expectEqual(`campaign ${i} matched (ledger)`, (ledgerCommitted[i] ?? 0) + (ledgerReleased[i] ?? 0), model.matchedWon[i]));

  const poolRow = await db.selectFrom("matching_pools").select(["total_won", "committed_won", "closed_at"]).where("id", "=", pool.id).executeTakeFirstOrThrow();
  expectEqual("pool row", [poolRow.total_won, poolRow.committed_won, poolRow.closed_at !== null], [pool.totalWon, ledger.committedWon + ledger.releasedWon, closed]);
  const versionRows = await db
    .selectFrom("matching_rule_versions")
    .select(["version", "factor_bp", "cap_per_pledge_won", "cap_per_campaign_won", "cap_per_backer_won", "min_distinct_backers", "threshold_bp", "allocation"])
    .where("pool_id", "=", pool.id)
    .orderBy("version")
    .execute();
  expectEqual("rule versions", versionRows.map(rulesFromRow), versions);

  // The matches table: each match as the model made it, and the campaigns' sums from the pledges' states.
  const matches = await db
    .selectFrom("matches")
    .innerJoin("pledges", "pledges.id", "matches.pledge_id")
    .select(["matches.id", "matches.pledge_id", "matches.campaign_id", "matches.backer_id", "matches.amount_won", "matches.rules_version", "matches.state", "pledges.amount_won as pledge_won", "pledges.state as pledge_state"])
    .where("matches.pool_id", "=", pool.id)
    .orderBy("matches.id")
    .execute();
  const modelMatches = model.pledges.filter((p) => p.match).map((p) => [p.match?.id, p.id, p.match?.amount, p.match?.version, p.match?.state]);
  expectEqual(
    "matches",
    matches.map((m) => [m.id, m.pledge_id, m.amount_won, m.rules_version, m.state]),
    modelMatches.sort((a, b) => Number(a[0]) - Number(b[0])),
  );
  if (lastMatchIdAtClose !== null) {
    const late = matches.find((m) => m.id > lastMatchIdAtClose);
    if (late) throw new InvariantViolation(`match ${late.id} was committed after the round closed`);
  }
  world.campaigns.forEach((setup, i) => {
    const mine = matches.filter((m) => m.campaign_id === setup.id);
    const committedOfLivePledges = mine.filter((m) => m.state === "committed" && BACKING_STATES.includes(m.pledge_state)).reduce((s, m) => s + m.amount_won, 0);
    const releasedOfCollected = mine.filter((m) => m.state === "released" && m.pledge_state === "collected").reduce((s, m) => s + m.amount_won, 0);
    expectEqual(`campaign ${i} committed: matches of live pledges vs. ledger`, committedOfLivePledges, ledgerCommitted[i]);
    expectEqual(`campaign ${i} released: matches of collected pledges vs. ledger`, releasedOfCollected, ledgerReleased[i]);
  });

  // Every live match within its version: what the campaign and the backer held when it was made
  // (live matches are never revived, so those made before it and still live are a lower bound).
  const rulesOf = new Map(versionRows.map((v) => [v.version, rulesFromRow(v)]));
  const roundOrder = world.campaigns.map((c) => c.id).sort((a, b) => a - b);
  const campaignSoFar = new Map<number, number>();
  const backerSoFar = new Map<number, number>();
  for (const m of matches) {
    if (m.state === "returned") continue;
    const rules = rulesOf.get(m.rules_version);
    if (!rules) throw new InvariantViolation(`match ${m.id} names rule version ${m.rules_version}, never published`);
    const campaignTotal = (campaignSoFar.get(m.campaign_id) ?? 0) + m.amount_won;
    const backerTotal = (backerSoFar.get(m.backer_id) ?? 0) + m.amount_won;
    campaignSoFar.set(m.campaign_id, campaignTotal);
    backerSoFar.set(m.backer_id, backerTotal);
    const problems = [
      m.amount_won > factorMatch(m.pledge_won, rules.factorBp) ? "pledge × factor" : null,
      rules.capPerPledgeWon !== null && m.amount_won > rules.capPerPledgeWon ? "cap per pledge" : null,
      rules.capPerCampaignWon !== null && campaignTotal > rules.capPerCampaignWon ? "cap per campaign" : null,
      rules.capPerBackerWon !== null && backerTotal > rules.capPerBackerWon ? "cap per backer" : null,
      rules.allocation === "reserved" && campaignTotal > reserveFor(pool.totalWon, roundOrder.length, roundOrder.indexOf(m.campaign_id)) ? "campaign's reserve" : null,
    ].filter((p) => p !== null);
    if (problems.length > 0) throw new InvariantViolation(`match ${m.id} (${m.amount_won}, version ${m.rules_version}) is above the ${problems.join(", ")}`);
  }
}

/**
 * Once the sequencer has drained what waits: the whole ledger from seq 1 (chain, canonical texts,
 * stored lines, balances and totals by kind), and every balance equal to the sum of all lines.
 */
export async function verifyWholeLedger(world: World): Promise<void> {
  await drainLedger(world.db);
  const waiting = await getSequencingStatus(world.db);
  if (waiting.waiting > 0) throw new InvariantViolation(`${waiting.waiting} entries still wait after the ledger drained`);
  const drift = await sql<{ code: string }>`
    SELECT a.code FROM ledger_accounts a
    LEFT JOIN (SELECT account_id, sum(amount_won) AS total FROM journal_lines GROUP BY account_id) l ON l.account_id = a.id
    WHERE a.balance_won <> coalesce(l.total, 0) LIMIT 1`.execute(world.db);
  if (drift.rows[0]) throw new InvariantViolation(`after draining, the balance of ${drift.rows[0].code} differs from the sum of its lines`);
  const verified = await verifyStoredLedger(world.db);
  if (!verified.ok) throw new InvariantViolation(`ledger does not verify: ${JSON.stringify(verified.problem)}`);
}

export function resetInvariantCursor(): void {
  verifiedUpTo = new WeakMap();
  checkedEntriesUpTo = new WeakMap();
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
    const input: PledgeInput = { amount: this.amount, kind: "sponsorship", rewardId: null, message: "", nameDisplay: "masked", backerKind: "individual", companyName: "", businessNumber: null, idempotencyKey: newKey("fuzz-pledge") };
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
      match: null,
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

function isWallet(choice: CardChoice): choice is WalletChoice {
  return choice in WALLET_DECISIONS;
}

/**
 * The wallet path as the pages take it: the pay page confirms with the method, the payer answers
 * on the demo approval page, the return page applies it. A refusal is what the pay page then
 * shows (the pledge's last error).
 */
async function payWithWallet(world: World, pledge: PledgeModel, choice: WalletChoice, keepItAll: boolean): Promise<string | null> {
  const { redirectUrl } = await confirmPledgeRedirect(world.services, pledge.publicId, keepItAll ? "payco" : "kakao_pay");
  if (!redirectUrl) return null;
  await decideDemoApproval(world.services, decodeURIComponent(redirectUrl.split("/").pop() ?? ""), WALLET_DECISIONS[choice]);
  if ((await refreshPledgePayment(world.services, pledge.publicId)) !== "open") return null;
  const row = await world.db.selectFrom("pledges").select("last_error").where("public_id", "=", pledge.publicId).executeTakeFirstOrThrow();
  return row.last_error ? declineMessage(row.last_error) : null;
}

/** The card form (and the 3-D Secure page when asked) or a wallet, for a new pledge or a card update. */
async function payPledge(model: MoneyModel, world: World, pledge: PledgeModel, card: CardChoice): Promise<void> {
  const campaign = world.campaigns[pledge.campaign];
  if (!campaign) return;
  const before = await fingerprint(world);
  const keepItAll = campaign.fundingModel === "keep_it_all";
  const code = isWallet(card)
    ? await payWithWallet(world, pledge, card, keepItAll)
    : await refusal(
        (async () => {
          const result = await confirmDemoCard(world.services, pledge.publicId, { number: CARD_NUMBERS[card], expiry: CARD_EXPIRY, cvc: "123" });
          if (result.requiresAction) await completeDemoAuthentication(world.services, pledge.publicId, card === "authApproved");
        })(),
      );
  const declineCode =
    card === "declined"
      ? "cardDeclined"
      : card === "insufficient"
        ? "cardInsufficientFunds"
        : card === "authRefused"
          ? "authenticationFailed"
          : card === "walletCancelled"
            ? "walletNotApproved"
            : card === "walletFailed"
              ? "walletDeclined"
              : null;

  if (pledge.state === "pending_authorization") {
    const refused = declineCode ?? (keepItAll && card === "failsLater" ? "cardDeclined" : null);
    expectRefusal("card", code, refused);
    reached(`${isWallet(card) ? "wallet" : "card"} ${refused ? "refused" : "accepted"}`);
    if (refused) return expectUnchanged(world, before, "card");
    // Decided on the round as it stood before this pledge became live money.
    const expected = expectedMatch(model, world, pledge);
    if (keepItAll) {
      collect(model, pledge);
    } else {
      pledge.state = "saved";
      pledge.savedCard = card === "failsLater" ? "fails" : "succeeds";
    }
    await bookMatch(model, world, pledge, expected);
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
    reached(`${isWallet(card) ? "wallet" : "card"} update ${declineCode ? "refused" : "accepted"}`);
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

// ---------------------------------------------------------------------------------------------
// Matching: what the round's pool does when a pledge becomes live money, is given back or settles.

/**
 * The match `pledge` should get as it becomes live money, decided by the rules in force on the
 * round as the model holds it (the product reads the same under the pool's row lock); null when
 * no match is made at all (the round is closed or the campaign no longer live).
 */
function expectedMatch(model: MoneyModel, world: World, pledge: PledgeModel): MatchDecision | null {
  const c = model.campaigns[pledge.campaign];
  const setup = world.campaigns[pledge.campaign];
  const rules = model.pool.versions.at(-1);
  if (model.pool.closed || c?.state !== "live" || !setup || !rules) return null;
  const others = model.pledges.filter((p) => p.campaign === pledge.campaign && p.id !== pledge.id && BACKING_STATES.includes(p.state));
  const roundOrder = world.campaigns.map((s) => s.id).sort((a, b) => a - b);
  const liveMatchesOf = (backer: number) => model.pledges.filter((p) => p.backer === backer && (p.match?.state === "committed" || p.match?.state === "released")).reduce((s, p) => s + (p.match?.amount ?? 0), 0);
  return computeMatch(rules, {
    pool: { totalWon: model.pool.totalWon, committedWon: model.pool.committedWon + model.pool.releasedWon },
    campaign: {
      goalWon: setup.goalWon,
      raisedWon: Math.max(0, raised(c) + others.filter((p) => UNCHARGED_STATES.includes(p.state)).reduce((s, p) => s + p.amount, 0)),
      distinctBackers: new Set(others.map((p) => p.backer)).size,
      matchedWon: model.matchedWon[pledge.campaign] ?? 0,
      reserveWon: rules.allocation === "reserved" ? reserveFor(model.pool.totalWon, roundOrder.length, roundOrder.indexOf(setup.id)) : undefined,
    },
    backer: { matchedWon: liveMatchesOf(pledge.backer), isNewToCampaign: !others.some((p) => p.backer === pledge.backer) },
    pledgeWon: pledge.amount,
  });
}

/** The database's match for the pledge must be the one expected; the model books it. */
async function bookMatch(model: MoneyModel, world: World, pledge: PledgeModel, expected: MatchDecision | null): Promise<void> {
  const row = await world.db.selectFrom("matches").select(["id", "amount_won", "rules_version", "state"]).where("pledge_id", "=", pledge.id).executeTakeFirst();
  reached(expected ? `match ${expected.matchWon > 0 ? "made" : "not made"}, limited by ${expected.limitedBy}` : "no match: round closed");
  const version = model.pool.versions.length;
  if (!expected || expected.matchWon === 0) {
    if (row) throw new InvariantViolation(`pledge ${pledge.id} was matched ${row.amount_won} under version ${row.rules_version}, model expects no match`);
    return;
  }
  expectEqual(`pledge ${pledge.id}'s match`, row && [row.amount_won, row.rules_version, row.state], [expected.matchWon, version, "committed"]);
  if (!row) return;
  pledge.match = { id: row.id, amount: row.amount_won, version, state: "committed" };
  model.pool.availableWon -= row.amount_won;
  model.pool.committedWon += row.amount_won;
  model.matchedWon[pledge.campaign] = (model.matchedWon[pledge.campaign] ?? 0) + row.amount_won;
}

/** The pledge's live match goes back: to the pool while the round is open, to the sponsor after. */
function returnMatch(model: MoneyModel, pledge: PledgeModel): void {
  const match = pledge.match;
  const c = model.campaigns[pledge.campaign];
  if (!match || match.state === "returned" || !c) return;
  reached(`match returned from ${match.state} to ${model.pool.closed ? "the sponsor" : "the pool"}`);
  if (match.state === "released") {
    model.pool.releasedWon -= match.amount;
    c.money.escrowWon -= match.amount;
  } else {
    model.pool.committedWon -= match.amount;
  }
  if (model.pool.closed) model.pool.returnedToSponsorWon += match.amount;
  else model.pool.availableWon += match.amount;
  match.state = "returned";
  model.matchedWon[pledge.campaign] = (model.matchedWon[pledge.campaign] ?? 0) - match.amount;
}

/** A campaign's outcome for its committed matches: released for collected pledges on success, else returned. */
function settleMatches(model: MoneyModel, campaign: number, outcome: "succeeded" | "failed"): void {
  const c = model.campaigns[campaign];
  if (!c) return;
  for (const p of model.pledges) {
    if (p.campaign !== campaign || p.match?.state !== "committed") continue;
    if (outcome === "failed" || p.state !== "collected") {
      returnMatch(model, p);
      continue;
    }
    reached("match released into escrow");
    p.match.state = "released";
    model.pool.committedWon -= p.match.amount;
    model.pool.releasedWon += p.match.amount;
    c.money.escrowWon += p.match.amount;
  }
}

/** What a refund of the pledge takes from the escrow for its match (0 unless released). */
function releasedMatchWon(pledge: PledgeModel): number {
  return pledge.match?.state === "released" ? pledge.match.amount : 0;
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
    returnMatch(model, pledge);
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
        const outcome = raised(c) >= setup.goalWon ? "succeeded" : "failed";
        c.state = outcome;
        c.settlement = "settled";
        settleMatches(model, i, outcome);
        continue;
      }
      const promised = pledges.filter((p) => p.state === "saved").reduce((s, p) => s + p.amount, 0);
      if (promised + raised(c) < setup.goalWon) {
        for (const p of pledges) if (p.state === "saved" || p.state === "collection_failed") p.state = "released";
        c.state = "failed";
        c.settlement = "settled";
        settleMatches(model, i, "failed");
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

/**
 * The ledger sequencer between two commands (one also runs beside them, see createWorld): it may
 * number everything that waits or find the other one at work; nothing the model knows changes.
 */
class SequenceCommand implements Cmd {
  check = () => true;
  async run(_model: MoneyModel, world: World): Promise<void> {
    await sequenceBatch(world.db);
  }
  spec = (): CommandSpec => ({ name: "sequence", args: [] });
  toString = () => "sequence()";
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
      settleMatches(model, i, reachedGoal ? "succeeded" : "failed");
    }
  }
  spec = (): CommandSpec => ({ name: "chargeAndSettle", args: [] });
  toString = () => "chargeAndSettle()";
}

/** What refunding the pledge takes from the escrow: net of the fee the platform bears, with its released match. */
function refundFromEscrow(pledge: PledgeModel): number {
  return pledge.amount - pledge.feeWon + releasedMatchWon(pledge);
}

/** Refunds asked for and not yet made: the escrow still owes them. */
function pendingRefundsNet(model: MoneyModel, campaign: number): number {
  return model.pledges.filter((p) => p.campaign === campaign && p.state === "collected" && p.refundRequested).reduce((s, p) => s + refundFromEscrow(p), 0);
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
    const covered = refundFromEscrow(pledge) <= c.money.escrowWon - pendingRefundsNet(model, pledge.campaign) - pendingDisbursements(model, pledge.campaign);
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
      const fits = pending.reduce((s, p) => s + refundFromEscrow(p), 0) <= c.money.escrowWon;
      const states = fits ? null : new Map((await world.db.selectFrom("pledges").select(["id", "state"]).where("id", "in", pending.map((p) => p.id)).execute()).map((r) => [r.id, r.state]));
      for (const p of pending) {
        if (states && states.get(p.id) !== "refunded") continue;
        p.state = "refunded";
        reached("pledge refunded");
        c.money.refundedWon += p.amount;
        c.money.escrowWon -= p.amount - p.feeWon;
        returnMatch(model, p);
      }
      for (const p of pending) {
        if (p.state === "refunded") continue;
        reached("refund held: escrow spent");
        if (refundFromEscrow(p) <= c.money.escrowWon) throw new InvariantViolation(`pledge ${p.id}'s refund fits the escrow but was not made`);
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

/** An operator publishes the round's next rule version; matches made from now on use it. */
class PublishRulesCommand implements Cmd {
  constructor(readonly rules: RulesInput) {}
  check = () => true;
  async run(model: MoneyModel, world: World): Promise<void> {
    const before = await fingerprint(world);
    let published: number | null = null;
    const code = await refusal(
      publishRules(world.db, { poolId: world.pool.id, userId: world.operators[0], rules: this.rules, now: world.services.clock.now() }).then((version) => {
        published = version;
      }),
    );
    const expected = model.pool.closed ? "matchingPoolClosed" : null;
    expectRefusal("rule version", code, expected);
    reached(`rule version ${expected ?? `published (${this.rules.allocation})`}`);
    if (expected) return expectUnchanged(world, before, "rule version");
    const version = model.pool.versions.length + 1;
    expectEqual("published rule version", published, version);
    model.pool.versions.push(rulesFromInput(this.rules, version));
  }
  spec = (): CommandSpec => ({ name: "publishRules", args: [this.rules] });
  toString = () => `publishRules(${JSON.stringify(this.rules)})`;
}

/** An operator closes the round, asked twice (one after the other or at once): the leftover goes to the sponsor once. */
class CloseRoundCommand implements Cmd {
  constructor(readonly atOnce: boolean) {}
  // After a few pledges, so most runs match some before the round closes.
  check = (m: Readonly<MoneyModel>) => m.pledges.length >= 3;
  async run(model: MoneyModel, world: World): Promise<void> {
    const close = () => closePool(world.db, world.pool.id, world.services.clock.now());
    const before = await fingerprint(world);
    let results: { closed: boolean; returnedWon: number }[];
    if (this.atOnce) {
      results = await Promise.all([close(), close()]);
    } else {
      const first = await close();
      const between = await fingerprint(world);
      results = [first, await close()];
      await expectUnchanged(world, between, "second round close");
    }
    const closing = results.filter((r) => r.closed);
    const repeats = results.filter((r) => !r.closed);
    if (repeats.some((r) => r.returnedWon !== 0)) throw new InvariantViolation(`a repeated round close returned money: ${JSON.stringify(results)}`);
    if (model.pool.closed) {
      expectEqual("round close of a closed round", closing.length, 0);
      reached("round close repeated");
      return expectUnchanged(world, before, "round close of a closed round");
    }
    expectEqual("round closes (of two asks)", closing.map((r) => r.returnedWon), [model.pool.availableWon]);
    reached(`round closed${this.atOnce ? " (asked twice at once)" : ""}`);
    model.pool.returnedToSponsorWon += model.pool.availableWon;
    model.pool.availableWon = 0;
    model.pool.closed = true;
    model.pool.lastMatchIdAtClose = Math.max(0, ...model.pledges.map((p) => p.match?.id ?? 0));
  }
  spec = (): CommandSpec => ({ name: "closeRound", args: [this.atOnce] });
  toString = () => `closeRound(${this.atOnce ? "asked twice at once" : "asked twice"})`;
}

// ---------------------------------------------------------------------------------------------
// The command generators. The matching round's own steps come in through `extraCommands`.

const amount = fc.integer({ min: 1, max: 60 }).map((n) => n * 1_000);
const card = fc.constantFrom<CardChoice>("ok", "ok", "ok", "declined", "insufficient", "authApproved", "authRefused", "failsLater", "failsLater", "walletApproved", "walletApproved", "walletCancelled", "walletFailed");

const cap = fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: null });
const rules: fc.Arbitrary<RulesInput> = fc.record({
  factorPct: fc.integer({ min: 1, max: 300 }),
  capPerPledge: cap,
  capPerCampaign: cap,
  capPerBacker: cap,
  minBackers: fc.integer({ min: 0, max: 4 }),
  thresholdPct: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100 })),
  allocation: fc.constantFrom(...ALLOCATION_MODES),
});

/** The matching round's operator steps (matches themselves are made by the pledge, cancel, close and refund steps). */
export function matchingCommands(): fc.Arbitrary<Cmd>[] {
  return [rules.map((r) => new PublishRulesCommand(r)), fc.boolean().map((atOnce) => new CloseRoundCommand(atOnce))];
}

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
    fc.constant(new SequenceCommand()),
    fc.constant(new SequenceCommand()),
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
    case "sequence":
      return new SequenceCommand();
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
    case "publishRules":
      return new PublishRulesCommand(a[0] as RulesInput);
    case "closeRound":
      return new CloseRoundCommand(b(0));
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
