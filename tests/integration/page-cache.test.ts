import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpDataVersion, foldDataVersions, readDataVersion } from "../../app/page-cache/data-version.server";
import { startApp, type TestApp } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD } from "../support/seed";

// The public pages' data version (decision 45) and the page cache's HTTP behaviour (decision 46),
// on the in-process app. Freshness across processes and the no-leak proof run against the real
// server in page-freshness.test.ts.

let t: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db);
  const account = await t.db.selectFrom("ledger_accounts").select("code").where("code", "like", "campaign:%:escrow").orderBy("id").executeTakeFirstOrThrow();
  SHARED_PAGES = sharedPages(account.code);
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

/** Rows no public page shows: writing them does not move the version. Every other table must be tracked. */
const UNTRACKED = [
  "account_deletions",
  "demo_payment_intents",
  "email_outbox",
  "enterprise_identity_changes",
  "enterprise_invitations",
  "kysely_migration",
  "kysely_migration_lock",
  "ledger_dev_signing_key",
  "login_failures",
  "page_data_versions",
  "password_reset_tokens",
  "payment_events",
  "privacy_consents",
  "sessions",
];

let SHARED_PAGES: string[] = [];
const sharedPages = (accountCode: string) => [
  "/",
  "/campaigns",
  "/campaigns/demo-local-food-cafe",
  "/contests/gwangsan-2016-1",
  "/contests/gwangsan-2016-1/results",
  "/fund/jb-self-sufficiency-fund",
  "/ledger",
  `/ledger/accounts/${encodeURIComponent(accountCode)}`,
  "/ledger/entries/1",
  "/ledger/checkpoints",
];

