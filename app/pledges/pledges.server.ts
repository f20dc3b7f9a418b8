import { sql, type Insertable } from "kysely";
import { randomBytes } from "node:crypto";
import type { DB, FundingModel, PledgeState } from "../../db/types";
import { enqueueEmails } from "../email/outbox.server";
import { campaignEscrow, campaignFees, campaignOnlineSource } from "../ledger/accounts";
import { backerCommitment, newReceiptCode } from "../ledger/receipts";
import type { EntryDraft } from "../ledger/ledger";
import { appendEntries } from "../ledger/ledger.server";
import { matchPledge, returnMatchOfPledge } from "../matching/matching.server";
import { isRedirectMethod, offeredMethods, type PaymentMethodType } from "../payments/methods";
import { isPaymentUnavailable, type IntentKind, type IntentState } from "../payments/provider";
import type { Services } from "../server/services";
import { AppError } from "../utils/app-error";
import { toColumnArrays, unnestColumns, type ColumnArrays, type ColumnSpec } from "../utils/column-arrays";
import { formatDate, seoulDate } from "../utils/dates";
import type { DbOrTx, Tx } from "../utils/db.server";
import { groupCommitPer } from "../utils/group-commit";
import { isCheckViolation } from "../utils/pg-errors";
import { preparedQuery } from "../utils/prepared-query.server";
import { canCancel, HOLD_EXPIRED, pledgeRequestHash, pledgeRuleProblem, WAITING_HOLD_MS, WAITING_STATES, type PledgeInput } from "./pledge";

/** The pledge with what its money steps need to know about the campaign and the backer. */
export async function lockPledge(trx: Tx, where: { id: number } | { publicId: string }) {
  const query = lockedPledgeQuery(trx);
  return ("id" in where ? query.where("pledges.id", "=", where.id) : query.where("pledges.public_id", "=", where.publicId)).executeTakeFirst();
}

const lockPledgesQuery = preparedQuery((db, values: { ids: number[] }) =>
  lockedPledgeQuery(db).where(sql<boolean>`pledges.id = ANY (${values.ids}::bigint[])`).orderBy("pledges.id"),
);

/** Several pledges at once, locked in id order (as every batch does, so two batches never deadlock). */
export async function lockPledges(trx: Tx, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return lockPledgesQuery(trx, { ids: [...ids] });
}

function lockedPledgeQuery(db: DbOrTx) {
  return db
    .selectFrom("pledges")
    .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
    .innerJoin("users", "users.id", "pledges.backer_id")
    .leftJoin("rewards", "rewards.id", "pledges.reward_id")
    .select([
      "pledges.id",
      "pledges.public_id",
      "pledges.campaign_id",
      "pledges.backer_id",
      "pledges.amount_won",
      "pledges.reward_id",
      "pledges.state",
      "pledges.funding_model",
      "pledges.provider",
      "pledges.provider_customer_id",
      "pledges.provider_payment_method_id",
      "pledges.provider_setup_intent_id",
      "pledges.provider_payment_intent_id",
      "pledges.payment_method_type",
      "pledges.charge_attempts",
      "pledges.fee_won",
      "pledges.receipt_secret",
      "campaigns.slug as campaign_slug",
      "campaigns.title as campaign_title",
      "campaigns.state as campaign_state",
      "campaigns.ends_on",
      "campaigns.collection_deadline",
      "users.email",
      "users.display_name",
      "users.locale",
      "rewards.title as reward_title",
      // Whether the campaign's contest has a matching pool: only such pledges are matched.
      sql<boolean>`EXISTS (SELECT 1 FROM matching_pools WHERE matching_pools.contest_id = campaigns.contest_id)`.as("matchable"),
    ])
    .forUpdate("pledges");
}

export type LockedPledge = NonNullable<Awaited<ReturnType<typeof lockPledge>>>;

async function moveTo(
  trx: Tx,
  pledgeId: number,
  to: PledgeState,
  now: Date,
  extra: Partial<{ last_error: string | null; next_charge_at: Date | null; provider_payment_method_id: string; payment_method_type: PaymentMethodType | null; card_last4: string | null }> = {},
) {
  await trx.updateTable("pledges").set({ state: to, updated_at: now, ...extra }).where("id", "=", pledgeId).execute();
}

export async function releaseReward(trx: Tx, rewardId: number | null): Promise<void> {
  if (rewardId === null) return;
  await trx
    .updateTable("rewards")
    .set((eb) => ({ claimed_count: eb("claimed_count", "-", 1) }))
    .where("id", "=", rewardId)
    .where("claimed_count", ">", 0)
    .execute();
}

export interface CreatePledgeInput {
  backerId: number;
  campaignId: number;
  data: PledgeInput;
}

/** The pledge made (or, for a retried request, the one made before) and where it stands now. */
export interface CreatedPledge {
  publicId: string;
  state: PledgeState;
  replayed: boolean;
}

