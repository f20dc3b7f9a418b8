import { execFile } from "node:child_process";
import net from "node:net";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { campaignMoney, pledgeStats } from "../../app/campaigns/totals.server";
import { appendEntry, ensureAccounts, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { createDatabase, MAX_PREPARED_PARAMETERS } from "../../app/utils/db.server";
import { freePort } from "../../db/embedded";
import { DEMO_PASSWORD, seedDemoData } from "../../db/seed/seed";
import { logIn, requestPasswordReset } from "../../app/auth/auth.server";
import { hashToken } from "../../app/utils/tokens.server";
import { startApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { sequencedSize } from "../support/ledger";
import { drainLedger } from "../../app/ledger/sequencer.server";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../..");
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

async function counts(): Promise<Record<string, number>> {
  const tables = ["host_organisations", "users", "enterprises", "enterprise_members", "staff_roles", "contests", "contest_stages", "campaigns", "campaign_series", "funds", "loan_products"] as const;
  const result: Record<string, number> = {};
  for (const table of tables) {
    const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.owner);
    result[table] = row.rows[0]?.n ?? -1;
  }
  return result;
}

describe("demo seed", () => {
  it("loads the real cases and is idempotent", async () => {
    const accounts = await seedDemoData(t.owner, "2026-11-24");
    const first = await counts();
    // 18 from the real cases + 5 demo community teams of the Seo-gu pitch contest (db/seed/contest-seed.ts).
    // + the 2 demo business units of the Gwangju self-sufficiency centre's equipment call (db/seed/screenings-seed.ts).
    // Contests: the two of the real cases + the demo matching round (db/seed/matching-seed.ts) + the
    // centre's two screened calls (db/seed/screenings-seed.ts).
    expect(first).toMatchObject({ host_organisations: 4, enterprises: 18 + 5 + 2, contests: 2 + 1 + 2, campaign_series: 1, funds: 1, loan_products: 1 });
    expect(accounts.map((a) => a.email)).toContain("fund1@hamkke.demo");
    await seedDemoData(t.owner, "2026-11-24");
    expect(await counts()).toEqual(first);
    const product = await t.db.selectFrom("loan_products").select(["name", "cap_won", "rate_bp"]).executeTakeFirstOrThrow();
    expect(product).toEqual({ name: "전세점포임대 융자금", cap_won: 100_000_000, rate_bp: 100 });
    const rounds = await t.db.selectFrom("campaigns").select(["title", "starts_on", "ends_on"]).where("series_id", "is not", null).orderBy("series_round").execute();
    const money = await campaignMoney(t.db, (await t.db.selectFrom("campaigns").select("id").where("series_id", "is not", null).orderBy("series_round").execute()).map((r) => r.id));
    const raised = [...money.values()].map((m) => m.raisedWon);
    expect(raised).toEqual([3_740_000, 6_900_000]);
    const round1 = await t.db.selectFrom("campaigns").select("id").where("series_round", "=", 1).executeTakeFirstOrThrow();
    expect((await pledgeStats(t.db, [round1.id])).get(round1.id)).toMatchObject({ individuals: 9, companies: 5 });
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
    expect(rounds).toEqual([
      { title: "워킹맘의 일손돕기", starts_on: "2016-09-29", ends_on: "2016-12-02" },
      { title: "엄마 손은 약손 엄마손길", starts_on: "2017-04-14", ends_on: "2017-06-14" },
    ]);
  }, 120_000);
});

describe("showing the demo to others (issue 13)", () => {
  it("gives the demo accounts a password of one's own: the published one stops working, sessions and reset links die", async () => {
    await seedDemoData(t.owner, "2026-11-24");
    const admin = await t.db.selectFrom("users").select("id").where("email", "=", "admin@hamkke.demo").executeTakeFirstOrThrow();
    const meta = { ip: "127.0.0.1", userAgent: null, now: new Date() };
    const { token } = await logIn(t.db, { email: "admin@hamkke.demo", password: DEMO_PASSWORD }, meta);
    await requestPasswordReset(t.db, "admin@hamkke.demo", "http://localhost:3000", new Date());
    const before = await counts();

    await seedDemoData(t.owner, "2026-11-24", { password: "our-own-demo-password" });
    expect(await counts()).toEqual(before);
    await expect(logIn(t.db, { email: "admin@hamkke.demo", password: DEMO_PASSWORD }, { ...meta, ip: "127.0.0.2" })).rejects.toMatchObject({ code: "invalidCredentials" });
    await expect(logIn(t.db, { email: "gwangsan-001@hamkke.demo", password: DEMO_PASSWORD }, { ...meta, ip: "127.0.0.3" })).rejects.toMatchObject({ code: "invalidCredentials" });
    await logIn(t.db, { email: "juror1@hamkke.demo", password: "our-own-demo-password" }, { ...meta, ip: "127.0.0.4" });
    expect(await t.db.selectFrom("sessions").select("revoked_at").where("id", "=", hashToken(token)).executeTakeFirstOrThrow()).not.toMatchObject({ revoked_at: null });
    expect(await t.db.selectFrom("password_reset_tokens").select("id").where("user_id", "=", admin.id).where("used_at", "is", null).execute()).toEqual([]);
  }, 120_000);

  it("will not serve demo data beyond this machine with the published password", async () => {
    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: t.url, HOST: "0.0.0.0", PORT: String(port), DEMO_DATA: "on", JOBS: "off", DEMO_PASSWORD: "" };
    delete (env as Record<string, string | undefined>).DEMO_PASSWORD;
    const refused = await run(process.execPath, ["--import", "tsx", "scripts/start-server.ts"], { cwd: root, env }).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 1 });
    expect("stderr" in refused ? refused.stderr : "").toContain("DEMO_PASSWORD");
  });
});

