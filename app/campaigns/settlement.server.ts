import { sql } from "kysely";
import { enqueueEmail, enqueueEmails } from "../email/outbox.server";
import { campaignEscrow, campaignRefunds, feeSubsidy } from "../ledger/accounts";
import { backerCommitment } from "../ledger/receipts";
import { appendEntry } from "../ledger/ledger.server";
import { releasedMatchWon, returnMatchOfPledge, settleCampaignMatches } from "../matching/matching.server";
import type { PaymentMethodType } from "../payments/methods";
import { isPaymentUnavailable, type ChargeResult } from "../payments/provider";
import { applyIntentState, cancelWaitingPayment, lockPledge, lockPledges, recordCollections, releaseReward, type CollectedPayment, type LockedPledge } from "../pledges/pledges.server";
import { COLLECTION_RETRY_DAYS, RETRY_INTERVAL_MS } from "../pledges/pledge";
import type { Services } from "../server/services";
import { formatDate, seoulDate } from "../utils/dates";
import type { Tx } from "../utils/db.server";
import { campaignMoney } from "./totals.server";
import { createCheckpoint } from "../ledger/checkpoints.server";

// Go-live, close, charge, settle, refund and reconcile: sweepers run by the minute tick (and at
// once when the demo clock moves). Each is idempotent and safe on several workers at once: rows
// are claimed under row locks (SKIP LOCKED for batches) and every processor call carries a
// deterministic idempotency key.

const STUCK_AFTER_MS = 5 * 60 * 1000;

/** Approved campaigns open at the start of their first day (contest rounds all together). */
export async function goLiveDueCampaigns(services: Services): Promise<number> {
  const now = services.clock.now();
  const opened = await services.db
    .updateTable("campaigns")
    .set({ state: "live", went_live_at: now, updated_at: now })
    .where("state", "=", "approved")
    .where("starts_on", "<=", seoulDate(now))
    .executeTakeFirst();
  return Number(opened.numUpdatedRows);
}

/** Live campaigns whose last day is over in Seoul are closed one by one. */
export async function closeDueCampaigns(services: Services): Promise<number> {
  const due = await services.db
    .selectFrom("campaigns")
    .select("id")
    .where("state", "=", "live")
    .where("settlement", "=", "open")
    .where("ends_on", "<", seoulDate(services.clock.now()))
    .execute();
  let closed = 0;
  for (const { id } of due) if (await closeCampaign(services, id)) closed += 1;
  return closed;
}

async function collectedWon(trx: Tx, campaignId: number): Promise<number> {
  return (await campaignMoney(trx, [campaignId])).get(campaignId)?.raisedWon ?? 0;
}

async function abandonUnconfirmed(trx: Tx, campaignId: number, now: Date): Promise<void> {
  const pending = await trx
    .updateTable("pledges")
    .set({ state: "cancelled", updated_at: now })
    .where("campaign_id", "=", campaignId)
    .where("state", "=", "pending_authorization")
    .returning("reward_id")
    .execute();
  for (const row of pending) await releaseReward(trx, row.reward_id);
}

/** Releases uncharged pledges (nothing is ever charged for them) and tells their backers. */
async function releaseUncharged(services: Services, trx: Tx, campaign: { id: number; slug: string; title: string }, now: Date): Promise<void> {
  const released = await trx
    .updateTable("pledges")
    .set({ state: "released", updated_at: now, next_charge_at: null })
    .where("campaign_id", "=", campaign.id)
    .where("state", "in", ["saved", "collection_failed"])
    .returning(["reward_id", "backer_id", "amount_won"])
    .execute();
  for (const row of released) {
    await releaseReward(trx, row.reward_id);
    const backer = await trx.selectFrom("users").select(["email", "display_name", "locale"]).where("id", "=", row.backer_id).executeTakeFirstOrThrow();
    await enqueueEmail(trx, backer.email, "campaignOutcome", {
      locale: backer.locale,
      displayName: backer.display_name,
      campaignTitle: campaign.title,
      outcome: "notCharged",
      amountWon: row.amount_won,
      campaignUrl: `${services.origin}/campaigns/${campaign.slug}`,
    });
  }
}