describe("the data version", () => {
  it("is moved by a trigger on every table but the listed private ones (a new table must be classified)", async () => {
    const rows = await sql<{ name: string; tracked: boolean }>`
      SELECT c.relname AS name, EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'page_data_changed') AS tracked
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`.execute(t.owner);
    // A table added later: add `SELECT page_data_track('<table>')` to its migration, or list it above with a reason.
    expect(rows.rows.filter((r) => !r.tracked).map((r) => r.name)).toEqual(UNTRACKED);
    expect(rows.rows.filter((r) => r.tracked).length).toBeGreaterThan(50);
  });

  it("moves once per committed transaction, not on rollback, not for untracked tables", async () => {
    const start = await readDataVersion(t.db);
    await t.db.transaction().execute(async (trx) => {
      await trx.updateTable("campaigns").set((eb) => ({ title: eb.ref("title") })).where("slug", "like", "demo-%").execute();
      await trx.updateTable("enterprises").set((eb) => ({ name: eb.ref("name") })).execute();
      // Inside the transaction, the change is not visible to others yet.
      expect(await readDataVersion(t.owner)).toBe(start);
    });
    expect(await readDataVersion(t.db)).toBe(start + 1);

    await expect(
      t.db.transaction().execute(async (trx) => {
        await trx.updateTable("campaigns").set((eb) => ({ title: eb.ref("title") })).execute();
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await t.db.deleteFrom("login_failures").execute();
    await t.db.updateTable("campaigns").set((eb) => ({ title: eb.ref("title") })).where("id", "<", 0).execute();
    expect(await readDataVersion(t.db)).toBe(start + 1);

    await bumpDataVersion(t.db);
    expect(await readDataVersion(t.db)).toBe(start + 2);
  });

  it("is not moved by a pledge's processor references, which no page shows, but by the rest of the pledge", async () => {
    const pledge = await t.owner.selectFrom("pledges").select(["id", "message"]).orderBy("id").executeTakeFirstOrThrow();
    const start = await readDataVersion(t.db);
    // What the payment page writes on every visit: the intent and the processor's customer.
    await t.db.updateTable("pledges").set({ provider_setup_intent_id: "seti_version_test", provider_customer_id: "cus_version_test" }).where("id", "=", pledge.id).execute();
    await t.db.updateTable("pledges").set({ provider_payment_intent_id: "pi_version_test" }).where("id", "=", pledge.id).execute();
    expect(await readDataVersion(t.db)).toBe(start);
    await t.db.updateTable("pledges").set({ message: `${pledge.message ?? ""} ` }).where("id", "=", pledge.id).execute();
    expect(await readDataVersion(t.db)).toBe(start + 1);
    await t.db.updateTable("pledges").set({ provider_payment_intent_id: null, message: pledge.message }).where("id", "=", pledge.id).execute();
    expect(await readDataVersion(t.db)).toBe(start + 2);
  });

  it("never makes writers wait for each other, and folding ended sessions keeps the sum", async () => {
    const start = await readDataVersion(t.owner);
    // Two transactions hold their bumps at once: neither waits on the other's row lock.
    const second = await t.db.transaction().execute(async (first) => {
      await first.updateTable("campaigns").set((eb) => ({ title: eb.ref("title") })).where("slug", "=", "demo-local-food-cafe").execute();
      await t.db.transaction().execute(async (other) => {
        await sql`SET LOCAL statement_timeout = '2s'`.execute(other);
        await other.updateTable("enterprises").set((eb) => ({ name: eb.ref("name") })).where("id", "<", 3).execute();
      });
      return readDataVersion(t.owner);
    });
    expect(second).toBe(start + 1);
    expect(await readDataVersion(t.owner)).toBe(start + 2);

    const scratch = (await import("../../app/utils/db.server")).createDatabase(t.url, { max: 1 });
    await bumpDataVersion(scratch);
    await scratch.destroy();
    const rowsBefore = await t.owner.selectFrom("page_data_versions").select("backend_pid").execute();
    for (let i = 0; i < 50 && rowsBefore.length > 0; i++) {
      await foldDataVersions(t.db);
      const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM page_data_versions v WHERE v.backend_pid <> 0 AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = v.backend_pid)`.execute(t.owner);
      if (left.rows[0]?.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await readDataVersion(t.owner)).toBe(start + 3);
    const ended = await sql<{ n: number }>`SELECT count(*)::int AS n FROM page_data_versions v WHERE v.backend_pid <> 0 AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = v.backend_pid)`.execute(t.owner);
    expect(ended.rows[0]?.n).toBe(0);
  });

  it("is not moved by showing the shared pages", async () => {
    const before = await readDataVersion(t.db);
    for (const path of SHARED_PAGES) expect((await app.client().get(path)).status, path).toBe(200);
    expect(await readDataVersion(t.db)).toBe(before);
  });
});

describe("shared renderings over HTTP", () => {
  it("serve every shared page once rendered, with Cache-Control, ETag, Vary and no cookie", async () => {
    for (const path of SHARED_PAGES) {
      const first = await app.client().get(path);
      const second = await app.client().get(path);
      const html = await second.text();
      await first.arrayBuffer();
      // Kept: fresh, or older than 5 s and being rendered again in the background.
      expect(["hit", "stale"], path).toContain(second.headers.get("x-page-cache"));
      expect(second.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=1, stale-while-revalidate=1");
      expect(second.headers.get("vary")).toBe("Accept-Encoding, Cookie");
      expect(second.headers.get("etag")).toMatch(/^W\/"[\w-]{27}"$/);
      expect(second.headers.get("etag")).toBe(first.headers.get("etag"));
      expect(second.headers.getSetCookie()).toEqual([]);
      expect(html).not.toMatch(/name="csrf" value="[^"]/);
      // The security headers of every response stay.
      expect(second.headers.get("content-security-policy")).toContain("default-src 'self'");
    }
  });

  it("answer a conditional request with 304, and compress once per encoding", async () => {
    const path = "/campaigns/demo-neighbourhood-playground";
    const plain = await app.client().get(path, { "Accept-Encoding": "identity" });
    const body = await plain.text();
    const etag = plain.headers.get("etag") ?? "";
    const notModified = await app.client().get(path, { "If-None-Match": `"other", ${etag}` });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe("");
    expect(notModified.headers.get("etag")).toBe(etag);
    expect((await app.client().get(path, { "If-None-Match": '"other"' })).status).toBe(200);
    // fetch decodes br and gzip: the same page whatever the encoding.
    for (const encoding of ["br", "gzip", "gzip;q=1, br;q=0"]) {
      const response = await app.client().get(path, { "Accept-Encoding": encoding });
      expect(response.headers.get("content-encoding")).toBe(encoding === "br" ? "br" : "gzip");
      expect(await response.text()).toBe(body);
    }
  });

  it("render one page per language and ignore the Host header (no cache poisoning)", async () => {
    const english = app.client();
    english.useLocale("en");
    expect(await (await english.get("/campaigns")).text()).toContain('<html lang="en"');
    expect(await (await app.client().get("/campaigns")).text()).toContain('<html lang="ko"');
    const poisoned = await fetch(`${app.url}/campaigns/demo-local-food-cafe?poison=1`, { headers: { Host: "evil.example" } });
    expect(await poisoned.text()).not.toContain("evil.example");
    expect(await (await app.client().get("/campaigns/demo-local-food-cafe?poison=1")).text()).not.toContain("evil.example");
  });

  it("show a change at once (strict test settings) and keep signed-in pages private", async () => {
    const path = "/campaigns/demo-local-food-cafe";
    await (await app.client().get(path)).arrayBuffer();
    await t.owner.updateTable("campaigns").set({ summary: "요약이 바뀌었습니다 (캐시 시험)" }).where("slug", "=", "demo-local-food-cafe").execute();
    const after = await app.client().get(path);
    expect(after.headers.get("x-page-cache")).toBe("miss");
    expect(await after.text()).toContain("요약이 바뀌었습니다 (캐시 시험)");

    const member = app.client();
    await member.logIn("play@hamkke.demo", DEMO_PASSWORD);
    const mine = await member.get("/campaigns/demo-neighbourhood-playground");
    expect(mine.headers.get("cache-control")).toBe("private, no-store");
    expect(mine.headers.get("x-page-cache")).toBeNull();
    expect(mine.headers.get("etag")).toBeNull();
    expect(await mine.text()).toMatch(/name="csrf" value="[\w-]{43}"/);
    // A visitor's own pages too (the log-in page carries its CSRF token).
    expect((await app.client().get("/login")).headers.get("cache-control")).toBe("private, no-store");
  });

  it("switch an anonymous visitor's language with a GET form, and a signed-in one's with a POST", async () => {
    const visitor = app.client();
    const switched = await visitor.get("/locale?locale=en&next=%2Fcampaigns");
    expect(switched.status).toBe(302);
    expect(switched.headers.get("location")).toBe("/campaigns");
    expect(visitor.cookies.get("hf_lang")).toBe("en");
    expect((await visitor.get("/locale?locale=en&next=%2F%2Fevil.example")).headers.get("location")).toBe("/");
    const html = await (await app.client().get("/campaigns")).text();
    expect(html).toMatch(/<form method="get" action="\/locale" class="lang-switch"/);
  });
});
