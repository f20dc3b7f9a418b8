import { sql, type RawBuilder } from "kysely";
import type { DbOrTx } from "../utils/db.server";
import { endOfSeoulDay, startOfSeoulDay } from "../utils/dates";
import type { LedgerCursor, LedgerFilter } from "./ledger-query";

// Read side of the public ledger: filtered, keyset-paginated entry lists that stay fast at
// millions of entries, entry details, streamed exports and totals per account and kind.
// Every query is driven by an index: journal_entries(seq), (kind, seq), (occurred_at, seq),
// journal_lines(account_id, entry_seq), the refs GIN index and ledger_kind_totals. Only sequenced
// entries are shown (the sequenced_entries view); getSequencingStatus says how many wait.

export interface LedgerLineView {
  account: string;
  nameKo: string;
  nameEn: string;
  amountWon: number;
}

export interface LedgerEntryView {
  seq: number;
  occurredAt: string;
  kind: string;
  memo: string;
  refs: Record<string, string | number>;
  leafHash: string;
  chainHash: string;
  lines: LedgerLineView[];
}

export interface LedgerPage {
  entries: LedgerEntryView[];
  /** Cursor for the next page of newer entries (`after=`), when there may be some. */
  newer: number | null;
  /** Cursor for the next page of older entries (`before=`), when there are some. */
  older: number | null;
  /** The account filter matched no account. */
  noSuchAccount: boolean;
}

export const PAGE_SIZE = 50;
/** Up to this many matching accounts, pages are read per account from journal_lines(account_id, entry_seq). */
const PER_ACCOUNT_LIMIT = 200;

type AccountScope = { kind: "all" } | { kind: "ids"; ids: number[] } | { kind: "prefix"; code: string } | { kind: "none" };

/** Accounts matching an exact code or a prefix at a ':' boundary. */
export async function resolveAccountScope(db: DbOrTx, account: string | null): Promise<AccountScope> {
  if (account === null) return { kind: "all" };
  const rows = await db
    .selectFrom("ledger_accounts")
    .select("id")
    .where(codeMatches(sql.ref("code"), account))
    .limit(PER_ACCOUNT_LIMIT + 1)
    .execute();
  if (rows.length === 0) return { kind: "none" };
  if (rows.length > PER_ACCOUNT_LIMIT) return { kind: "prefix", code: account };
  return { kind: "ids", ids: rows.map((r) => r.id) };
}

/**
 * The code itself, or any code starting with "<account>:" — as a range on the text_pattern_ops
 * index (';' follows ':'), which unlike LIKE also works in generic plans.
 */
function codeMatches(column: RawBuilder<unknown>, account: string): RawBuilder<boolean> {
  return sql<boolean>`(${column} = ${account} OR (${column} ~>=~ ${`${account}:`} AND ${column} ~<~ ${`${account};`}))`;
}

function entryConditions(alias: string, filter: LedgerFilter, bound: { below?: number | null; above?: number | null; upTo?: number | null }): RawBuilder<unknown>[] {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const conditions: RawBuilder<unknown>[] = [];
  if (filter.kind !== null) conditions.push(sql`${column("kind")} = ${filter.kind}`);
  if (filter.from !== null) conditions.push(sql`${column("occurred_at")} >= ${startOfSeoulDay(filter.from)}`);
  if (filter.to !== null) conditions.push(sql`${column("occurred_at")} < ${endOfSeoulDay(filter.to)}`);
  if (bound.below != null) conditions.push(sql`${column("seq")} < ${bound.below}`);
  if (bound.above != null) conditions.push(sql`${column("seq")} > ${bound.above}`);
  if (bound.upTo != null) conditions.push(sql`${column("seq")} <= ${bound.upTo}`);
  return conditions;
}

function where(conditions: RawBuilder<unknown>[]): RawBuilder<unknown> {
  return conditions.length === 0 ? sql`` : sql`WHERE ${sql.join(conditions, sql` AND `)}`;
}