/**
 * Payments still waiting at the close (a backer at the card form or the wallet) are given up at
 * the processor first, so none can succeed after the campaign was decided; one that succeeded
 * meanwhile is applied. False when the processor could not be reached (the close waits a tick).
 */
async function settleWaitingPayments(services: Services, campaignId: number): Promise<boolean> {
  const waiting = await services.db
    .selectFrom("pledges")
    .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
    .select("pledges.id")
    .where("pledges.campaign_id", "=", campaignId)
    .where("pledges.state", "=", "pending_authorization")
    .where("campaigns.state", "=", "live")
    .where("campaigns.settlement", "=", "open")
    .execute();
  for (const { id } of waiting) {
    try {
      await cancelWaitingPayment(services, id);
    } catch (error) {
      if (isPaymentUnavailable(error)) return false;
      throw error;
    }
  }
  return true;
}

export async function closeCampaign(services: Services, campaignId: number): Promise<boolean> {
  if (!(await settleWaitingPayments(services, campaignId))) return false;
  const now = services.clock.now();
  return services.db.transaction().execute(async (trx) => {
    const campaign = await trx
      .selectFrom("campaigns")
      .select(["id", "slug", "title", "goal_won", "funding_model"])
      .where("id", "=", campaignId)
      .where("state", "=", "live")
      .where("settlement", "=", "open")
      .forUpdate()
      .executeTakeFirst();
    if (!campaign) return false;
    await abandonUnconfirmed(trx, campaign.id, now);
    const collected = await collectedWon(trx, campaign.id);

    if (campaign.funding_model === "keep_it_all") {
      const outcome = collected >= campaign.goal_won ? "succeeded" : "failed";
      await trx.updateTable("campaigns").set({ state: outcome, settlement: "settled", closed_at: now, settled_at: now, updated_at: now }).where("id", "=", campaign.id).execute();
      await settleCampaignMatches(trx, campaign.id, outcome, now);
      return true;
    }

    const pledged = await trx
      .selectFrom("pledges")
      .select(sql<number>`coalesce(sum(amount_won), 0)::bigint`.as("total"))
      .where("campaign_id", "=", campaign.id)
      .where("state", "=", "saved")
      .executeTakeFirstOrThrow();
    if (Number(pledged.total) + collected < campaign.goal_won) {
      await releaseUncharged(services, trx, campaign, now);
      await trx.updateTable("campaigns").set({ state: "failed", settlement: "settled", closed_at: now, settled_at: now, updated_at: now }).where("id", "=", campaign.id).execute();
      await settleCampaignMatches(trx, campaign.id, "failed", now);
      return true;
    }
    await trx
      .updateTable("campaigns")
      .set({ settlement: "charging", closed_at: now, collection_deadline: new Date(now.getTime() + COLLECTION_RETRY_DAYS * 86_400_000), updated_at: now })
      .where("id", "=", campaign.id)
      .execute();
    await trx.updateTable("pledges").set({ next_charge_at: now }).where("campaign_id", "=", campaign.id).where("state", "=", "saved").execute();
    return true;
  });
}

/** How many processor calls are in flight at once while charging. */
const CHARGE_CONCURRENCY = 16;
/** Charges recorded per transaction: one ledger write for the whole group. */
const RECORD_GROUP = 100;
/** Groups being recorded at once while the next is charged. */
const RECORDINGS_IN_FLIGHT = 3;

async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(runners);
  return results;
}

/**
 * Claims due pledges (SKIP LOCKED, so two workers never take the same one), charges them with a
 * few processor calls in flight, and records the outcomes in groups, so a close of 100,000
 * pledges streams through in constant memory. A group's outcomes are recorded while the next
 * groups are being charged, so the processor and the database work at the same time instead of
 * taking turns.
 */
