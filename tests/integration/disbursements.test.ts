import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaignMoney } from "../../app/campaigns/totals.server";
import { approveDisbursement, getSpending, rejectDisbursement, requestDisbursement } from "../../app/disbursements/disbursements.server";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { createDatabase } from "../../app/utils/db.server";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { userId } from "../support/seed";
import { createTestServices, type TestServices } from "../support/services";

let t: TestDatabase;
let services: TestServices;
let campaignId: number;
let lines: { id: number; name: string }[];
let keys = 0;
const key = () => `disbursement-test-${++keys}`;

beforeAll(async () => {
  t = await createDemoDatabase();
  services = createTestServices(t.db, "2026-11-24T03:00:00Z");
  // Round 1 of the child-care series succeeded with 3,740,000 won in escrow.
  const campaign = await t.db.selectFrom("campaigns").select("id").where("slug", "=", "hospital-childcare-round-1").executeTakeFirstOrThrow();
  campaignId = campaign.id;
  lines = await t.db.selectFrom("budget_lines").select(["id", "name"]).where("campaign_id", "=", campaignId).orderBy("position").execute();
});
afterAll(async () => {
  await t.drop();
});

async function request(amount: number, by = "mom@hamkke.demo", line = 0) {
  return requestDisbursement(services, {
    campaignId,
    requestedBy: await userId(t, by),
    kind: "expense",
    budgetLineId: lines[line]!.id,
    amount,
    payee: "광주 병원아동보호사 교육원",
    description: "보호사 교육 강사료",
    idempotencyKey: key(),
    receipts: [new File([new TextEncoder().encode("%PDF-1.4 receipt")], "영수증.pdf")],
  });
}

async function escrow() {
  return (await campaignMoney(t.db, [campaignId])).get(campaignId)?.escrowWon ?? 0;
}

describe("disbursements", () => {
  it("pay below the threshold with one operator's approval, into the ledger", async () => {
    const before = await escrow();
    const { id } = await request(300_000);
    expect(await approveDisbursement(services, { disbursementId: id, approverId: await userId(t, "operator@hamkke.demo") })).toEqual({ paid: true });
    expect(await escrow()).toBe(before - 300_000);
    const spending = await getSpending(t.db, campaignId, { insider: false });
    expect(spending.plan.rows[0]?.spentWon).toBe(300_000);
    expect(spending.disbursements[0]?.receipts).toEqual([]);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("need two different operators above the threshold; the same one twice is refused", async () => {
    const { id } = await request(1_500_000);
    const first = await userId(t, "operator@hamkke.demo");
    expect(await approveDisbursement(services, { disbursementId: id, approverId: first })).toEqual({ paid: false });
    await expect(approveDisbursement(services, { disbursementId: id, approverId: first })).rejects.toMatchObject({ code: "alreadyApproved" });
    expect(await approveDisbursement(services, { disbursementId: id, approverId: await userId(t, "operator2@hamkke.demo") })).toEqual({ paid: true });
  });

  it("refuse the maker approving their own request, and enterprise members approving at all", async () => {
    // An operator who records a delivery is its maker: someone else must approve.
    const maker = await userId(t, "operator@hamkke.demo");
    const { id } = await requestDisbursement(services, {
      campaignId,
      requestedBy: maker,
      kind: "delivery",
      budgetLineId: lines[1]!.id,
      amount: 10_000,
      payee: "수혜 가정",
      description: "전달식",
      idempotencyKey: key(),
      receipts: [],
    });
    await expect(approveDisbursement(services, { disbursementId: id, approverId: maker })).rejects.toMatchObject({ code: "makerCannotApprove" });
    await expect(approveDisbursement(services, { disbursementId: id, approverId: await userId(t, "mom@hamkke.demo") })).rejects.toMatchObject({ code: "makerCannotApprove" });
    await expect(approveDisbursement(services, { disbursementId: id, approverId: await userId(t, "fund1@hamkke.demo") })).rejects.toMatchObject({ code: "notAllowed" });
    await rejectDisbursement(services, { disbursementId: id, operatorId: await userId(t, "operator2@hamkke.demo"), reason: "증빙 부족" });
  });

  it("are refused by the database even through direct SQL as the app role", async () => {
    const { id } = await request(1_200_000);
    const maker = await userId(t, "mom@hamkke.demo");
    const operator = await userId(t, "operator@hamkke.demo");
    await expect(sql`INSERT INTO disbursement_approvals (disbursement_id, approver_id) VALUES (${id}, ${maker})`.execute(t.db)).rejects.toThrow(/maker cannot approve/);
    await sql`INSERT INTO disbursement_approvals (disbursement_id, approver_id) VALUES (${id}, ${operator})`.execute(t.db);
    // One approval is not enough above the threshold.
    await expect(sql`UPDATE disbursements SET state = 'paid', ledger_entry_id = 1, paid_at = now() WHERE id = ${id}`.execute(t.db)).rejects.toThrow(/needs 2 approval/);
    await expect(sql`UPDATE disbursements SET required_approvals = 1 WHERE id = ${id}`.execute(t.db)).rejects.toThrow(/terms cannot change/);
    await expect(sql`DELETE FROM disbursement_approvals WHERE disbursement_id = ${id}`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`UPDATE platform_settings SET value_bigint = 100000000`.execute(t.db)).resolves.toBeDefined();
    // Changing the threshold later does not change requests already made.
    const row = await t.db.selectFrom("disbursements").select("required_approvals").where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.required_approvals).toBe(2);
    await sql`UPDATE platform_settings SET value_bigint = 1000000`.execute(t.owner);
    await rejectDisbursement(services, { disbursementId: id, operatorId: operator, reason: "테스트 정리" });
  });

  it("never pay out more than the campaign holds", async () => {
    const available = await escrow();
    await expect(request(available + 1)).rejects.toMatchObject({ code: "insufficientFunds" });
  });

  it("pay once when approvals race", async () => {
    const { id } = await request(50_000);
    const before = await escrow();
    const pools = [createDatabase(t.url, { max: 2 }), createDatabase(t.url, { max: 2 })];
    try {
      const approvers = [await userId(t, "operator@hamkke.demo"), await userId(t, "operator2@hamkke.demo")];
      const results = await Promise.allSettled(
        pools.map((pool, i) => approveDisbursement({ ...services, db: pool }, { disbursementId: id, approverId: approvers[i]! })),
      );
      expect(results.filter((r) => r.status === "fulfilled" && r.value.paid)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
    }
    expect(await escrow()).toBe(before - 50_000);
    const entries = await t.db.selectFrom("journal_entries").select("seq").where("idempotency_key", "=", `disbursement:${id}:paid`).execute();
    expect(entries).toHaveLength(1);
  });
});
