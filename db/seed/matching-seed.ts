import { sql, type Transaction } from "kysely";
import { createPoolIn, matchPledge, publishRulesIn } from "../../app/matching/matching.server";
import type { RulesInput } from "../../app/matching/matching-forms";
import type { DB } from "../types";

// A clearly labelled demo round with a matching pool, so the two live demo campaigns show
// matching funds today. The sponsor, the amounts and the rules are demo values. The matches of
// the campaigns' existing pledges are made by the product's own `matchPledge`, replayed in the
// order the pledges became live money with the rule version in force at the time (version 2
// halves the factor from six days ago); the start conditions (minimum backers) see the
// campaigns' backers as they are now. Idempotent: the round, pool and rules are found by natural
// keys and the replay runs only in the run that creates the pool.

type Trx = Transaction<DB>;

export const DEMO_MATCHING_CONTEST = "demo-matching-round";
const DEMO_CAMPAIGNS = ["demo-neighbourhood-playground", "demo-local-food-cafe"];
const POOL_WON = 1_000_000;

const rulesV1: RulesInput = { factorPct: 100, capPerPledge: 100_000, capPerCampaign: 1_000_000, capPerBacker: 200_000, minBackers: 2, thresholdPct: 0, allocation: "first_come" };
const rulesV2: RulesInput = { ...rulesV1, factorPct: 50 };

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function seoulMorning(isoDate: string): Date {
  return new Date(`${isoDate}T09:00:00+09:00`);
}

export async function seedMatchingDemo(trx: Trx, today: string): Promise<void> {
  const host = await trx.selectFrom("host_organisations").select(["id"]).where("key", "=", "seogu").executeTakeFirst();
  const operator = await trx.selectFrom("users").select("id").where("email", "=", "operator@hamkke.demo").executeTakeFirst();
  if (!host || !operator) return;
  const campaigns = await trx.selectFrom("campaigns").select(["id", "contest_id", "starts_on", "ends_on"]).where("slug", "in", DEMO_CAMPAIGNS).execute();
  if (campaigns.length === 0) return;

  await trx
    .insertInto("contests")
    .values({
      slug: DEMO_MATCHING_CONTEST,
      host_id: host.id,
      kind: "crowdfunding",
      title: "우리 동네 매칭 펀딩 라운드 (데모)",
      purpose: "매칭 기금을 보여 주는 데모 라운드입니다. 실제 공모전이 아니며, 후원사와 금액은 데모 값입니다.",
      published: true,
      created_by: operator.id,
    })
    .onConflict((oc) => oc.column("slug").doNothing())
    .execute();
  const contest = await trx.selectFrom("contests").select("id").where("slug", "=", DEMO_MATCHING_CONTEST).executeTakeFirstOrThrow();
  const windowStart = campaigns.reduce((min, c) => (c.starts_on < min ? c.starts_on : min), campaigns[0]?.starts_on ?? today);
  const windowEnd = campaigns.reduce((max, c) => (c.ends_on > max ? c.ends_on : max), campaigns[0]?.ends_on ?? today);
  await trx
    .insertInto("contest_stages")
    .values({ contest_id: contest.id, kind: "campaign_window", starts_on: windowStart, ends_on: windowEnd, note: "데모 캠페인 기간" })
    .onConflict((oc) => oc.columns(["contest_id", "kind"]).doNothing())
    .execute();
  // Only campaigns not already in another round join this one.
  await trx
    .updateTable("campaigns")
    .set({ contest_id: contest.id })
    .where("slug", "in", DEMO_CAMPAIGNS)
    .where("contest_id", "is", null)
    .execute();

  const existing = await trx.selectFrom("matching_pools").select("id").where("contest_id", "=", contest.id).executeTakeFirst();
  if (existing) return;
  const opened = seoulMorning(windowStart);
  const poolId = await createPoolIn(trx, {
    contestId: contest.id,
    userId: operator.id,
    pool: { sponsorKind: "company", sponsorName: "㈜빛고을상생 (데모 후원사)", total: POOL_WON },
    now: opened,
  });
  await publishRulesIn(trx, { poolId, userId: operator.id, rules: rulesV1, now: opened });
  await publishRulesIn(trx, { poolId, userId: operator.id, rules: rulesV2, now: seoulMorning(addDays(today, -6)) });

  // The pledges that are live money now, in the order they became so.
  const pledges = await trx
    .selectFrom("pledges")
    .innerJoin("campaigns", "campaigns.id", "pledges.campaign_id")
    .select(["pledges.id", "pledges.campaign_id", "pledges.backer_id", "pledges.amount_won", "pledges.receipt_secret", sql<Date>`coalesce(pledges.collected_at, pledges.created_at)`.as("live_at")])
    .where("campaigns.contest_id", "=", contest.id)
    .where((eb) =>
      eb.or([
        eb.and([eb("pledges.funding_model", "=", "all_or_nothing"), eb("pledges.state", "=", "saved")]),
        eb.and([eb("pledges.funding_model", "=", "keep_it_all"), eb("pledges.state", "=", "collected")]),
      ]),
    )
    .orderBy(sql`coalesce(pledges.collected_at, pledges.created_at)`)
    .orderBy("pledges.id")
    .execute();
  for (const pledge of pledges) await matchPledge(trx, pledge, new Date(pledge.live_at));
}