/** The seqs of matching entries after (ascending) or before (descending) a cursor. */
async function selectSeqs(
  db: DbOrTx,
  scope: AccountScope,
  filter: LedgerFilter,
  direction: "asc" | "desc",
  cursor: number | null,
  limit: number,
  upTo: number | null = null,
): Promise<number[]> {
  if (scope.kind === "none") return [];
  const order = direction === "desc" ? sql`DESC` : sql`ASC`;
  const bound = direction === "desc" ? { below: cursor, upTo } : { above: cursor, upTo };
  let query: RawBuilder<{ seq: number }>;
  if (scope.kind === "all") {
    query = sql`SELECT e.seq FROM sequenced_entries e ${where(entryConditions("e", filter, bound))} ORDER BY e.seq ${order} LIMIT ${limit}`;
  } else if (scope.kind === "prefix") {
    const conditions = entryConditions("e", filter, bound);
    conditions.push(sql`EXISTS (
      SELECT 1 FROM journal_lines jl JOIN ledger_accounts a ON a.id = jl.account_id
      WHERE jl.entry_id = e.id AND ${codeMatches(sql.ref("a.code"), scope.code)})`);
    query = sql`SELECT e.seq FROM sequenced_entries e ${where(conditions)} ORDER BY e.seq ${order} LIMIT ${limit}`;
  } else {
    // One short index range per account, merged: cost grows with the accounts, not the journal.
    const needsEntry = filter.kind !== null || filter.from !== null || filter.to !== null;
    const conditions: RawBuilder<unknown>[] = [sql`jl.account_id = a.id`, sql`jl.entry_seq IS NOT NULL`];
    if (bound.below != null) conditions.push(sql`jl.entry_seq < ${bound.below}`);
    if (bound.above != null) conditions.push(sql`jl.entry_seq > ${bound.above}`);
    if (bound.upTo != null) conditions.push(sql`jl.entry_seq <= ${bound.upTo}`);
    if (needsEntry) conditions.push(...entryConditions("e", filter, {}));
    const accounts = sql.join(scope.ids.map((id) => sql`(${id}::bigint)`));
    query = sql`
      SELECT DISTINCT s.entry_seq AS seq
      FROM (VALUES ${accounts}) AS a(id)
      CROSS JOIN LATERAL (
        SELECT jl.entry_seq FROM journal_lines jl
        ${needsEntry ? sql`JOIN sequenced_entries e ON e.seq = jl.entry_seq` : sql``}
        ${where(conditions)}
        ORDER BY jl.entry_seq ${order} LIMIT ${limit}
      ) s
      ORDER BY seq ${order} LIMIT ${limit}`;
  }
  const result = await query.execute(db);
  return result.rows.map((r) => Number(r.seq));
}

/** Full views of the given entries (seq order as given), with their lines and account names. */
export async function loadEntryViews(db: DbOrTx, seqs: readonly number[]): Promise<LedgerEntryView[]> {
  if (seqs.length === 0) return [];
  const entries = await db.selectFrom("sequenced_entries").select(["id", "seq", "kind", "occurred_at", "canonical", "leaf_hash", "chain_hash"]).where("seq", "in", [...seqs]).execute();
  const lines =
    entries.length === 0
      ? []
      : await db
          .selectFrom("journal_lines")
          .innerJoin("ledger_accounts", "ledger_accounts.id", "journal_lines.account_id")
          .select(["journal_lines.entry_id", "ledger_accounts.code", "ledger_accounts.name_ko", "ledger_accounts.name_en", "journal_lines.amount_won"])
          .where(
            "journal_lines.entry_id",
            "in",
            entries.map((e) => e.id),
          )
          .orderBy("journal_lines.entry_id")
          .orderBy("journal_lines.line_no")
          .execute();
  const linesById = new Map<number, LedgerLineView[]>();
  for (const line of lines) {
    const list = linesById.get(line.entry_id) ?? [];
    list.push({ account: line.code, nameKo: line.name_ko, nameEn: line.name_en, amountWon: line.amount_won });
    linesById.set(line.entry_id, list);
  }
  const bySeq = new Map(
    entries.map((e) => {
      const parsed = JSON.parse(e.canonical) as { memo?: string; refs?: Record<string, string | number> };
      const view: LedgerEntryView = {
        seq: e.seq,
        occurredAt: e.occurred_at.toISOString(),
        kind: e.kind,
        memo: parsed.memo ?? "",
        refs: parsed.refs ?? {},
        leafHash: e.leaf_hash.toString("hex"),
        chainHash: e.chain_hash.toString("hex"),
        lines: linesById.get(e.id) ?? [],
      };
      return [e.seq, view] as const;
    }),
  );
  return seqs.flatMap((seq) => bySeq.get(seq) ?? []);
}