export async function chargeDuePledges(services: Services, batchSize = 500, budgetMs = 5 * 60 * 1000): Promise<number> {
  const started = Date.now();
  const recorder = groupRecorder(services);
  for (;;) {
    const claimed = await claimDuePledges(services, batchSize);
    for (let start = 0; start < claimed.length; start += RECORD_GROUP) {
      const group = claimed.slice(start, start + RECORD_GROUP);
      const outcomes = await inParallel(group, CHARGE_CONCURRENCY, async (pledge) => ({ pledge, result: await chargeOnce(services, pledge) }));
      await recorder.record(outcomes.flatMap(({ pledge, result }) => (result ? [{ pledgeId: pledge.id, attempt: pledge.charge_attempts, result }] : [])));
    }
    if (claimed.length < batchSize || Date.now() - started > budgetMs) return recorder.finish();
  }
}

/**
 * Records charge outcomes in the background, at most RECORDINGS_IN_FLIGHT groups at a time:
 * `record` first waits for the oldest when that many are under way (and throws its error);
 * `finish` waits for all and returns how many were collected.
 */
function groupRecorder(services: Services) {
  let collected = 0;
  // Each settles to its error, never rejects: a failure surfaces at a later record or at finish, not as an unhandled rejection.
  const inFlight: Promise<unknown>[] = [];
  const settleOldest = async () => {
    const error = await inFlight.shift();
    if (error) throw error;
  };
  return {
    async record(results: { pledgeId: number; attempt: number; result: ChargeResult }[]) {
      while (inFlight.length >= RECORDINGS_IN_FLIGHT) await settleOldest();
      inFlight.push(
        services.db
          .transaction()
          .execute((trx) => recordChargeResultsIn(trx, services, results))
          .then(
            (n) => {
              collected += n;
              return null;
            },
            (error: unknown) => error ?? new Error("recording charge outcomes failed"),
          ),
      );
    },
    async finish() {
      while (inFlight.length > 0) await settleOldest();
      return collected;
    },
  };
}

async function claimDuePledges(services: Services, batchSize: number) {
  const now = services.clock.now();
  return services.db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("pledges")
      .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
      .select("pledges.id")
      .where("pledges.state", "in", ["saved", "collection_failed"])
      .where("pledges.next_charge_at", "<=", now)
      .where("campaigns.settlement", "=", "charging")
      .orderBy("pledges.next_charge_at")
      .limit(batchSize)
      .forUpdate("pledges")
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    return trx
      .updateTable("pledges")
      .set((eb) => ({ state: "charging", charge_attempts: eb("charge_attempts", "+", 1), updated_at: now }))
      .where(
        "id",
        "in",
        due.map((d) => d.id),
      )
      .returning(["id", "charge_attempts", "public_id", "amount_won", "provider_customer_id", "provider_payment_method_id", "payment_method_type"])
      .execute();
  });
}

interface ChargeablePledge {
  id: number;
  public_id: string;
  amount_won: number;
  charge_attempts: number;
  provider_customer_id: string | null;
  provider_payment_method_id: string | null;
  payment_method_type: PaymentMethodType | null;
}

/** One off-session charge, or null when the processor could not be reached (retried later, same key). */
async function chargeOnce(services: Services, pledge: ChargeablePledge): Promise<ChargeResult | null> {
  if (!pledge.provider_customer_id || !pledge.provider_payment_method_id) {
    return { outcome: "declined", paymentIntentId: null, declineCode: "no_saved_card" };
  }
  try {
    return await services.payments.chargeSaved({
      customerId: pledge.provider_customer_id,
      paymentMethodId: pledge.provider_payment_method_id,
      // Saved before the method was recorded: every saved method then was a card.
      methodType: pledge.payment_method_type ?? "card",
      amountWon: pledge.amount_won,
      pledgePublicId: pledge.public_id,
      idempotencyKey: `pledge:${pledge.id}:charge:${pledge.charge_attempts}`,
    });
  } catch (error) {
    if (isPaymentUnavailable(error)) return null;
    throw error;
  }
}

