import { spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetrics } from "../../app/server/metrics.server";
import { getSequencingStatus } from "../../app/ledger/sequencer.server";
import { freePort } from "../../db/embedded";
import { startApp, type TestApp } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { metricValue } from "../support/metrics";
import { DEMO_PASSWORD } from "../support/seed";

const root = resolve(import.meta.dirname, "../..");
const METRICS_TOKEN = randomBytes(24).toString("base64url");
let t: TestDatabase;

beforeAll(async () => {
  t = await createDemoDatabase();
});
afterAll(async () => {
  await t.drop();
});

/** A POST whose body is sent only when `finish` is called: a request held in flight. */
function slowPost(base: string, path: string): { response: Promise<IncomingMessage>; finish(): void; request: ClientRequest } {
  const csrf = "c".repeat(43);
  const body = `csrf=${csrf}&email=nobody%40example.com&password=wrong-password-123`;
  const url = new URL(path, base);
  const request = httpRequest(url, {
    method: "POST",
    agent: false,
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length), Origin: base, Cookie: `hf_csrf=${csrf}` },
  });
  const response = new Promise<IncomingMessage>((done, fail) => {
    request.once("response", done);
    request.once("error", fail);
  });
  request.write(body.slice(0, 10));
  return { response, request, finish: () => request.end(body.slice(10)) };
}

