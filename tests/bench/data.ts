import { sql } from "kysely";
import type { Database } from "../../app/utils/db.server";
import { seoulDateInDays } from "../support/dates";
import { writeLedger } from "../support/ledger";

export interface GeneratedData {
  campaigns: number;
  pledges: number;
  ledgerEntries: number;
  slugs: (i: number) => string;
  seconds: { rows: number; ledger: number };
}

/**
 * Bulk data for the public-page benchmark: enterprises, users, live campaigns (moved through the
 * state machine by set-based UPDATEs, so the transition trigger still checks each row) and saved
 * pledges by INSERT … SELECT generate_series. Saved pledges are promises: like the product, they
 * write no ledger rows. The ledger gets its own entries through the real append path
 * (`appendEntries`, hashes, chain and balance triggers), shaped like the product's (pledges with
 * fees, refunds, disbursements) and spread over the same campaign accounts.
 */
export async function generateBenchData(owner: Database, sizes: { campaigns: number; pledges: number; ledgerEntries: number }): Promise<GeneratedData> {
  const started = performance.now();
  const host = await owner.insertInto("host_organisations").values({ key: "bench", name: "벤치마크 구청", kind: "district", region: "광주" }).returning("id").executeTakeFirstOrThrow();
  const enterprises = Math.max(1, Math.floor(sizes.campaigns / 5));
  const users = 20_000;
  await sql`INSERT INTO users (email, password_hash, display_name) SELECT 'backer' || i || '@bench.local', 'x', '후원자 ' || i FROM generate_series(1, ${users}) i`.execute(owner);
  await sql`
    INSERT INTO enterprises (host_id, name, type, representative, district, business, employees, vulnerable_employees, status, verified_at)
    SELECT ${host.id}, '벤치 기업 ' || i, (ARRAY['cooperative', 'social_enterprise', 'village_enterprise'])[1 + i % 3], '대표', '광주 광산구', '벤치', 5, 1, 'verified', now()
    FROM generate_series(1, ${enterprises}) i`.execute(owner);
  await sql`
    INSERT INTO campaigns (slug, enterprise_id, title, summary, goal_won, funding_model, state, starts_on, ends_on)
    SELECT 'bench-' || i, (SELECT min(id) FROM enterprises) + (i % ${enterprises}), '벤치마크 캠페인 ' || i, '요약 ' || i, 1000000, 'all_or_nothing', 'draft', ${seoulDateInDays(-30)}, ${seoulDateInDays(365)}
    FROM generate_series(1, ${sizes.campaigns}) i`.execute(owner);
  await sql`INSERT INTO budget_lines (campaign_id, name, amount_won) SELECT id, '전체', 1000000 FROM campaigns`.execute(owner);
  for (const state of ["in_review", "approved", "live"]) await sql`UPDATE campaigns SET state = ${state}`.execute(owner);
  await sql`
    INSERT INTO pledges (public_id, campaign_id, backer_id, backer_kind, company_name, kind, amount_won, funding_model, state, provider,
      provider_customer_id, provider_payment_method_id, idempotency_key, request_hash, receipt_secret)
    SELECT substr(md5('p' || i), 1, 22), (SELECT min(id) FROM campaigns) + (i % ${sizes.campaigns}), (SELECT min(id) FROM users) + (i % ${users}),
      CASE WHEN i % 10 = 0 THEN 'company' ELSE 'individual' END, CASE WHEN i % 10 = 0 THEN '벤치 상사' END, 'sponsorship', 10000 + (i % 9) * 5000, 'all_or_nothing', 'saved', 'demo',
      'cus_bench', 'pm_bench', 'bench-key-' || i, 'bench', 'BENCHRECEIPT0000000000000'
    FROM generate_series(1, ${sizes.pledges}) i`.execute(owner);
  const rowsDone = performance.now();
  await writeLedger(owner, sizes.ledgerEntries, { campaigns: sizes.campaigns, batch: 2_000 });
  // As autovacuum keeps a database in service (hint bits set, visibility map filled, statistics
  // fresh): otherwise the first reads of each bulk-loaded page, or autovacuum itself, would run
  // during the measurement.
  await sql`VACUUM ANALYZE`.execute(owner);
  return {
    ...sizes,
    slugs: (i: number) => `bench-${1 + (i % sizes.campaigns)}`,
    seconds: { rows: (rowsDone - started) / 1000, ledger: (performance.now() - rowsDone) / 1000 },
  };
}
