import { generateKeyPairSync } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { runTick } from "../../app/jobs/tick.server";
import { checkCheckpointDocuments, type CheckpointsDocument } from "../../app/ledger/checkpoints";
import { createCheckpoint, createCheckpointIfDue, loadLedgerSigner, verifyStoredCheckpoints } from "../../app/ledger/checkpoints.server";
import { LEDGER_CSV_COLUMNS, verifyExportText } from "../../app/ledger/export";
import { parseCsv } from "../../app/utils/csv";
import { appendEntries, appendEntry, getLedgerHead, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { merkleRoot } from "../../app/ledger/merkle.server";
import { getAccountActivity } from "../../app/ledger/public-ledger.server";
import { backerCommitment, newReceiptCode } from "../../app/ledger/receipts";
import { readEnv } from "../../app/utils/env.server";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { draftFor, writeLedger, type WrittenLedger } from "../support/ledger";
import { drainLedger } from "../../app/ledger/sequencer.server";

const ENTRIES = 1_500;
let t: TestDatabase;
let app: TestApp;
let written: WrittenLedger;

interface ExportLine {
  seq: number;
  canonical: string;
  leaf_hash: string;
  chain_hash: string;
}

interface Canonical {
  seq: number;
  at: string;
  kind: string;
  memo: string;
  refs: Record<string, string | number>;
  lines: { account: string; amount_won: number }[];
}

beforeAll(async () => {
  t = await createTestDatabase();
  written = await writeLedger(t.db, ENTRIES);
  app = await startApp(t.db);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function fetchExport(query = ""): Promise<{ response: Response; text: string; chunks: number }> {
  const response = await app.client().get(`/api/v1/ledger/entries.ndjson${query}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks += 1;
    text += decoder.decode(value, { stream: true });
  }
  return { response, text: text + decoder.decode(), chunks };
}

const linesOf = (text: string) => text.split("\n").filter((l) => l !== "");
const parseLine = (line: string) => JSON.parse(line) as ExportLine;

async function checkpointsDocument(): Promise<CheckpointsDocument> {
  const response = await app.client().get("/api/v1/ledger/checkpoints");
  expect(response.status).toBe(200);
  return (await response.json()) as CheckpointsDocument;
}

async function pageSeqs(path: string): Promise<{ status: number; html: string; seqs: number[] }> {
  const response = await app.client().get(path);
  const html = await response.text();
  const seqs = [...html.matchAll(/data-testid="ledger-entry" data-seq="(\d+)"/g)].map((m) => Number(m[1]));
  return { status: response.status, html, seqs };
}

function link(html: string, testId: string): string | null {
  const match = new RegExp(`<a[^>]*href="([^"]+)"[^>]*data-testid="${testId}"|<a[^>]*data-testid="${testId}"[^>]*href="([^"]+)"`).exec(html);
  const href = match?.[1] ?? match?.[2];
  return href ? href.replace(/&amp;/g, "&") : null;
}

describe("NDJSON export", () => {
  it("streams every entry in seq order, in canonical form with hex hashes, ending at the head it names", async () => {
    const { response, text, chunks } = await fetchExport();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    expect(response.headers.get("content-length")).toBeNull();
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    expect(response.headers.get("x-ledger-head-seq")).toBe(String(ENTRIES));
    expect(chunks).toBeGreaterThan(1);
    const lines = linesOf(text);
    expect(lines).toHaveLength(ENTRIES);
    for (const [i, line] of lines.entries()) {
      expect(Object.keys(JSON.parse(line) as object)).toEqual(["seq", "canonical", "leaf_hash", "chain_hash"]);
      expect(parseLine(line).seq).toBe(i + 1);
    }
    const stored = await t.db.selectFrom("sequenced_entries").select(["seq", "canonical", "chain_hash"]).where("seq", "in", [1, 750, ENTRIES]).orderBy("seq").execute();
    for (const row of stored) {
      const line = parseLine(lines[row.seq - 1]!);
      expect(line.canonical).toBe(row.canonical);
      expect(line.chain_hash).toBe(row.chain_hash.toString("hex"));
    }
    expect(verifyExportText(text)).toMatchObject({ ok: true, entries: ENTRIES, headHash: response.headers.get("x-ledger-head-chain-hash") });
  });

  it("pages with after= and limit=, and the pages join into the whole", async () => {
    const whole = (await fetchExport()).text;
    const parts = await Promise.all(["?after=0&limit=600", "?after=600&limit=600", "?after=1200", `?after=${ENTRIES}`].map((q) => fetchExport(q)));
    expect(parts.map((p) => linesOf(p.text).length)).toEqual([600, 600, 300, 0]);
    expect(parts.map((p) => p.text).join("")).toBe(whole);
    expect(parseLine(linesOf(parts[1]!.text)[0]!).seq).toBe(601);
  });

  it("is one consistent cut: entries appended while it streams are left for the next download", async () => {
    const response = await app.client().get("/api/v1/ledger/entries.ndjson");
    const head = Number(response.headers.get("x-ledger-head-seq"));
    const reader = response.body!.getReader();
    const first = await reader.read();
    await t.db.transaction().execute((trx) => appendEntries(trx, [draftFor(ENTRIES, new Date("2026-01-01T00:00:00Z"), 7).draft]));
    let text = new TextDecoder().decode(first.value);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(linesOf(text)).toHaveLength(head);
    await drainLedger(t.db);
    expect((await getLedgerHead(t.db)).seq).toBe(head + 1);
    written.count = head + 1;
  });

  it.each(["?after=abc", "?after=-1", "?after=1.5", "?limit=0", "?after=99999999999999999999"])("refuses %s with a clear 400", async (query) => {
    const response = await app.client().get(`/api/v1/ledger/entries.ndjson${query}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/whole number/);
  });
});