/** Repeats a stuck charge with the attempt it was claimed under (the same idempotency key). */
async function chargeClaimedPledge(services: Services, pledgeId: number, attempt: number): Promise<boolean> {
  const pledge = await services.db
    .selectFrom("pledges")
    .select(["id", "public_id", "amount_won", "provider_customer_id", "provider_payment_method_id", "payment_method_type"])
    .where("id", "=", pledgeId)
    .executeTakeFirstOrThrow();
  const result = await chargeOnce(services, { ...pledge, charge_attempts: attempt });
  if (!result) return false;
  return recordChargeResult(services, pledgeId, attempt, result);
}

export async function recordChargeResult(services: Services, pledgeId: number, attempt: number, result: ChargeResult): Promise<boolean> {
  const collected = await services.db.transaction().execute((trx) => recordChargeResultsIn(trx, services, [{ pledgeId, attempt, result }]));
  return collected > 0;
}

/**
 * Records the processor's answers for pledges charged under the given attempts; an answer for an
 * attempt that is no longer current changes nothing. Successes are written together (one outbox
 * insert, one update, one ledger append). Returns how many were collected.
 */
async function recordChargeResultsIn(trx: Tx, services: Services, answers: readonly { pledgeId: number; attempt: number; result: ChargeResult }[]): Promise<number> {
  const now = services.clock.now();
  const locked = new Map((await lockPledges(trx, answers.map((a) => a.pledgeId))).map((p) => [p.id, p]));
  const collections: { pledge: LockedPledge; payment: CollectedPayment }[] = [];
  for (const { pledgeId, attempt, result } of [...answers].sort((a, b) => a.pledgeId - b.pledgeId)) {
    const pledge = locked.get(pledgeId);
    if (!pledge || pledge.state !== "charging" || pledge.charge_attempts !== attempt) continue;
    if (result.outcome === "succeeded") {
      collections.push({ pledge, payment: { paymentIntentId: result.paymentIntentId, methodType: null, cardLast4: null, feeWon: result.feeWon } });
      continue;
    }
    if (result.outcome === "processing") {
      await trx.updateTable("pledges").set({ provider_payment_intent_id: result.paymentIntentId, updated_at: now }).where("id", "=", pledge.id).execute();
      continue;
    }
    services.metrics.chargesFailed.inc();
    const nextAttempt = new Date(now.getTime() + RETRY_INTERVAL_MS);
    const deadline = pledge.collection_deadline ?? now;
    await trx
      .updateTable("pledges")
      .set({ state: "collection_failed", last_error: result.declineCode, next_charge_at: nextAttempt <= deadline ? nextAttempt : null, updated_at: now })
      .where("id", "=", pledge.id)
      .execute();
    if (attempt === 1) {
      await enqueueEmail(trx, pledge.email, "collectionFailed", {
        locale: pledge.locale,
        displayName: pledge.display_name,
        campaignTitle: pledge.campaign_title,
        amountWon: pledge.amount_won,
        retryUntil: formatDate(seoulDate(deadline), pledge.locale),
        updateCardUrl: `${services.origin}/pledges/${pledge.public_id}/pay`,
      });
    }
  }
  await enqueueEmails(
    trx,
    "campaignOutcome",
    collections.map(({ pledge }) => ({
      to: pledge.email,
      props: {
        locale: pledge.locale,
        displayName: pledge.display_name,
        campaignTitle: pledge.campaign_title,
        outcome: "charged" as const,
        amountWon: pledge.amount_won,
        campaignUrl: `${services.origin}/campaigns/${pledge.campaign_slug}`,
      },
    })),
  );
  await recordCollections(trx, collections, now);
  return collections.length;
}

