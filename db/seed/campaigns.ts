import { randomBytes } from "node:crypto";
import type { Transaction } from "kysely";
import { newReceiptCode } from "../../app/ledger/receipts";
import { lockPledge, recordCollections } from "../../app/pledges/pledges.server";
import type { BackerKind, CampaignState, DB, FundingModel, PledgeKind } from "../types";
import { gwangsanPledges, gwangsanProjects, gwangsanResidents } from "./gwangsan-plan";
import { seedCases } from "./seed-cases";

// Demo campaigns with their budgets, rewards and pledges. The hospital child-care rounds carry
// their real published totals (round 1: 3,740,000 won from 9 individuals and 5 companies;
// round 2: 6,900,000 won); how those totals split between backers is not in the source, so the
// split below is a demo assumption, as are goals, budgets, rewards and the two live demo campaigns.

type Trx = Transaction<DB>;

interface PledgeSeed {
  backer: string;
  amount: number;
  kind?: PledgeKind;
  state: "collected" | "saved" | "released";
  on: string;
  message?: string;
  anonymous?: boolean;
}

interface CampaignSeed {
  slug: string;
  enterprise: string;
  title: string;
  summary: string;
  story: string;
  goalWon: number;
  fundingModel: FundingModel;
  startsOn: string;
  endsOn: string;
  state: Extract<CampaignState, "live" | "succeeded" | "failed">;
  contest?: string;
  series?: { slug: string; round: number };
  budget: { name: string; amount: number; required?: boolean }[];
  rewards?: { title: string; minAmount: number; quantity?: number; delivery?: string; description?: string }[];
  pledges: PledgeSeed[];
}

const individualNames = ["김민지", "이서준", "박지우", "최하은", "정도윤", "강서연", "조예준", "윤지호", "임수아", "한지민", "오승현", "신유나"];
const companyNames = ["㈜광산상사", "빛고을 협동조합", "㈜무등건설", "하남산단 기업협의회", "㈜수완유통"];

export interface DemoBacker {
  email: string;
  name: string;
  kind: BackerKind;
}

/** The backers of the hospital child-care rounds and the live demo campaigns. */
const everydayBackers: DemoBacker[] = [
  ...individualNames.map((name, i) => ({ email: `backer${String(i + 1).padStart(2, "0")}@hamkke.demo`, name, kind: "individual" as const })),
  ...companyNames.map((name, i) => ({ email: `company${String(i + 1).padStart(2, "0")}@hamkke.demo`, name, kind: "company" as const })),
];

export const demoBackers: DemoBacker[] = [...everydayBackers, ...gwangsanResidents()];

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function spread(backers: string[], amounts: number[], from: string, days: number, state: "collected" | "saved"): PledgeSeed[] {
  return backers.map((backer, i) => ({ backer, amount: amounts[i] ?? 10_000, state, on: addDays(from, Math.floor((i * days) / Math.max(1, backers.length))) }));
}