describe("checkpoints", () => {
  it("are signed for the head, once per size, even when created concurrently", async () => {
    const head = await getLedgerHead(t.db);
    const created = await Promise.all(Array.from({ length: 4 }, () => createCheckpoint(app.services)));
    expect(created.filter((c) => c !== null)).toHaveLength(1);
    expect(created.find((c) => c !== null)).toMatchObject({ size: head.seq, chainHash: head.chainHash });
    expect(await createCheckpoint(app.services)).toBeNull();
    const rows = await t.db.selectFrom("ledger_checkpoints").select("tree_size").execute();
    expect(rows.map((r) => r.tree_size)).toEqual([head.seq]);
  });

  it("are made by the tick when the ledger grew and the interval passed", async () => {
    const before = (await getLedgerHead(t.db)).seq;
    expect(await createCheckpointIfDue(app.services)).toBe(0);
    await t.db.transaction().execute((trx) => appendEntry(trx, draftFor(ENTRIES + 1, new Date("2026-01-01T00:00:00Z"), 7).draft));
    expect(await createCheckpointIfDue(app.services)).toBe(0);
    await app.services.clock.advance(app.services.env.LEDGER_CHECKPOINT_MINUTES * 60_000);
    const report = await runTick(app.services);
    expect(report).toContainEqual({ name: "ledger.checkpoint", changed: 1 });
    expect(await runTick(app.services)).toContainEqual({ name: "ledger.checkpoint", changed: 0 });
    const latest = await t.db.selectFrom("ledger_checkpoints").select("tree_size").orderBy("tree_size", "desc").executeTakeFirstOrThrow();
    expect(latest.tree_size).toBe(before + 1);
    written.count = before + 1;
  });

  it("are published with the key, verify, and match the export", async () => {
    const document = await checkpointsDocument();
    expect(document.public_key?.key_id).toBe(app.services.ledgerSigner.keyId);
    expect(document.checkpoints.map((c) => c.size)).toEqual([written.count - 1, written.count]);
    const check = checkCheckpointDocuments([{ source: "api", json: document }]);
    expect(check.problem).toBeNull();
    const result = verifyExportText((await fetchExport()).text, check.claims);
    expect(result).toMatchObject({ ok: true, checkpointsChecked: 2, latestCheckpoint: written.count });
    expect((await verifyStoredCheckpoints(t.db, app.services.env)).problem).toBeNull();
    expect(await verifyStoredLedger(t.db)).toMatchObject({ ok: true, entries: written.count });
  });

  it("are refused by the database when they disagree with the tree or the chain, or reach beyond them", async () => {
    const row = await t.db.selectFrom("ledger_checkpoints").selectAll().orderBy("tree_size").executeTakeFirstOrThrow();
    const insert = (values: Partial<typeof row>) =>
      t.db
        .insertInto("ledger_checkpoints")
        .values({ ...row, tree_size: 5, ...values, recorded_at: undefined })
        .execute();
    const entry5 = await t.db.selectFrom("sequenced_entries").select("chain_hash").where("seq", "=", 5).executeTakeFirstOrThrow();
    const root5 = await merkleRoot(t.db, 5);
    const note5 = `${row.origin}\n5\n${root5.toString("base64")}\n`;
    await expect(insert({ chain_hash: Buffer.alloc(32, 1), root_hash: root5, note: note5 })).rejects.toThrow(/does not match the chain/);
    await expect(insert({ tree_size: 10_000_000, chain_hash: entry5.chain_hash, root_hash: root5, note: note5 })).rejects.toThrow(/beyond the ledger/);
    await expect(insert({ chain_hash: entry5.chain_hash, root_hash: row.root_hash, note: note5 })).rejects.toThrow(/does not match the Merkle tree/);
    await expect(insert({ chain_hash: entry5.chain_hash, root_hash: root5, note: "forged\n" })).rejects.toThrow(/note for size 5/);
    // The old form, signed over the chain hash, is no longer accepted.
    const chainNote = `${row.origin}\n5\n${entry5.chain_hash.toString("base64")}\n`;
    await expect(insert({ chain_hash: entry5.chain_hash, root_hash: null, note: chainNote })).rejects.toThrow(/sign the Merkle root/);
    await expect(insert({ chain_hash: entry5.chain_hash, root_hash: root5, note: note5 })).resolves.toBeDefined();
  });

  it.each([
    ["UPDATE ledger_checkpoints SET signed_at = now()"],
    ["DELETE FROM ledger_checkpoints"],
    ["TRUNCATE ledger_checkpoints"],
    ["UPDATE ledger_signing_keys SET key_name = 'x'"],
    ["DELETE FROM ledger_signing_keys"],
    ["UPDATE ledger_kind_totals SET in_won = 0"],
    ["DELETE FROM ledger_kind_totals"],
    ["UPDATE ledger_tile_hashes SET hash = hash"],
    ["DELETE FROM ledger_tile_hashes"],
    ["TRUNCATE ledger_tile_hashes"],
    ["UPDATE ledger_cosignatures SET signed_time = 1"],
    ["DELETE FROM ledger_cosignatures"],
    ["INSERT INTO ledger_kind_totals VALUES (1, 'x.y', 1, 1, 0)"],
    ["SELECT * FROM ledger_dev_signing_key"],
  ])("are append-only for the app role: %s", async (statement) => {
    await expect(sql.raw(statement).execute(t.db)).rejects.toThrow(/permission denied|append-only|only through/);
  });

  it.each([
    ["UPDATE ledger_checkpoints SET signed_at = now()"],
    ["DELETE FROM ledger_signing_keys"],
    ["TRUNCATE ledger_checkpoints"],
    ["UPDATE ledger_kind_totals SET in_won = 0"],
    ["UPDATE ledger_tile_hashes SET hash = hash"],
    ["DELETE FROM ledger_tile_hashes"],
    ["TRUNCATE ledger_cosignatures"],
  ])(
    "are append-only even for the owner (triggers): %s",
    async (statement) => {
      await expect(sql.raw(statement).execute(t.owner)).rejects.toThrow(/append-only|only through/);
    },
  );

  it("expose a checkpoint changed behind the triggers' back", async () => {
    const fresh = await createTestDatabase();
    try {
      await writeLedger(fresh.db, 20);
      const services = { ...app.services, db: fresh.db };
      await createCheckpoint(services);
      await fresh.owner.transaction().execute(async (trx) => {
        await sql`ALTER TABLE ledger_checkpoints DISABLE TRIGGER USER`.execute(trx);
        await sql`UPDATE ledger_checkpoints SET tree_size = 30`.execute(trx);
        await sql`ALTER TABLE ledger_checkpoints ENABLE TRIGGER USER`.execute(trx);
      });
      const check = await verifyStoredCheckpoints(fresh.db, app.services.env);
      expect(check.problem?.seq).toBe(30);
      expect(check.problem?.reason).toMatch(/note is not/);
    } finally {
      await fresh.drop();
    }
  });
});

