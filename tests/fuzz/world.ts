import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { addBudgetLine, createCampaign, reviewCampaign, submitForReview } from "../../app/campaigns/campaigns.server";
import { fundCash, fundInterestIncome, fundPenaltyIncome, loanReceivable } from "../../app/fund/fund";
import { getBalances } from "../../app/ledger/ledger.server";
import { startSequencer } from "../../app/ledger/sequencer.server";
import type { RulesInput } from "../../app/matching/matching-forms";
import { createPool, publishRules } from "../../app/matching/matching.server";
import type { FundingModel } from "../../db/types";
import { createDatabase, type Database } from "../../app/utils/db.server";
import { seedDemoData } from "../../db/seed/seed";
import { createTestServices, type TestServices } from "../support/services";

// The real side of the money fuzz: a fresh copy of a seeded database per run (CREATE DATABASE …
// TEMPLATE), with two live campaigns (one per funding model) in a contest round with a sponsor's
// matching pool, a repaying demo loan, and the people who act on them.

export const FUZZ_START = "2026-11-24T03:00:00Z";
export const CAMPAIGN_ENDS_ON = "2026-11-30";
/** Disbursements above this need two operators (set low so the fuzz reaches the four-eyes path). */
export const FUZZ_DUAL_APPROVAL_THRESHOLD = 30_000;

/** Small against the pledges and caps, so runs reach an exhausted pool and matches given back to it. */
export const FUZZ_POOL_WON = 30_000;
/**
 * The round's first rule version: capped per pledge, campaign and backer, and a threshold (half
 * the goal) that a small pledge alone does not reach. Few pledges become live money in a run, so
 * it asks for no minimum of backers; the random later versions the fuzz publishes do.
 */
export const FUZZ_FIRST_RULES: RulesInput = { factorPct: 100, capPerPledge: 12_000, capPerCampaign: 20_000, capPerBacker: 15_000, minBackers: 0, thresholdPct: 50, allocation: "first_come" };

export interface PoolSetup {
  id: number;
  contestId: number;
  totalWon: number;
}

export interface CampaignSetup {
  id: number;
  slug: string;
  fundingModel: FundingModel;
  goalWon: number;
  budgetLineIds: number[];
}

export interface LoanSetup {
  id: number;
  fundId: number;
  principalWon: number;
  /** Ledger balances when the run started: fund cash, interest and penalty income, the loan's receivable. */
  baseline: { cash: number; interest: number; penalty: number; receivable: number };
}

export interface World {
  db: Database;
  /** Owner connection, for reads the app role may not do. */
  owner: Database;
  services: TestServices;
  /** Both campaigns, in id order (the order reserves are handed out in). */
  campaigns: CampaignSetup[];
  pool: PoolSetup;
  loan: LoanSetup;
  backers: number[];
  /** Two operators of the campaigns' host, then the enterprise member who asks for money. */
  operators: [number, number];
  maker: number;
  fundAdmin: number;
  dispose(): Promise<void>;
}

export interface FuzzCluster {
  adminUrl: string;
  /** A migrated, seeded database used as the template of every run. */
  template: string;
  dispose(): Promise<void>;
}

function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Seeds a copy of the migrated template once; every run then clones it. */
export async function prepareFuzzCluster(adminUrl: string, migratedTemplate: string): Promise<FuzzCluster> {
  const template = `fuzz_seed_${randomBytes(4).toString("hex")}`;
  const admin = createDatabase(adminUrl, { asAppRole: false, max: 1 });
  await sql.raw(`CREATE DATABASE ${template} TEMPLATE ${migratedTemplate}`).execute(admin);
  const owner = createDatabase(urlFor(adminUrl, template), { asAppRole: false, max: 2 });
  await seedDemoData(owner, FUZZ_START.slice(0, 10));
  await owner.updateTable("platform_settings").set({ value_bigint: FUZZ_DUAL_APPROVAL_THRESHOLD }).where("key", "=", "dual_approval_threshold_won").execute();
  await owner.destroy();
  return {
    adminUrl,
    template,
    dispose: async () => {
      await sql.raw(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).execute(admin);
      await admin.destroy();
    },
  };
}

