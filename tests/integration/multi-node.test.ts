import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../app/auth/session.server";
import { addBudgetLine, createCampaign, reviewCampaign, submitForReview } from "../../app/campaigns/campaigns.server";
import { outboxMessageId } from "../../app/email/outbox.server";
import { campaignEscrow } from "../../app/ledger/accounts";
import { ensureAccounts, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { freePort } from "../../db/embedded";
import { startFakeSmtp } from "../fakes/smtp-server";
import { TestClient } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId, seedDemo, userId } from "../support/seed";
import { CARD_EXPIRY, seoulDateInDays } from "../support/dates";
import { createTestServices } from "../support/services";

// R10: two web servers, each in its own working directory with its own (empty) upload directory,
// and one dedicated worker, on one PostgreSQL. Sessions, files, campaign closes, charges,
// checkpoints and e-mails must be right on every node and done once; a worker killed in the
// middle of a charge run leaves nothing half recorded, and the next worker finishes it.

const root = resolve(import.meta.dirname, "../..");
const tsx = pathToFileURL(resolve(root, "node_modules/tsx/dist/loader.mjs")).href;
const signingKey = generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
const DAY = 86_400_000;
const CSRF = "c".repeat(43);
// The smallest valid PNG (1×1, transparent).
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

interface Node {
  name: string;
  child: ChildProcess;
  dir: string;
  output(): string;
  exited: Promise<number | null>;
}

let t: TestDatabase;
let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;
const MAIL_FROM = "함께펀드 <no-reply@hamkke.test>";
let boss: PgBoss;
const nodes: Node[] = [];