async function bodyOf(response: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of response) parts.push(part as Buffer);
  return Buffer.concat(parts).toString();
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("metrics", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(t.db, { metricsToken: METRICS_TOKEN });
    app.services.metrics = createMetrics({
      shared: { queueDepth: async () => [{ queue: "tick", state: "created", jobs: 2 }], ledgerSequencing: () => getSequencingStatus(t.db) },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it("are served only with the bearer token", async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${app.url}/metrics`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    const ok = await fetch(`${app.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Content-Type")).toContain("text/plain");
    const closed = await startApp(t.db);
    try {
      expect((await fetch(`${closed.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(404);
    } finally {
      await closed.close();
    }
  });

  it("count requests and their latency by route pattern and status, never by path", async () => {
    const client = app.client();
    expect((await client.get("/campaigns/demo-local-food-cafe")).status).toBe(200);
    expect((await client.get("/campaigns/no-such-campaign")).status).toBe(404);
    const text = await (await fetch(`${app.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toContain('hamkke_http_requests_total{method="GET",route="/campaigns/:slug",status="200"} 1');
    expect(text).toContain('hamkke_http_requests_total{method="GET",route="/campaigns/:slug",status="404"} 1');
    expect(text).toMatch(/hamkke_http_request_duration_seconds_bucket\{le="0\.05",method="GET",route="\/campaigns\/:slug",status="200"\} [01]/);
    expect(text).toContain('hamkke_http_request_duration_seconds_count{method="GET",route="/campaigns/:slug",status="200"} 1');
    expect(text).not.toContain("demo-local-food-cafe");
    const head = await getSequencingStatus(t.db);
    expect(head.headSeq).toBeGreaterThan(0);
    expect(text).toContain(`hamkke_ledger_head_seq ${head.headSeq}`);
    expect(text).toContain("hamkke_ledger_entries_waiting 0");
    expect(text).toContain('hamkke_job_queue_depth{queue="tick",state="created"} 2');
  });

  it("count rejected webhooks and throttled log-ins", async () => {
    const webhook = await fetch(`${app.url}/api/webhooks/stripe`, { method: "POST", body: "{}", headers: { "Stripe-Signature": "t=1,v1=00" } });
    expect(webhook.status).toBe(400);
    expect(await metricValue(app.services.metrics, "hamkke_webhooks_rejected_total", { provider: "stripe" })).toBe(1);
    const client = app.client();
    let status = 0;
    for (let i = 0; i < 11 && status !== 429; i++) {
      const response = await client.post("/login", { email: "citizen@hamkke.demo", password: `wrong-${i}` });
      status = response.status;
      await response.arrayBuffer();
    }
    expect(status).toBe(429);
    expect(await metricValue(app.services.metrics, "hamkke_logins_throttled_total")).toBe(1);
    // The failures count against this machine's address too: clear them for the other tests.
    await t.owner.deleteFrom("login_failures").execute();
  });
});

describe("request logs", () => {
  it("are one JSON line per request with its id, route, status and duration, and no secrets or personal data", async () => {
    const app = await startApp(t.db);
    try {
      const client = app.client();
      await client.logIn("coop@hamkke.demo", DEMO_PASSWORD);
      const resetToken = randomBytes(24).toString("base64url");
      const reset = await client.get(`/reset-password?token=${resetToken}`);
      await reset.arrayBuffer();
      const invitation = await client.get(`/invitations/${resetToken}`);
      await invitation.arrayBuffer();
      const lines = app.services.logger.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const requests = lines.filter((l) => l.msg === "request");
      expect(requests.length).toBeGreaterThanOrEqual(4);
      for (const line of requests) {
        expect(Object.keys(line).sort()).toEqual(expect.arrayContaining(["duration_ms", "level", "method", "request_id", "route", "status", "time"]));
        expect(typeof line.duration_ms).toBe("number");
      }
      expect(requests.find((l) => l.route === "/login" && l.method === "POST")).toMatchObject({ status: 302 });
      expect(requests.find((l) => l.route === "/reset-password")?.request_id).toBe(reset.headers.get("X-Request-Id"));
      expect(requests.some((l) => l.route === "/invitations/:token")).toBe(true);
      const everything = app.services.logger.lines.join("\n");
      for (const secret of [DEMO_PASSWORD, resetToken, "coop@hamkke.demo", client.cookies.get("hf_session") ?? "no-session", client.cookies.get("hf_csrf") ?? "no-csrf"]) {
        expect(everything).not.toContain(secret);
      }
    } finally {
      await app.close();
    }
  });
});

describe("overload", () => {
  it("answers 503 with Retry-After beyond the concurrency and queue limits, instead of queueing without bound", async () => {
    const app = await startApp(t.db, { limits: { concurrency: 1, queue: 1, queueTimeoutMs: 1500 }, metricsToken: METRICS_TOKEN });
    const inFlight = async () => {
      const text = await (await fetch(`${app.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      return Number(/^hamkke_http_requests_in_flight (\d+)/m.exec(text)?.[1] ?? -1) - 1; // less this scrape
    };
    try {
      const holding = slowPost(app.url, "/login");
      await waitFor("the first request to hold the slot", async () => (await inFlight()) === 1);
      const queued = slowPost(app.url, "/login");
      await waitFor("the second request to wait", async () => (await inFlight()) === 2);
      const refused = await fetch(`${app.url}/ledger`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("Retry-After")).toBe("2");
      expect(await refused.text()).toContain("서버가 바쁩니다");
      // The waiting request gives up after the queue timeout, with the same answer.
      const timedOut = await queued.response;
      expect(timedOut.statusCode).toBe(503);
      expect(timedOut.headers["retry-after"]).toBe("2");
      queued.request.destroy();
      // The request that held the slot is served normally, and the slot is free again.
      holding.finish();
      const served = await holding.response;
      expect(served.statusCode).not.toBe(503);
      await bodyOf(served);
      await waitFor("the slot to be released", async () => (await inFlight()) === 0);
      expect((await fetch(`${app.url}/ledger`)).status).toBe(200);
      expect(await metricValue(app.services.metrics, "hamkke_http_requests_shed_total")).toBe(2);
    } finally {
      await app.close();
    }
  });
});

describe("graceful shutdown", () => {
  it("on SIGTERM stops accepting new connections, finishes the request in flight and exits 0", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const signingKey = generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    let output = "";
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start-server.ts"], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", DATABASE_URL: t.url, PORT: String(port), HOST: "127.0.0.1", APP_ORIGIN: base, DEMO_DATA: "off", DEV_TOOLS: "off", JOBS: "off", LEDGER_SIGNING_KEY: signingKey, METRICS_TOKEN, WEB_CONCURRENCY: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    try {
      await waitFor("the server to be ready", async () => (await fetch(`${base}/healthz`).catch(() => null))?.status === 200, 120_000);
      const held = slowPost(base, "/login");
      await waitFor("the request to be in flight", async () => {
        const text = await (await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}`, Connection: "close" } })).text();
        return /^hamkke_http_requests_in_flight 2/m.test(text);
      });
      child.kill("SIGTERM");
      await waitFor("new connections to be refused", async () => {
        const error = await fetch(`${base}/livez`, { headers: { Connection: "close" } }).then(
          () => null,
          (e: { cause?: { code?: string } }) => e.cause?.code,
        );
        return error === "ECONNREFUSED";
      });
      expect(child.exitCode).toBeNull();
      held.finish();
      const response = await held.response;
      expect(response.statusCode).toBe(401);
      expect(response.headers.connection).toBe("close");
      expect(await bodyOf(response)).toContain("이메일 또는 비밀번호가");
      expect(await exited).toBe(0);
      const logs = output
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logs.find((l) => l.msg === "request" && l.route === "/login")).toMatchObject({ status: 401, method: "POST" });
      expect(logs.some((l) => l.msg === "stopped" && l.signal === "SIGTERM")).toBe(true);
    } catch (error) {
      console.log(output);
      throw error;
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 180_000);
});
