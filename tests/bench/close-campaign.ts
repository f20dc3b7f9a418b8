import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { sql } from "kysely";
import { closeCampaign, chargeDuePledges, settleChargingCampaigns } from "../../app/campaigns/settlement.server";
import { campaignMoney } from "../../app/campaigns/totals.server";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { newReceiptCode } from "../../app/ledger/receipts";
import { drainLedger, startSequencer } from "../../app/ledger/sequencer.server";
import { StripePaymentProvider, createStripeClient } from "../../app/payments/stripe-provider.server";
import { createTestServices } from "../support/services";
import { cpuByRole, cpuPerUnit, memorySampler, printTopStatements, resetStatementCounts, startBenchDatabase, type BenchResult } from "./harness";
import { memoryGrowth } from "./memory-growth";

const root = resolve(import.meta.dirname, "../..");

async function startFakeStripeProcess(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/fakes/stripe-server-cli.ts"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((done, fail) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      const match = chunk.toString().match(/FAKE_STRIPE_URL=(\S+)/);
      if (match?.[1]) done(match[1]);
    });
    child.once("exit", () => fail(new Error("fake Stripe exited")));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

/**
 * P2: close an all-or-nothing campaign with 100,000 saved pledges, charged through fake Stripe;
 * first the same with a tenth of them, whose peak memory the full run's is compared with.
 */
export async function benchCloseCampaign(pledgeCount = 100_000): Promise<BenchResult> {
  const small = await closeAndCharge(Math.max(1, Math.floor(pledgeCount / 10)));
  const full = await closeAndCharge(pledgeCount);
  const memory = memoryGrowth(small.peakRssMiB, full.peakRssMiB);
  return {
    id: "P2",
    name: `close + charge ${pledgeCount.toLocaleString("en-US")} saved pledges (fake Stripe)`,
    figures: `${full.figures}; ${small.pledgeCount.toLocaleString("en-US")} pledges: ${small.seconds.toFixed(1)} s, peak RSS ${small.peakRssMiB} MiB, heap ${small.peakHeapMiB} MiB (RSS ratio ${memory.ratio.toFixed(2)}: memory ${memory.flat ? "flat" : "GROWS"})`,
    goal: "< 120 s, memory flat",
    met: full.ok && small.ok && full.seconds < 120 && memory.flat,
    notes: full.notes ?? small.notes,
  };
}

async function closeAndCharge(pledgeCount: number) {
  const bench = await startBenchDatabase("close");
  const fake = await startFakeStripeProcess();
  try {
    const o = bench.owner;
    const host = await o.insertInto("host_organisations").values({ key: "bench", name: "벤치마크 구청", kind: "district", region: "광주" }).returning("id").executeTakeFirstOrThrow();
    await sql`INSERT INTO users (email, password_hash, display_name) SELECT 'backer' || i || '@bench.local', 'x', '후원자 ' || i FROM generate_series(1, 1000) i`.execute(o);
    const enterprise = await o
      .insertInto("enterprises")
      .values({ host_id: host.id, name: "벤치 협동조합", type: "cooperative", representative: "대표", district: "광주 광산구", business: "벤치", employees: 5, vulnerable_employees: 1, status: "verified", verified_at: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const goal = pledgeCount * 5_000;
    // One code for every pledge: only the commitment's cost matters here.
    const receiptCode = newReceiptCode();
    const campaign = await o
      .insertInto("campaigns")
      .values({ slug: "bench-close", enterprise_id: enterprise.id, title: "벤치마크 캠페인", goal_won: goal, funding_model: "all_or_nothing", state: "draft", starts_on: "2026-11-01", ends_on: "2026-11-30" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await o.insertInto("budget_lines").values({ campaign_id: campaign.id, name: "전체", amount_won: goal }).execute();
    for (const state of ["in_review", "approved", "live"] as const) await o.updateTable("campaigns").set({ state }).where("id", "=", campaign.id).execute();
    await sql`
      INSERT INTO pledges (public_id, campaign_id, backer_id, backer_kind, kind, amount_won, funding_model, state, provider,
        provider_customer_id, provider_payment_method_id, idempotency_key, request_hash, receipt_secret)
      SELECT substr(md5('p' || i), 1, 22), ${campaign.id}, (SELECT min(id) FROM users) + (i % 1000), 'individual', 'sponsorship',
        10000, 'all_or_nothing', 'saved', 'stripe', 'cus_bench', 'pm_card_visa', 'bench-key-' || i, 'bench', ${receiptCode}
      FROM generate_series(1, ${pledgeCount}) i`.execute(o);
    await sql`ANALYZE`.execute(o);

    const stripe = new StripePaymentProvider(createStripeClient({ secretKey: "sk_test_bench", apiBase: fake.url }));
    const services = createTestServices(bench.db, "2026-12-01T00:00:00Z", stripe);
    const memory = memorySampler();
    // The ledger sequencer runs beside the charging, as in every server process.
    const sequencer = startSequencer(bench.db);
    await resetStatementCounts(o);
    const cpuBefore = cpuByRole();
    const started = performance.now();
    await closeCampaign(services, campaign.id);
    const closedAt = performance.now();
    let charged = 0;
    for (;;) {
      const n = await chargeDuePledges(services);
      charged += n;
      if (n === 0) break;
    }
    const chargedAt = performance.now();
    console.log(`  charged ${charged}: ${cpuPerUnit(cpuBefore, cpuByRole(), charged)} (the fake processor is a server)`);
    await printTopStatements(o, "charging", charged);
    await settleChargingCampaigns(services);
    const settledAt = performance.now();
    await sequencer.stop();
    await drainLedger(bench.db);
    const phases = `close ${((closedAt - started) / 1000).toFixed(1)} s, charge ${((chargedAt - closedAt) / 1000).toFixed(1)} s, settle ${((settledAt - chargedAt) / 1000).toFixed(1)} s, last entries sequenced ${((performance.now() - settledAt) / 1000).toFixed(1)} s later`;
    const seconds = (performance.now() - started) / 1000;
    const { peakRssMiB, peakHeapMiB } = memory.stop();
    const verified = await verifyStoredLedger(bench.db);
    const state = await o.selectFrom("campaigns").select(["state", "settlement"]).where("id", "=", campaign.id).executeTakeFirstOrThrow();
    const money = (await campaignMoney(o, [campaign.id])).get(campaign.id);
    const collected = money?.onlineWon ?? 0;
    const ok = charged === pledgeCount && collected === pledgeCount * 10_000 && state.state === "succeeded" && verified.ok;
    return {
      pledgeCount,
      seconds,
      peakRssMiB,
      peakHeapMiB,
      ok,
      figures: `${seconds.toFixed(1)} s (${phases}), ${Math.round(charged / seconds)} charges/s, peak RSS ${peakRssMiB} MiB, heap ${peakHeapMiB} MiB; ledger ${verified.ok ? "verifies" : "FAILS"} (${verified.entries} entries)`,
      notes: ok ? undefined : `charged ${charged}, collected ${collected}, campaign ${state.state}/${state.settlement}, ledger ${JSON.stringify(verified.problem)}`,
    };
  } finally {
    fake.stop();
    await bench.stop();
  }
}