describe("appendEntries", () => {
  it("writes exactly what appendEntry would, one by one, and honours idempotency keys", async () => {
    const [one, batch] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      const drafts = Array.from({ length: 40 }, (_, n) => draftFor(n, new Date("2026-05-01T00:00:00Z"), 3).draft);
      drafts[7] = { ...drafts[7]!, idempotencyKey: "pledge:7:collect" };
      drafts[9] = { ...drafts[9]!, idempotencyKey: "pledge:7:collect" };
      for (const draft of drafts) await one.db.transaction().execute((trx) => appendEntry(trx, draft));
      const appended = await batch.db.transaction().execute((trx) => appendEntries(trx, drafts));
      expect(appended[9]).toEqual({ ...appended[7], created: false });
      await Promise.all([drainLedger(one.db), drainLedger(batch.db)]);
      expect(await getLedgerHead(batch.db)).toEqual(await getLedgerHead(one.db));
      expect((await getLedgerHead(batch.db)).seq).toBe(39);
      const again = await batch.db.transaction().execute((trx) => appendEntries(trx, [drafts[7]!]));
      expect(again).toEqual([{ entryId: appended[7]!.entryId, seq: 8, chainHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown, created: false }]);
      expect(await verifyStoredLedger(batch.db)).toMatchObject({ ok: true, entries: 39 });
    } finally {
      await Promise.all([one.drop(), batch.drop()]);
    }
  });
});

