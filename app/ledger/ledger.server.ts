import { sql, type RawBuilder } from "kysely";
import type { DbOrTx, Tx } from "../utils/db.server";
import { preparedQuery } from "../utils/prepared-query.server";
import {
  assertValidLines,
  canonicalTextAround,
  LedgerVerifier,
  type AccountSpec,
  type EntryDraft,
  type VerifyResult,
} from "./ledger";

// The only module that writes ledger rows (tests/integration/ledger-boundary.test.ts checks this).

export interface AppendedEntry {
  /** The entry's id: what business rows refer to. */
  entryId: number;
  /** Null until the sequencer numbers the entry (decision 41); known for an entry written before. */
  seq: number | null;
  chainHash: string | null;
  /** False when the idempotency key had already been used: nothing new was written. */
  created: boolean;
}

// One statement text however many accounts a write touches (decision 89).
const accountIdsQuery = preparedQuery((db, values: { codes: string[] }) =>
  db.selectFrom("ledger_accounts").select(["id", "code"]).where(sql<boolean>`code = ANY (${values.codes}::text[])`),
);

export async function ensureAccounts(trx: DbOrTx, specs: readonly AccountSpec[]): Promise<Map<string, number>> {
  const unique = [...new Map(specs.map((s) => [s.code, s])).values()];
  if (unique.length === 0) return new Map();
  const idsOf = async (codes: string[]) => new Map((await accountIdsQuery(trx, { codes })).map((r) => [r.code, r.id]));
  const ids = await idsOf(unique.map((s) => s.code));
  const missing = unique.filter((s) => !ids.has(s.code));
  if (missing.length === 0) return ids;
  await trx
    .insertInto("ledger_accounts")
    .values(
      missing.map((s) => ({
        code: s.code,
        kind: s.kind,
        name_ko: s.nameKo,
        name_en: s.nameEn,
        may_go_negative: s.mayGoNegative ?? false,
      })),
    )
    .onConflict((oc) => oc.column("code").doNothing())
    .execute();
  for (const [code, id] of await idsOf(missing.map((s) => s.code))) ids.set(code, id);
  return ids;
}

/**
 * Writes one balanced entry inside the caller's transaction, so the entry commits or rolls back
 * with the business change it records. It gets its seq and hashes from the sequencer after that
 * commit (decision 41); no ledger row stays locked until then.
 */
export async function appendEntry(trx: Tx, draft: EntryDraft): Promise<AppendedEntry> {
  const [appended] = await appendEntries(trx, [draft]);
  if (!appended) throw new Error("ledger append returned nothing");
  return appended;
}

const INSERT_CHUNK = 1000;

/**
 * Writes entries in order, in one go (batch settlement, imports): one account lookup, then one
 * database call that inserts the entries and all their lines. Same rules and result as writing
 * them one by one, including idempotency keys (a key used before, or earlier in the batch, writes
 * nothing). Money leaving a holding account is checked by the database under that account's lock.
 */
export async function appendEntries(trx: Tx, drafts: readonly EntryDraft[]): Promise<AppendedEntry[]> {
  for (const draft of drafts) assertValidLines(draft.lines.map((l) => ({ account: l.account.code, amountWon: l.amountWon })));
  if (drafts.length === 0) return [];
  // Accounts first: creating one is idempotent and needs no lock.
  const specs = [...new Map(drafts.flatMap((d) => d.lines.map((l) => [l.account.code, l.account] as const))).values()];
  const accountIds = new Map<string, number>();
  for (let i = 0; i < specs.length; i += INSERT_CHUNK) {
    for (const [code, id] of await ensureAccounts(trx, specs.slice(i, i + INSERT_CHUNK))) accountIds.set(code, id);
  }
  const payload = drafts.map((draft) => {
    const { beforeSeq, afterSeq } = canonicalTextAround(draft);
    return {
      key: draft.idempotencyKey ?? null,
      kind: draft.kind,
      at: draft.occurredAt.toISOString(),
      reverses: draft.reversesSeq ?? null,
      before_seq: beforeSeq,
      after_seq: afterSeq,
      lines: draft.lines.map((line) => {
        const accountId = accountIds.get(line.account.code);
        if (accountId === undefined) throw new Error(`ledger account ${line.account.code} was not created`);
        return [accountId, line.amountWon];
      }),
    };
  });
  const rows = await sql<{ entry_id: number; seq: number | null; chain_hash: Buffer | null; created: boolean }>`SELECT entry_id, seq, chain_hash, created FROM ledger_record_entries(cast(cast(${JSON.stringify(payload)} as text) as jsonb))`.execute(trx);
  if (rows.rows.length !== drafts.length) throw new Error("ledger append returned a different number of entries");
  return rows.rows.map((row) => ({ entryId: row.entry_id, seq: row.seq, chainHash: row.chain_hash?.toString("hex") ?? null, created: row.created }));
}