interface PledgeRequest {
  input: CreatePledgeInput;
  requestHash: string;
}

/** New pledges in groups of up to 64, one transaction each. */
const insertInGroups = groupCommitPer(
  (services: Services, requests: readonly PledgeRequest[]) => services.db.transaction().execute((trx) => insertPledges(trx, services, requests)),
  { maxGroup: 64 },
);

/**
 * Records the pledge (waiting for its payment, holding its reward for WAITING_HOLD_MS) and claims
 * its reward, in one transaction. The same idempotency key with the same body returns the same
 * pledge; with another body it is refused. A backer already holding MAX_UNPAID_REWARD_CLAIMS
 * rewards with waiting pledges is refused another (the database counts under a per-backer lock).
 * Pledges that arrive while others are being written go together in one transaction (decision 80).
 */
export async function createPledge(services: Services, input: CreatePledgeInput): Promise<CreatedPledge> {
  const requestHash = pledgeRequestHash(input.campaignId, input.data);
  try {
    const outcome = await insertInGroups(services, { input, requestHash });
    if (outcome instanceof AppError) throw outcome;
    return outcome;
  } catch (error) {
    if (!isCheckViolation(error, "pledges_unpaid_reward_claims")) throw error;
    // A retry of a pledge that did go through is answered with that pledge, not refused.
    const winner = await findByIdempotencyKey(services.db, input.backerId, input.data.idempotencyKey);
    if (winner) return replay(winner, requestHash);
    throw new AppError("tooManyUnpaidRewards", 409, "rewardId");
  }
}

function keyOf(backerId: number, idempotencyKey: string): string {
  return `${backerId} ${idempotencyKey}`;
}

// A group's statements keep one text whatever its size: each is prepared once (decisions 88–89).
const PLEDGE_KEY_COLUMNS = { backer_id: "bigint", idempotency_key: "text" } as const satisfies ColumnSpec;

const usedKeysQuery = preparedQuery((db, values: ColumnArrays<typeof PLEDGE_KEY_COLUMNS>) =>
  db
    .selectFrom("pledges")
    .select(["backer_id", "idempotency_key", "public_id", "request_hash", "state"])
    .where(sql<boolean>`(backer_id, idempotency_key) IN (SELECT * FROM ${unnestColumns(PLEDGE_KEY_COLUMNS, values, "used")})`),
);

const campaignsToPledgeQuery = preparedQuery((db, values: { ids: number[] }) =>
  db
    .selectFrom("campaigns")
    .select(["id", "state", "starts_on", "ends_on", "funding_model"])
    .where(sql<boolean>`id = ANY (${values.ids}::bigint[])`)
    .orderBy("id")
    .forShare(),
);

const rewardsToPledgeQuery = preparedQuery((db, values: { ids: number[] }) =>
  db
    .selectFrom("rewards")
    .select(["id", "campaign_id", "min_amount_won"])
    .where(sql<boolean>`id = ANY (${values.ids}::bigint[])`),
);

const NEW_PLEDGE_COLUMNS = {
  public_id: "text",
  campaign_id: "bigint",
  backer_id: "bigint",
  backer_kind: "text",
  company_name: "text",
  business_number: "text",
  kind: "text",
  amount_won: "bigint",
  reward_id: "bigint",
  message: "text",
  anonymous: "boolean",
  show_full_name: "boolean",
  funding_model: "text",
  state: "text",
  hold_expires_at: "timestamptz",
  provider: "text",
  idempotency_key: "text",
  request_hash: "text",
  receipt_secret: "text",
  created_at: "timestamptz",
  updated_at: "timestamptz",
} as const satisfies ColumnSpec;

type NewPledgeRow = { [Column in keyof typeof NEW_PLEDGE_COLUMNS]: Insertable<DB["pledges"]>[Column] };

const insertPledgesQuery = preparedQuery((db, values: ColumnArrays<typeof NEW_PLEDGE_COLUMNS>) =>
  db
    .insertInto("pledges")
    .columns(Object.keys(NEW_PLEDGE_COLUMNS) as (keyof typeof NEW_PLEDGE_COLUMNS)[])
    .expression(sql`SELECT * FROM ${unnestColumns(NEW_PLEDGE_COLUMNS, values, "new_pledges")}`)
    .onConflict((oc) => oc.columns(["backer_id", "idempotency_key"]).doNothing())
    .returning(["backer_id", "idempotency_key", "public_id", "state", "reward_id"]),
);

/**
 * Many pledges in a few statements, each answered as if it had been made alone: a pledge, or the
 * refusal its caller gets. A refusal found before anything is written is an answer; one found
 * after (a reward sold out, the unpaid-claims limit) throws, and the group is made again one by one.
 */