function campaignSeeds(today: string): CampaignSeed[] {
  const gwangsan = seedCases.contests[0];
  const window = gwangsan?.stages.find((s) => s.kind === "campaign_window");
  const series = seedCases.series[0];
  const seeds: CampaignSeed[] = [];
  const individuals = everydayBackers.filter((b) => b.kind === "individual").map((b) => b.email);
  const companies = everydayBackers.filter((b) => b.kind === "company").map((b) => b.email);

  if (gwangsan && window?.from && window.to) {
    const windowFrom = window.from;
    const plan = gwangsanPledges();
    const roundPledges = (slug: string, succeeded: boolean): PledgeSeed[] =>
      (plan.get(slug) ?? []).map((p) => ({ backer: p.backer, amount: p.amount, state: succeeded ? "collected" : "released", on: addDays(windowFrom, p.day) }));
    const [library, memory] = gwangsan.named_projects;
    if (library) {
      seeds.push({
        slug: "gwangsan-2016-muyang-library",
        enterprise: "태화루예술단",
        title: library.title,
        summary: library.story,
        story: `## ${library.title}\n\n${library.story}.\n\n- 책장 제작\n- 어린이 도서 구입\n- 주민 참여 책 나눔 행사`,
        goalWon: 1_500_000,
        fundingModel: "all_or_nothing",
        startsOn: window.from,
        endsOn: window.to,
        state: "succeeded",
        contest: gwangsan.key,
        budget: [
          { name: "책장 제작", amount: 700_000 },
          { name: "도서 구입", amount: 600_000 },
          { name: "책 나눔 행사", amount: 200_000, required: false },
        ],
        pledges: roundPledges("gwangsan-2016-muyang-library", true),
      });
    }
    if (memory?.enterprise) {
      seeds.push({
        slug: "gwangsan-2016-sharing-memories",
        enterprise: memory.enterprise,
        title: memory.title,
        summary: memory.story,
        story: `## ${memory.title}\n\n${memory.story}.\n\n전시 현장에서 모인 후원금과 온라인 모금액을 함께 **${memory.beneficiary ?? "유가족"}**께 전달합니다.`,
        goalWon: 1_500_000,
        fundingModel: "all_or_nothing",
        startsOn: window.from,
        endsOn: window.to,
        state: "succeeded",
        contest: gwangsan.key,
        budget: [
          { name: "전시 준비 (가죽·캘리그라피 재료)", amount: 500_000 },
          { name: "유가족 전달 기금", amount: 1_000_000 },
        ],
        pledges: roundPledges("gwangsan-2016-sharing-memories", true),
      });
    }
    // The six projects the source does not name (see gwangsan-plan.ts).
    for (const project of gwangsanProjects.filter((p) => p.budget.length > 0)) {
      seeds.push({
        slug: project.slug,
        enterprise: project.enterprise,
        title: project.title,
        summary: "출처 문서에 이름이 나오지 않는 선정 프로젝트입니다. 제목, 목표와 금액은 데모 데이터입니다.",
        story: `## ${project.title}\n\n제1차 광산구 사회적경제 크라우드펀딩 콘테스트에서 선정된 프로젝트입니다. (데모 데이터)`,
        goalWon: project.goalWon,
        fundingModel: "all_or_nothing",
        startsOn: window.from,
        endsOn: window.to,
        state: project.succeeded ? "succeeded" : "failed",
        contest: gwangsan.key,
        budget: project.budget,
        pledges: roundPledges(project.slug, project.succeeded),
      });
    }
  }

  if (series) {
    const [round1, round2] = series.rounds;
    if (round1) {
      // 9 individuals and 5 companies, 3,740,000 won in all (the published figures).
      const individualAmounts = [50_000, 100_000, 30_000, 200_000, 100_000, 50_000, 150_000, 70_000, 100_000];
      const companyAmounts = [500_000, 600_000, 890_000, 400_000, 500_000];
      seeds.push({
        slug: `${series.key}-round-1`,
        enterprise: series.enterprise,
        title: round1.title,
        summary: `${series.cause} 1차 모금: 아픈 아이 곁을 지키지 못하는 워킹맘을 위해 병원아동보호사가 대신 곁을 지킵니다.`,
        story: `## ${round1.title}\n\n입원한 아이를 돌볼 수 없는 맞벌이·한부모 가정을 위해 교육받은 병원아동보호사를 보냅니다.\n\n- 보호사 교육\n- 돌봄 서비스 제공\n- 저소득 가정 이용료 지원`,
        goalWon: 3_000_000,
        fundingModel: "keep_it_all",
        startsOn: round1.from,
        endsOn: round1.to,
        state: "succeeded",
        series: { slug: series.key, round: 1 },
        budget: [
          { name: "병원아동보호사 교육", amount: 1_000_000 },
          { name: "저소득 가정 돌봄 이용료 지원", amount: 2_000_000 },
        ],
        pledges: [
          ...spread(individuals.slice(0, 9), individualAmounts, round1.from, 60, "collected"),
          ...spread(companies, companyAmounts, addDays(round1.from, 5), 55, "collected"),
        ],
      });
    }
    if (round2) {
      // 6,900,000 won in all (published); the split over 12 people and 5 companies is a demo assumption.
      seeds.push({
        slug: `${series.key}-round-2`,
        enterprise: series.enterprise,
        title: round2.title,
        summary: `${series.cause} 2차 모금: 협동조합으로 새로 선 엄마손길이 더 많은 아이 곁을 지킵니다.`,
        story: `## ${round2.title}\n\n1차 모금으로 시작한 병원아동보호서비스를 협동조합으로 키워 더 많은 가정에 닿게 합니다.`,
        goalWon: 6_000_000,
        fundingModel: "keep_it_all",
        startsOn: round2.from,
        endsOn: round2.to,
        state: "succeeded",
        series: { slug: series.key, round: 2 },
        budget: [
          { name: "보호사 추가 양성", amount: 2_000_000 },
          { name: "돌봄 이용료 지원", amount: 4_000_000 },
        ],
        pledges: [
          ...spread(individuals, Array.from({ length: 12 }, () => 100_000), round2.from, 55, "collected"),
          ...spread(companies, Array.from({ length: 5 }, () => 1_140_000), addDays(round2.from, 3), 50, "collected"),
        ],
      });
    }
  }

  // Two campaigns running now, so the demo has something to back today (clearly marked as demo).
  seeds.push({
    slug: "demo-neighbourhood-playground",
    enterprise: "누럭놀이단",
    title: "우리 동네 골목 놀이터 (데모)",
    summary: "전문 놀이강사가 주말마다 골목을 놀이터로 바꿉니다. 데모 캠페인입니다.",
    story:
      "## 골목이 놀이터가 되는 날\n\n누럭놀이단의 전문 놀이강사 9명이 매주 토요일 상무동 골목에서 **전래놀이**와 몸놀이를 엽니다.\n\n- 놀이 도구 구입\n- 강사 활동비\n- 안전 보험\n\n> 목표 금액이 모여야 결제되는 방식입니다. 모이지 않으면 아무도 결제되지 않습니다.",
    goalWon: 3_000_000,
    fundingModel: "all_or_nothing",
    startsOn: addDays(today, -10),
    endsOn: addDays(today, 20),
    state: "live",
    budget: [
      { name: "놀이 도구", amount: 1_200_000 },
      { name: "강사 활동비", amount: 1_500_000 },
      { name: "안전 보험", amount: 300_000 },
    ],
    rewards: [
      { title: "감사 엽서", minAmount: 10_000, delivery: addDays(today, 40).slice(0, 7), description: "아이들이 그린 그림 엽서" },
      { title: "놀이 꾸러미", minAmount: 30_000, quantity: 30, delivery: addDays(today, 50).slice(0, 7), description: "집에서 하는 전래놀이 도구 세트" },
      { title: "우리 가족 놀이 초대권", minAmount: 100_000, quantity: 10, delivery: addDays(today, 60).slice(0, 7) },
    ],
    pledges: [
      { backer: "backer01@hamkke.demo", amount: 30_000, state: "saved", on: addDays(today, -9), message: "우리 아이도 갈게요!" },
      { backer: "backer02@hamkke.demo", amount: 100_000, state: "saved", on: addDays(today, -7) },
      { backer: "backer03@hamkke.demo", amount: 50_000, state: "saved", on: addDays(today, -5), anonymous: true },
      { backer: "company02@hamkke.demo", amount: 500_000, state: "saved", on: addDays(today, -3), message: "지역 아이들을 응원합니다" },
      { backer: "backer04@hamkke.demo", amount: 20_000, state: "saved", on: addDays(today, -1) },
    ],
  });
  seeds.push({
    slug: "demo-local-food-cafe",
    enterprise: "서창들녁협동조합",
    title: "서창 들녘 마을카페 로컬푸드 장터 (데모)",
    summary: "서창 들녘의 농산물로 마을 전통카페에서 주말 장터를 엽니다. 후원 즉시 결제되는 데모 캠페인입니다.",
    story: "## 들녘에서 식탁까지\n\n서창동 농가 12곳과 함께 매주 일요일 마을카페 앞마당에서 **로컬푸드 직거래 장터**를 엽니다.",
    goalWon: 2_000_000,
    fundingModel: "keep_it_all",
    startsOn: addDays(today, -14),
    endsOn: addDays(today, 16),
    state: "live",
    budget: [
      { name: "장터 천막과 매대", amount: 1_200_000 },
      { name: "홍보물", amount: 300_000 },
      { name: "농가 운송비", amount: 500_000 },
    ],
    rewards: [{ title: "제철 꾸러미", minAmount: 25_000, quantity: 50, delivery: addDays(today, 30).slice(0, 7) }],
    pledges: [
      { backer: "backer05@hamkke.demo", amount: 25_000, state: "collected", on: addDays(today, -12) },
      { backer: "backer06@hamkke.demo", amount: 50_000, state: "collected", on: addDays(today, -8), message: "장터에서 만나요" },
      { backer: "company01@hamkke.demo", amount: 300_000, state: "collected", on: addDays(today, -4) },
    ],
  });
  return seeds;
}