async function pageFor(db: DbOrTx, scope: AccountScope, filter: LedgerFilter, cursor: LedgerCursor, limit: number): Promise<LedgerPage> {
  if (scope.kind === "none") return { entries: [], newer: null, older: null, noSuchAccount: true };
  if (cursor.after !== null && cursor.before === null) {
    const seqs = await selectSeqs(db, scope, filter, "asc", cursor.after, limit + 1);
    const more = seqs.length > limit;
    const shown = seqs.slice(0, limit).reverse();
    return {
      entries: await loadEntryViews(db, shown),
      newer: more ? (shown[0] ?? null) : null,
      older: (shown.at(-1) ?? cursor.after + 1) > 1 ? (shown.at(-1) ?? cursor.after + 1) : null,
      noSuchAccount: false,
    };
  }
  const seqs = await selectSeqs(db, scope, filter, "desc", cursor.before, limit + 1);
  const shown = seqs.slice(0, limit);
  return {
    entries: await loadEntryViews(db, shown),
    newer: cursor.before !== null ? (shown[0] ?? cursor.before - 1) : null,
    older: seqs.length > limit ? (shown.at(-1) ?? null) : null,
    noSuchAccount: false,
  };
}

/** One page of the public ledger, newest first. */
export async function listLedgerEntries(db: DbOrTx, filter: LedgerFilter, cursor: LedgerCursor, limit = PAGE_SIZE): Promise<LedgerPage> {
  return pageFor(db, await resolveAccountScope(db, filter.account), filter, cursor, limit);
}

/**
 * Every matching entry in seq order, read in pages (for the CSV download): never more than one
 * page in memory, and bounded by the head at the start so the download is one consistent cut.
 */
export async function* streamLedgerEntries(db: DbOrTx, filter: LedgerFilter, pageSize = 1000): AsyncGenerator<LedgerEntryView> {
  const scope = await resolveAccountScope(db, filter.account);
  const head = await db.selectFrom("ledger_head").select("seq").executeTakeFirstOrThrow();
  let cursor = 0;
  for (;;) {
    const seqs = await selectSeqs(db, scope, filter, "asc", cursor, pageSize, head.seq);
    for (const entry of await loadEntryViews(db, seqs)) yield entry;
    const last = seqs.at(-1);
    if (last === undefined || seqs.length < pageSize) return;
    cursor = last;
  }
}

export interface ExportRow {
  seq: number;
  canonical: string;
  leaf_hash: string;
  chain_hash: string;
}