async function insertPledges(trx: Tx, services: Services, requests: readonly PledgeRequest[]): Promise<(CreatedPledge | AppError)[]> {
  const now = services.clock.now();
  // A used key answers with its pledge, whatever its campaign's state now.
  const existing = new Map(
    (
      await usedKeysQuery(
        trx,
        toColumnArrays(
          PLEDGE_KEY_COLUMNS,
          requests.map(({ input }) => ({ backer_id: input.backerId, idempotency_key: input.data.idempotencyKey })),
        ),
      )
    ).map((row) => [keyOf(row.backer_id, row.idempotency_key), row]),
  );
  const campaignIds = [...new Set(requests.map(({ input }) => input.campaignId))].sort((a, b) => a - b);
  const campaigns = new Map((await campaignsToPledgeQuery(trx, { ids: campaignIds })).map((c) => [c.id, c]));
  const rewardIds = [...new Set(requests.flatMap(({ input }) => (input.data.rewardId ? [input.data.rewardId] : [])))];
  const rewards = new Map(rewardIds.length === 0 ? [] : (await rewardsToPledgeQuery(trx, { ids: rewardIds })).map((r) => [r.id, r]));

  const checked = requests.map(({ input, requestHash }): { answer: CreatedPledge | AppError } | { row: NewPledgeRow } => {
    const used = existing.get(keyOf(input.backerId, input.data.idempotencyKey));
    if (used) return { answer: refusalOr(() => replay(used, requestHash)) };
    const campaign = campaigns.get(input.campaignId);
    if (!campaign) return { answer: new AppError("campaignNotOpen", 404) };
    const found = input.data.rewardId ? rewards.get(input.data.rewardId) : undefined;
    const reward = found && found.campaign_id === campaign.id ? found : null;
    if (input.data.rewardId && !reward) return { answer: new AppError("rewardNotFound", 422, "rewardId") };
    const problem = pledgeRuleProblem({
      campaignState: campaign.state,
      startsOn: campaign.starts_on,
      endsOn: campaign.ends_on,
      today: seoulDate(now),
      reward: reward ? { minAmountWon: reward.min_amount_won } : null,
      amountWon: input.data.amount,
    });
    if (problem === "campaignNotOpen") return { answer: new AppError(problem, 409) };
    if (problem) return { answer: new AppError(problem, 422, "amount") };
    return { row: newPledgeRow(services, input, requestHash, campaign.funding_model, reward?.id ?? null, now) };
  });

  // Backers in order: the unpaid-claims check locks each backer, and two groups must not wait on each other.
  const rows = checked.flatMap((c) => ("row" in c ? [c.row] : [])).sort((a, b) => Number(a.backer_id) - Number(b.backer_id));
  const inserted = rows.length === 0 ? [] : await insertPledgesQuery(trx, toColumnArrays(NEW_PLEDGE_COLUMNS, rows));
  const written = new Map(inserted.map((row) => [keyOf(row.backer_id, row.idempotency_key), row]));
  const answers: (CreatedPledge | AppError)[] = [];
  for (const [i, outcome] of checked.entries()) {
    if ("answer" in outcome) {
      answers.push(outcome.answer);
      continue;
    }
    const { input, requestHash } = requests[i]!;
    const key = keyOf(input.backerId, input.data.idempotencyKey);
    const row = written.get(key);
    // A key is written once: the same key again in this group is answered as a retry.
    written.delete(key);
    if (row) {
      answers.push({ publicId: row.public_id, state: row.state, replayed: false });
      continue;
    }
    // The same key earlier in this group, or a concurrent request with it committed first.
    const winner = await findByIdempotencyKey(trx, input.backerId, input.data.idempotencyKey);
    answers.push(winner ? refusalOr(() => replay(winner, requestHash)) : new AppError("idempotencyConflict", 409));
  }
  // Rewards in order, for the same reason as the backers.
  const claims = inserted.flatMap((row) => (row.reward_id === null ? [] : [row.reward_id])).sort((a, b) => a - b);
  for (const rewardId of claims) {
    const claimed = await trx
      .updateTable("rewards")
      .set((eb) => ({ claimed_count: eb("claimed_count", "+", 1) }))
      .where("id", "=", rewardId)
      .where((eb) => eb.or([eb("quantity_limit", "is", null), eb("claimed_count", "<", eb.ref("quantity_limit"))]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) throw new AppError("rewardSoldOut", 409, "rewardId");
  }
  return answers;
}

/** The outcome, or the refusal it threw. */
function refusalOr(outcome: () => CreatedPledge): CreatedPledge | AppError {
  try {
    return outcome();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

function newPledgeRow(services: Services, input: CreatePledgeInput, requestHash: string, fundingModel: FundingModel, rewardId: number | null, now: Date): NewPledgeRow {
  const { data } = input;
  return {
    public_id: randomBytes(12).toString("base64url"),
    campaign_id: input.campaignId,
    backer_id: input.backerId,
    backer_kind: data.backerKind,
    company_name: data.backerKind === "company" ? data.companyName : null,
    business_number: data.backerKind === "company" ? data.businessNumber : null,
    kind: data.kind,
    amount_won: data.amount,
    reward_id: rewardId,
    message: data.message,
    anonymous: data.nameDisplay === "anonymous",
    show_full_name: data.nameDisplay === "full",
    funding_model: fundingModel,
    state: "pending_authorization",
    hold_expires_at: new Date(now.getTime() + WAITING_HOLD_MS),
    provider: services.payments.name,
    idempotency_key: data.idempotencyKey,
    request_hash: requestHash,
    receipt_secret: newReceiptCode(),
    created_at: now,
    updated_at: now,
  };
}

function findByIdempotencyKey(db: DbOrTx, backerId: number, key: string) {
  return db.selectFrom("pledges").select(["public_id", "request_hash", "state"]).where("backer_id", "=", backerId).where("idempotency_key", "=", key).executeTakeFirst();
}

function replay(existing: { public_id: string; request_hash: string; state: PledgeState }, requestHash: string): CreatedPledge {
  if (existing.request_hash !== requestHash) throw new AppError("idempotencyConflict", 409);
  return { publicId: existing.public_id, state: existing.state, replayed: true };
}

export interface PaymentStep {
  pledgeId: number;
  intentId: string;
  clientSecret: string | null;
  kind: IntentKind;
  /** The methods the backer may choose from for this intent. */
  methods: PaymentMethodType[];
}

const pledgeToPayQuery = preparedQuery((db, values: { publicId: string }) =>
  db
    .selectFrom("pledges")
    .innerJoin("users", "users.id", "pledges.backer_id")
    .select(["pledges.id", "pledges.public_id", "pledges.state", "pledges.funding_model", "pledges.amount_won", "pledges.charge_attempts", "users.email"])
    .where("pledges.public_id", "=", values.publicId),
);

/**
 * The processor intent the backer confirms: a SetupIntent (method saved) for all-or-nothing, a
 * PaymentIntent (charged now) for keep-it-all, or a new SetupIntent to replace a method whose
 * charge failed. It lists every method offered, so however the backer switches between them at
 * most one succeeds. Deterministic keys make this safe to call on every visit of the payment page.
 */
export async function preparePayment(services: Services, publicId: string): Promise<PaymentStep | null> {
  const [pledge] = await pledgeToPayQuery(services.db, { publicId });
  if (!pledge) return null;
  const cardUpdate = pledge.state === "collection_failed";
  if (pledge.state !== "pending_authorization" && !cardUpdate) return null;
  if (pledge.funding_model === "keep_it_all" && !cardUpdate) {
    const methods = offeredMethods(services.payments.methods, { kind: "payment", amountWon: pledge.amount_won });
    const started = await services.payments.startPayment({
      reference: { kind: "pledge", publicId: pledge.public_id },
      email: pledge.email,
      amountWon: pledge.amount_won,
      methods,
      idempotencyKey: `pledge:${pledge.id}:payment`,
    });
    await linkInGroups(services, { pledgeId: pledge.id, kind: "payment", intentId: started.intentId, customerId: started.customerId });
    return { pledgeId: pledge.id, intentId: started.intentId, clientSecret: started.clientSecret, kind: "payment", methods };
  }
  const key = cardUpdate ? `pledge:${pledge.id}:card-update:${pledge.charge_attempts}` : `pledge:${pledge.id}:setup`;
  const methods = offeredMethods(services.payments.methods, { kind: "setup" });
  const started = await services.payments.startSetup({ pledgePublicId: pledge.public_id, email: pledge.email, methods, idempotencyKey: key });
  await linkInGroups(services, { pledgeId: pledge.id, kind: "setup", intentId: started.intentId, customerId: started.customerId });
  return { pledgeId: pledge.id, intentId: started.intentId, clientSecret: started.clientSecret, kind: "setup", methods };
}

interface IntentLink {
  pledgeId: number;
  kind: IntentKind;
  intentId: string;
  customerId: string;
}

/**
 * Puts the processor's intent on its pledges, in one statement, before the backer can pay it: the
 * webhook, the return page and the reconciler know a pledge's payment by it. A pledge keeps its
 * first payment intent (a keep-it-all pledge has one); a setup intent replaces the last one (a
 * card update makes a new one), and another visit of the payment page, finding the same intent,
 * writes nothing.
 */
async function linkIntents(db: DbOrTx, links: readonly IntentLink[]): Promise<void> {
  await linkIntentsQuery(db, toColumnArrays(INTENT_LINK_COLUMNS, links.map((link) => ({ id: link.pledgeId, kind: link.kind, intent: link.intentId, customer: link.customerId }))));
}

const INTENT_LINK_COLUMNS = { id: "bigint", kind: "text", intent: "text", customer: "text" } as const satisfies ColumnSpec;

const linkIntentsQuery = preparedQuery(
  (_db, values: ColumnArrays<typeof INTENT_LINK_COLUMNS>) => sql`
    UPDATE pledges p SET
      provider_payment_intent_id = CASE WHEN v.kind = 'payment' THEN v.intent ELSE p.provider_payment_intent_id END,
      provider_setup_intent_id = CASE WHEN v.kind = 'setup' THEN v.intent ELSE p.provider_setup_intent_id END,
      provider_customer_id = v.customer
    FROM ${unnestColumns(INTENT_LINK_COLUMNS, values, "v")}
    WHERE p.id = v.id
      AND CASE WHEN v.kind = 'payment' THEN p.provider_payment_intent_id IS NULL
        ELSE (p.provider_setup_intent_id, p.provider_customer_id) IS DISTINCT FROM (v.intent, v.customer) END`,
);

/** Intent links in groups of up to 64, one commit each (decision 85). */
const linkInGroups = groupCommitPer(
  async (services: Services, links: readonly IntentLink[]) => {
    await linkIntents(services.db, links);
    return links.map(() => undefined);
  },
  { maxGroup: 64 },
);

/**
 * The backer chose a method approved on the provider's own page (a Korean card's issuer app, a
 * wallet): the intent is confirmed with it and the backer is sent there; they come back to
 * `/pledges/<id>/return`. Null `redirectUrl` when nothing is left to pay.
 */
export async function confirmPledgeRedirect(services: Services, publicId: string, methodType: PaymentMethodType): Promise<{ redirectUrl: string | null }> {
  const step = await preparePayment(services, publicId);
  if (!step) return { redirectUrl: null };
  if (!isRedirectMethod(methodType) || !step.methods.includes(methodType)) throw new AppError("paymentMethodNotOffered", 422, "method");
  const { redirectUrl, state } = await services.payments.confirmRedirect({ kind: step.kind, intentId: step.intentId, methodType, returnUrl: `${services.origin}/pledges/${publicId}/return` });
  if (!redirectUrl) await applyIntentState(services, step.pledgeId, step.kind, state);
  return { redirectUrl };
}

export type PaymentOutcome = "saved" | "paid" | "methodUpdated" | "open" | "settled";

/**
 * Where the backer lands after the provider's page or Stripe.js: the intent is read and applied
 * now rather than when the webhook comes (which, arriving later, changes nothing). "open": the
 * pledge still waits for a method (declined, cancelled at the wallet, not yet approved).
 */
export async function refreshPledgePayment(services: Services, publicId: string): Promise<PaymentOutcome> {
  const pledge = await services.db
    .selectFrom("pledges")
    .select(["id", "state", "funding_model", "provider_setup_intent_id", "provider_payment_intent_id"])
    .where("public_id", "=", publicId)
    .executeTakeFirstOrThrow();
  const kind: IntentKind = pledge.funding_model === "all_or_nothing" || pledge.state === "collection_failed" ? "setup" : "payment";
  const intentId = kind === "setup" ? pledge.provider_setup_intent_id : pledge.provider_payment_intent_id;
  let after: PledgeState | null = pledge.state;
  let confirmed = false;
  if (intentId) {
    try {
      const state = kind === "setup" ? await services.payments.getSetup(intentId) : await services.payments.getPayment(intentId);
      confirmed = state.status === "succeeded";
      after = await applyIntentState(services, pledge.id, kind, state);
    } catch (error) {
      // The webhook or the reconciler will apply it; the pages show where it stands.
      if (!isPaymentUnavailable(error)) throw error;
    }
  }
  // Whoever applied it first (this page, the webhook, the reconciler), the backer is told it worked.
  if (pledge.state === "collection_failed" && after === "collection_failed" && confirmed) return "methodUpdated";
  if (after === "saved") return "saved";
  if (after === "collected") return "paid";
  return after === "pending_authorization" || after === "collection_failed" ? "open" : "settled";
}

function receiptProps(services: Services, pledge: LockedPledge, charged: boolean) {
  return {
    locale: pledge.locale,
    displayName: pledge.display_name,
    campaignTitle: pledge.campaign_title,
    amountWon: pledge.amount_won,
    charged,
    endsOn: formatDate(pledge.ends_on, pledge.locale),
    receiptCode: pledge.receipt_secret,
    pledgeUrl: `${services.origin}/pledges/${pledge.public_id}`,
    ledgerFindUrl: `${services.origin}/ledger/find`,
    rewardTitle: pledge.reward_title,
  };
}

export interface CollectedPayment {
  paymentIntentId: string | null;
  /** The method the payment was made with; null: the one saved on the pledge (an off-session charge). */
  methodType: PaymentMethodType | null;
  cardLast4: string | null;
  feeWon: number;
}

const COLLECTION_COLUMNS = { id: "bigint", intent: "text", method: "text", last4: "text", fee: "bigint" } as const satisfies ColumnSpec;

const markCollectedQuery = preparedQuery(
  (_db, values: ColumnArrays<typeof COLLECTION_COLUMNS> & { now: Date }) => sql`
    UPDATE pledges p SET state = 'collected', provider_payment_intent_id = coalesce(v.intent, p.provider_payment_intent_id), fee_won = v.fee,
      payment_method_type = coalesce(v.method, p.payment_method_type), card_last4 = CASE WHEN v.method IS NULL THEN p.card_last4 ELSE v.last4 END,
      collected_at = ${values.now}, updated_at = ${values.now}, last_error = NULL, next_charge_at = NULL
    FROM ${unnestColumns(COLLECTION_COLUMNS, values, "v")}
    WHERE p.id = v.id`,
);

/**
 * Writes collections of locked pledges to the ledger in a few statements: each gross into escrow,
 * then the processor's fee out of it. The escrow takes in more than the fee takes out, so no
 * ledger account is locked.
 */
export async function recordCollections(trx: Tx, collections: readonly { pledge: LockedPledge; payment: CollectedPayment }[], now: Date): Promise<void> {
  if (collections.length === 0) return;
  await markCollectedQuery(trx, {
    now,
    ...toColumnArrays(
      COLLECTION_COLUMNS,
      collections.map(({ pledge, payment }) => ({ id: pledge.id, intent: payment.paymentIntentId, method: payment.methodType, last4: payment.cardLast4, fee: payment.feeWon })),
    ),
  });
  // A keep-it-all pledge becomes live money now; an all-or-nothing one was matched when saved.
  for (const { pledge } of collections) if (pledge.funding_model === "keep_it_all" && pledge.matchable) await matchPledge(trx, pledge, now);
  await appendEntries(
    trx,
    collections.flatMap(({ pledge, payment }) => {
      const collected: EntryDraft = {
        kind: "pledge.collected",
        occurredAt: now,
        memo: "온라인 후원 결제",
        refs: { campaign: pledge.campaign_slug, backer: backerCommitment(pledge.receipt_secret) },
        idempotencyKey: `pledge:${pledge.id}:collected`,
        lines: [
          { account: campaignOnlineSource(pledge.campaign_id), amountWon: -pledge.amount_won },
          { account: campaignEscrow(pledge.campaign_id), amountWon: pledge.amount_won },
        ],
      };
      if (payment.feeWon <= 0) return [collected];
      const fee: EntryDraft = {
        kind: "pledge.fee",
        occurredAt: now,
        memo: "결제 수수료",
        refs: { campaign: pledge.campaign_slug },
        idempotencyKey: `pledge:${pledge.id}:fee`,
        lines: [
          { account: campaignEscrow(pledge.campaign_id), amountWon: -payment.feeWon },
          { account: campaignFees(pledge.campaign_id), amountWon: payment.feeWon },
        ],
      };
      return [collected, fee];
    }),
  );
}

interface IntentUpdate {
  pledgeId: number;
  kind: "setup" | "payment";
  state: IntentState;
}

/** Intent updates in groups of up to 64, one transaction each. */
const applyInGroups = groupCommitPer(
  (services: Services, updates: readonly IntentUpdate[]) => services.db.transaction().execute((trx) => applyIntentStatesIn(trx, services, updates)),
  { maxGroup: 64 },
);

/**
 * Applies what the processor says about the pledge's intent (after the card form, a 3-D Secure
 * step, a webhook or reconciliation). Idempotent: a state already applied changes nothing.
 * Updates that arrive while others are being written go together in one transaction (decision 80).
 */
export function applyIntentState(services: Services, pledgeId: number, kind: "setup" | "payment", state: IntentState): Promise<PledgeState | null> {
  return applyInGroups(services, { pledgeId, kind, state });
}

/** The same, inside the caller's transaction (the webhook inbox row commits with the effect). */
export async function applyIntentStateIn(trx: Tx, services: Services, pledgeId: number, kind: "setup" | "payment", state: IntentState): Promise<PledgeState | null> {
  const [after] = await applyIntentStatesIn(trx, services, [{ pledgeId, kind, state }]);
  return after ?? null;
}

/** What a group of updates writes once, at its end: the receipts, and the collections no matching can see. */
interface GroupWrites {
  receipts: { to: string; props: ReturnType<typeof receiptProps> }[];
  collections: { pledge: LockedPledge; payment: CollectedPayment }[];
}

/** Many updates in one transaction, with the same outcome as one after the other in the given order. */
async function applyIntentStatesIn(trx: Tx, services: Services, updates: readonly IntentUpdate[]): Promise<(PledgeState | null)[]> {
  const now = services.clock.now();
  const locked = new Map((await lockPledges(trx, [...new Set(updates.map((u) => u.pledgeId))])).map((pledge) => [pledge.id, pledge]));
  const writes: GroupWrites = { receipts: [], collections: [] };
  const results: (PledgeState | null)[] = [];
  for (const { pledgeId, kind, state } of updates) {
    const pledge = locked.get(pledgeId);
    if (!pledge) {
      results.push(null);
      continue;
    }
    const after = await applyToLocked(trx, services, pledge, kind, state, now, writes);
    // A later update of the same pledge in this group sees this one's outcome.
    pledge.state = after;
    results.push(after);
  }
  await enqueueEmails(trx, "pledgeReceipt", writes.receipts);
  await recordCollections(trx, writes.collections, now);
  return results;
}

async function applyToLocked(trx: Tx, services: Services, pledge: LockedPledge, kind: "setup" | "payment", state: IntentState, now: Date, writes: GroupWrites): Promise<PledgeState> {
  const ours =
    kind === "setup"
      ? pledge.provider_setup_intent_id === state.intentId
      : pledge.provider_payment_intent_id === state.intentId || (pledge.state === "charging" && state.pledgePublicId === pledge.public_id);
  if (!ours) return pledge.state;

  if (state.status === "succeeded" && kind === "setup" && state.paymentMethodId) {
    if (pledge.state === "pending_authorization") {
      await moveTo(trx, pledge.id, "saved", now, { provider_payment_method_id: state.paymentMethodId, payment_method_type: state.methodType, card_last4: state.cardLast4, last_error: null });
      writes.receipts.push({ to: pledge.email, props: receiptProps(services, pledge, false) });
      await matchPledge(trx, pledge, now);
      return "saved";
    }
    if (pledge.state === "collection_failed") {
      await trx
        .updateTable("pledges")
        .set({ provider_payment_method_id: state.paymentMethodId, payment_method_type: state.methodType, card_last4: state.cardLast4, next_charge_at: now, last_error: null, updated_at: now })
        .where("id", "=", pledge.id)
        .execute();
    }
    return pledge.state;
  }
  if (state.status === "succeeded" && kind === "payment") {
    if (pledge.state === "pending_authorization" || pledge.state === "charging") {
      writes.receipts.push({ to: pledge.email, props: receiptProps(services, pledge, true) });
      const collection = { pledge, payment: { paymentIntentId: state.intentId, methodType: state.methodType, cardLast4: state.cardLast4, feeWon: state.feeWon ?? 0 } };
      // A matched pledge is recorded at once: the matching of the next pledge in the group counts it.
      if (pledge.funding_model === "keep_it_all" && pledge.matchable) await recordCollections(trx, [collection], now);
      else writes.collections.push(collection);
      return "collected";
    }
    return pledge.state;
  }
  if (state.status === "processing" && kind === "payment" && pledge.state === "pending_authorization") {
    await moveTo(trx, pledge.id, "charging", now);
    return "charging";
  }
  // A declined card, or a payment not approved at the wallet: the backer may try again (or another method).
  if (state.status === "requires_payment_method" && state.declineCode && (pledge.state === "pending_authorization" || (pledge.state === "collection_failed" && kind === "setup"))) {
    await trx.updateTable("pledges").set({ last_error: state.declineCode, updated_at: now }).where("id", "=", pledge.id).execute();
    return pledge.state;
  }
  // An all-or-nothing charge that fails is retried by the charge sweeper; only keep-it-all pledges fail here.
  if (state.status === "requires_payment_method" && kind === "payment" && pledge.state === "charging" && pledge.funding_model === "keep_it_all") {
    await moveTo(trx, pledge.id, "failed", now, { last_error: state.declineCode });
    await releaseReward(trx, pledge.reward_id);
    return "failed";
  }
  if (state.status === "canceled" && pledge.state === "pending_authorization") {
    await moveTo(trx, pledge.id, "cancelled", now);
    await releaseReward(trx, pledge.reward_id);
    return "cancelled";
  }
  return pledge.state;
}

/**
 * Gives up on a pledge still waiting for its payment (left at the card form or at the wallet, its
 * hold run out, or its campaign closing): the intent is cancelled at the processor first, so the
 * backer can no longer approve it there after the pledge was given up; if it succeeded meanwhile,
 * that success is applied instead. A processor that cannot be reached throws: nothing is given up
 * then. `reason` is kept as the pledge's last error (shown to the backer).
 */
export async function cancelWaitingPayment(services: Services, pledgeId: number, reason: string | null = null): Promise<PledgeState | null> {
  const pledge = await services.db
    .selectFrom("pledges")
    .select(["id", "state", "funding_model", "provider_setup_intent_id", "provider_payment_intent_id"])
    .where("id", "=", pledgeId)
    .executeTakeFirst();
  if (!pledge || !WAITING_STATES.includes(pledge.state)) return pledge?.state ?? null;
  const kind: IntentKind = pledge.funding_model === "all_or_nothing" ? "setup" : "payment";
  const intentId = kind === "setup" ? pledge.provider_setup_intent_id : pledge.provider_payment_intent_id;
  if (intentId) {
    const state = await services.payments.cancelIntent({ kind, intentId });
    // Cancelled at the processor: given up below, with the reason. Anything else is applied.
    if (state.status !== "canceled") {
      const after = await applyIntentState(services, pledge.id, kind, state);
      if (after === null || !WAITING_STATES.includes(after)) return after;
    }
  }
  const now = services.clock.now();
  return services.db.transaction().execute(async (trx) => {
    const locked = await lockPledge(trx, { id: pledge.id });
    if (!locked || !WAITING_STATES.includes(locked.state)) return locked?.state ?? null;
    await moveTo(trx, locked.id, "cancelled", now, reason ? { last_error: reason } : undefined);
    await releaseReward(trx, locked.reward_id);
    return "cancelled";
  });
}

/** Waiting pledges whose hold has run out are given up (cancelWaitingPayment). Safe to run twice or on two workers. */
export async function expireWaitingPledges(services: Services): Promise<number> {
  const due = await services.db
    .selectFrom("pledges")
    .select("id")
    .where("state", "in", [...WAITING_STATES])
    .where("hold_expires_at", "<=", services.clock.now())
    .orderBy("hold_expires_at")
    .limit(500)
    .execute();
  let expired = 0;
  for (const { id } of due) {
    try {
      if ((await cancelWaitingPayment(services, id, HOLD_EXPIRED)) === "cancelled") expired += 1;
    } catch (error) {
      if (!isPaymentUnavailable(error)) throw error;
    }
  }
  return expired;
}

/** The backer withdraws an uncharged pledge before the deadline; its reward is freed. */
export async function cancelPledge(services: Services, backerId: number, publicId: string): Promise<void> {
  const now = services.clock.now();
  await services.db.transaction().execute(async (trx) => {
    const pledge = await lockPledge(trx, { publicId });
    if (!pledge || pledge.backer_id !== backerId) throw new AppError("pledgeNotCancellable", 404);
    if (!canCancel(pledge.state, pledge.campaign_state, seoulDate(now), pledge.ends_on)) throw new AppError("pledgeNotCancellable", 409);
    await moveTo(trx, pledge.id, "cancelled", now);
    await releaseReward(trx, pledge.reward_id);
    await returnMatchOfPledge(trx, pledge.id, now);
  });
}

export async function getPledgeForBacker(db: DbOrTx, publicId: string) {
  return db
    .selectFrom("pledges")
    .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
    .leftJoin("rewards", "rewards.id", "pledges.reward_id")
    .select([
      "pledges.id",
      "pledges.public_id",
      "pledges.backer_id",
      "pledges.amount_won",
      "pledges.kind",
      "pledges.state",
      "pledges.funding_model",
      "pledges.provider",
      "pledges.payment_method_type",
      "pledges.card_last4",
      "pledges.last_error",
      "pledges.hold_expires_at",
      "pledges.receipt_secret",
      "pledges.message",
      "pledges.anonymous",
      "pledges.backer_kind",
      "pledges.company_name",
      "pledges.created_at",
      "pledges.collected_at",
      "pledges.fee_won",
      "pledges.provider_setup_intent_id",
      "pledges.provider_payment_intent_id",
      "campaigns.slug as campaign_slug",
      "campaigns.title as campaign_title",
      "campaigns.state as campaign_state",
      "campaigns.ends_on",
      "rewards.title as reward_title",
    ])
    .where("pledges.public_id", "=", publicId)
    .executeTakeFirst();
}

export async function listBackerPledges(db: DbOrTx, backerId: number) {
  return db
    .selectFrom("pledges")
    .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
    .select([
      "pledges.public_id",
      "pledges.amount_won",
      "pledges.state",
      "pledges.created_at",
      "campaigns.slug as campaign_slug",
      "campaigns.title as campaign_title",
      "campaigns.state as campaign_state",
      "campaigns.ends_on",
    ])
    .where("pledges.backer_id", "=", backerId)
    .orderBy("pledges.id", "desc")
    .limit(200)
    .execute();
}

/** A campaign's pledges as its host's staff see them, with the backer's name and e-mail, newest first. */
export async function listCampaignPledgesForStaff(db: DbOrTx, campaignId: number) {
  return db
    .selectFrom("pledges")
    .innerJoin("users", "users.id", "pledges.backer_id")
    .select(["pledges.id", "pledges.amount_won", "pledges.state", "pledges.backer_kind", "pledges.company_name", "pledges.refund_requested_at", "pledges.created_at", "users.display_name", "users.email"])
    .where("pledges.campaign_id", "=", campaignId)
    .orderBy("pledges.id", "desc")
    .limit(500)
    .execute();
}

export async function pledgeCampaignId(db: DbOrTx, pledgeId: number): Promise<number | null> {
  const pledge = await db.selectFrom("pledges").select("campaign_id").where("id", "=", pledgeId).executeTakeFirst();
  return pledge?.campaign_id ?? null;
}