export async function getBalance(db: DbOrTx, code: string): Promise<number> {
  return (await getBalances(db, [code])).get(code) ?? 0;
}

/**
 * Balances including every committed entry not yet sequenced (and the caller's own, in a
 * transaction): what the money steps decide on, and what the campaign pages show at once.
 */
export async function getBalances(db: DbOrTx, codes: readonly string[]): Promise<Map<string, number>> {
  const balances = new Map<string, number>(codes.map((c) => [c, 0]));
  if (codes.length === 0) return balances;
  for (const row of await currentBalances(db, sql`a.code = ANY (${[...codes]}::text[])`)) balances.set(row.code, row.balance_won);
  return balances;
}

/** The same for every account whose code starts with the prefix (e.g. a campaign's budget lines). */
export async function getBalancesUnder(db: DbOrTx, prefix: string): Promise<Map<string, number>> {
  // A range on the text_pattern_ops index (U+FFFF sorts after every code character).
  const rows = await currentBalances(db, sql`a.code ~>=~ ${prefix} AND a.code ~<~ ${`${prefix}\uffff`}`);
  return new Map(rows.map((row) => [row.code, row.balance_won]));
}

async function currentBalances(db: DbOrTx, condition: RawBuilder<unknown>): Promise<{ code: string; balance_won: number }[]> {
  const result = await sql<{ code: string; balance_won: number }>`
    SELECT a.code, (a.balance_won + coalesce((SELECT sum(jl.amount_won) FROM journal_lines jl WHERE jl.account_id = a.id AND jl.entry_seq IS NULL), 0))::bigint AS balance_won
    FROM ledger_accounts a WHERE ${condition}`.execute(db);
  return result.rows;
}

export async function getLedgerHead(db: DbOrTx): Promise<{ seq: number; chainHash: string }> {
  const head = await db.selectFrom("ledger_head").select(["seq", "chain_hash"]).executeTakeFirstOrThrow();
  return { seq: head.seq, chainHash: head.chain_hash.toString("hex") };
}

export interface StoredEntryRow {
  seq: number;
  kind: string;
  occurred_at: Date;
  canonical: string;
  leaf_hash: string;
  chain_hash: string;
}