/**
 * Decides charging campaigns on collected money: success as soon as the goal is collected;
 * once nothing is left to charge (or the retry window is over), a campaign short of its goal
 * fails and what was collected is refunded.
 */
export async function settleChargingCampaigns(services: Services): Promise<number> {
  const campaigns = await services.db.selectFrom("campaigns").select("id").where("settlement", "=", "charging").execute();
  let changed = 0;
  for (const { id } of campaigns) if (await settleCampaign(services, id)) changed += 1;
  // A close is a moment outsiders want pinned: sign the ledger's head now, not at the next interval.
  if (changed > 0) await createCheckpoint(services);
  return changed;
}

async function settleCampaign(services: Services, campaignId: number): Promise<boolean> {
  const now = services.clock.now();
  return services.db.transaction().execute(async (trx) => {
    const campaign = await trx
      .selectFrom("campaigns")
      .select(["id", "slug", "title", "state", "goal_won", "collection_deadline"])
      .where("id", "=", campaignId)
      .where("settlement", "=", "charging")
      .forUpdate()
      .executeTakeFirst();
    if (!campaign) return false;
    const collected = await collectedWon(trx, campaign.id);
    const open = await trx
      .selectFrom("pledges")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("campaign_id", "=", campaign.id)
      .where((eb) => eb.or([eb("state", "in", ["saved", "charging"]), eb.and([eb("state", "=", "collection_failed"), eb("next_charge_at", "is not", null)])]))
      .executeTakeFirstOrThrow();
    const windowOver = campaign.collection_deadline !== null && now >= campaign.collection_deadline;
    const stillCharging = await trx
      .selectFrom("pledges")
      .select("id")
      .where("campaign_id", "=", campaign.id)
      .where("state", "=", "charging")
      .limit(1)
      .executeTakeFirst();
    const reachedGoal = collected >= campaign.goal_won;
    let changed = false;
    if (reachedGoal && campaign.state === "live") {
      await trx.updateTable("campaigns").set({ state: "succeeded", updated_at: now }).where("id", "=", campaign.id).execute();
      changed = true;
    }
    if ((Number(open.n) > 0 && !windowOver) || stillCharging) return changed;

    if (reachedGoal) {
      await releaseUncharged(services, trx, campaign, now);
      await trx.updateTable("campaigns").set({ settlement: "settled", settled_at: now, updated_at: now }).where("id", "=", campaign.id).execute();
      // Success is judged on backers' money alone; the matches are added now (README decision "Matches are added on success").
      await settleCampaignMatches(trx, campaign.id, "succeeded", now);
      return true;
    }
    await releaseUncharged(services, trx, campaign, now);
    await trx
      .updateTable("pledges")
      .set({ refund_requested_at: now, refund_reason: "campaign_failed" })
      .where("campaign_id", "=", campaign.id)
      .where("state", "=", "collected")
      .where("refund_requested_at", "is", null)
      .execute();
    await trx.updateTable("campaigns").set({ state: "failed", settlement: "settled", settled_at: now, updated_at: now }).where("id", "=", campaign.id).execute();
    await settleCampaignMatches(trx, campaign.id, "failed", now);
    return true;
  });
}