function startNode(name: string, script: string, env: Record<string, string>): Node {
  const dir = mkdtempSync(join(tmpdir(), `hamkke-${name}-`));
  let output = "";
  const child = spawn(process.execPath, ["--import", tsx, resolve(root, script)], {
    cwd: dir,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: t.url,
      HOST: "127.0.0.1",
      DEMO_DATA: "off",
      DEV_TOOLS: "on",
      LEDGER_SIGNING_KEY: signingKey,
      UPLOAD_DIR: join(dir, "uploads"),
      SHUTDOWN_TIMEOUT_MS: "10000",
      // Started from another directory, tsx must still compile with the project's settings (JSX).
      TSX_TSCONFIG_PATH: resolve(root, "tsconfig.json"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const node = { name, child, dir, output: () => output, exited: new Promise<number | null>((done) => child.once("exit", (code) => done(code))) };
  nodes.push(node);
  return node;
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${nodes.map((n) => `--- ${n.name}\n${n.output().slice(-3000)}`).join("\n")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startWeb(name: string): Promise<{ node: Node; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const node = startNode(name, "scripts/start-server.ts", { PORT: String(port), APP_ORIGIN: url, JOBS: "off", WEB_CONCURRENCY: "1" });
  await waitFor(`${name} to be ready`, async () => (await fetch(`${url}/healthz`)).ok, 120_000);
  return { node, url };
}

async function startWorker(name: string): Promise<Node> {
  const node = startNode(name, "scripts/start-worker.ts", { SMTP_URL: smtp.url, MAIL_FROM });
  await waitFor(`${name} to start`, async () => node.output().includes('"msg":"worker started"'), 120_000);
  return node;
}

/** Moves every process's clock (they re-read the shared offset every second). */
async function advanceClock(ms: number): Promise<void> {
  await sql`UPDATE app_clock SET offset_ms = offset_ms + ${ms}`.execute(t.owner);
  await new Promise((r) => setTimeout(r, 1500));
}

/**
 * Holds campaign's escrow account row until the returned function is called: recording a charge
 * (journal lines on that account, whose foreign key takes a KEY SHARE lock) waits behind it, while
 * claiming and charging, which write no ledger lines, go on.
 */
async function holdEscrow(campaignId: number): Promise<() => Promise<void>> {
  await ensureAccounts(t.owner, [campaignEscrow(campaignId)]);
  let release!: () => void;
  const released = new Promise<void>((done) => (release = done));
  let locked!: () => void;
  const isLocked = new Promise<void>((done) => (locked = done));
  const holder = t.owner.transaction().execute(async (trx) => {
    await sql`SELECT id FROM ledger_accounts WHERE code = ${campaignEscrow(campaignId).code} FOR UPDATE`.execute(trx);
    locked();
    await released;
  });
  await isLocked;
  return async () => {
    release();
    await holder;
  };
}

async function liveCampaign(title: string, endsInDays: number): Promise<{ id: number; slug: string }> {
  const services = createTestServices(t.db, new Date().toISOString());
  const today = seoulDateInDays(0);
  const ends = seoulDateInDays(endsInDays);
  const made = await createCampaign(t.db, {
    enterpriseId: await enterpriseId(t, "누럭놀이단"),
    userId: await userId(t, "play@hamkke.demo"),
    now: new Date(),
    basics: { title, summary: "요약", story: "", goal: 100_000, fundingModel: "all_or_nothing", startsOn: today, endsOn: ends },
  });
  await addBudgetLine(t.db, made.id, { name: "재료비", amount: 100_000, required: true });
  await submitForReview(t.db, made.id, new Date());
  await reviewCampaign(services, { campaignId: made.id, reviewerId: await userId(t, "operator@hamkke.demo"), decision: "approve", comment: "" });
  return made;
}

/** Pledges through the JSON API, alternately on each web server, each with a backer's session. */
async function pledgeOn(urls: string[], slug: string, tokens: string[], count: number, prefix: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const base = urls[i % urls.length] ?? "";
    const response = await fetch(`${base}/api/v1/campaigns/${slug}/pledges`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: base, Cookie: `hf_session=${tokens[i % tokens.length]}; hf_csrf=${CSRF}`, "X-CSRF-Token": CSRF, "Idempotency-Key": `${prefix}-${i}` },
      body: JSON.stringify({ amount: 10_000 + i * 1_000, kind: "donation", backerKind: "individual", card: { number: "4242424242424242", expiry: CARD_EXPIRY, cvc: "123" } }),
    });
    const body = (await response.json()) as { state?: string };
    if (response.status >= 300 || body.state !== "saved") throw new Error(`pledge ${i} on ${base}: ${response.status} ${JSON.stringify(body)}`);
  }
}

async function pledgesOf(campaignId: number) {
  return t.db.selectFrom("pledges").select(["id", "state"]).where("campaign_id", "=", campaignId).where("idempotency_key", "like", "node-%").execute();
}

/** Per pledge: ledger collection entries and processor charges (demo provider intents). */
async function chargesAndEntries(ids: number[]): Promise<{ entries: Map<number, number>; charges: Map<number, number> }> {
  const entries = await sql<{ key: string; n: number }>`SELECT idempotency_key AS key, count(*)::int AS n FROM journal_entries WHERE idempotency_key = ANY(${ids.map((id) => `pledge:${id}:collected`)}) GROUP BY 1`.execute(t.owner);
  const charges = await sql<{ key: string; n: number }>`SELECT idempotency_key AS key, count(*)::int AS n FROM demo_payment_intents WHERE kind = 'payment' AND status = 'succeeded' AND idempotency_key LIKE ANY(${ids.map((id) => `pledge:${id}:charge:%`)}) GROUP BY 1`.execute(t.owner);
  const count = (rows: { key: string; n: number }[]) => {
    const map = new Map(ids.map((id) => [id, 0]));
    for (const row of rows) {
      const id = Number(row.key.split(":")[1]);
      map.set(id, (map.get(id) ?? 0) + row.n);
    }
    return map;
  };
  return { entries: count(entries.rows), charges: count(charges.rows) };
}

async function expectOnceEach(ids: number[]): Promise<void> {
  const { entries, charges } = await chargesAndEntries(ids);
  expect([...entries.values()]).toEqual(ids.map(() => 1));
  expect([...charges.values()]).toEqual(ids.map(() => 1));
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t, seoulDateInDays(0));
  // The demo's own mail (hundreds of messages) is not what this test is about: mark it sent.
  await sql`UPDATE email_outbox SET sent_at = now() WHERE sent_at IS NULL`.execute(t.owner);
  smtp = await startFakeSmtp();
  boss = new PgBoss({ connectionString: t.url, schema: "pgboss", max: 1 });
}, 120_000);

