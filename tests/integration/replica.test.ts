import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { sql, type KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/utils/db.server";
import { configureStandby, giveToPostgresUser, takeBaseBackup } from "../../db/backup";
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";
import { seedDemoData } from "../../db/seed/seed";
import { startApp, TestClient, type TestApp } from "../support/app";
import { DEMO_SEED_DAY } from "../support/constants";
import { DEMO_PASSWORD } from "../support/seed";

// Decision 67 against a real streaming replica: a base backup of the primary (db/backup.ts) started
// with standby.signal. Pausing its replay shows which database a page was read from.

const root = resolve(import.meta.dirname, "../..");
const dir = (name: string) => resolve(root, `.data/test-replica-${process.pid}-${name}`);
const SLUG = "demo-local-food-cafe";
const servers: EmbeddedServer[] = [];
const databases: Database[] = [];
let primary: EmbeddedServer;
let owner: Database;
let replicaAdmin: Database;
let app: TestApp;
/** Data queries (not the replay check) the app sent to the replica. */
let replicaSelects = 0;

const countSelects: KyselyPlugin = {
  transformQuery: (args) => {
    if (args.node.kind === "SelectQueryNode") replicaSelects += 1;
    return args.node;
  },
  transformResult: async (args) => args.result,
};

beforeAll(async () => {
  primary = await startEmbeddedPostgres({ dataDir: dir("primary"), port: await freePort(), fast: true });
  servers.push(primary);
  owner = createDatabase(primary.url, { asAppRole: false, max: 2 });
  databases.push(owner);
  await migrateToLatest(owner);
  await seedDemoData(owner, DEMO_SEED_DAY);

  // The embedded cluster's defaults already replicate: wal_level=replica, and initdb's pg_hba.conf lets the superuser replicate from 127.0.0.1.
  await takeBaseBackup(primary.url, dir("primary"), dir("replica"));
  await configureStandby(dir("replica"), primary.url);
  const port = await freePort();
  const credentials = JSON.parse(readFileSync(`${dir("primary")}.credentials.json`, "utf8")) as Record<string, unknown>;
  writeFileSync(`${dir("replica")}.credentials.json`, JSON.stringify({ ...credentials, port }), { mode: 0o600 });
  await giveToPostgresUser(dir("replica"));
  const replica = await startEmbeddedPostgres({ dataDir: dir("replica"), port, standby: true });
  servers.push(replica);
  replicaAdmin = createDatabase(replica.url, { asAppRole: false, max: 1 });
  databases.push(replicaAdmin);
  await caughtUpWithin(30_000);

  const db = createDatabase(primary.url, { max: 6 });
  const readDb = createDatabase(replica.url, { max: 4, readOnly: true });
  databases.push(db, readDb);
  app = await startApp(db, { readDb: readDb.withPlugin(countSelects) });
}, 120_000);

afterAll(async () => {
  await app?.close();
  for (const db of databases) await db.destroy();
  for (const server of servers.reverse()) await server.stop();
  for (const name of ["primary", "replica"]) {
    rmSync(dir(name), { recursive: true, force: true });
    rmSync(`${dir(name)}.credentials.json`, { force: true });
  }
});

/** Waits until the replica has replayed everything the primary has written; the time it took. */
async function caughtUpWithin(ms: number): Promise<number> {
  const started = performance.now();
  const target = (await sql<{ lsn: string }>`SELECT pg_current_wal_insert_lsn()::text AS lsn`.execute(owner)).rows[0]?.lsn ?? "";
  while (performance.now() - started < ms) {
    const row = await sql<{ done: boolean | null }>`SELECT pg_last_wal_replay_lsn() >= ${target}::pg_lsn AS done`.execute(replicaAdmin);
    if (row.rows[0]?.done === true) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the replica did not reach ${target} within ${ms} ms`);
}

async function pauseReplay(): Promise<void> {
  await sql`SELECT pg_wal_replay_pause()`.execute(replicaAdmin);
  for (;;) {
    const row = await sql<{ state: string }>`SELECT pg_get_wal_replay_pause_state() AS state`.execute(replicaAdmin);
    if (row.rows[0]?.state === "paused") return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A change no trigger sees: the data version stays where it is, as if the primary had written something no page shows. */
async function retitleUnseen(title: string): Promise<void> {
  await owner.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await trx.updateTable("campaigns").set({ title }).where("slug", "=", SLUG).execute();
  });
}

async function retitle(title: string): Promise<void> {
  await owner.updateTable("campaigns").set({ title }).where("slug", "=", SLUG).execute();
}

async function text(client: TestClient, path: string): Promise<string> {
  const response = await client.get(path);
  expect(response.status, path).toBe(200);
  return response.text();
}

const exportTitle = async (client: TestClient) => (JSON.parse(await text(client, `/api/v1/campaigns/${SLUG}`)) as { title: string }).title;

describe("public reads from a streaming replica", () => {
  it("is a standby that refuses writes, and the replica connection is read-only even on a primary", async () => {
    const recovery = await sql<{ standby: boolean }>`SELECT pg_is_in_recovery() AS standby`.execute(replicaAdmin);
    expect(recovery.rows[0]?.standby).toBe(true);
    const readOnlyOnPrimary = createDatabase(primary.url, { max: 1, readOnly: true });
    databases.push(readOnlyOnPrimary);
    await expect(readOnlyOnPrimary.updateTable("campaigns").set({ title: "x" }).where("slug", "=", SLUG).execute()).rejects.toThrow(/read-only transaction/);
  });

  it("serves anonymous pages and exports from the replica, and a signed-in visitor from the primary", async () => {
    const member = new TestClient(app.url);
    await member.logIn("backer09@hamkke.demo", DEMO_PASSWORD);
    const original = await exportTitle(new TestClient(app.url));
    // Paused only once it has replayed the version the app has read (asynchronous commit: the WAL reaches it up to 200 ms later).
    await caughtUpWithin(10_000);
    await pauseReplay();
    await retitleUnseen("복제본에는 아직 없는 제목");
    const before = replicaSelects;
    expect(await exportTitle(new TestClient(app.url))).toBe(original);
    const page = await text(new TestClient(app.url), `/campaigns/${SLUG}`);
    expect(page).toContain(original);
    expect(page).not.toContain("복제본에는 아직 없는 제목");
    expect(replicaSelects).toBeGreaterThan(before);

    // The signed-in visitor reads the primary: the change at once.
    expect(await exportTitle(member)).toBe("복제본에는 아직 없는 제목");
    expect(await text(member, `/campaigns/${SLUG}`)).toContain("복제본에는 아직 없는 제목");
  });

  it("reads the primary while the replica lags behind the data version, and the replica again once it has replayed", async () => {
    // Replay is still paused; this change moves the data version.
    await retitle("새 데이터 버전의 제목");
    const before = replicaSelects;
    expect(await exportTitle(new TestClient(app.url))).toBe("새 데이터 버전의 제목");
    expect(await text(new TestClient(app.url), `/campaigns/${SLUG}`)).toContain("새 데이터 버전의 제목");
    expect(replicaSelects, "nothing read from the lagging replica").toBe(before);

    await sql`SELECT pg_wal_replay_resume()`.execute(replicaAdmin);
    const took = await caughtUpWithin(10_000);
    console.log(`the replica caught up ${took.toFixed(0)} ms after replay resumed`);
    const resumed = replicaSelects;
    expect(await exportTitle(new TestClient(app.url))).toBe("새 데이터 버전의 제목");
    expect(await text(new TestClient(app.url), `/campaigns/${SLUG}`)).toContain("새 데이터 버전의 제목");
    expect(replicaSelects, "read from the replica again").toBeGreaterThan(resumed);
  });
});