/** Entries in seq order, in pages, for exports and the verifier. */
export async function* streamEntries(db: DbOrTx, afterSeq = 0, pageSize = 5000): AsyncGenerator<StoredEntryRow> {
  let cursor = afterSeq;
  for (;;) {
    const page = await db
      .selectFrom("sequenced_entries")
      .select(["seq", "kind", "occurred_at", "canonical", "leaf_hash", "chain_hash"])
      .where("seq", ">", cursor)
      .orderBy("seq")
      .limit(pageSize)
      .execute();
    for (const row of page) {
      yield { ...row, leaf_hash: row.leaf_hash.toString("hex"), chain_hash: row.chain_hash.toString("hex") };
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    cursor = last.seq;
  }
}

/**
 * Re-computes every hash from the stored canonical texts of the sequenced entries, checks seq is
 * gapless, that the stored lines are the ones each canonical text commits to, that the chain ends
 * at the head, and that the stored balances and totals by kind equal the sums of the sequenced
 * lines. Names the first bad seq. Reads one snapshot, so a sequencer working meanwhile is no problem.
 */
export async function verifyStoredLedger(db: DbOrTx, pageSize = 5000): Promise<VerifyResult> {
  if (db.isTransaction) return verifyInSnapshot(db, pageSize);
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute((trx) => verifyInSnapshot(trx, pageSize));
}

async function verifyInSnapshot(db: DbOrTx, pageSize: number): Promise<VerifyResult> {
  const verifier = new LedgerVerifier({ trackKindTotals: true });
  let cursor = 0;
  for (;;) {
    const page = await db
      .selectFrom("sequenced_entries")
      .select(["seq", "canonical", "leaf_hash", "chain_hash"])
      .where("seq", ">", cursor)
      .orderBy("seq")
      .limit(pageSize)
      .execute();
    const first = page[0];
    const last = page.at(-1);
    if (!first || !last) break;
    // Lines through their entry's id (the key they are stored under), in seq order.
    const lines = await db
      .selectFrom("journal_lines")
      .innerJoin("sequenced_entries", "sequenced_entries.id", "journal_lines.entry_id")
      .innerJoin("ledger_accounts", "ledger_accounts.id", "journal_lines.account_id")
      .select(["sequenced_entries.seq as entry_seq", "journal_lines.line_no", "ledger_accounts.code", "journal_lines.amount_won"])
      .where("sequenced_entries.seq", ">=", first.seq)
      .where("sequenced_entries.seq", "<=", last.seq)
      .orderBy("sequenced_entries.seq")
      .orderBy("journal_lines.line_no")
      .execute();
    const storedLines = new Map<number, string>();
    for (const line of lines) {
      const text = `${line.code}=${line.amount_won}`;
      const previous = storedLines.get(line.entry_seq);
      storedLines.set(line.entry_seq, previous === undefined ? text : `${previous};${text}`);
    }
    for (const row of page) {
      const entry = { seq: row.seq, canonical: row.canonical, leaf_hash: row.leaf_hash.toString("hex"), chain_hash: row.chain_hash.toString("hex") };
      if (!verifier.push(entry)) return verifier.finish();
      const stated = canonicalLinesText(row.canonical);
      if (stated !== (storedLines.get(row.seq) ?? "")) {
        return { ...verifier.finish(), ok: false, problem: { seq: row.seq, reason: "stored journal lines differ from the canonical text" } };
      }
    }
    cursor = last.seq;
    if (page.length < pageSize) break;
  }
  const head = await getLedgerHead(db);
  const result = verifier.finish();
  if (head.seq !== result.headSeq || head.chainHash !== result.headHash) {
    return {
      ...result,
      ok: false,
      problem: {
        seq: Math.min(head.seq, result.headSeq + 1),
        reason: `ledger head (seq ${head.seq}) does not match the last entry (seq ${result.headSeq})`,
      },
    };
  }
  const accounts = await db.selectFrom("ledger_accounts").select(["code", "balance_won"]).execute();
  if (!verifier.checkBalances(new Map(accounts.map((a) => [a.code, a.balance_won])))) return verifier.finish();
  const totals = await db
    .selectFrom("ledger_kind_totals")
    .innerJoin("ledger_accounts", "ledger_accounts.id", "ledger_kind_totals.account_id")
    .select(["ledger_accounts.code", "ledger_kind_totals.kind", "ledger_kind_totals.entry_count", "ledger_kind_totals.in_won", "ledger_kind_totals.out_won"])
    .execute();
  verifier.checkKindTotals(new Map(totals.map((t) => [`${t.code}\0${t.kind}`, { entries: t.entry_count, inWon: t.in_won, outWon: t.out_won }])));
  return verifier.finish();
}

function canonicalLinesText(canonical: string): string {
  const parsed = JSON.parse(canonical) as { lines: { account: string; amount_won: number }[] };
  return parsed.lines.map((l) => `${l.account}=${l.amount_won}`).join(";");
}