describe("cached totals", () => {
  it("are recomputed by the stored-ledger verifier, which names a total changed behind the triggers' back", async () => {
    const fresh = await createTestDatabase();
    try {
      await writeLedger(fresh.db, 25);
      expect(await verifyStoredLedger(fresh.db)).toMatchObject({ ok: true, entries: 25 });
      await fresh.owner.transaction().execute(async (trx) => {
        await sql`ALTER TABLE ledger_kind_totals DISABLE TRIGGER USER`.execute(trx);
        await sql`UPDATE ledger_kind_totals SET in_won = in_won + 1 WHERE kind = 'pledge.collected' AND account_id = (SELECT id FROM ledger_accounts WHERE code = 'campaign:2:escrow')`.execute(trx);
        await sql`ALTER TABLE ledger_kind_totals ENABLE TRIGGER USER`.execute(trx);
      });
      const result = await verifyStoredLedger(fresh.db);
      expect(result.ok).toBe(false);
      expect(result.problem?.reason).toMatch(/^totals of campaign:2:escrow for pledge\.collected are .* but the entries add up to/);
    } finally {
      await fresh.drop();
    }
  });
});

describe("the signing key", () => {
  it("comes from LEDGER_SIGNING_KEY, is required without dev tools, and is generated once for development", async () => {
    const pem = generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const configured = await loadLedgerSigner(t.owner, readEnv({ NODE_ENV: "test", LEDGER_SIGNING_KEY: pem, LEDGER_ORIGIN: "fund.example.kr/ledger" }), { origin: "https://x.example", developmentKeyAllowed: false });
    expect(configured.origin).toBe("fund.example.kr/ledger");
    await expect(loadLedgerSigner(t.owner, readEnv({ NODE_ENV: "test" }), { origin: "https://fund.example.kr", developmentKeyAllowed: false })).rejects.toThrow(/LEDGER_SIGNING_KEY is not set/);
    const first = await loadLedgerSigner(t.owner, readEnv({ NODE_ENV: "test" }), { origin: "http://localhost:3000", developmentKeyAllowed: true });
    const second = await loadLedgerSigner(t.owner, readEnv({ NODE_ENV: "test" }), { origin: "http://localhost:3000", developmentKeyAllowed: true });
    expect(first.origin).toBe("localhost:3000/ledger");
    expect(second.publicKey.equals(first.publicKey)).toBe(true);
    expect(first.publicKey.equals(configured.publicKey)).toBe(false);
    expect(() => readEnv({ NODE_ENV: "test", LEDGER_ORIGIN: "has space" })).toThrow(/LEDGER_ORIGIN/);
  });
});

