import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalTextAround, chainHash, leafHash, UnbalancedEntryError, type AccountSpec, type EntryDraft } from "../../app/ledger/ledger";
import { appendEntry, ensureAccounts, getBalance, getLedgerHead, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { drainLedger, getSequencingStatus, sequenceBatch, startSequencer } from "../../app/ledger/sequencer.server";
import { createDatabase, type Database } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../support/db";

const root = resolve(import.meta.dirname, "../..");
const world: AccountSpec = { code: "external:test-world", kind: "external", nameKo: "외부", nameEn: "World", mayGoNegative: true };
const escrow: AccountSpec = { code: "campaign:1:escrow", kind: "campaign_escrow", nameKo: "예치금", nameEn: "Escrow" };
const fees: AccountSpec = { code: "platform:processor-fees", kind: "processor_fees", nameKo: "수수료", nameEn: "Fees" };
const other: AccountSpec = { code: "external:test-other", kind: "external", nameKo: "외부 2", nameEn: "World 2", mayGoNegative: true };

let t: TestDatabase;
const at = new Date("2026-11-24T03:00:00Z");

function transfer(amount: number, key?: string): EntryDraft {
  return { kind: "test.collected", occurredAt: at, memo: "test", idempotencyKey: key, lines: [{ account: world, amountWon: -amount }, { account: escrow, amountWon: amount }] };
}

function withdrawal(amount: number): EntryDraft {
  return { kind: "test.paid", occurredAt: at, lines: [{ account: escrow, amountWon: -amount }, { account: other, amountWon: amount }] };
}

const write = (db: Database, draft: EntryDraft) => db.transaction().execute((trx) => appendEntry(trx, draft));

/** The sequenced seq of an entry (null while it waits). */
async function seqOf(db: Database, entryId: number): Promise<number | null> {
  return (await db.selectFrom("journal_entries").select("seq").where("id", "=", entryId).executeTakeFirstOrThrow()).seq;
}

/** A raw insert that bypasses the module's own checks, to prove the database refuses it. */
async function rawAppend(
  db: Database,
  lines: { code: string; amount: number }[],
  tweak: { canonicalLines?: { code: string; amount: number }[]; afterImmediateCheck?: { code: string; amount: number }[]; withSeq?: boolean } = {},
) {
  await db.transaction().execute(async (trx) => {
    const stated = tweak.canonicalLines ?? lines;
    const { beforeSeq, afterSeq } = canonicalTextAround({
      kind: "test.raw",
      occurredAt: at,
      lines: stated.map((l) => ({ account: { code: l.code, kind: "x", nameKo: "x", nameEn: "x" }, amountWon: l.amount })),
    });
    const entry = tweak.withSeq
      ? await sql<{ id: number }>`INSERT INTO journal_entries (kind, occurred_at, canonical_before_seq, canonical_after_seq, seq, leaf_hash, chain_hash)
          VALUES ('test.raw', ${at}, ${beforeSeq}, ${afterSeq}, 999, ${leafHash("x")}, ${leafHash("y")}) RETURNING id`.execute(trx)
      : await sql<{ id: number }>`INSERT INTO journal_entries (kind, occurred_at, canonical_before_seq, canonical_after_seq)
          VALUES ('test.raw', ${at}, ${beforeSeq}, ${afterSeq}) RETURNING id`.execute(trx);
    const id = entry.rows[0]!.id;
    // All of an entry's lines in one statement, which the database checks when it ends.
    const lineNo = lines.length;
    if (lines.length > 0) {
      const values = lines.map((line, i) => sql`(${i + 1}::smallint, ${line.code}, ${line.amount}::bigint)`);
      await sql`INSERT INTO journal_lines (entry_id, line_no, account_id, amount_won)
        SELECT ${id}, v.line_no, a.id, v.amount FROM (VALUES ${sql.join(values)}) AS v (line_no, code, amount) JOIN ledger_accounts a ON a.code = v.code`.execute(trx);
    }
    if (tweak.afterImmediateCheck) {
      // The checks run now and pass; lines added afterwards in the same transaction must be checked too.
      await sql`SET CONSTRAINTS ALL IMMEDIATE`.execute(trx);
      // One statement, so the added lines balance when their checks run.
      const added = tweak.afterImmediateCheck.map((line, i) => sql`(${lineNo + i + 1}::smallint, ${line.code}, ${line.amount}::bigint)`);
      await sql`INSERT INTO journal_lines (entry_id, line_no, account_id, amount_won)
        SELECT ${id}, v.line_no, a.id, v.amount FROM (VALUES ${sql.join(added)}) AS v (line_no, code, amount) JOIN ledger_accounts a ON a.code = v.code`.execute(trx);
    }
  });
}

/** Runs statements as the sequencer's own role would (the owner may take it on). */
async function asSequencerRole(db: Database, statement: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL ROLE hamkke_ledger_sequencer`.execute(trx);
    await sql.raw(statement).execute(trx);
  });
}

beforeAll(async () => {
  t = await createTestDatabase();
  await ensureAccounts(t.db, [world, escrow, fees, other]);
});
afterAll(async () => {
  await t.drop();
});

describe("writing and sequencing", () => {
  it("commits entries without seq; a batch numbers them gaplessly, chains them and applies balances", async () => {
    const first = await write(t.db, transfer(10_000));
    const second = await write(t.db, { kind: "test.fee", occurredAt: at, lines: [{ account: escrow, amountWon: -300 }, { account: fees, amountWon: 300 }] });
    expect([first.seq, second.seq]).toEqual([null, null]);
    // Waiting entries count in the balance money steps decide on, not yet in the sequenced one.
    expect(await getBalance(t.db, escrow.code)).toBe(9_700);
    const stored = await t.db.selectFrom("ledger_accounts").select("balance_won").where("code", "=", escrow.code).executeTakeFirstOrThrow();
    expect(stored.balance_won).toBe(0);
    expect(await getSequencingStatus(t.db)).toMatchObject({ headSeq: 0, waiting: 2 });

    const batch = await sequenceBatch(t.db);
    expect(batch?.firstSeq).toBe(1);
    expect(batch?.leafHashes).toHaveLength(2);
    expect([await seqOf(t.db, first.entryId), await seqOf(t.db, second.entryId)]).toEqual([1, 2]);
    expect(await getSequencingStatus(t.db)).toMatchObject({ headSeq: 2, waiting: 0 });
    expect(await getBalance(t.db, escrow.code)).toBe(9_700);
    expect(await getBalance(t.db, world.code)).toBe(-10_000);
    const result = await verifyStoredLedger(t.db);
    expect(result).toMatchObject({ ok: true, entries: 2, headSeq: 2 });
    // The hook's view of the batch is the chain itself.
    const rows = await t.db.selectFrom("sequenced_entries").select(["canonical", "leaf_hash", "chain_hash"]).orderBy("seq").execute();
    expect(batch?.leafHashes.map((h) => h.toString("hex"))).toEqual(rows.map((r) => leafHash(r.canonical).toString("hex")));
    expect(batch?.chainHash.equals(chainHash(rows[0]!.chain_hash, rows[1]!.leaf_hash))).toBe(true);
    const batches = await t.db.selectFrom("ledger_batches").selectAll().execute();
    expect(batches).toMatchObject([{ first_seq: 1, last_seq: 2 }]);
  });

  it("returns the existing entry for a used idempotency key and writes nothing", async () => {
    const a = await write(t.db, transfer(500, "test:idem:1"));
    const b = await write(t.db, transfer(500, "test:idem:1"));
    expect(a.created).toBe(true);
    expect(b).toMatchObject({ entryId: a.entryId, seq: null, created: false });
    await drainLedger(t.db);
    const c = await write(t.db, transfer(500, "test:idem:1"));
    expect(c).toMatchObject({ entryId: a.entryId, seq: await seqOf(t.db, a.entryId), created: false });
    expect((await getSequencingStatus(t.db)).waiting).toBe(0);
  });

  it("rolls the entry back with the business transaction: nothing waits", async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await appendEntry(trx, transfer(1_000));
        throw new Error("business step failed");
      }),
    ).rejects.toThrow("business step failed");
    expect((await getSequencingStatus(t.db)).waiting).toBe(0);
  });

  it("refuses an unbalanced draft before touching the database", async () => {
    await expect(write(t.db, { kind: "test.bad", occurredAt: at, lines: [{ account: world, amountWon: -5 }, { account: escrow, amountWon: 4 }] })).rejects.toThrow(UnbalancedEntryError);
  });

  it("sequences an entry whose transaction commits late, after later entries were sequenced", async () => {
    const before = await getLedgerHead(t.db);
    const late = createDatabase(t.url, { max: 1 });
    try {
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      let lateId = 0;
      const lateWrite = late.transaction().execute(async (trx) => {
        lateId = (await appendEntry(trx, transfer(111))).entryId;
        await held;
      });
      while (lateId === 0) await new Promise((r) => setTimeout(r, 5));
      // A later transaction (higher id) commits and is sequenced while the first is still open.
      const early = await write(t.db, transfer(222));
      expect(early.entryId).toBeGreaterThan(lateId);
      await sequenceBatch(t.db);
      expect(await seqOf(t.db, early.entryId)).toBe(before.seq + 1);
      release();
      await lateWrite;
      // "Not yet sequenced", never "id greater than the last one": the late entry is not skipped.
      expect((await getSequencingStatus(t.db)).waiting).toBe(1);
      await sequenceBatch(t.db);
      expect(await seqOf(t.db, lateId)).toBe(before.seq + 2);
      expect(await verifyStoredLedger(t.db)).toMatchObject({ ok: true, headSeq: before.seq + 2 });
    } finally {
      await late.destroy();
    }
  });

  it("keeps seq gapless and every entry exactly once with many writers and two sequencers at once", async () => {
    const before = await getLedgerHead(t.db);
    const pools = Array.from({ length: 6 }, () => createDatabase(t.url, { max: 4 }));
    const sequencers = [startSequencer(pools[0]!, { intervalMs: 5 }), startSequencer(pools[1]!, { intervalMs: 7 })];
    const ids: number[] = [];
    try {
      await Promise.all(
        pools.flatMap((pool, p) =>
          Array.from({ length: 30 }, async (_, i) => {
            ids.push((await pool.transaction().execute((trx) => appendEntry(trx, transfer(1 + p * 100 + i)))).entryId);
          }),
        ),
      );
    } finally {
      await Promise.all(sequencers.map((s) => s.stop()));
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    await drainLedger(t.db);
    const head = await getLedgerHead(t.db);
    expect(head.seq).toBe(before.seq + 180);
    const rows = await t.db.selectFrom("journal_entries").select(["id", "seq"]).where("id", "in", ids).execute();
    expect(new Set(rows.map((r) => r.seq)).size).toBe(180);
    const all = await t.db.selectFrom("sequenced_entries").select("seq").orderBy("seq").execute();
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: head.seq }, (_, i) => i + 1));
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("lets one sequencer work at a time: a second finds the head taken and numbers nothing", async () => {
    await write(t.db, transfer(5));
    const holder = createDatabase(t.url, { max: 1 });
    try {
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      let numbered = 0;
      const first = holder.transaction().execute(async (trx) => {
        numbered = (await sql`SELECT seq FROM ledger_sequence_batch()`.execute(trx)).rows.length;
        await held;
      });
      while (numbered === 0) await new Promise((r) => setTimeout(r, 5));
      await write(t.db, transfer(6));
      expect(await sequenceBatch(t.db)).toBeNull();
      release();
      await first;
      expect(numbered).toBe(1);
      await drainLedger(t.db);
      expect((await verifyStoredLedger(t.db)).ok).toBe(true);
    } finally {
      await holder.destroy();
    }
  });

  it("writes nothing when nothing waits: an idle tick takes no transaction id, so it has no commit to flush", async () => {
    const tick = () =>
      t.db.transaction().execute(async (trx) => {
        const numbered = (await sql`SELECT seq FROM ledger_sequence_batch()`.execute(trx)).rows.length;
        const assigned = (await sql<{ xid: string | null }>`SELECT txid_current_if_assigned()::text AS xid`.execute(trx)).rows[0]?.xid ?? null;
        return { numbered, wrote: assigned !== null };
      });
    await drainLedger(t.db);
    expect(await tick()).toEqual({ numbered: 0, wrote: false });
    await write(t.db, transfer(7));
    expect(await tick()).toEqual({ numbered: 1, wrote: true });
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("loses nothing and numbers nothing twice when the sequencer's process is killed mid-batch", async () => {
    const before = await getLedgerHead(t.db);
    const written = await Promise.all(Array.from({ length: 20 }, (_, i) => write(t.db, transfer(1_000 + i))));
    // A sequencer in its own process numbers the batch and is SIGKILLed before it commits.
    const script = `
      import { sql } from "kysely";
      import { createDatabase } from "./app/utils/db.server.ts";
      const db = createDatabase(process.env.TEST_DB_URL, { max: 1 });
      await db.transaction().execute(async (trx) => {
        const rows = (await sql\`SELECT seq FROM ledger_sequence_batch()\`.execute(trx)).rows;
        console.log("numbered " + rows.length);
        await new Promise(() => {});
      });`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, env: { ...process.env, TEST_DB_URL: t.url }, stdio: ["ignore", "pipe", "inherit"] });
    const numbered = await new Promise<string>((done, fail) => {
      child.stdout.on("data", (chunk: Buffer) => done(chunk.toString().trim()));
      child.once("exit", (code) => fail(new Error(`sequencer process exited early (${code})`)));
    });
    expect(numbered).toBe("numbered 20");
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    // PostgreSQL rolls the batch back when the connection drops; wait until it has.
    for (let i = 0; i < 100 && (await sequenceBatch(t.db)) === null; i++) await new Promise((r) => setTimeout(r, 50));
    const seqs = await Promise.all(written.map((w) => seqOf(t.db, w.entryId)));
    expect([...seqs].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 20 }, (_, i) => before.seq + 1 + i));
    expect(await verifyStoredLedger(t.db)).toMatchObject({ ok: true, headSeq: before.seq + 20 });
  }, 60_000);
});