/** Entries for the NDJSON export: seq order, after a seq, up to a fixed head, in pages. */
export async function* exportEntries(db: DbOrTx, options: { after: number; upTo: number; limit?: number | null; pageSize?: number }): AsyncGenerator<ExportRow> {
  const pageSize = options.pageSize ?? 2000;
  const last = options.limit != null ? Math.min(options.upTo, options.after + options.limit) : options.upTo;
  // Sequenced seqs are gapless, so a page is the exact range of its seqs: the planner's estimate is
  // the page itself, and it reads it through the seq index however the heap happens to be ordered.
  for (let cursor = options.after; cursor < last; ) {
    const pageEnd = Math.min(last, cursor + pageSize);
    const rows = await db
      .selectFrom("sequenced_entries")
      .select(["seq", "canonical", "leaf_hash", "chain_hash"])
      .where("seq", ">", cursor)
      .where("seq", "<=", pageEnd)
      .orderBy("seq")
      .execute();
    for (const row of rows) yield { seq: row.seq, canonical: row.canonical, leaf_hash: row.leaf_hash.toString("hex"), chain_hash: row.chain_hash.toString("hex") };
    if (rows.length < pageEnd - cursor) return;
    cursor = pageEnd;
  }
}

/** Entry kinds in use, read by skipping through the (kind, seq) index: one probe per kind. */
export async function listKinds(db: DbOrTx): Promise<string[]> {
  const result = await sql<{ kind: string }>`
    WITH RECURSIVE kinds(kind) AS (
      (SELECT kind FROM sequenced_entries ORDER BY kind LIMIT 1)
      UNION ALL
      SELECT (SELECT e.kind FROM sequenced_entries e WHERE e.kind > k.kind ORDER BY e.kind LIMIT 1) FROM kinds k WHERE k.kind IS NOT NULL
    )
    SELECT kind FROM kinds WHERE kind IS NOT NULL`.execute(db);
  return result.rows.map((r) => r.kind);
}

/** Entries whose refs carry a backer commitment (GIN index on the canonical refs). */
export async function findEntriesByBacker(db: DbOrTx, commitment: string, limit = 200): Promise<LedgerEntryView[]> {
  const result = await sql<{ seq: number }>`
    SELECT seq FROM sequenced_entries
    WHERE ((canonical::jsonb) -> 'refs') @> jsonb_build_object('backer', ${commitment}::text)
    ORDER BY seq LIMIT ${limit}`.execute(db);
  return loadEntryViews(
    db,
    result.rows.map((r) => Number(r.seq)),
  );
}

/**
 * How many entries carrying a backer commitment are written but still wait for their seq (at most
 * a sequencer batch; read by the partial index of waiting entries).
 */
export async function countWaitingByBacker(db: DbOrTx, commitment: string): Promise<number> {
  const result = await sql<{ waiting: number }>`
    SELECT count(*)::bigint AS waiting FROM journal_entries e
    WHERE e.seq IS NULL
      AND ((e.canonical_before_seq || '0' || e.canonical_after_seq)::jsonb -> 'refs') @> jsonb_build_object('backer', ${commitment}::text)`.execute(db);
  return result.rows[0]?.waiting ?? 0;
}

export interface EntryDetail extends LedgerEntryView {
  canonical: string;
  previousChainHash: string;
  /** The first checkpoint that covers this entry. */
  checkpoint: { size: number; signedAt: string } | null;
}

export async function getEntryDetail(db: DbOrTx, seq: number): Promise<EntryDetail | null> {
  const [view] = await loadEntryViews(db, [seq]);
  if (!view) return null;
  const [entry, previous, checkpoint] = await Promise.all([
    db.selectFrom("sequenced_entries").select("canonical").where("seq", "=", seq).executeTakeFirstOrThrow(),
    seq > 1 ? db.selectFrom("sequenced_entries").select("chain_hash").where("seq", "=", seq - 1).executeTakeFirst() : Promise.resolve(undefined),
    db.selectFrom("ledger_checkpoints").select(["tree_size", "signed_at"]).where("tree_size", ">=", seq).orderBy("tree_size").limit(1).executeTakeFirst(),
  ]);
  return {
    ...view,
    canonical: entry.canonical,
    previousChainHash: previous ? previous.chain_hash.toString("hex") : "0".repeat(64),
    checkpoint: checkpoint ? { size: checkpoint.tree_size, signedAt: checkpoint.signed_at.toISOString() } : null,
  };
}