/** What the escrow must still cover: refunds asked for and not yet made, net of the fees the platform bears. */
export async function pendingRefundsNetWon(trx: Tx, campaignId: number): Promise<number> {
  const row = await trx
    .selectFrom("pledges")
    // A refund also takes back the pledge's match if it was released into the escrow.
    .select(
      sql<number>`coalesce(sum(amount_won - coalesce(fee_won, 0) + coalesce((SELECT m.amount_won FROM matches m WHERE m.pledge_id = pledges.id AND m.state = 'released'), 0)), 0)::bigint`.as(
        "total",
      ),
    )
    .where("campaign_id", "=", campaignId)
    .where("state", "=", "collected")
    .where("refund_requested_at", "is not", null)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/**
 * Asks for a refund (an operator's decision); the refund sweeper carries it out. Refused when the
 * escrow, after the refunds already asked for, no longer covers it (the money was spent): a
 * refund the processor made must always be recordable in the ledger.
 */
export async function requestRefund(services: Services, pledgeId: number, reason: string): Promise<"requested" | "notRefundable" | "exceedsEscrow"> {
  const now = services.clock.now();
  return services.db.transaction().execute(async (trx) => {
    const pledge = await trx.selectFrom("pledges").select(["campaign_id"]).where("id", "=", pledgeId).executeTakeFirst();
    if (!pledge) return "notRefundable";
    // The campaign row serialises this with disbursement requests, which check the same sum.
    await trx.selectFrom("campaigns").select("id").where("id", "=", pledge.campaign_id).forUpdate().execute();
    const locked = await trx.selectFrom("pledges").select(["amount_won", "fee_won", "state", "refund_requested_at"]).where("id", "=", pledgeId).forUpdate().executeTakeFirstOrThrow();
    if (locked.state !== "collected" || locked.refund_requested_at !== null) return "notRefundable";
    const escrow = (await campaignMoney(trx, [pledge.campaign_id])).get(pledge.campaign_id)?.escrowWon ?? 0;
    const pendingDisbursements = await trx
      .selectFrom("disbursements")
      .select(sql<number>`coalesce(sum(amount_won), 0)::bigint`.as("total"))
      .where("campaign_id", "=", pledge.campaign_id)
      .where("state", "=", "requested")
      .executeTakeFirstOrThrow();
    const net = locked.amount_won - (locked.fee_won ?? 0) + (await releasedMatchWon(trx, pledgeId));
    if (net > escrow - (await pendingRefundsNetWon(trx, pledge.campaign_id)) - Number(pendingDisbursements.total)) return "exceedsEscrow";
    await trx.updateTable("pledges").set({ refund_requested_at: now, refund_reason: reason }).where("id", "=", pledgeId).execute();
    return "requested";
  });
}

/** Returns the money: gross back to the backer, from escrow net of the fee the platform absorbs. */
export async function recordRefund(trx: Tx, pledge: LockedPledge, now: Date): Promise<void> {
  const fee = pledge.fee_won ?? 0;
  await trx.updateTable("pledges").set({ state: "refunded", updated_at: now }).where("id", "=", pledge.id).execute();
  await releaseReward(trx, pledge.reward_id);
  await returnMatchOfPledge(trx, pledge.id, now);
  const lines = [
    { account: campaignEscrow(pledge.campaign_id), amountWon: -(pledge.amount_won - fee) },
    { account: campaignRefunds(pledge.campaign_id), amountWon: pledge.amount_won },
  ];
  if (fee > 0) lines.push({ account: feeSubsidy, amountWon: -fee });
  await appendEntry(trx, {
    kind: "pledge.refunded",
    occurredAt: now,
    memo: "후원금 환불",
    refs: { campaign: pledge.campaign_slug, backer: backerCommitment(pledge.receipt_secret) },
    idempotencyKey: `pledge:${pledge.id}:refunded`,
    lines,
  });
}

export async function processRefunds(services: Services, batchSize = 100): Promise<number> {
  const due = await services.db
    .selectFrom("pledges")
    .select(["id", "campaign_id", "amount_won", "fee_won", "provider_payment_intent_id"])
    .where("state", "=", "collected")
    .where("refund_requested_at", "is not", null)
    .orderBy("refund_requested_at")
    .limit(batchSize)
    .execute();
  let refunded = 0;
  for (const pledge of due) {
    if (!pledge.provider_payment_intent_id) continue;
    // Never ask the processor for money the ledger could not record as returned (it was spent):
    // the refund waits, flagged, instead of failing the whole sweep after the processor paid.
    const escrow = (await campaignMoney(services.db, [pledge.campaign_id])).get(pledge.campaign_id)?.escrowWon ?? 0;
    if (pledge.amount_won - (pledge.fee_won ?? 0) > escrow) {
      await services.db.updateTable("pledges").set({ last_error: "refund_exceeds_escrow" }).where("id", "=", pledge.id).where("state", "=", "collected").execute();
      continue;
    }
    let status: "succeeded" | "pending" | "failed";
    try {
      status = (await services.payments.refund({ paymentIntentId: pledge.provider_payment_intent_id, amountWon: pledge.amount_won, idempotencyKey: `pledge:${pledge.id}:refund` })).status;
    } catch (error) {
      if (isPaymentUnavailable(error)) continue;
      throw error;
    }
    const now = services.clock.now();
    const done = await services.db.transaction().execute(async (trx) => {
      const locked = await lockPledge(trx, { id: pledge.id });
      if (!locked || locked.state !== "collected") return false;
      if (status === "failed") {
        await trx.updateTable("pledges").set({ last_error: "refund_failed", updated_at: now }).where("id", "=", locked.id).execute();
        return false;
      }
      await recordRefund(trx, locked, now);
      const reason = await trx.selectFrom("pledges").select("refund_reason").where("id", "=", locked.id).executeTakeFirstOrThrow();
      if (reason.refund_reason === "campaign_failed") {
        await enqueueEmail(trx, locked.email, "campaignOutcome", {
          locale: locked.locale,
          displayName: locked.display_name,
          campaignTitle: locked.campaign_title,
          outcome: "refunded",
          amountWon: locked.amount_won,
          campaignUrl: `${services.origin}/campaigns/${locked.campaign_slug}`,
        });
      } else {
        await enqueueEmail(trx, locked.email, "refundIssued", {
          locale: locked.locale,
          displayName: locked.display_name,
          campaignTitle: locked.campaign_title,
          amountWon: locked.amount_won,
          reason: reason.refund_reason ?? "",
        });
      }
      return true;
    });
    if (done) refunded += 1;
  }
  return refunded;
}

/**
 * Repairs what a lost webhook or a crash left behind: charges stuck in `charging` are asked again
 * with the same idempotency key; confirmed intents of pending pledges are fetched and applied.
 * Pending pledges whose hold ran out are expired by `expireWaitingPledges`.
 */
export async function reconcilePledges(services: Services): Promise<number> {
  const now = services.clock.now();
  const stuckBefore = new Date(now.getTime() - STUCK_AFTER_MS);
  const stuck = await services.db
    .selectFrom("pledges")
    .select(["id", "state", "funding_model", "charge_attempts", "provider_setup_intent_id", "provider_payment_intent_id"])
    .where("state", "in", ["charging", "pending_authorization"])
    .where("updated_at", "<", stuckBefore)
    .orderBy("updated_at")
    .limit(200)
    .execute();
  let repaired = 0;
  for (const pledge of stuck) {
    try {
      if (pledge.state === "charging" && pledge.funding_model === "all_or_nothing" && pledge.charge_attempts > 0) {
        if (await chargeClaimedPledge(services, pledge.id, pledge.charge_attempts)) repaired += 1;
        continue;
      }
      const kind = pledge.funding_model === "keep_it_all" ? "payment" : "setup";
      const intentId = kind === "payment" ? pledge.provider_payment_intent_id : pledge.provider_setup_intent_id;
      if (intentId && (kind === "payment" || pledge.state === "pending_authorization")) {
        const state = kind === "payment" ? await services.payments.getPayment(intentId) : await services.payments.getSetup(intentId);
        const after = await applyIntentState(services, pledge.id, kind, state);
        if (after !== pledge.state) repaired += 1;
        // Looked at now (a payer may wait at the wallet): the next look comes after another quiet period, not every minute.
        else await services.db.updateTable("pledges").set({ updated_at: now }).where("id", "=", pledge.id).where("state", "=", pledge.state).execute();
      }
    } catch (error) {
      if (!(isPaymentUnavailable(error))) throw error;
    }
  }
  return repaired;
}
