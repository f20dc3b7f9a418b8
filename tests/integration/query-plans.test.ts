import { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPublicCampaign } from "../../app/campaigns/campaign-page.server";
import { listCampaignCards } from "../../app/campaigns/campaign-cards.server";
import { campaignMoney, pledgeStats } from "../../app/campaigns/totals.server";
import { getAccountActivity, listLedgerEntries } from "../../app/ledger/public-ledger.server";
import { createPostgresClient, isPrepared, postgresDialect } from "../../app/utils/db.server";
import type { DB } from "../../db/types";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { fullScans, type PlanNode } from "../support/plans";

// P4's plan half: the queries behind the public campaign page, the campaign index and the ledger
// pages are captured as the loaders' functions issue them, then EXPLAINed with sequential scans,
// merge and hash joins switched off. The test data is small, so this does not show what the
// planner prefers at scale (the P4 benchmark measures that); it shows that an index exists and is
// usable for each access to a large table: a plan that still reads one whole (a Seq Scan, or an
// index walked without a condition and without a Limit) has no usable index.

const LARGE_TABLES = ["pledges", "journal_entries", "journal_lines", "ledger_accounts", "ledger_kind_totals", "campaigns", "users"];

let t: TestDatabase;
let client: ReturnType<typeof createPostgresClient>;
let captured: { sql: string; parameters: readonly unknown[] }[] = [];
let db: Kysely<DB>;

beforeAll(async () => {
  t = await createDemoDatabase();
  client = createPostgresClient(t.url);
  db = new Kysely<DB>({
    dialect: postgresDialect(client),
    log: (event) => {
      if (event.level === "query") captured.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
});
afterAll(async () => {
  await db.destroy();
  await t.drop();
});

/** A table these checks count as large (PLAN_ALL: every table, to see which small ones are read whole). */
const isLarge = (relation: string) => process.env.PLAN_ALL !== undefined || LARGE_TABLES.includes(relation);

/**
 * Each query's plan for its parameters, and for a statement the app prepares (decision 76) also
 * the generic plan PostgreSQL may reuse for any parameters.
 */
async function plansOf(work: () => Promise<unknown>): Promise<{ sql: string; seqScans: string[] }[]> {
  captured = [];
  await work();
  const queries = captured;
  const reserved = await client.reserve();
  try {
    // Small test data would let the planner walk whole indexes for merge and hash joins; with only
    // nested loops left, each join's inner side must be reachable through an index condition.
    await reserved.unsafe("SET enable_seqscan = off; SET enable_mergejoin = off; SET enable_hashjoin = off");
    const results: { sql: string; seqScans: string[] }[] = [];
    for (const query of queries) {
      const rows = (await reserved.unsafe(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.parameters as never[])) as unknown as { "QUERY PLAN": { Plan: PlanNode }[] }[];
      const plan = rows[0]?.["QUERY PLAN"][0]?.Plan;
      if (plan) results.push({ sql: query.sql, seqScans: fullScans(plan, isLarge) });
      if (!isPrepared(query.parameters)) continue;
      const generic = (await reserved.unsafe(`EXPLAIN (GENERIC_PLAN, FORMAT JSON) ${query.sql}`)) as unknown as { "QUERY PLAN": { Plan: PlanNode }[] }[];
      const genericPlan = generic[0]?.["QUERY PLAN"][0]?.Plan;
      if (genericPlan) results.push({ sql: `(generic plan) ${query.sql}`, seqScans: fullScans(genericPlan, isLarge) });
    }
    return results;
  } finally {
    reserved.release();
  }
}

describe("public pages' queries use indexes on large tables", () => {
  it("for the campaign page, the campaign index and the ledger pages", async () => {
    const campaign = await t.db.selectFrom("campaigns").select(["id", "slug"]).where("state", "=", "live").orderBy("id").executeTakeFirstOrThrow();
    const pages: Record<string, () => Promise<unknown>> = {
      "campaign page": async () => {
        await getPublicCampaign(db, campaign.slug);
        await campaignMoney(db, [campaign.id]);
        await pledgeStats(db, [campaign.id]);
      },
      "campaign index": () => listCampaignCards(db, {}),
      "ledger page": () => listLedgerEntries(db, { kind: null, account: null, from: null, to: null }, { before: null, after: null }),
      "campaign escrow account": () => getAccountActivity(db, [`campaign:${campaign.id}:escrow`]),
    };
    const problems: string[] = [];
    let explained = 0;
    for (const [page, work] of Object.entries(pages)) {
      const plans = await plansOf(work);
      expect(plans.length, `${page} issued no query`).toBeGreaterThan(0);
      explained += plans.length;
      for (const plan of plans) if (plan.seqScans.length > 0) problems.push(`${page}: ${plan.seqScans.join(", ")} in ${plan.sql.slice(0, 300)}`);
    }
    expect(problems).toEqual([]);
    expect(explained).toBeGreaterThan(5);
  });

  it("sees a query no index serves (the check's own control)", async () => {
    const plans = await plansOf(() => db.selectFrom("pledges").select("id").where("message", "=", "no index on this").execute());
    // Its plan for the value, then the generic plan of the prepared statement.
    expect(plans.map((p) => p.seqScans)).toEqual([["Seq Scan on pledges"], ["Seq Scan on pledges"]]);
  });
});