// "Entries touching these accounts, with totals by kind": the block campaign, contest-round and
// fund pages embed (with <AccountActivityPanel>).

export interface ActivityAccount {
  code: string;
  kind: string;
  nameKo: string;
  nameEn: string;
  balanceWon: number;
  /** Per entry kind: entries touching the account, money in and money out (both ≥ 0). */
  totals: { kind: string; entries: number; inWon: number; outWon: number }[];
}

export interface AccountActivity {
  accounts: ActivityAccount[];
  page: LedgerPage;
}

/**
 * The given accounts (those that exist, in the order given) with balances and totals by kind,
 * and one page of the entries touching any of them, newest first. Reads cached totals and one
 * index range per account: fast whatever the size of the journal.
 */
export async function getAccountActivity(
  db: DbOrTx,
  codes: readonly string[],
  options: { cursor?: LedgerCursor; filter?: Partial<Pick<LedgerFilter, "kind" | "from" | "to">>; limit?: number } = {},
): Promise<AccountActivity> {
  const accounts =
    codes.length === 0
      ? []
      : await db.selectFrom("ledger_accounts").select(["id", "code", "kind", "name_ko", "name_en", "balance_won"]).where("code", "in", [...codes]).execute();
  const order = new Map(codes.map((code, index) => [code, index]));
  accounts.sort((a, b) => (order.get(a.code) ?? 0) - (order.get(b.code) ?? 0));
  const ids = accounts.map((a) => a.id);
  const totals =
    ids.length === 0
      ? []
      : await db
          .selectFrom("ledger_kind_totals")
          .select(["account_id", "kind", "entry_count", "in_won", "out_won"])
          .where("account_id", "in", ids)
          .orderBy("kind")
          .execute();
  const filter: LedgerFilter = { account: null, kind: options.filter?.kind ?? null, from: options.filter?.from ?? null, to: options.filter?.to ?? null };
  const scope: AccountScope = ids.length === 0 ? { kind: "none" } : { kind: "ids", ids };
  const page = await pageFor(db, scope, filter, options.cursor ?? { before: null, after: null }, options.limit ?? PAGE_SIZE);
  return {
    accounts: accounts.map((a) => ({
      code: a.code,
      kind: a.kind,
      nameKo: a.name_ko,
      nameEn: a.name_en,
      balanceWon: a.balance_won,
      totals: totals
        .filter((t) => t.account_id === a.id)
        .map((t) => ({ kind: t.kind, entries: t.entry_count, inWon: t.in_won, outWon: t.out_won })),
    })),
    page: { ...page, noSuchAccount: accounts.length === 0 },
  };
}

export interface AccountRow {
  code: string;
  kind: string;
  nameKo: string;
  nameEn: string;
  balanceWon: number;
}

/** Accounts by code, in keyset pages; a prefix narrows to codes that start with it. */
export async function listAccounts(db: DbOrTx, options: { prefix: string | null; after: string | null; limit?: number }): Promise<{ rows: AccountRow[]; next: string | null }> {
  const limit = options.limit ?? 100;
  let query = db.selectFrom("ledger_accounts").select(["code", "kind", "name_ko", "name_en", "balance_won"]).orderBy("code").limit(limit + 1);
  if (options.prefix) {
    const prefix = options.prefix;
    // The text_pattern_ops range: codes starting with the prefix (U+FFFF sorts after every code character).
    query = query.where(sql<boolean>`code ~>=~ ${prefix} AND code ~<~ ${`${prefix}\uffff`}`);
  }
  if (options.after) query = query.where("code", ">", options.after);
  const rows = await query.execute();
  const shown = rows.slice(0, limit);
  return {
    rows: shown.map((r) => ({ code: r.code, kind: r.kind, nameKo: r.name_ko, nameEn: r.name_en, balanceWon: r.balance_won })),
    next: rows.length > limit ? (shown.at(-1)?.code ?? null) : null,
  };
}
