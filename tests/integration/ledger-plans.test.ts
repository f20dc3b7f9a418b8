import { Kysely, type CompiledQuery, type LogEvent } from "kysely";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/types";
import { createCheckpoint, listCheckpoints } from "../../app/ledger/checkpoints.server";
import { EMPTY_FILTER, type LedgerFilter } from "../../app/ledger/ledger-query";
import {
  exportEntries,
  findEntriesByBacker,
  getAccountActivity,
  getEntryDetail,
  listKinds,
  listLedgerEntries,
  streamLedgerEntries,
} from "../../app/ledger/public-ledger.server";
import { readTile } from "../../app/ledger/merkle.server";
import { getInclusionProof } from "../../app/ledger/proofs.server";
import { backerCommitment } from "../../app/ledger/receipts";
import { createPostgresClient, isPrepared, postgresDialect } from "../../app/utils/db.server";
import { planNodes, type PlanNode } from "../support/plans";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTestServices } from "../support/services";
import { seoulDateAfter } from "../support/dates";
import { LEDGER_START, writeLedger, type WrittenLedger } from "../support/ledger";

// The public ledger's queries must be driven by indexes, not by reading the journal: checked on
// the plans PostgreSQL picks for a ledger big enough that a sequential scan would be a choice.

const ENTRIES = 10_000;
const CAMPAIGNS = 300;
let t: TestDatabase;
let written: WrittenLedger;
let logged: Kysely<DB>;
let captured: CompiledQuery[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  written = await writeLedger(t.db, ENTRIES, { campaigns: CAMPAIGNS, batch: 2_000 });
  await createCheckpoint({ ...createTestServices(t.db), db: t.db });
  await sql`ANALYZE`.execute(t.owner);
  logged = new Kysely<DB>({
    dialect: postgresDialect(createPostgresClient(t.url, { max: 2 })),
    log: (event: LogEvent) => {
      if (event.level === "query") captured.push(event.query);
    },
  });
}, 240_000);
afterAll(async () => {
  await logged?.destroy();
  await t?.drop();
});

/** Runs `work`, then EXPLAINs every query it sent (and the generic plan of each one the app prepares) and returns the journal tables read by sequential scan. */
async function seqScansIn(work: () => Promise<unknown>): Promise<{ queries: number; genericPlans: number; scans: string[] }> {
  captured = [];
  await work();
  const queries = captured.filter((q) => /^\s*(select|with)/i.test(q.sql));
  const scans: string[] = [];
  let genericPlans = 0;
  const explain = (label: string, explained: { "QUERY PLAN": { Plan: PlanNode }[] } | undefined, sqlText: string) => {
    const plan = explained?.["QUERY PLAN"][0]?.Plan;
    if (!plan) throw new Error(`no plan for ${sqlText}`);
    for (const node of planNodes(plan)) {
      if (node["Node Type"] === "Seq Scan" && /^(journal_entries|journal_lines)$/.test(node["Relation Name"] ?? "")) {
        scans.push(`${node["Relation Name"]} in ${label}: ${sqlText.replace(/\s+/g, " ").slice(0, 200)}`);
      }
    }
  };
  for (const query of queries) {
    const explained = await t.db.executeQuery<{ "QUERY PLAN": { Plan: PlanNode }[] }>({ ...query, sql: `EXPLAIN (FORMAT JSON) ${query.sql}` });
    explain("the plan", explained.rows[0], query.sql);
    // A statement the app prepares (decision 76) may run with the generic plan, for any parameters.
    if (isPrepared(query.parameters)) {
      const generic = await sql.raw<{ "QUERY PLAN": { Plan: PlanNode }[] }>(`EXPLAIN (GENERIC_PLAN, FORMAT JSON) ${query.sql}`).execute(t.db);
      explain("the generic plan", generic.rows[0], query.sql);
      genericPlans += 1;
    }
  }
  return { queries: queries.length, genericPlans, scans };
}

const filter = (f: Partial<LedgerFilter>): LedgerFilter => ({ ...EMPTY_FILTER, ...f });

