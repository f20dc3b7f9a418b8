import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addBudgetLine, createCampaign, reviewCampaign, submitForReview } from "../../app/campaigns/campaigns.server";
import type { CampaignOpenData } from "../../app/campaigns/open-data.server";
import { approveDisbursement, requestDisbursement } from "../../app/disbursements/disbursements.server";
import { runTick } from "../../app/jobs/tick.server";
import { confirmDemoCard } from "../../app/payments/demo-checkout.server";
import { createPledge } from "../../app/pledges/pledges.server";
import { parseCsv } from "../../app/utils/csv";
import { startApp, type TestApp } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { enterpriseId, userId } from "../support/seed";
import { CARD_EXPIRY } from "../support/dates";

let t: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db, { now: "2026-11-24T03:00:00Z" });
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

async function openData(slug: string): Promise<CampaignOpenData> {
  const response = await app.client().get(`/api/v1/campaigns/${slug}`);
  expect(response.status).toBe(200);
  return (await response.json()) as CampaignOpenData;
}

describe("open data for a campaign's whole life", () => {
  it("follows a campaign from live to succeeded and spent, and the CSV matches the JSON", async () => {
    const services = app.services;
    const { id, slug } = await createCampaign(t.db, {
      enterpriseId: await enterpriseId(t, "고리"),
      userId: await userId(t, "admin@hamkke.demo"),
      now: services.clock.now(),
      basics: { title: "SNS 강사 양성", summary: "요약", story: "", goal: 200_000, fundingModel: "all_or_nothing", startsOn: "2026-11-24", endsOn: "2026-11-30" },
    });
    await addBudgetLine(t.db, id, { name: "강사료, \"교육\"비", amount: 150_000, required: true });
    await addBudgetLine(t.db, id, { name: "교재", amount: 50_000, required: false });
    await submitForReview(t.db, id, services.clock.now());
    await reviewCampaign(services, { campaignId: id, reviewerId: await userId(t, "operator@hamkke.demo"), decision: "approve", comment: "" });

    let data = await openData(slug);
    expect(data).toMatchObject({ state: "live", goalWon: 200_000, raisedWon: 0, backers: { individuals: 0, companies: 0 } });

    for (const [email, amount, kind] of [
      ["citizen@hamkke.demo", 120_000, "individual"],
      ["company@hamkke.demo", 100_000, "company"],
    ] as const) {
      const { publicId } = await createPledge(services, {
        backerId: await userId(t, email),
        campaignId: id,
        data: { amount, kind: "sponsorship", rewardId: null, message: "", nameDisplay: "masked", backerKind: kind, companyName: kind === "company" ? "㈜광산상사" : "", businessNumber: null, idempotencyKey: `open-data-${email}` },
      });
      await confirmDemoCard(services, publicId, { number: "4242424242424242", expiry: CARD_EXPIRY, cvc: "123" });
    }
    data = await openData(slug);
    expect(data).toMatchObject({ state: "live", raisedWon: 0, pledgedUnchargedWon: 220_000, backers: { individuals: 1, companies: 1 } });

    services.clock.set("2026-12-01T00:00:00Z");
    await runTick(services);
    data = await openData(slug);
    const fees = Math.floor((120_000 * 320) / 10_000) + Math.floor((100_000 * 320) / 10_000);
    expect(data).toMatchObject({ state: "succeeded", raisedWon: 220_000, pledgedUnchargedWon: 0, feesWon: fees, escrowWon: 220_000 - fees });

    const line = await t.db.selectFrom("budget_lines").select("id").where("campaign_id", "=", id).orderBy("position").executeTakeFirstOrThrow();
    const { id: disbursementId } = await requestDisbursement(services, {
      campaignId: id,
      requestedBy: await userId(t, "admin@hamkke.demo"),
      kind: "expense",
      budgetLineId: line.id,
      amount: 90_000,
      payee: "강사 3명",
      description: "1회차 강사료",
      idempotencyKey: "open-data-disbursement",
      receipts: [],
    });
    await approveDisbursement(services, { disbursementId, approverId: await userId(t, "operator@hamkke.demo") });
    data = await openData(slug);
    expect(data.escrowWon).toBe(220_000 - fees - 90_000);
    expect(data.budgetLines[0]).toMatchObject({ plannedWon: 150_000, disbursedWon: 90_000, varianceWon: -60_000 });
    expect(data.disbursements).toHaveLength(1);
    expect(data.disbursements[0]).toMatchObject({ payee: "강사 3명", amountWon: 90_000 });

    const csv = await app.client().get(`/api/v1/campaigns/${slug}/budget.csv`);
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const rows = parseCsv((await csv.text()).replace(/^\uFEFF/, ""));
    expect(rows[0]).toEqual(["budget_line", "planned_won", "disbursed_won", "variance_won", "explanation"]);
    expect(rows.slice(1)).toEqual(data.budgetLines.map((l) => [l.name, String(l.plannedWon), String(l.disbursedWon), String(l.varianceWon), l.explanation]));
    expect(rows[1]?.[0]).toBe('강사료, "교육"비');
  });

  it("answers 404 for unknown or unpublished campaigns", async () => {
    expect((await app.client().get("/api/v1/campaigns/no-such-campaign")).status).toBe(404);
    expect((await app.client().get("/api/v1/campaigns/no-such-campaign/budget.csv")).status).toBe(404);
  });
});
