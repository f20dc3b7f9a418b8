import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { resolve } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../app/auth/session.server";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { freePort } from "../../db/embedded";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { seedDemo } from "../support/seed";

// R7: the server is killed (SIGKILL) in the middle of a pledge load and started again; clients
// retry what was not acknowledged with the same Idempotency-Key. Every acknowledged pledge must
// be there exactly once, and the ledger must balance and verify.

const root = resolve(import.meta.dirname, "../..");
// Production mode needs a configured checkpoint key.
const signingKey = generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t, new Date().toISOString().slice(0, 10));
});
afterAll(async () => {
  await t.drop();
});

async function startServer(port: number): Promise<ChildProcess> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start-server.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: t.url, PORT: String(port), HOST: "127.0.0.1", APP_ORIGIN: url, DEMO_DATA: "off", DEV_TOOLS: "off", JOBS: "off", LEDGER_SIGNING_KEY: signingKey },
    stdio: "ignore",
  });
  // Up to 60 s, as for the browser tier's server: a primary and its web processes on a loaded machine.
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return child;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not start");
}

describe("crash recovery", () => {
  it("keeps every acknowledged pledge exactly once across a SIGKILL and restart", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const users = await t.owner.selectFrom("users").select("id").where("email", "like", "backer%@hamkke.demo").orderBy("id").limit(8).execute();
    const tokens = await Promise.all(users.map((u) => createSession(t.owner, u.id, { ip: null, userAgent: null, now: new Date() })));
    const csrf = "c".repeat(43);
    const acknowledged = new Map<string, string>();
    const send = async (token: string, key: string) => {
      const response = await fetch(`${base}/api/v1/campaigns/demo-local-food-cafe/pledges`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: base, Cookie: `hf_session=${token}; hf_csrf=${csrf}`, "X-CSRF-Token": csrf, "Idempotency-Key": key },
        body: JSON.stringify({ amount: 1_000 + (key.length % 7) * 1_000, kind: "donation", backerKind: "individual", card: { number: "4242424242424242", expiry: "12/30", cvc: "123" } }),
      });
      if (response.status !== 200 && response.status !== 201) throw new Error(`status ${response.status}`);
      const body = (await response.json()) as { pledge: string; state: string };
      if (body.state !== "collected") throw new Error(`state ${body.state}`);
      acknowledged.set(key, body.pledge);
    };

    let server = await startServer(port);
    const pending = new Set<string>();
    let stop = false;
    const clients = tokens.map(async (token, c) => {
      for (let i = 0; !stop; i++) {
        const key = `crash-${c}-${i}`;
        pending.add(key);
        try {
          await send(token, key);
          pending.delete(key);
        } catch {
          // The server went away mid-request: this key is retried after the restart.
          return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    server.kill("SIGKILL");
    stop = true;
    await Promise.all(clients);
    expect(acknowledged.size).toBeGreaterThan(0);

    server = await startServer(port);
    try {
      for (const key of pending) {
        const client = Number(key.split("-")[1]);
        await send(tokens[client] ?? "", key);
      }
    } finally {
      server.kill("SIGTERM");
    }

    const rows = await t.db
      .selectFrom("pledges")
      .select(["id", "public_id", "idempotency_key", "state"])
      .where("idempotency_key", "like", "crash-%")
      .execute();
    const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
    expect(rows).toHaveLength(byKey.size);
    for (const [key, publicId] of acknowledged) {
      expect(byKey.get(key)?.public_id).toBe(publicId);
      expect(byKey.get(key)?.state).toBe("collected");
    }
    // Each collected pledge has exactly one collection entry in the ledger.
    const keys = rows.map((r) => `pledge:${r.id}:collected`);
    const entries = await sql<{ n: number }>`SELECT count(*)::int AS n FROM journal_entries WHERE idempotency_key = ANY(${keys})`.execute(t.db);
    expect(entries.rows[0]?.n).toBe(rows.filter((r) => r.state === "collected").length);
    const result = await verifyStoredLedger(t.db);
    expect(result.ok).toBe(true);
  }, 120_000);
});