afterAll(async () => {
  for (const node of nodes) if (node.child.exitCode === null) node.child.kill("SIGKILL");
  await boss.stop({ graceful: false }).catch(() => {});
  await smtp.close();
  await t.drop();
});

describe("two web servers and a worker on one database", () => {
  it("share sessions and files, do every job once, and survive a worker killed mid-charge", async () => {
    const [web1, web2] = await Promise.all([startWeb("web1"), startWeb("web2")]);
    const worker = await startWorker("worker1");
    await boss.start();
    const urls = [web1.url, web2.url];

    // A session made on one server works on the other.
    const citizen = new TestClient(web1.url);
    await citizen.logIn("citizen@hamkke.demo", DEMO_PASSWORD);
    const elsewhere = new TestClient(web2.url);
    for (const [name, value] of citizen.cookies) elsewhere.cookies.set(name, value);
    const account = await elsewhere.get("/account");
    expect(account.status).toBe(200);
    expect(await account.text()).toContain("citizen@hamkke.demo");

    // A file uploaded on one server downloads on the other; neither wrote to its own disk.
    const coop = new TestClient(web1.url);
    await coop.logIn("play@hamkke.demo", DEMO_PASSWORD);
    const draft = await createCampaign(t.db, {
      enterpriseId: await enterpriseId(t, "누럭놀이단"),
      userId: await userId(t, "play@hamkke.demo"),
      now: new Date(),
      basics: { title: "표지 시험", summary: "요약", story: "", goal: 100_000, fundingModel: "all_or_nothing", startsOn: seoulDateInDays(0), endsOn: seoulDateInDays(30) },
    });
    const form = new FormData();
    form.set("csrf", await coop.csrfToken());
    form.set("intent", "cover");
    form.set("cover", new Blob([png], { type: "image/png" }), "표지.png");
    const cookie = [...coop.cookies.entries()].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
    const upload = await fetch(`${web1.url}/campaigns/${draft.slug}/edit`, { method: "POST", body: form, redirect: "manual", headers: { Cookie: cookie, Origin: web1.url } });
    expect(upload.status).toBe(302);
    const cover = await t.db.selectFrom("campaigns").innerJoin("stored_files", "stored_files.id", "campaigns.cover_file_id").select("stored_files.public_id").where("campaigns.id", "=", draft.id).executeTakeFirstOrThrow();
    const download = await fetch(`${web2.url}/files/${cover.public_id}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
    expect(existsSync(join(web1.node.dir, "uploads")) || existsSync(join(web2.node.dir, "uploads"))).toBe(false);

    // Two campaigns with pledges taken on both servers: A closes first, B later.
    const backers = await t.owner.selectFrom("users").select("id").where("email", "like", "backer%@hamkke.demo").orderBy("id").limit(6).execute();
    const tokens = await Promise.all(backers.map((b) => createSession(t.owner, b.id, { ip: null, userAgent: null, now: new Date() })));
    const a = await liveCampaign("다중 서버 A", 3);
    const b = await liveCampaign("다중 서버 B", 10);
    await pledgeOn(urls, a.slug, tokens, 12, "node-a");
    await pledgeOn(urls, b.slug, tokens, 12, "node-b");
    const checkpointsBefore = await t.owner.selectFrom("ledger_checkpoints").select("tree_size").execute();

    // A's close and charges, asked of all three processes at once (A's escrow held so they overlap).
    await advanceClock(4 * DAY);
    const release = await holdEscrow(a.id);
    const moveClock = (base: string) => fetch(`${base}/dev/clock`, { method: "POST", redirect: "manual", body: new URLSearchParams({ csrf: CSRF, days: "0", hours: "1" }), headers: { Cookie: `hf_csrf=${CSRF}`, Origin: base } });
    const ticks = Promise.all([moveClock(web1.url), moveClock(web2.url), boss.send("tick", {})]);
    await new Promise((r) => setTimeout(r, 2000));
    await release();
    const [first, second] = await ticks;
    expect([first.status, second.status]).toEqual([302, 302]);
    await waitFor("campaign A to be settled", async () => (await t.db.selectFrom("campaigns").select("settlement").where("id", "=", a.id).executeTakeFirstOrThrow()).settlement === "settled");
    const pledgesA = await pledgesOf(a.id);
    expect(pledgesA.map((p) => p.state)).toEqual(pledgesA.map(() => "collected"));
    await expectOnceEach(pledgesA.map((p) => p.id));
    const outcomeMails = await sql<{ n: number }>`SELECT count(*)::int AS n FROM email_outbox WHERE template = 'campaignOutcome'`.execute(t.owner);
    expect(outcomeMails.rows[0]?.n).toBe(12);

    // B's charge run is killed in the worker while it waits to record the charges.
    await advanceClock(7 * DAY);
    const hold = await holdEscrow(b.id);
    await boss.send("tick", {});
    await waitFor("the worker to wait on B's escrow with B's charges made", async () => {
      const charging = (await pledgesOf(b.id)).filter((p) => p.state === "charging").length;
      const waiting = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'hamkke-fund' AND wait_event_type = 'Lock'`.execute(t.owner);
      return charging === 12 && (waiting.rows[0]?.n ?? 0) > 0;
    });
    worker.child.kill("SIGKILL");
    await worker.exited;
    await hold();
    const pledgesB = await pledgesOf(b.id);
    // Nothing half recorded: the charges were made at the processor, none is in the ledger yet.
    expect(pledgesB.map((p) => p.state)).toEqual(pledgesB.map(() => "charging"));
    const afterKill = await chargesAndEntries(pledgesB.map((p) => p.id));
    expect([...afterKill.entries.values()]).toEqual(pledgesB.map(() => 0));
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);

    // The next worker finds the stuck charges (after the quiet period) and records each once.
    const next = await startWorker("worker2");
    await advanceClock(6 * 60_000);
    await boss.send("tick", {});
    await waitFor("B's stuck charges to be recorded", async () => (await pledgesOf(b.id)).every((p) => p.state === "collected"));
    // Settling comes before repairs in a tick: the next tick settles the campaign.
    await boss.send("tick", {});
    await waitFor("campaign B to be settled", async () => (await t.db.selectFrom("campaigns").select("settlement").where("id", "=", b.id).executeTakeFirstOrThrow()).settlement === "settled");
    await expectOnceEach(pledgesB.map((p) => p.id));

    // Checkpoints: one per ledger size; the chain verifies.
    const sizes = (await t.owner.selectFrom("ledger_checkpoints").select("tree_size").execute()).map((c) => c.tree_size);
    expect(new Set(sizes).size).toBe(sizes.length);
    expect(sizes.length).toBeGreaterThan(checkpointsBefore.length);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);

    // Every e-mail delivered by whichever worker was alive: at least once, and a message the
    // killed worker had handed to the SMTP server but not yet marked sent comes again with the
    // same Message-ID.
    await waitFor("the outbox to be delivered", async () => {
      const pending = await sql<{ n: number }>`SELECT count(*)::int AS n FROM email_outbox WHERE sent_at IS NULL`.execute(t.owner);
      return pending.rows[0]?.n === 0;
    });
    const sent = await t.owner.selectFrom("email_outbox").select(["id", "created_at"]).where("attempts", ">", 0).execute();
    expect(sent.length).toBeGreaterThanOrEqual(24);
    const expectedIds = sent.map((row) => outboxMessageId(row.id, row.created_at, MAIL_FROM)).sort();
    expect([...new Set(smtp.received.map((m) => m.messageId))].sort()).toEqual(expectedIds);
    expect(smtp.received.length - expectedIds.length).toBeLessThanOrEqual(1);

    // SIGTERM: every process stops cleanly.
    for (const node of [web1.node, web2.node, next]) node.child.kill("SIGTERM");
    expect(await Promise.all([web1.node.exited, web2.node.exited, next.exited])).toEqual([0, 0, 0]);
  }, 300_000);
});
