import { sql } from "kysely";
import { campaignEscrow, campaignFees, campaignOfflineSource, campaignOnlineSource, campaignRefunds } from "../ledger/accounts";
import { BACKING_STATES, UNCHARGED_STATES } from "../pledges/pledge";
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

/** Campaign money, read from ledger account balances (one indexed lookup per account). */
export async function campaignMoney(db: DbOrTx, campaignIds: readonly number[]): Promise<Map<number, CampaignMoney>> {
  const result = new Map<number, CampaignMoney>(campaignIds.map((id) => [id, { ...EMPTY }]));
  if (campaignIds.length === 0) return result;
  const codes = campaignIds.flatMap((id) => [campaignOnlineSource(id), campaignOfflineSource(id), campaignRefunds(id), campaignFees(id), campaignEscrow(id)].map((a) => a.code));
  const rows = await db.selectFrom("ledger_accounts").select(["code", "balance_won"]).where("code", "in", codes).execute();
  for (const row of rows) {
    const [, idText, ...rest] = row.code.split(":");
    const money = result.get(Number(idText));
    if (!money) continue;
    const suffix = rest.join(":");
    if (suffix === "in:online") money.onlineWon = -row.balance_won;
    else if (suffix === "in:offline") money.offlineWon = -row.balance_won;
    else if (suffix === "out:refunds") money.refundedWon = row.balance_won;
    else if (suffix === "fees") money.feesWon = row.balance_won;
    else if (suffix === "escrow") money.escrowWon = row.balance_won;
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