describe(`query plans with ${ENTRIES.toLocaleString("en-US")} entries`, () => {
  it.each<[string, LedgerFilter, { before?: number; after?: number }]>([
    ["the newest page", EMPTY_FILTER, {}],
    ["a deep page", EMPTY_FILTER, { before: 5_000 }],
    ["newer from a cursor", EMPTY_FILTER, { after: 7_000 }],
    ["one kind", filter({ kind: "pledge.refunded" }), { before: 8_000 }],
    ["one account", filter({ account: "campaign:17:escrow" }), {}],
    ["one account, deep", filter({ account: "campaign:17:escrow" }), { before: 3_000 }],
    ["a campaign's accounts (prefix)", filter({ account: "campaign:17" }), {}],
    ["a prefix matching hundreds of accounts", filter({ account: "campaign" }), { before: 7_000 }],
    ["a date range", filter({ from: seoulDateAfter(LEDGER_START, 151), to: seoulDateAfter(LEDGER_START, 153) }), {}],
    ["a date range and an account", filter({ from: seoulDateAfter(LEDGER_START, 59), to: seoulDateAfter(LEDGER_START, 272), account: "campaign:42" }), {}],
    ["a kind, a date range and a cursor", filter({ kind: "pledge.collected", from: seoulDateAfter(LEDGER_START, 31), to: seoulDateAfter(LEDGER_START, 729) }), { before: 6_000 }],
    ["an account that does not exist", filter({ account: "nothing:here" }), {}],
  ])("list %s without a sequential scan of the journal", async (_name, f, cursor) => {
    const result = await seqScansIn(() => listLedgerEntries(logged, f, { before: cursor.before ?? null, after: cursor.after ?? null }));
    expect(result.queries).toBeGreaterThan(0);
    expect(result.genericPlans).toBeGreaterThan(0);
    expect(result.scans).toEqual([]);
  });

  it("stream the CSV and the NDJSON export, list kinds, entries, checkpoints and activity without one", async () => {
    const result = await seqScansIn(async () => {
      let n = 0;
      for await (const _entry of streamLedgerEntries(logged, filter({ account: "campaign:5", kind: "pledge.collected" }), 200)) n += 1;
      expect(n).toBeGreaterThan(0);
      n = 0;
      for await (const _row of exportEntries(logged, { after: 5_000, upTo: ENTRIES, limit: 3_000, pageSize: 500 })) n += 1;
      expect(n).toBe(3_000);
      expect(await listKinds(logged)).toEqual(["disbursement.paid", "pledge.collected", "pledge.refunded"]);
      expect(await getEntryDetail(logged, 6_789)).not.toBeNull();
      expect((await listCheckpoints(logged, { limit: 10 })).checkpoints.length).toBe(1);
      const activity = await getAccountActivity(logged, ["campaign:9:in:online", "campaign:9:escrow", "campaign:9:fees"], { cursor: { before: 15_000, after: null } });
      expect(activity.accounts).toHaveLength(3);
    });
    expect(result.queries).toBeGreaterThan(8);
    expect(result.scans).toEqual([]);
  });

  it("serve tiles, entry bundles and proofs without one", async () => {
    const result = await seqScansIn(async () => {
      expect(await readTile(logged, { kind: "hashes", level: 0, index: 17, width: 256 })).not.toBeNull();
      expect(await readTile(logged, { kind: "entries", level: 0, index: 17, width: 256 })).not.toBeNull();
      expect(await readTile(logged, { kind: "hashes", level: 1, index: 0, width: 39 })).not.toBeNull();
      const bySeq = await getInclusionProof(logged, { seq: 6_789 }, null);
      expect("inclusion_path" in bySeq).toBe(true);
      const byLeaf = await getInclusionProof(logged, { leafHash: Buffer.from("leaf_hash" in bySeq ? bySeq.leaf_hash : "", "hex") }, null);
      expect(byLeaf).toEqual(bySeq);
    });
    expect(result.queries).toBeGreaterThan(5);
    expect(result.scans).toEqual([]);
  });

  it("find a backer's entries through the refs index", async () => {
    const [seq, code] = [...written.receipts.entries()][5_000]!;
    const result = await seqScansIn(async () => {
      const entries = await findEntriesByBacker(logged, backerCommitment(code));
      expect(entries.map((e) => e.seq)).toEqual([seq]);
    });
    expect(result.scans).toEqual([]);
    captured = [];
    await findEntriesByBacker(logged, backerCommitment(code));
    const lookup = captured.find((q) => q.sql.includes("@>"))!;
    const plan = await t.db.executeQuery<{ "QUERY PLAN": string }>({ ...lookup, sql: `EXPLAIN ${lookup.sql}` });
    expect(plan.rows.map((r) => r["QUERY PLAN"]).join("\n")).toContain("journal_entries_refs_idx");
  });
});
