import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildCanonicalEntry,
  canonicalText,
  chainHash,
  leafHash,
  UnbalancedEntryError,
  type AccountSpec,
} from "../../app/ledger/ledger";
import { appendEntry, ensureAccounts, getBalance, getLedgerHead, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { createDatabase, type Database } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../support/db";

const world: AccountSpec = { code: "external:test-world", kind: "external", nameKo: "외부", nameEn: "World", mayGoNegative: true };
const escrow: AccountSpec = { code: "campaign:1:escrow", kind: "campaign_escrow", nameKo: "예치금", nameEn: "Escrow" };
const fees: AccountSpec = { code: "platform:processor-fees", kind: "processor_fees", nameKo: "수수료", nameEn: "Fees" };

let t: TestDatabase;
const at = new Date("2026-11-24T03:00:00Z");

function transfer(amount: number, key?: string) {
  return {
    kind: "test.collected",
    occurredAt: at,
    memo: "test",
    idempotencyKey: key,
    lines: [
      { account: world, amountWon: -amount },
      { account: escrow, amountWon: amount },
    ],
  };
}

/** A raw insert that bypasses the module's own checks, to prove the database refuses it. */
async function rawAppend(
  db: Database,
  lines: { code: string; amount: number }[],
  tweak: { seq?: number; badChain?: boolean; canonicalLines?: { code: string; amount: number }[]; afterImmediateCheck?: { code: string; amount: number }[] } = {},
) {
  await db.transaction().execute(async (trx) => {
    const head = (await sql<{ seq: number; chain_hash: Buffer }>`SELECT * FROM ledger_lock_head()`.execute(trx)).rows[0]!;
    const seq = tweak.seq ?? head.seq + 1;
    const stated = tweak.canonicalLines ?? lines;
    const canonical = canonicalText(
      buildCanonicalEntry(seq, {
        kind: "test.raw",
        occurredAt: at,
        lines: stated.map((l) => ({ account: { code: l.code, kind: "x", nameKo: "x", nameEn: "x" }, amountWon: l.amount })),
      }),
    );
    const leaf = leafHash(canonical);
    const chain = tweak.badChain ? leafHash("forged") : chainHash(head.chain_hash, leaf);
    await sql`INSERT INTO journal_entries (seq, kind, occurred_at, canonical, leaf_hash, chain_hash) VALUES (${seq}, 'test.raw', ${at}, ${canonical}, ${leaf}, ${chain})`.execute(trx);
    let lineNo = 0;
    for (const line of lines) {
      lineNo += 1;
      await sql`INSERT INTO journal_lines (entry_seq, line_no, account_id, amount_won)
        SELECT ${seq}, ${lineNo}, id, ${line.amount} FROM ledger_accounts WHERE code = ${line.code}`.execute(trx);
    }
    if (tweak.afterImmediateCheck) {
      // The checks run now and pass; lines added afterwards in the same transaction must be checked too.
      await sql`SET CONSTRAINTS ALL IMMEDIATE`.execute(trx);
      // One statement, so the added lines balance when their checks run.
      const added = tweak.afterImmediateCheck.map((line, i) => sql`(${lineNo + i + 1}::smallint, ${line.code}, ${line.amount}::bigint)`);
      await sql`INSERT INTO journal_lines (entry_seq, line_no, account_id, amount_won)
        SELECT ${seq}, v.line_no, a.id, v.amount FROM (VALUES ${sql.join(added)}) AS v (line_no, code, amount) JOIN ledger_accounts a ON a.code = v.code`.execute(trx);
    }
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  await ensureAccounts(t.db, [world, escrow, fees, { code: "external:test-other", kind: "external", nameKo: "외부 2", nameEn: "World 2", mayGoNegative: true }]);
});
afterAll(async () => {
  await t.drop();
});

describe("appending", () => {
  it("writes balanced entries with gapless seq, a verifiable chain and balances", async () => {
    const first = await t.db.transaction().execute((trx) => appendEntry(trx, transfer(10_000)));
    const second = await t.db.transaction().execute((trx) =>
      appendEntry(trx, {
        kind: "test.fee",
        occurredAt: at,
        lines: [
          { account: escrow, amountWon: -300 },
          { account: fees, amountWon: 300 },
        ],
      }),
    );
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(await getBalance(t.db, escrow.code)).toBe(9_700);
    expect(await getBalance(t.db, world.code)).toBe(-10_000);
    const result = await verifyStoredLedger(t.db);
    expect(result).toMatchObject({ ok: true, entries: 2, headSeq: 2 });
  });

  it("returns the existing entry for a used idempotency key and writes nothing", async () => {
    const before = await getLedgerHead(t.db);
    const a = await t.db.transaction().execute((trx) => appendEntry(trx, transfer(500, "test:idem:1")));
    const b = await t.db.transaction().execute((trx) => appendEntry(trx, transfer(500, "test:idem:1")));
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ seq: a.seq, created: false });
    expect((await getLedgerHead(t.db)).seq).toBe(before.seq + 1);
  });

  it("rolls the entry back with the business transaction", async () => {
    const before = await getLedgerHead(t.db);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await appendEntry(trx, transfer(1_000));
        throw new Error("business step failed");
      }),
    ).rejects.toThrow("business step failed");
    expect(await getLedgerHead(t.db)).toEqual(before);
  });

  it("refuses an unbalanced draft before touching the database", async () => {
    await expect(
      t.db.transaction().execute((trx) =>
        appendEntry(trx, { kind: "test.bad", occurredAt: at, lines: [{ account: world, amountWon: -5 }, { account: escrow, amountWon: 4 }] }),
      ),
    ).rejects.toThrow(UnbalancedEntryError);
  });

  it("keeps seq gapless and the chain valid under concurrent appends from many connections", async () => {
    const before = await getLedgerHead(t.db);
    const pools = Array.from({ length: 8 }, () => createDatabase(t.url, { max: 4 }));
    try {
      await Promise.all(
        pools.flatMap((pool, p) =>
          Array.from({ length: 25 }, (_, i) => pool.transaction().execute((trx) => appendEntry(trx, transfer(1 + p * 100 + i)))),
        ),
      );
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    const head = await getLedgerHead(t.db);
    expect(head.seq).toBe(before.seq + 200);
    const seqs = await t.db.selectFrom("journal_entries").select("seq").orderBy("seq").execute();
    expect(seqs.map((r) => r.seq)).toEqual(Array.from({ length: head.seq }, (_, i) => i + 1));
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });
});

