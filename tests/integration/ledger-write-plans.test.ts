import { Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/types";
import { createPostgresClient, postgresDialect } from "../../app/utils/db.server";
import { fullScans, type PlanNode } from "../support/plans";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { journalSize, writeLedger } from "../support/ledger";

// Decision 78: the functions every ledger write runs keep one plan per connection, made on
// whatever the journal is when the connection first writes. Here a connection makes its plans on
// an empty journal (ten writes: a plan cache left to itself would have chosen its generic plans by
// then too), and auto_explain shows them: none may read the journal, its lines or the accounts
// whole (sequentially, or along an index without a condition).

const WRITE_PATH = ["ledger_record_entries", "ledger_after_lines_insert", "ledger_after_entry_insert"];
const LARGE_TABLES = new Set(["journal_lines", "journal_entries", "ledger_accounts"]);

const normalised = (text: string) => text.replace(/\s+/g, " ").trim();

let t: TestDatabase;
let watched: Kysely<DB>;
/** Each statement auto_explain reported, with its context: the innermost "PL/pgSQL function f() line N" ran it. */
const explained: { query: string; where: string; plan: PlanNode }[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  // The owner's connection, because loading auto_explain takes a superuser; one connection, so
  // every write below runs, and plans, on it.
  watched = new Kysely<DB>({
    dialect: postgresDialect(
      createPostgresClient(t.url, {
        asAppRole: false,
        max: 1,
        onNotice: (notice) => {
          const [, json] = String(notice.message).split(/plan:\n/);
          if (!json) return;
          const parsed = JSON.parse(json) as { "Query Text": string; Plan: PlanNode };
          explained.push({ query: parsed["Query Text"], where: String(notice.where ?? ""), plan: parsed.Plan });
        },
      }),
    ),
  });
  await sql`LOAD 'auto_explain'`.execute(watched);
  await sql`SELECT set_config('auto_explain.log_min_duration', '0', false), set_config('auto_explain.log_nested_statements', 'on', false),
                   set_config('auto_explain.log_format', 'json', false), set_config('auto_explain.log_level', 'notice', false)`.execute(watched);
});
afterAll(async () => {
  await watched?.destroy();
  await t?.drop();
});

describe("the ledger's write path (decision 78)", () => {
  it("keeps plans made on an empty journal that never read it whole", async () => {
    expect(await journalSize(t.db)).toBe(0);
    // Pledges with their fees, refunds and disbursements: money in and out of holding accounts,
    // so the overdraw check runs too.
    await writeLedger(watched, 30, { batch: 3 });
    const ranIn = (e: (typeof explained)[number]) => e.where.split("\n").find((line) => line.startsWith("PL/pgSQL function ")) ?? "";
    const inWritePath = explained.filter((e) => WRITE_PATH.some((name) => ranIn(e).startsWith(`PL/pgSQL function ${name}(`)));
    // Every statement of the three functions ran: the inserts and the key lookup, the lines
    // checks, the overdraw check, "has lines".
    const distinct = new Set(inWritePath.map(ranIn));
    expect([...distinct].length, [...distinct].join("; ")).toBeGreaterThanOrEqual(10);
    const scans = new Set(inWritePath.flatMap((e) => fullScans(e.plan, (relation) => LARGE_TABLES.has(relation)).map((scan) => `${scan} in: ${normalised(e.query)}`)));
    expect([...scans]).toEqual([]);
  });

  it("is planned once per connection, with sequential scans off", async () => {
    const settings = await sql<{ proname: string; proconfig: string[] }>`SELECT proname, proconfig FROM pg_proc WHERE proname = ANY (${WRITE_PATH}) ORDER BY proname`.execute(t.owner);
    for (const row of settings.rows) expect(row.proconfig).toEqual(expect.arrayContaining(["plan_cache_mode=force_generic_plan", "enable_seqscan=off"]));
  });
});
