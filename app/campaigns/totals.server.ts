import { sql } from "kysely";
import { campaignEscrow, campaignFees, campaignOfflineSource, campaignOnlineSource, campaignRefunds } from "../ledger/accounts";
import { BACKING_STATES, UNCHARGED_STATES } from "../pledges/pledge";
import { getBalances } from "../ledger/ledger.server";
import type { DbOrTx } from "../utils/db.server";

export interface CampaignMoney {
  /** Collected online (gross), as the ledger records it. */
  onlineWon: number;
  offlineWon: number;
  refundedWon: number;
  feesWon: number;
  /** Held for the campaign now. */
  escrowWon: number;
  /** Money raised: online + offline − refunded. */
  raisedWon: number;
}

const EMPTY: CampaignMoney = { onlineWon: 0, offlineWon: 0, refundedWon: 0, feesWon: 0, escrowWon: 0, raisedWon: 0 };

/** Campaign money, read from ledger account balances including entries waiting for their seq. */
export async function campaignMoney(db: DbOrTx, campaignIds: readonly number[]): Promise<Map<number, CampaignMoney>> {
  const result = new Map<number, CampaignMoney>(campaignIds.map((id) => [id, { ...EMPTY }]));
  if (campaignIds.length === 0) return result;
  const codes = campaignIds.flatMap((id) => [campaignOnlineSource(id), campaignOfflineSource(id), campaignRefunds(id), campaignFees(id), campaignEscrow(id)].map((a) => a.code));
  for (const [code, balance] of await getBalances(db, codes)) {
    const [, idText, ...rest] = code.split(":");
    const money = result.get(Number(idText));
    if (!money) continue;
    const suffix = rest.join(":");
    // Sources hold money in as negative balances; 0 − x keeps an empty one at 0, not −0.
    if (suffix === "in:online") money.onlineWon = 0 - balance;
    else if (suffix === "in:offline") money.offlineWon = 0 - balance;
    else if (suffix === "out:refunds") money.refundedWon = balance;
    else if (suffix === "fees") money.feesWon = balance;
    else if (suffix === "escrow") money.escrowWon = balance;
  }
  for (const money of result.values()) money.raisedWon = money.onlineWon + money.offlineWon - money.refundedWon;
  return result;
}

export interface PledgeStats {
  /** Promised and not yet charged (all-or-nothing campaigns before their close). */
  pledgedWon: number;
  individuals: number;
  companies: number;
}

/** Distinct backers by kind and uncharged pledges, per campaign. */
export async function pledgeStats(db: DbOrTx, campaignIds: readonly number[]): Promise<Map<number, PledgeStats>> {
  const result = new Map<number, PledgeStats>(campaignIds.map((id) => [id, { pledgedWon: 0, individuals: 0, companies: 0 }]));
  if (campaignIds.length === 0) return result;
  const rows = await db
    .selectFrom("pledges")
    .select((eb) => [
      "campaign_id",
      sql<number>`coalesce(sum(amount_won) FILTER (WHERE state IN (${sql.join(UNCHARGED_STATES)})), 0)::bigint`.as("pledged"),
      sql<number>`count(DISTINCT backer_id) FILTER (WHERE backer_kind = 'individual')::bigint`.as("individuals"),
      sql<number>`count(DISTINCT backer_id) FILTER (WHERE backer_kind = 'company')::bigint`.as("companies"),
      eb.fn.countAll<number>().as("n"),
    ])
    .where("campaign_id", "in", [...campaignIds])
    .where("state", "in", [...BACKING_STATES])
    .groupBy("campaign_id")
    .execute();
  for (const row of rows) {
    result.set(row.campaign_id, { pledgedWon: Number(row.pledged), individuals: Number(row.individuals), companies: Number(row.companies) });
  }
  return result;
}

/** Distinct backers across several campaigns (a series, a contest round), by kind. */
export async function distinctBackers(db: DbOrTx, campaignIds: readonly number[]): Promise<{ individuals: number; companies: number }> {
  if (campaignIds.length === 0) return { individuals: 0, companies: 0 };
  const row = await db
    .selectFrom("pledges")
    .select([
      sql<number>`count(DISTINCT backer_id) FILTER (WHERE backer_kind = 'individual')::bigint`.as("individuals"),
      sql<number>`count(DISTINCT backer_id) FILTER (WHERE backer_kind = 'company')::bigint`.as("companies"),
    ])
    .where("campaign_id", "in", [...campaignIds])
    .where("state", "in", [...BACKING_STATES])
    .executeTakeFirstOrThrow();
  return { individuals: Number(row.individuals), companies: Number(row.companies) };
}
