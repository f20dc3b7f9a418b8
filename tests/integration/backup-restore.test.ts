import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createCheckpoint } from "../../app/ledger/checkpoints.server";
import { drainLedger } from "../../app/ledger/sequencer.server";
import { appendEntry, ensureAccounts, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { createDatabase, type Database } from "../../app/utils/db.server";
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";
import { createTestServices } from "../support/services";

// R9: a backup of the embedded cluster, taken while the ledger is being written, restored into a
// fresh cluster: the restored ledger verifies and matches every checkpoint published before it.

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
const dir = (name: string) => resolve(root, `.data/test-backup-${process.pid}-${name}`);
const servers: EmbeddedServer[] = [];
const databases: Database[] = [];

afterAll(async () => {
  for (const db of databases) await db.destroy();
  for (const server of servers) await server.stop();
  for (const name of ["source", "restored", "backup"]) {
    rmSync(dir(name), { recursive: true, force: true });
    rmSync(`${dir(name)}.credentials.json`, { force: true });
  }
});

const world = { code: "external:test", kind: "external", nameKo: "외부", nameEn: "World", mayGoNegative: true };
const escrow = { code: "campaign:9:escrow", kind: "campaign_escrow", nameKo: "예치금", nameEn: "Escrow" };

async function appendSome(db: Database, count: number, from: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    await db.transaction().execute((trx) => appendEntry(trx, { kind: "test.collected", occurredAt: new Date(), lines: [{ account: world, amountWon: -i }, { account: escrow, amountWon: i }] }));
  }
}

describe("backup and restore", () => {
  it("restores an online backup into a fresh cluster whose ledger verifies against the checkpoints published before it", async () => {
    // The product's own cluster, as npm start runs it (durable: fsync on).
    const source = await startEmbeddedPostgres({ dataDir: dir("source"), port: await freePort() });
    servers.push(source);
    const owner = createDatabase(source.urlFor("postgres"), { asAppRole: false, max: 2 });
    databases.push(owner);
    await migrateToLatest(owner);
    const db = createDatabase(source.urlFor("postgres"), { max: 4 });
    databases.push(db);
    await ensureAccounts(db, [world, escrow]);
    const services = createTestServices(db, new Date().toISOString());
    await appendSome(db, 40, 1);
    await drainLedger(db);
    await createCheckpoint(services);
    await appendSome(db, 20, 41);
    await drainLedger(db);
    await createCheckpoint(services);
    const published = await owner.selectFrom("ledger_checkpoints").select(["tree_size", "chain_hash", "signature"]).orderBy("tree_size").execute();
    const headBefore = (await db.selectFrom("ledger_head").select("seq").executeTakeFirstOrThrow()).seq;
    expect(published.map((c) => c.tree_size)).toEqual([headBefore - 20, headBefore]);

    // The backup runs while entries keep being appended.
    let writing = true;
    const writer = (async () => {
      let n = 1000;
      while (writing) await appendSome(db, 1, n++);
    })();
    const env: NodeJS.ProcessEnv = { ...process.env, EMBEDDED_PG_DIR: dir("source"), DATABASE_URL: undefined };
    const backup = await run(process.execPath, ["--import", "tsx", "scripts/backup-db.ts", "--out", dir("backup")], { cwd: root, env }).finally(() => (writing = false));
    await writer;
    expect(backup.stdout).toContain("Backup written to");
    await drainLedger(db);
    const headAtEnd = (await db.selectFrom("ledger_head").select("seq").executeTakeFirstOrThrow()).seq;

    const port = await freePort();
    const restore = await run(process.execPath, ["--import", "tsx", "scripts/restore-db.ts", dir("backup"), "--data-dir", dir("restored"), "--port", String(port)], { cwd: root, env });
    expect(restore.stdout).toContain("Restored into");
    const restoredServer = await startEmbeddedPostgres({ dataDir: dir("restored"), port });
    servers.push(restoredServer);
    const restored = createDatabase(restoredServer.urlFor("postgres"), { max: 2 });
    databases.push(restored);

    // Everything up to the backup, nothing after it, and a chain that verifies.
    await drainLedger(restored);
    const head = (await restored.selectFrom("ledger_head").select("seq").executeTakeFirstOrThrow()).seq;
    expect(head).toBeGreaterThanOrEqual(headBefore);
    expect(head).toBeLessThanOrEqual(headAtEnd);
    const verified = await verifyStoredLedger(restored);
    expect(verified.ok).toBe(true);
    // Each checkpoint published before the backup names the restored chain at its size.
    for (const checkpoint of published) {
      const entry = await restored.selectFrom("journal_entries").select("chain_hash").where("seq", "=", checkpoint.tree_size).executeTakeFirstOrThrow();
      expect(entry.chain_hash?.equals(checkpoint.chain_hash)).toBe(true);
    }
    const kept = await restored.selectFrom("ledger_checkpoints").select(["tree_size", "signature"]).orderBy("tree_size").execute();
    expect(kept.map((c) => c.signature.toString("base64"))).toEqual(published.map((c) => c.signature.toString("base64")));
    // The restored database takes writes again, still as the restricted role.
    await appendSome(restored, 1, 5000);
    await expect(sql`DELETE FROM journal_entries`.execute(restored)).rejects.toThrow();
  }, 180_000);
});