describe("the database refuses", () => {
  it("an entry whose lines do not sum to zero", async () => {
    await expect(rawAppend(t.db, [{ code: world.code, amount: -100 }, { code: escrow.code, amount: 99 }])).rejects.toThrow(/does not balance/);
  });

  it("an entry with a single line", async () => {
    await expect(rawAppend(t.db, [{ code: escrow.code, amount: 100 }])).rejects.toThrow(/at least 2/);
  });

  it("an entry with no lines", async () => {
    await expect(rawAppend(t.db, [], { canonicalLines: [{ code: world.code, amount: -1 }, { code: escrow.code, amount: 1 }] })).rejects.toThrow(/0 line\(s\)/);
  });

  it("balanced lines added to an entry of an earlier transaction", async () => {
    const entry = await t.db.transaction().execute((trx) => appendEntry(trx, transfer(700)));
    await expect(
      t.db.transaction().execute(async (trx) => {
        for (const [lineNo, code, amount] of [[3, fees.code, 5], [4, "external:test-other", -5]] as const) {
          await sql`INSERT INTO journal_lines (entry_seq, line_no, account_id, amount_won)
            SELECT ${entry.seq}, ${lineNo}, id, ${amount} FROM ledger_accounts WHERE code = ${code}`.execute(trx);
        }
      }),
    ).rejects.toThrow(/disagree with its canonical text/);
  });

  it("balanced lines added after the entry was checked early in its own transaction", async () => {
    await expect(
      rawAppend(t.db, [{ code: world.code, amount: -100 }, { code: escrow.code, amount: 100 }], {
        afterImmediateCheck: [{ code: fees.code, amount: 5 }, { code: "external:test-other", amount: -5 }],
      }),
    ).rejects.toThrow(/disagree with its canonical text/);
  });

  it("lines that differ from the canonical text", async () => {
    await expect(
      rawAppend(t.db, [{ code: world.code, amount: -100 }, { code: escrow.code, amount: 100 }], {
        canonicalLines: [{ code: world.code, amount: -200 }, { code: escrow.code, amount: 200 }],
      }),
    ).rejects.toThrow(/disagree with its canonical text/);
  });

  it("a gap in seq", async () => {
    const head = await getLedgerHead(t.db);
    await expect(rawAppend(t.db, [{ code: world.code, amount: -1 }, { code: escrow.code, amount: 1 }], { seq: head.seq + 2 })).rejects.toThrow(/seq must be/);
  });

  it("a chain hash that does not chain", async () => {
    await expect(rawAppend(t.db, [{ code: world.code, amount: -1 }, { code: escrow.code, amount: 1 }], { badChain: true })).rejects.toThrow(/does not chain/);
  });

  it("an overdraft of an account that may not go negative", async () => {
    const balance = await getBalance(t.db, escrow.code);
    await expect(
      t.db.transaction().execute((trx) =>
        appendEntry(trx, {
          kind: "test.overdraft",
          occurredAt: at,
          lines: [
            { account: escrow, amountWon: -(balance + 1) },
            { account: world, amountWon: balance + 1 },
          ],
        }),
      ),
    ).rejects.toThrow(/ledger_accounts_balance_not_negative/);
  });

  it.each([
    ["UPDATE journal_entries SET kind = 'x' WHERE seq = 1"],
    ["DELETE FROM journal_entries WHERE seq = 1"],
    ["TRUNCATE journal_entries CASCADE"],
    ["UPDATE journal_lines SET amount_won = 1 WHERE entry_seq = 1"],
    ["DELETE FROM journal_lines WHERE entry_seq = 1"],
    ["TRUNCATE journal_lines"],
    ["UPDATE ledger_accounts SET balance_won = 0"],
    ["DELETE FROM ledger_accounts"],
    ["UPDATE ledger_head SET seq = 0"],
  ])("as the app role: %s", async (statement) => {
    await expect(sql.raw(statement).execute(t.db)).rejects.toThrow(/permission denied|append-only|cannot|only/);
  });

  it.each([
    ["UPDATE journal_entries SET kind = 'x' WHERE seq = 1"],
    ["DELETE FROM journal_lines WHERE entry_seq = 1"],
    ["TRUNCATE journal_entries CASCADE"],
    ["UPDATE ledger_accounts SET balance_won = balance_won + 1"],
    ["UPDATE ledger_head SET seq = seq + 1"],
  ])("even as the owner (triggers): %s", async (statement) => {
    await expect(sql.raw(statement).execute(t.owner)).rejects.toThrow(/append-only|only|cannot/);
  });
});