describe("money leaving a holding account", () => {
  it("counts waiting entries, so money just received can be paid out before it is sequenced", async () => {
    await drainLedger(t.db);
    const balance = await getBalance(t.db, escrow.code);
    await write(t.db, transfer(5_000));
    await write(t.db, withdrawal(balance + 5_000));
    expect(await getBalance(t.db, escrow.code)).toBe(0);
    await drainLedger(t.db);
    expect(await getBalance(t.db, escrow.code)).toBe(0);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("is refused beyond the balance including waiting entries, with the balance constraint's name", async () => {
    await write(t.db, transfer(1_000));
    await expect(write(t.db, withdrawal(1_001))).rejects.toThrow(/ledger_accounts_balance_not_negative|would go negative/);
    await expect(write(t.db, withdrawal(1_001))).rejects.toMatchObject({ code: "23514", constraint_name: "ledger_accounts_balance_not_negative" });
  });

  it("is refused inside a savepoint too, whose rows carry a transaction id of their own", async () => {
    await drainLedger(t.db);
    const balance = await getBalance(t.db, escrow.code);
    const attempt = t.db.transaction().execute(async (trx) => {
      await sql`SAVEPOINT outflow`.execute(trx);
      await appendEntry(trx, withdrawal(balance + 1));
    });
    await expect(attempt).rejects.toMatchObject({ code: "23514", constraint_name: "ledger_accounts_balance_not_negative" });
    expect(await getBalance(t.db, escrow.code)).toBe(balance);
  });

  it("lets a transaction pay out, in a later statement, what it received in an earlier one", async () => {
    await drainLedger(t.db);
    const balance = await getBalance(t.db, escrow.code);
    await t.db.transaction().execute(async (trx) => {
      await appendEntry(trx, transfer(2_000));
      await sql`SAVEPOINT outflow`.execute(trx);
      await appendEntry(trx, withdrawal(balance + 1_500));
    });
    await drainLedger(t.db);
    expect(await getBalance(t.db, escrow.code)).toBe(500);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("never overdraws under concurrent withdrawals from many connections", async () => {
    await drainLedger(t.db);
    const start = await getBalance(t.db, escrow.code);
    await write(t.db, withdrawal(start));
    await write(t.db, transfer(10_000));
    const pools = Array.from({ length: 5 }, () => createDatabase(t.url, { max: 4 }));
    const sequencer = startSequencer(t.db, { intervalMs: 3 });
    try {
      const results = await Promise.allSettled(pools.flatMap((pool) => Array.from({ length: 8 }, () => write(pool, withdrawal(700)))));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(14);
      for (const r of results) if (r.status === "rejected") expect(String(r.reason)).toMatch(/would go negative/);
    } finally {
      await sequencer.stop();
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    await drainLedger(t.db);
    expect(await getBalance(t.db, escrow.code)).toBe(10_000 - 14 * 700);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("is checked only in READ COMMITTED transactions, whose statements see every commit", async () => {
    await write(t.db, transfer(50));
    await expect(
      t.db
        .transaction()
        .setIsolationLevel("repeatable read")
        .execute((trx) => appendEntry(trx, withdrawal(10))),
    ).rejects.toThrow(/READ COMMITTED/);
  });
});

describe("the database refuses", () => {
  it("an entry inserted with a seq or hashes", async () => {
    await expect(rawAppend(t.db, [{ code: world.code, amount: -1 }, { code: escrow.code, amount: 1 }], { withSeq: true })).rejects.toThrow(/without seq and hashes/);
  });

  it("an entry whose lines do not sum to zero", async () => {
    await expect(rawAppend(t.db, [{ code: world.code, amount: -100 }, { code: escrow.code, amount: 99 }])).rejects.toThrow(/does not balance/);
  });

  it("an entry with a single line", async () => {
    await expect(rawAppend(t.db, [{ code: escrow.code, amount: 100 }])).rejects.toThrow(/at least 2/);
  });

  it("an entry with no lines", async () => {
    await expect(rawAppend(t.db, [], { canonicalLines: [{ code: world.code, amount: -1 }, { code: escrow.code, amount: 1 }] })).rejects.toThrow(/0 line\(s\)/);
  });

  it("balanced lines added to a waiting entry of an earlier transaction", async () => {
    const entry = await write(t.db, transfer(700));
    await expect(
      t.db.transaction().execute(async (trx) => {
        for (const [lineNo, code, amount] of [[3, fees.code, 5], [4, other.code, -5]] as const) {
          await sql`INSERT INTO journal_lines (entry_id, line_no, account_id, amount_won)
            SELECT ${entry.entryId}, ${lineNo}, id, ${amount} FROM ledger_accounts WHERE code = ${code}`.execute(trx);
        }
      }),
    ).rejects.toThrow(/disagree with its canonical text/);
  });

  it("lines added to an entry that is already sequenced", async () => {
    const entry = await write(t.db, transfer(800));
    await drainLedger(t.db);
    await expect(
      sql`INSERT INTO journal_lines (entry_id, line_no, account_id, amount_won)
        SELECT ${entry.entryId}, 3, id, 5 FROM ledger_accounts WHERE code = ${fees.code}`.execute(t.db),
    ).rejects.toThrow(/not yet sequenced/);
  });

  it("balanced lines added after the entry was checked early in its own transaction", async () => {
    await expect(
      rawAppend(t.db, [{ code: world.code, amount: -100 }, { code: escrow.code, amount: 100 }], {
        afterImmediateCheck: [{ code: fees.code, amount: 5 }, { code: other.code, amount: -5 }],
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

  describe("as the sequencer's own role, any fill but the right one", () => {
    async function waitingEntry() {
      await drainLedger(t.db);
      const entry = await write(t.db, transfer(3));
      const head = await getLedgerHead(t.db);
      const row = await t.db.selectFrom("journal_entries").select(["canonical_before_seq", "canonical_after_seq"]).where("id", "=", entry.entryId).executeTakeFirstOrThrow();
      const fill = (seq: number) => {
        const leaf = leafHash(`${row.canonical_before_seq}${seq}${row.canonical_after_seq}`);
        return { leaf, chain: chainHash(Buffer.from(head.chainHash, "hex"), leaf) };
      };
      return { id: entry.entryId, head, fill };
    }
    const hex = (b: Buffer) => `'\\x${b.toString("hex")}'::bytea`;

    it("a gap in seq", async () => {
      const { id, head, fill } = await waitingEntry();
      const { leaf, chain } = fill(head.seq + 2);
      await expect(asSequencerRole(t.owner, `UPDATE journal_entries SET seq = ${head.seq + 2}, leaf_hash = ${hex(leaf)}, chain_hash = ${hex(chain)} WHERE id = ${id}`)).rejects.toThrow(/seq must be/);
    });

    it("a leaf hash that is not the hash of the canonical text", async () => {
      const { id, head, fill } = await waitingEntry();
      const { chain } = fill(head.seq + 1);
      await expect(asSequencerRole(t.owner, `UPDATE journal_entries SET seq = ${head.seq + 1}, leaf_hash = ${hex(leafHash("forged"))}, chain_hash = ${hex(chain)} WHERE id = ${id}`)).rejects.toThrow(/leaf_hash does not match/);
    });

    it("a chain hash that does not chain", async () => {
      const { id, head, fill } = await waitingEntry();
      const { leaf } = fill(head.seq + 1);
      await expect(asSequencerRole(t.owner, `UPDATE journal_entries SET seq = ${head.seq + 1}, leaf_hash = ${hex(leaf)}, chain_hash = ${hex(leafHash("forged"))} WHERE id = ${id}`)).rejects.toThrow(/does not chain/);
    });

    it("a second fill of an entry already sequenced", async () => {
      await drainLedger(t.db);
      const head = await getLedgerHead(t.db);
      await expect(asSequencerRole(t.owner, `UPDATE journal_entries SET seq = ${head.seq + 1} WHERE seq = ${head.seq}`)).rejects.toThrow(/append-only/);
    });

    it("any other column", async () => {
      await expect(asSequencerRole(t.owner, "UPDATE journal_entries SET kind = 'x' WHERE seq = 1")).rejects.toThrow(/permission denied|append-only/);
    });
  });

  it("an overdraft of an account that may not go negative", async () => {
    const balance = await getBalance(t.db, escrow.code);
    await expect(write(t.db, withdrawal(balance + 1))).rejects.toThrow(/ledger_accounts_balance_not_negative|would go negative/);
  });

  it.each([
    ["UPDATE journal_entries SET kind = 'x' WHERE seq = 1"],
    ["UPDATE journal_entries SET seq = NULL WHERE seq = 1"],
    ["DELETE FROM journal_entries WHERE seq = 1"],
    ["TRUNCATE journal_entries CASCADE"],
    ["UPDATE journal_lines SET amount_won = 1 WHERE entry_seq = 1"],
    ["DELETE FROM journal_lines WHERE entry_seq = 1"],
    ["TRUNCATE journal_lines"],
    ["UPDATE ledger_accounts SET balance_won = 0"],
    ["DELETE FROM ledger_accounts"],
    ["UPDATE ledger_head SET seq = 0"],
    ["INSERT INTO ledger_batches (first_seq, last_seq) VALUES (1000, 1000)"],
    ["DELETE FROM ledger_batches"],
  ])("as the app role: %s", async (statement) => {
    await expect(sql.raw(statement).execute(t.db)).rejects.toThrow(/permission denied|append-only|cannot|only/);
  });

  it.each([
    ["UPDATE journal_entries SET kind = 'x' WHERE seq = 1"],
    ["UPDATE journal_entries SET leaf_hash = leaf_hash WHERE seq = 1"],
    ["UPDATE journal_lines SET entry_seq = entry_seq WHERE entry_seq = 1"],
    ["DELETE FROM journal_lines WHERE entry_seq = 1"],
    ["TRUNCATE journal_entries CASCADE"],
    ["UPDATE ledger_accounts SET balance_won = balance_won + 1"],
    ["UPDATE ledger_head SET seq = seq + 1"],
    ["INSERT INTO ledger_batches (first_seq, last_seq) VALUES (1000, 1000)"],
  ])("even as the owner (triggers): %s", async (statement) => {
    await expect(sql.raw(statement).execute(t.owner)).rejects.toThrow(/append-only|only|cannot/);
  });
});

describe("tamper detection", () => {
  it("names the seq of a row edited behind the triggers' back", async () => {
    await drainLedger(t.db);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
    const target = 3;
    await t.owner.transaction().execute(async (trx) => {
      await sql`ALTER TABLE journal_entries DISABLE TRIGGER USER`.execute(trx);
      await sql`UPDATE journal_entries SET canonical_before_seq = replace(canonical_before_seq, '"memo":"test"', '"memo":"tampered"') WHERE seq = ${target}`.execute(trx);
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
      for (let i = 1; i <= 5; i++) await write(fresh.db, transfer(i * 1000));
      await drainLedger(fresh.db);
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
      for (let i = 1; i <= 4; i++) await write(fresh.db, transfer(i * 1000));
      await drainLedger(fresh.db);
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