async function userIdByEmail(db: Database, email: string): Promise<number> {
  return (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
}

async function liveCampaign(
  world: { db: Database; owner: Database; services: TestServices },
  round: { enterpriseId: number; owner: number; operator: number; contestId: number },
  fundingModel: FundingModel,
  goalWon: number,
): Promise<CampaignSetup> {
  const { id, slug } = await createCampaign(world.db, {
    enterpriseId: round.enterpriseId,
    userId: round.owner,
    now: world.services.clock.now(),
    basics: { title: `퍼즈 캠페인 (${fundingModel})`, summary: "요약", story: "", goal: goalWon, fundingModel, startsOn: FUZZ_START.slice(0, 10), endsOn: CAMPAIGN_ENDS_ON },
  });
  // Joining a round is the contest workflow's step (selected applications); here it is set up directly.
  await world.owner.updateTable("campaigns").set({ contest_id: round.contestId }).where("id", "=", id).execute();
  await addBudgetLine(world.db, id, { name: "재료비", amount: goalWon - 10_000, required: true });
  await addBudgetLine(world.db, id, { name: "홍보비", amount: 10_000, required: false });
  await submitForReview(world.db, id, world.services.clock.now());
  await reviewCampaign(world.services, { campaignId: id, reviewerId: round.operator, decision: "approve", comment: "" });
  const lines = await world.db.selectFrom("budget_lines").select("id").where("campaign_id", "=", id).orderBy("position").execute();
  return { id, slug, fundingModel, goalWon, budgetLineIds: lines.map((l) => l.id) };
}

/** A fresh world for one run. */
export async function createWorld(cluster: FuzzCluster): Promise<World> {
  const name = `fuzz_run_${randomBytes(5).toString("hex")}`;
  const admin = createDatabase(cluster.adminUrl, { asAppRole: false, max: 1 });
  await sql.raw(`CREATE DATABASE ${name} TEMPLATE ${cluster.template}`).execute(admin);
  const url = urlFor(cluster.adminUrl, name);
  const db = createDatabase(url, { max: 6 });
  const owner = createDatabase(url, { asAppRole: false, max: 2 });
  const services = createTestServices(db, FUZZ_START);
  // The ledger sequencer runs beside the commands, on its own connection, at a pace of its own.
  const sequencerDb = createDatabase(url, { max: 1 });
  const sequencer = startSequencer(sequencerDb, { intervalMs: 1 + Math.floor(Math.random() * 40) });

  // The enterprise member and both operators must share a host for the four-eyes path.
  const host = await db.selectFrom("host_organisations").select("id").where("key", "=", "gwangsan").executeTakeFirstOrThrow();
  const enterprise = await db
    .selectFrom("enterprises")
    .innerJoin("enterprise_members", "enterprise_members.enterprise_id", "enterprises.id")
    .innerJoin("users", "users.id", "enterprise_members.user_id")
    .select(["enterprises.id", "enterprise_members.user_id"])
    .where("enterprises.host_id", "=", host.id)
    .where("enterprises.status", "=", "verified")
    .where("users.email", "in", ["play@hamkke.demo", "coop@hamkke.demo", "mom@hamkke.demo"])
    .orderBy("enterprises.id")
    .executeTakeFirstOrThrow();
  const operators: [number, number] = [await userIdByEmail(db, "operator@hamkke.demo"), await userIdByEmail(db, "operator2@hamkke.demo")];
  const contest = await owner
    .insertInto("contests")
    .values({ slug: "fuzz-matching-round", host_id: host.id, kind: "crowdfunding", title: "퍼즈 매칭 라운드", published: true, created_by: operators[0] })
    .returning("id")
    .executeTakeFirstOrThrow();
  const round = { enterpriseId: enterprise.id, owner: enterprise.user_id, operator: operators[0], contestId: contest.id };
  const campaigns = [await liveCampaign({ db, owner, services }, round, "all_or_nothing", 30_000), await liveCampaign({ db, owner, services }, round, "keep_it_all", 30_000)];
  const poolId = await createPool(db, { contestId: contest.id, userId: operators[0], pool: { sponsorKind: "company", sponsorName: "㈜퍼즈상생", total: FUZZ_POOL_WON }, now: services.clock.now() });
  await publishRules(db, { poolId, userId: operators[0], rules: FUZZ_FIRST_RULES, now: services.clock.now() });
  const backers = await Promise.all(["citizen@hamkke.demo", "company@hamkke.demo", "backer01@hamkke.demo", "backer02@hamkke.demo"].map((e) => userIdByEmail(db, e)));

  const loanRow = await db.selectFrom("loans").select(["id", "fund_id", "principal_won"]).where("state", "=", "repaying").orderBy("id").executeTakeFirstOrThrow();
  const codes = [fundCash(loanRow.fund_id), fundInterestIncome(loanRow.fund_id), fundPenaltyIncome(loanRow.fund_id), loanReceivable(loanRow.id)].map((a) => a.code);
  const balances = await getBalances(db, codes);
  const at = (i: number) => balances.get(codes[i] ?? "") ?? 0;

  return {
    db,
    owner,
    services,
    campaigns,
    pool: { id: poolId, contestId: contest.id, totalWon: FUZZ_POOL_WON },
    loan: { id: loanRow.id, fundId: loanRow.fund_id, principalWon: loanRow.principal_won, baseline: { cash: at(0), interest: at(1), penalty: at(2), receivable: at(3) } },
    backers,
    operators,
    maker: enterprise.user_id,
    fundAdmin: await userIdByEmail(db, "fund1@hamkke.demo"),
    dispose: async () => {
      await sequencer.stop();
      await sequencerDb.destroy();
      await db.destroy();
      await owner.destroy();
      await sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).execute(admin);
      await admin.destroy();
    },
  };
}