describe("tamper detection", () => {
  it("names the seq of a row edited behind the triggers' back", async () => {
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
    const target = 3;
    await t.owner.transaction().execute(async (trx) => {
      await sql`ALTER TABLE journal_entries DISABLE TRIGGER USER`.execute(trx);
      await sql`UPDATE journal_entries SET canonical = replace(canonical, '"memo":"test"', '"memo":"tampered"') WHERE seq = ${target}`.execute(trx);
      await sql`ALTER TABLE journal_entries ENABLE TRIGGER USER`.execute(trx);
    });
    const result = await verifyStoredLedger(t.db);
    expect(result.ok).toBe(false);
    expect(result.problem?.seq).toBe(target);
  });

  it("names the seq of a journal line changed behind the triggers' back", async () => {
    const fresh = await createTestDatabase();
    try {
      await ensureAccounts(fresh.db, [world, escrow]);
      for (let i = 1; i <= 5; i++) await fresh.db.transaction().execute((trx) => appendEntry(trx, transfer(i * 1000)));
      await fresh.owner.transaction().execute(async (trx) => {
        await sql`ALTER TABLE journal_lines DISABLE TRIGGER USER`.execute(trx);
        await sql`UPDATE journal_lines SET amount_won = amount_won * 2 WHERE entry_seq = 4`.execute(trx);
        await sql`ALTER TABLE journal_lines ENABLE TRIGGER USER`.execute(trx);
      });
      const result = await verifyStoredLedger(fresh.db);
      expect(result.ok).toBe(false);
      expect(result.problem?.seq).toBe(4);
    } finally {
      await fresh.drop();
    }
  });

  it("notices a deleted tail through the head row", async () => {
    const fresh = await createTestDatabase();
    try {
      await ensureAccounts(fresh.db, [world, escrow]);
      for (let i = 1; i <= 4; i++) await fresh.db.transaction().execute((trx) => appendEntry(trx, transfer(i * 1000)));
      await fresh.owner.transaction().execute(async (trx) => {
        await sql`ALTER TABLE journal_lines DISABLE TRIGGER USER`.execute(trx);
        await sql`ALTER TABLE journal_entries DISABLE TRIGGER USER`.execute(trx);
        await sql`DELETE FROM journal_lines WHERE entry_seq = 4`.execute(trx);
        await sql`DELETE FROM journal_entries WHERE seq = 4`.execute(trx);
        await sql`ALTER TABLE journal_entries ENABLE TRIGGER USER`.execute(trx);
        await sql`ALTER TABLE journal_lines ENABLE TRIGGER USER`.execute(trx);
      });
      const result = await verifyStoredLedger(fresh.db);
      expect(result.ok).toBe(false);
      expect(result.problem?.seq).toBe(4);
    } finally {
      await fresh.drop();
    }
  });
});