export async function upsertDemoBackers(trx: Trx, passwordHash: string): Promise<Map<string, number>> {
  await trx
    .insertInto("users")
    .values(demoBackers.map((backer) => ({ email: backer.email, display_name: backer.name, password_hash: passwordHash })))
    .onConflict((oc) => oc.column("email").doNothing())
    .execute();
  const rows = await trx.selectFrom("users").select(["id", "email"]).where("email", "like", "%@hamkke.demo").execute();
  return new Map(rows.map((r) => [r.email, r.id]));
}

/** Walks a fresh campaign through the state machine the way the product does. */
async function advanceTo(trx: Trx, campaignId: number, target: CampaignSeed["state"]) {
  const path: CampaignState[] = target === "live" ? ["in_review", "approved", "live"] : ["in_review", "approved", "live", target];
  for (const state of path) await trx.updateTable("campaigns").set({ state }).where("id", "=", campaignId).execute();
}

export async function seedCampaigns(
  trx: Trx,
  context: { enterprises: Map<string, number>; contests: Map<string, number>; users: Map<string, number>; today: string },
): Promise<void> {
  const seriesRows = await trx.selectFrom("campaign_series").select(["id", "slug"]).execute();
  const seriesIds = new Map(seriesRows.map((r) => [r.slug, r.id]));
  for (const seed of campaignSeeds(context.today)) {
    const existing = await trx.selectFrom("campaigns").select("id").where("slug", "=", seed.slug).executeTakeFirst();
    if (existing) continue;
    const enterpriseId = context.enterprises.get(seed.enterprise);
    if (enterpriseId === undefined) continue;
    const campaign = await trx
      .insertInto("campaigns")
      .values({
        slug: seed.slug,
        enterprise_id: enterpriseId,
        contest_id: seed.contest ? (context.contests.get(seed.contest) ?? null) : null,
        series_id: seed.series ? (seriesIds.get(seed.series.slug) ?? null) : null,
        series_round: seed.series?.round ?? null,
        title: seed.title,
        summary: seed.summary,
        story_md: seed.story,
        goal_won: seed.goalWon,
        funding_model: seed.fundingModel,
        state: "draft",
        starts_on: seed.startsOn,
        ends_on: seed.endsOn,
        submitted_at: new Date(`${seed.startsOn}T00:00:00+09:00`),
        approved_at: new Date(`${seed.startsOn}T00:00:00+09:00`),
        went_live_at: new Date(`${seed.startsOn}T00:00:00+09:00`),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const [position, line] of seed.budget.entries()) {
      await trx.insertInto("budget_lines").values({ campaign_id: campaign.id, position, name: line.name, amount_won: line.amount, required: line.required ?? true }).execute();
    }
    const rewardIds: number[] = [];
    for (const [position, reward] of (seed.rewards ?? []).entries()) {
      const row = await trx
        .insertInto("rewards")
        .values({ campaign_id: campaign.id, position, title: reward.title, description: reward.description ?? "", min_amount_won: reward.minAmount, quantity_limit: reward.quantity ?? null, delivery_month: reward.delivery ?? null })
        .returning("id")
        .executeTakeFirstOrThrow();
      rewardIds.push(row.id);
    }
    await advanceTo(trx, campaign.id, seed.state);
    if (seed.state === "succeeded" || seed.state === "failed") {
      const closedAt = new Date(`${seed.endsOn}T15:00:00Z`);
      await trx.updateTable("campaigns").set({ settlement: "settled", closed_at: closedAt, settled_at: closedAt }).where("id", "=", campaign.id).execute();
    }
    await seedPledges(trx, campaign.id, seed, rewardIds, context.users);
  }
}

async function seedPledges(trx: Trx, campaignId: number, seed: CampaignSeed, rewardIds: number[], users: Map<string, number>) {
  const rewards = seed.rewards ?? [];
  for (const [index, pledge] of seed.pledges.entries()) {
    const backerId = users.get(pledge.backer);
    const backer = demoBackers.find((b) => b.email === pledge.backer);
    if (backerId === undefined || !backer) continue;
    // The richest reward the amount allows, if it has stock.
    const rewardIndex = rewards.reduce((best, reward, i) => (pledge.amount >= reward.minAmount ? i : best), -1);
    const rewardId = pledge.kind === "donation" || rewardIndex < 0 ? null : (rewardIds[rewardIndex] ?? null);
    const at = new Date(`${pledge.on}T10:00:00+09:00`);
    const row = await trx
      .insertInto("pledges")
      .values({
        public_id: randomBytes(12).toString("base64url"),
        campaign_id: campaignId,
        backer_id: backerId,
        backer_kind: backer.kind,
        company_name: backer.kind === "company" ? backer.name : null,
        kind: pledge.kind ?? "sponsorship",
        amount_won: pledge.amount,
        reward_id: rewardId,
        message: pledge.message ?? "",
        anonymous: pledge.anonymous ?? false,
        funding_model: seed.fundingModel,
        state: pledge.state === "collected" ? "pending_authorization" : "saved",
        provider: "demo",
        provider_customer_id: `cus_demo_seed${index}`,
        provider_payment_method_id: "pm_demo_succeeds_4242",
        payment_method_type: "card",
        card_last4: "4242",
        idempotency_key: `seed-${seed.slug}-${index}`,
        request_hash: "seed",
        receipt_secret: newReceiptCode(),
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (rewardId !== null) {
      await trx
        .updateTable("rewards")
        .set((eb) => ({ claimed_count: eb("claimed_count", "+", 1) }))
        .where("id", "=", rewardId)
        .execute();
    }
    if (pledge.state === "released") {
      // All-or-nothing below the goal: the saved card was never charged.
      await trx.updateTable("pledges").set({ state: "released", updated_at: at }).where("id", "=", row.id).execute();
    }
    if (pledge.state === "collected") {
      const locked = await lockPledge(trx, { id: row.id });
      // Historical collections: the processor's fee is not in the source, so none is recorded.
      if (locked) await recordCollections(trx, [{ pledge: locked, payment: { paymentIntentId: null, methodType: null, cardLast4: null, feeWon: 0 } }], at);
    }
  }
}