describe("verify-ledger script", () => {
  it("passes an intact ledger and names the first bad seq of a tampered one", async () => {
    // Its own database: the demo seed above writes ledger entries of its own (the fund's history).
    const t = await createTestDatabase();
    const world = { code: "external:test", kind: "external", nameKo: "외부", nameEn: "World", mayGoNegative: true };
    const escrow = { code: "campaign:9:escrow", kind: "campaign_escrow", nameKo: "예치금", nameEn: "Escrow" };
    await ensureAccounts(t.db, [world, escrow]);
    const before = await sequencedSize(t.db);
    for (let i = 1; i <= 6; i++) {
      await t.db.transaction().execute((trx) =>
        appendEntry(trx, { kind: "test.collected", occurredAt: new Date(), lines: [{ account: world, amountWon: -i * 100 }, { account: escrow, amountWon: i * 100 }] }),
      );
    }
    await drainLedger(t.db);
    const env = { ...process.env, DATABASE_URL: t.url };
    const ok = await run(process.execPath, ["--import", "tsx", "scripts/verify-ledger.ts"], { cwd: root, env });
    expect(ok.stdout).toContain(`OK: ${before + 6} entries verified`);
    await t.owner.transaction().execute(async (trx) => {
      await sql`ALTER TABLE journal_entries DISABLE TRIGGER USER`.execute(trx);
      await sql`UPDATE journal_entries SET canonical_before_seq = replace(canonical_before_seq, '"amount_won":500', '"amount_won":501') WHERE seq = ${before + 5}`.execute(trx);
      await sql`ALTER TABLE journal_entries ENABLE TRIGGER USER`.execute(trx);
    });
    const failed = await run(process.execPath, ["--import", "tsx", "scripts/verify-ledger.ts"], { cwd: root, env }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect("stderr" in failed ? failed.stderr : "").toContain(`FAILED at seq ${before + 5}`);
    await t.drop();
  });
});

describe("health", () => {
  it("answers 503 within seconds when the database accepts connections but never replies", async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const hanging = createDatabase(`postgres://nobody:nothing@127.0.0.1:${port}/none`, { max: 1 });
    const app = await startApp(hanging);
    try {
      const started = Date.now();
      const health = await app.client().get("/healthz");
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ ok: false, db: "timeout" });
      // Before the pool's own connect timeout (5 s): the probe does not wait on it.
      expect(Date.now() - started).toBeLessThan(4_500);
    } finally {
      await app.close();
      silent.close();
      void hanging.destroy().catch(() => {});
    }
  });

  it("answers 503 and the error page, not a crash, when the database is unreachable", async () => {
    const deadPort = await freePort();
    const unreachable = createDatabase(`postgres://nobody:nothing@127.0.0.1:${deadPort}/none`, { max: 1 });
    const app = await startApp(unreachable);
    try {
      const health = await app.client().get("/healthz");
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ ok: false, db: "down" });
      // Alive but not ready: an orchestrator keeps the process and sends it no traffic.
      expect((await app.client().get("/livez")).status).toBe(200);
      const home = await app.client().get("/");
      expect(home.status).toBe(500);
      expect(await home.text()).toContain("일시적인 오류가 발생했습니다");
    } finally {
      await app.close();
      // A pool that never connected waits forever to end politely; do not wait for it.
      void unreachable.destroy().catch(() => {});
    }
  });
});

describe("stopping", () => {
  it("ends a pool as soon as the transaction in flight when it was asked to end has finished", async () => {
    const pool = createDatabase(t.url, { max: 2 });
    let finish: () => void = () => {};
    const held = new Promise<void>((done) => (finish = done));
    let started: () => void = () => {};
    const inTransaction = new Promise<void>((done) => (started = done));
    const transaction = pool.transaction().execute(async (trx) => {
      await sql`SELECT 1`.execute(trx);
      started();
      await held;
      return (await sql<{ n: number }>`SELECT 2 AS n`.execute(trx)).rows[0]?.n;
    });
    await inTransaction;
    const ending = pool.destroy();
    finish();
    // The transaction asked for before the stop still completes on its connection...
    expect(await transaction).toBe(2);
    // ... and then the pool ends (it used to wait for that connection forever: porsager/postgres#925).
    const outcome = await Promise.race([ending.then(() => "ended"), new Promise((done) => setTimeout(() => done("still waiting after 5 s"), 5_000))]);
    expect(outcome).toBe("ended");
  });
});

describe("prepared statements (decision 76)", () => {
  it("prepares a parameterised statement once per connection and then reuses its plan; batches run unprepared", async () => {
    const pool = createDatabase(t.url, { max: 1 });
    try {
      for (let i = 0; i < 8; i++) await pool.selectFrom("campaigns").select("id").where("id", "=", i).execute();
      const ids = Array.from({ length: MAX_PREPARED_PARAMETERS + 1 }, (_, i) => i + 1);
      await pool.selectFrom("campaigns").select("id").where("id", "in", ids).execute();
      // The same (only) connection: its prepared statements and how often each was planned.
      const prepared = await sql<{ statement: string; generic_plans: number; custom_plans: number }>`
        SELECT statement, generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE statement LIKE '%from "campaigns"%'`.execute(pool);
      expect(prepared.rows).toHaveLength(1);
      const [single] = prepared.rows;
      expect(single?.statement).toContain('where "id" = $1');
      // Eight executions of one statement: planned for its first values, then the plan kept.
      expect((single?.generic_plans ?? 0) + (single?.custom_plans ?? 0)).toBe(8);
      expect(single?.generic_plans).toBeGreaterThan(0);
    } finally {
      await pool.destroy();
    }
  });
});