describe("CSV download", () => {
  async function csv(query = ""): Promise<{ status: number; rows: string[][]; raw: string }> {
    const response = await app.client().get(`/ledger.csv${query}`);
    const raw = await response.text();
    return { status: response.status, rows: response.status === 200 ? parseCsv(raw) : [], raw };
  }

  const unformula = (cell: string) => (cell.startsWith("'") ? cell.slice(1) : cell);

  function expectedRows(lines: ExportLine[], names: Map<string, { ko: string; en: string }>): string[][] {
    return lines.flatMap((line) => {
      const entry = JSON.parse(line.canonical) as Canonical;
      return entry.lines.map((l, i) => [
        String(entry.seq),
        entry.at,
        entry.kind,
        entry.memo,
        JSON.stringify(entry.refs),
        String(i + 1),
        l.account,
        names.get(l.account)!.ko,
        names.get(l.account)!.en,
        String(l.amount_won),
        line.leaf_hash,
        line.chain_hash,
      ]);
    });
  }

  it("parses, and holds exactly what the NDJSON export holds, one row per line", async () => {
    const [{ status, rows }, exported, accounts] = await Promise.all([csv(), fetchExport(), t.db.selectFrom("ledger_accounts").select(["code", "name_ko", "name_en"]).execute()]);
    expect(status).toBe(200);
    const bytes = new Uint8Array(await (await app.client().get("/ledger.csv?kind=pledge.refunded")).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const names = new Map(accounts.map((a) => [a.code, { ko: a.name_ko, en: a.name_en }]));
    expect(rows[0]).toEqual([...LEDGER_CSV_COLUMNS]);
    const body = rows.slice(1).map((row) => row.map(unformula));
    expect(body).toEqual(expectedRows(linesOf(exported.text).map(parseLine), names));
  });

  it("applies the page's filters", async () => {
    const [{ rows }, exported, accounts] = await Promise.all([
      csv("?account=campaign:3&kind=pledge.collected&from=2026-01-10&to=2026-02-20"),
      fetchExport(),
      t.db.selectFrom("ledger_accounts").select(["code", "name_ko", "name_en"]).execute(),
    ]);
    const names = new Map(accounts.map((a) => [a.code, { ko: a.name_ko, en: a.name_en }]));
    const from = new Date("2026-01-10T00:00:00+09:00").getTime();
    const to = new Date("2026-02-21T00:00:00+09:00").getTime();
    const matching = linesOf(exported.text)
      .map(parseLine)
      .filter((line) => {
        const entry = JSON.parse(line.canonical) as Canonical;
        const at = Date.parse(entry.at);
        return entry.kind === "pledge.collected" && at >= from && at < to && entry.lines.some((l) => l.account.startsWith("campaign:3:"));
      });
    expect(matching.length).toBeGreaterThan(10);
    expect(rows.slice(1).map((row) => row.map(unformula))).toEqual(expectedRows(matching, names));
  });

  it("refuses bad filters with a message in the visitor's language", async () => {
    const { status, raw } = await csv("?from=2026-02-31");
    expect(status).toBe(400);
    expect(raw).toContain(dictionaries.ko.errors.invalidFilterDate);
  });
});

describe("the ledger pages", () => {
  it("page newest first with keyset cursors, and paging back and forth covers every entry once", async () => {
    const total = written.count;
    const first = await pageSeqs("/ledger");
    expect(first.status).toBe(200);
    expect(first.seqs).toEqual(Array.from({ length: 50 }, (_, i) => total - i));
    expect(first.html).toContain("캠페인 #");
    const seen: number[] = [...first.seqs];
    let html = first.html;
    let older = link(html, "page-older");
    while (older) {
      const page = await pageSeqs(older);
      seen.push(...page.seqs);
      html = page.html;
      older = link(html, "page-older");
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => total - i));
    const lastPageTop = seen[seen.length - 1 - ((total - 1) % 50)]!;
    const newer = link(html, "page-newer");
    expect(newer).not.toBeNull();
    const back = await pageSeqs(newer!);
    expect(back.seqs).toEqual(Array.from({ length: 50 }, (_, i) => lastPageTop + 50 - i));
  });

  it("filter by kind, account (exact or prefix) and date range", async () => {
    const byKind = await pageSeqs("/ledger?kind=pledge.refunded");
    expect(byKind.seqs.length).toBe(50);
    const kinds = await t.db.selectFrom("sequenced_entries").select("kind").where("seq", "in", byKind.seqs).execute();
    expect(new Set(kinds.map((k) => k.kind))).toEqual(new Set(["pledge.refunded"]));

    const prefix = await pageSeqs("/ledger?account=campaign:3");
    const exact = await pageSeqs("/ledger?account=campaign:3:escrow");
    for (const seqs of [prefix.seqs, exact.seqs]) {
      const lines = await t.db
        .selectFrom("journal_lines")
        .innerJoin("ledger_accounts", "ledger_accounts.id", "journal_lines.account_id")
        .select(["journal_lines.entry_seq", "ledger_accounts.code"])
        .where("journal_lines.entry_seq", "in", seqs)
        .execute();
      for (const seq of seqs) expect(lines.some((l) => l.entry_seq === seq && l.code.startsWith("campaign:3:"))).toBe(true);
    }
    expect(prefix.seqs.length).toBe(50);

    const dated = await pageSeqs("/ledger?from=2026-01-05&to=2026-01-05");
    // One entry an hour from 2026-01-01T00:00Z, so the Seoul day 2026-01-05 holds 24 of them.
    expect(dated.seqs).toHaveLength(24);
    const times = await t.db.selectFrom("sequenced_entries").select("occurred_at").where("seq", "in", dated.seqs).execute();
    for (const { occurred_at } of times) {
      expect(occurred_at.getTime()).toBeGreaterThanOrEqual(Date.parse("2026-01-05T00:00:00+09:00"));
      expect(occurred_at.getTime()).toBeLessThan(Date.parse("2026-01-06T00:00:00+09:00"));
    }
    const none = await pageSeqs("/ledger?account=nothing:here");
    expect(none.seqs).toEqual([]);
    expect(none.html).toContain('data-testid="no-such-account"');
  });

  it.each([
    ["/ledger?before=abc", dictionaries.ko.errors.invalidSeq],
    ["/ledger?after=-1", dictionaries.ko.errors.invalidSeq],
    ["/ledger?before=99999999999999999999999", dictionaries.ko.errors.invalidSeq],
    ["/ledger?from=2026-13-45&to=x", dictionaries.ko.errors.invalidFilterDate],
    ["/ledger?from=2026-12-01&to=2026-01-01", dictionaries.ko.errors.dateRangeReversed],
    ["/ledger?kind=%3Cscript%3E", dictionaries.ko.errors.invalidLedgerKind],
    ["/ledger?account=..%2F..%2Fetc", dictionaries.ko.errors.invalidAccountCode],
    [`/ledger?account=${"a".repeat(300)}`, dictionaries.ko.errors.invalidAccountCode],
    // A NUL byte is refused before any page sees the request (the request guard, issue 13).
    ["/ledger?to=%00", "잘못된 요청입니다."],
    ["/ledger/checkpoints?before=-5", dictionaries.ko.ledger.checkpoints.title],
    ["/ledger/accounts?prefix=%27%3B--", dictionaries.ko.errors.invalidAccountCode],
    ["/ledger/accounts/campaign:1:escrow?before=x&kind=%20", dictionaries.ko.ledger.filters.ignored],
  ])("answer nonsense in %s with a clear message, never a 500", async (path, message) => {
    const response = await app.client().get(path);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain(message);
    expect(html).not.toContain('data-testid="error-page"');
  });

  it.each(["/ledger/entries/abc", "/ledger/entries/0", "/ledger/entries/99999999", "/ledger/accounts/NOT-A-CODE", "/ledger/accounts/nothing:here"])("answer %s with 404", async (path) => {
    expect((await app.client().get(path)).status).toBe(404);
  });

  it("show an entry with its canonical text and hashes, and an account with its totals", async () => {
    const entry = await app.client().get("/ledger/entries/12");
    const html = await entry.text();
    const row = await t.db.selectFrom("sequenced_entries").select(["canonical", "chain_hash"]).where("seq", "=", 12).executeTakeFirstOrThrow();
    expect(html).toContain(row.chain_hash.toString("hex"));
    expect(html).toContain(row.canonical.replace(/"/g, "&quot;"));
    const account = await app.client().get("/ledger/accounts/campaign:2:escrow");
    expect(account.status).toBe(200);
    expect(await account.text()).toContain('data-testid="kind-totals"');
  });

  it("are served without stray NUL bytes, whatever falls on React's 2 KiB write boundaries", async () => {
    // Shifting the page by one to three bytes (the typed filter is echoed) moves every boundary.
    const paths = ["/ledger/verify", "/ledger/checkpoints", "/ledger/entries/12", ...["x", "xy", "xyz"].map((a) => `/ledger?account=${a}!`)];
    for (const path of paths) {
      const bytes = new Uint8Array(await (await app.client().get(path)).arrayBuffer());
      expect(bytes.length).toBeGreaterThan(5_000);
      expect(bytes.indexOf(0), path).toBe(-1);
    }
  });

  it("are in English too", async () => {
    const client = app.client();
    client.useLocale("en");
    const html = await (await client.get("/ledger?before=abc")).text();
    expect(html).toContain(dictionaries.en.ledger.filters.ignored);
    expect(html).toContain(dictionaries.en.errors.invalidSeq);
  });
});

describe("finding a pledge by its receipt code", () => {
  it("shows exactly the entries carrying the code's commitment", async () => {
    const [seq, code] = [...written.receipts.entries()][40]!;
    const client = app.client();
    const response = await client.post("/ledger/find", { code: code.toLowerCase().replace(/-/g, " ") });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(backerCommitment(code));
    const seqs = [...html.matchAll(/data-testid="ledger-entry" data-seq="(\d+)"/g)].map((m) => Number(m[1]));
    expect(seqs).toEqual([seq]);
  });

  it("says so when a valid code has no entries yet, and refuses a code with a typo", async () => {
    const client = app.client();
    const none = await client.post("/ledger/find", { code: newReceiptCode() });
    expect(none.status).toBe(200);
    expect(await none.text()).toContain('data-testid="find-none"');
    const typo = await client.post("/ledger/find", { code: "7K3QM-9XD2A-5PRST-VWXYZ-0123Z" });
    expect(typo.status).toBe(422);
    expect(await typo.text()).toContain(dictionaries.ko.errors.invalidReceiptCode);
    const empty = await client.post("/ledger/find", {});
    expect(empty.status).toBe(422);
  });
});

describe("account activity (the block campaign and fund pages embed)", () => {
  it("gives balances and totals by kind that the entries add up to", async () => {
    const codes = ["campaign:4:in:online", "campaign:4:escrow", "no:such:account"];
    const activity = await getAccountActivity(t.db, codes, { limit: 20 });
    expect(activity.accounts.map((a) => a.code)).toEqual(codes.slice(0, 2));
    const exported = linesOf((await fetchExport()).text).map((l) => JSON.parse(parseLine(l).canonical) as Canonical);
    for (const account of activity.accounts) {
      const totals = new Map<string, { entries: number; inWon: number; outWon: number }>();
      let balance = 0;
      for (const entry of exported) {
        for (const line of entry.lines.filter((l) => l.account === account.code)) {
          const total = totals.get(entry.kind) ?? { entries: 0, inWon: 0, outWon: 0 };
          total.entries += 1;
          if (line.amount_won > 0) total.inWon += line.amount_won;
          else total.outWon -= line.amount_won;
          totals.set(entry.kind, total);
          balance += line.amount_won;
        }
      }
      expect(account.balanceWon).toBe(balance);
      expect(account.totals).toEqual([...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, total]) => ({ kind, ...total })));
    }
    expect(activity.page.entries).toHaveLength(20);
    for (const entry of activity.page.entries) expect(entry.lines.some((l) => codes.includes(l.account))).toBe(true);
    const next = await getAccountActivity(t.db, codes, { limit: 20, cursor: { before: activity.page.older, after: null } });
    expect(next.page.entries[0]!.seq).toBeLessThan(activity.page.entries.at(-1)!.seq);
  });
});
