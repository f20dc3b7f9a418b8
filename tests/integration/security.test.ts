import { networkInterfaces } from "node:os";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn as logInDirectly } from "../../app/auth/auth.server";
import { createCampaign } from "../../app/campaigns/campaigns.server";
import { dictionaries } from "../../app/i18n/messages";
import { BODY_LIMITS, bodyKind } from "../../app/server/body-limit";
import type { AppError } from "../../app/utils/app-error";
import { startApp, TestClient, type TestApp } from "../support/app";
import { seoulDateAfter } from "../support/dates";
import { createDemoDatabase, tablesDigest, type TestDatabase } from "../support/db";
import { sendHeadersOnly, sendStreaming } from "../support/raw-http";
import { concrete, routeManifest } from "../support/routes";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";

let t: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db);
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

/** A fingerprint of every table the forms can change: equal before and after means nothing was written. */
function snapshot(): Promise<string> {
  return tablesDigest(t.owner, ["users", "enterprises", "enterprise_members", "enterprise_invitations", "staff_roles", "password_reset_tokens", "email_outbox", "journal_entries", "app_clock"]);
}

/** Every route with an action, with its URL pattern, read from the built route manifest. */
async function mutatingRoutes(): Promise<string[]> {
  return (await routeManifest()).filter((r) => r.hasAction).map((r) => r.pattern);
}

describe("CSRF", () => {
  it("lists the mutating routes from the manifest", async () => {
    const routes = await mutatingRoutes();
    expect(routes).toEqual(expect.arrayContaining(["/login", "/signup", "/logout", "/enterprises/new", "/enterprises/:id/edit", "/admin/roles"]));
  });

  it("refuses every mutating route without a token, with a foreign Origin, or with no Origin at all", async () => {
    const admin = app.client();
    await admin.logIn("admin@hamkke.demo", DEMO_PASSWORD);
    const id = await enterpriseId(t, "함께 크는 나무 협동조합");
    const before = await snapshot();
    for (const pattern of await mutatingRoutes()) {
      const path = concrete(pattern, { id });
      if (path.startsWith("/api/webhooks/")) {
        // Authenticated by the processor's signature instead: unsigned posts are refused.
        expect((await admin.post(path, {}, { csrf: false })).status, `${path} unsigned`).toBe(400);
        continue;
      }
      const fields = { email: "someone@example.com", password: "whatever-password", name: "x", locale: "en" };
      const noToken = await admin.post(path, fields, { csrf: false });
      expect(noToken.status, `${path} without token`).toBe(403);
      const wrongToken = await admin.post(path, fields, { csrf: "A".repeat(43) });
      expect(wrongToken.status, `${path} with a wrong token`).toBe(403);
      const foreign = await admin.post(path, fields, { origin: "https://evil.example" });
      expect(foreign.status, `${path} from a foreign origin`).toBe(403);
      const noOrigin = await admin.post(path, fields, { origin: null });
      expect(noOrigin.status, `${path} without Origin`).toBe(403);
    }
    expect(await snapshot()).toBe(before);
  });

  it("accepts the same request with the token from the same origin", async () => {
    const client = app.client();
    const response = await client.post("/login", { email: "citizen@hamkke.demo", password: DEMO_PASSWORD });
    expect(response.status).toBe(302);
  });
});

describe("sessions", () => {
  it("set HttpOnly, SameSite=Lax cookies", async () => {
    const client = app.client();
    const response = await client.post("/login", { email: "citizen@hamkke.demo", password: DEMO_PASSWORD });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("hf_session="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
  });

  it("rotate on log-in: the previous session token stops working", async () => {
    const client = app.client();
    await client.logIn("citizen@hamkke.demo", DEMO_PASSWORD);
    const first = client.cookies.get("hf_session");
    await client.logIn("citizen@hamkke.demo", DEMO_PASSWORD);
    const second = client.cookies.get("hf_session");
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    const stale = app.client();
    stale.cookies.set("hf_session", first ?? "");
    const response = await stale.get("/account");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toMatch(/^\/login/);
  });

  it("are invalidated on the server at log-out", async () => {
    const client = app.client();
    await client.logIn("citizen@hamkke.demo", DEMO_PASSWORD);
    const token = client.cookies.get("hf_session") ?? "";
    expect((await client.get("/account")).status).toBe(200);
    const out = await client.post("/logout");
    expect(out.status).toBe(302);
    const replay = app.client();
    replay.cookies.set("hf_session", token);
    expect((await replay.get("/account")).status).toBe(302);
  });
});

describe("log-in throttling (S3; OWASP ASVS 5.0 V6.1.1, V6.3.1)", () => {
  // A second server on the same database behind a "proxy", so each client comes from an address
  // of its own (X-Forwarded-For, one trusted hop), with a clock of its own the tests move.
  let proxied: TestApp;
  beforeAll(async () => {
    proxied = await startApp(t.db, { trustProxy: true });
  });
  afterAll(() => proxied.close());
  const from = (address: string) => proxied.client({ "X-Forwarded-For": address });
  const logIn = (client: TestClient, email: string, password: string) => client.post("/login", { email, password });

  it("answers the guessing address 429 within 10 failures, even for the right password, while the owner gets in from another", async () => {
    const attacker = from("203.0.113.7");
    let failures = 0;
    let refusals = 0;
    // A patient guesser waits out every delay; the address is still refused after 10 failures.
    for (let attempt = 0; attempt < 30 && failures < 12; attempt++) {
      const response = await logIn(attacker, "juror2@hamkke.demo", `wrong-${attempt}`);
      if (response.status === 401) failures += 1;
      else {
        expect(response.status).toBe(429);
        expect(await response.text()).toContain("로그인 시도가 너무 많습니다");
        refusals += 1;
        if (failures >= 10) break;
        await proxied.services.clock.advance(61_000);
      }
    }
    expect(failures).toBe(10);
    expect(refusals).toBeGreaterThan(1);
    // The first three slips go through at once; the fourth try in the same second is refused.
    expect((await logIn(attacker, "juror2@hamkke.demo", DEMO_PASSWORD)).status).toBe(429);
    // Minutes later, all ten failures are still in the window: still refused.
    await proxied.services.clock.advance(5 * 60_000);
    expect((await logIn(attacker, "juror2@hamkke.demo", DEMO_PASSWORD)).status).toBe(429);

    const owner = from("198.51.100.20");
    expect((await logIn(owner, "juror2@hamkke.demo", DEMO_PASSWORD)).status).toBe(302);
    // Once the window has passed, the address may try again.
    await proxied.services.clock.advance(15 * 60_000);
    expect((await logIn(attacker, "juror2@hamkke.demo", DEMO_PASSWORD)).status).toBe(302);
  });

  it("delays the fourth failure in a row of one account from one address, not the first three", async () => {
    const client = from("203.0.113.8");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await logIn(client, "consultant@hamkke.demo", `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    await proxied.services.clock.advance(1_000);
    expect((await logIn(client, "consultant@hamkke.demo", DEMO_PASSWORD)).status).toBe(302);
  });

  it("answers 429 after 10 failures from one address across accounts", async () => {
    const client = from("203.0.113.9");
    for (let i = 0; i < 10; i++) expect((await logIn(client, `nobody${i}@example.com`, "wrong-password")).status).toBe(401);
    expect((await logIn(client, "citizen@hamkke.demo", DEMO_PASSWORD)).status).toBe(429);
    expect((await logIn(from("198.51.100.21"), "citizen@hamkke.demo", DEMO_PASSWORD)).status).toBe(302);
  });

  it("holds guessing spread over many addresses to under 100 tries an hour, without locking the owner out", async () => {
    // A botnet: every 20 seconds for an hour, a guess from an address never seen before (through
    // the log-in function itself: the HTTP path is the same as above, and 180 pages are slow).
    let now = proxied.services.clock.now();
    let guesses = 0;
    for (let i = 0; i < 180; i++) {
      const attempt = logInDirectly(t.db, { email: "fund2@hamkke.demo", password: "wrong-password" }, { ip: `10.0.${i}.1`, userAgent: null, now });
      const refusal = await attempt.then(() => null, (error: AppError) => error.code);
      expect(["invalidCredentials", "tooManyAttempts"]).toContain(refusal);
      if (refusal === "invalidCredentials") guesses += 1;
      now = new Date(now.getTime() + 20_000);
    }
    console.log(`[S3] distributed guessing: ${guesses} guesses in an hour of 180 tries`);
    expect(guesses).toBeGreaterThan(20);
    expect(guesses).toBeLessThanOrEqual(100);
    // The owner, from an address of their own while the guessing goes on, waits at most a minute.
    proxied.services.clock.set(now);
    const owner = from("198.51.100.22");
    let status = (await logIn(owner, "fund2@hamkke.demo", DEMO_PASSWORD)).status;
    if (status === 429) {
      await proxied.services.clock.advance(60_000);
      status = (await logIn(owner, "fund2@hamkke.demo", DEMO_PASSWORD)).status;
    }
    expect(status).toBe(302);
  });
});

describe("dev tools (S10)", () => {
  const devPages = async () => {
    const patterns = (await routeManifest()).filter((r) => r.pattern.startsWith("/dev"));
    expect(patterns.map((r) => r.pattern).sort()).toEqual(["/dev/clock", "/dev/outbox", "/dev/outbox/:id"]);
    const outboxId = (await t.db.selectFrom("email_outbox").select("id").orderBy("id").limit(1).executeTakeFirstOrThrow()).id;
    return patterns.map((r) => ({ ...r, path: concrete(r.pattern, { id: outboxId }) }));
  };

  async function refusedTo(client: TestClient, label: string): Promise<void> {
    const clockBefore = await t.db.selectFrom("app_clock").selectAll().execute();
    for (const page of await devPages()) {
      expect((await client.get(page.path)).status, `${label} GET ${page.path}`).toBe(404);
      // 403 when the CSRF gate stops a post from another origin first.
      if (page.hasAction) expect([403, 404], `${label} POST ${page.path}`).toContain((await client.post(page.path, { days: "30", hours: "0" })).status);
    }
    expect(await t.db.selectFrom("app_clock").selectAll().execute()).toEqual(clockBefore);
    expect(await (await client.get("/")).text()).not.toContain('href="/dev/outbox"');
  }

  it("are served to a visitor on this machine", async () => {
    await app.client().post("/forgot-password", { email: "operator2@hamkke.demo" });
    const local = app.client();
    for (const page of await devPages()) expect((await local.get(page.path)).status, page.path).toBe(200);
    expect(await (await local.get("/")).text()).toContain('href="/dev/outbox"');
  });

  it("are unreachable from anywhere else, signed in or not, unless as a platform admin", async () => {
    // Through a proxy that does not say who the client is: not this machine.
    const proxiedAnonymous = app.client({ "X-Forwarded-For": "203.0.113.50" });
    await refusedTo(proxiedAnonymous, "anonymous through a proxy");
    const proxiedOperator = app.client({ "X-Forwarded-For": "203.0.113.51" });
    await proxiedOperator.logIn("operator@hamkke.demo", DEMO_PASSWORD);
    await refusedTo(proxiedOperator, "an operator through a proxy");

    // Behind a trusted proxy, a client claiming to be 127.0.0.1 is still the address the proxy saw.
    const behindProxy = await startApp(t.db, { trustProxy: true });
    try {
      await refusedTo(behindProxy.client({ "X-Forwarded-For": "127.0.0.1, 203.0.113.52" }), "a spoofed 127.0.0.1 behind a proxy");
      const admin = behindProxy.client({ "X-Forwarded-For": "203.0.113.53" });
      await admin.logIn("admin@hamkke.demo", DEMO_PASSWORD);
      for (const page of await devPages()) expect((await admin.get(page.path)).status, `admin ${page.path}`).toBe(200);
    } finally {
      await behindProxy.close();
    }
  });

  it("are unreachable from another machine's address (a non-loopback interface)", async () => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
    if (!address) {
      console.log("[S10] this machine has no non-loopback IPv4 interface: covered above through a proxy only");
      return;
    }
    const open = await startApp(t.db, { host: "0.0.0.0" });
    try {
      const port = new URL(open.url).port;
      const remote = new TestClient(`http://${address}:${port}`);
      await refusedTo(remote, `anonymous from ${address}`);
    } finally {
      await open.close();
    }
  });

  it("are off entirely when DEV_TOOLS is off, even on this machine", async () => {
    app.services.devTools = false;
    try {
      for (const page of await devPages()) expect((await app.client().get(page.path)).status, page.path).toBe(404);
    } finally {
      app.services.devTools = true;
    }
  });
});

describe("return targets (S8)", () => {
  const ATTACKS = [
    "/\t/attacker.example/phish",
    "/%09/attacker.example/phish",
    "/\n/x",
    "/%0A/x",
    "/%0D%0ALocation:%20https://attacker.example",
    "//attacker.example",
    "/\\attacker.example",
    "/%5Cattacker.example",
    "\\\\attacker.example",
    "https://attacker.example/",
    "http:attacker.example",
    "javascript:alert(1)",
    "/\u0000/x",
    "%2F%2Fattacker.example",
    "/%E0%A4%A",
  ];

  function stayedHome(response: Response, label: string): void {
    // A NUL byte is refused as such (in the URL: 400; in a form field: 422 with a message).
    if ((response.status === 400 || response.status === 422) && /%00|\\u0000/.test(label)) return;
    expect(response.status, label).toBe(302);
    const location = response.headers.get("Location") ?? "";
    expect(new URL(location, app.url).origin, `${label} → ${JSON.stringify(location)}`).toBe(new URL(app.url).origin);
    expect(location.startsWith("/") && !location.startsWith("//") && !location.includes("\\"), `${label} → ${JSON.stringify(location)}`).toBe(true);
  }

  /** Every form the pages carry with a `next` field, found in their HTML (the log-in form, the language switch on every page), as "METHOD path". */
  async function formsWithNext(client: TestClient): Promise<string[]> {
    const actions = new Set<string>();
    for (const page of ["/", "/campaigns", "/login?next=/account"]) {
      const html = await (await client.get(page)).text();
      for (const form of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
        if (!/name="next"/.test(form[2] ?? "")) continue;
        const method = /method="post"/i.test(form[1] ?? "") ? "POST" : "GET";
        actions.add(`${method} ${new URL(/action="([^"]*)"/.exec(form[1] ?? "")?.[1] || page, app.url).pathname}`);
      }
    }
    return [...actions].sort();
  }

  it("never leave the origin and never answer 500, on every entry point that takes one", async () => {
    const anonymous = app.client();
    // Anonymous visitors switch language with a GET form (pages shared by every visitor carry no token);
    // signed in, it is a POST that also saves the preference.
    expect(await formsWithNext(anonymous)).toEqual(["GET /locale", "POST /login"]);
    for (const attack of ATTACKS) {
      const raw = attack.includes("%") ? attack : encodeURIComponent(attack);
      const signedIn = app.client();
      await signedIn.logIn("citizen@hamkke.demo", DEMO_PASSWORD);
      stayedHome(await signedIn.get(`/login?next=${raw}`), `GET /login?next=${raw} signed in`);
      stayedHome(await app.client().post("/login", { email: "citizen@hamkke.demo", password: DEMO_PASSWORD, next: attack }), `POST /login next=${JSON.stringify(attack)}`);
      stayedHome(await anonymous.post("/locale", { locale: "en", next: attack }), `POST /locale next=${JSON.stringify(attack)}`);
      stayedHome(await anonymous.get(`/locale?locale=en&next=${raw}`), `GET /locale?next=${raw}`);
    }
    // The control: a path on this site is followed.
    const client = app.client();
    const back = await client.post("/login", { email: "citizen@hamkke.demo", password: DEMO_PASSWORD, next: "/campaigns?q=a" });
    expect(back.headers.get("Location")).toBe("/campaigns?q=a");
  });
});

describe("request bodies over their limit (S9)", () => {
  async function csrfHeaders(client: TestClient): Promise<Record<string, string>> {
    const token = await client.csrfToken();
    return { Origin: client.base, Cookie: [...client.cookies.entries()].map(([k, v]) => `${k}=${v}`).join("; "), "X-CSRF-Token": token };
  }

  it("refuses a declared length over the limit at once, on every mutating route of the manifest", async () => {
    const client = app.client();
    const headers = await csrfHeaders(client);
    const id = await enterpriseId(t, "함께 크는 나무 협동조합");
    const kinds = new Set<string>();
    for (const pattern of await mutatingRoutes()) {
      const path = concrete(pattern, { id });
      for (const contentType of ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json"]) {
        const kind = bodyKind(path, contentType);
        kinds.add(kind);
        const limit = BODY_LIMITS[kind];
        // Only the headers are sent: a server that waited for the body would never answer.
        const response = await sendHeadersOnly(`${app.url}${path}`, { ...headers, "Content-Type": contentType, "Content-Length": String(limit + 1) });
        expect(response.status, `${path} ${contentType}`).toBe(413);
      }
    }
    expect([...kinds].sort()).toEqual(["api", "form", "upload", "webhook"]);
  });

  it("cuts off a chunked body at the limit for its kind, answers 413 and keeps memory flat", { timeout: 120_000 }, async () => {
    const member = app.client();
    await member.logIn("coop@hamkke.demo", DEMO_PASSWORD);
    const headers = await csrfHeaders(member);
    const coop = await enterpriseId(t, "함께 크는 나무 협동조합");
    const draft = await createCampaign(t.db, {
      enterpriseId: coop,
      userId: await userId(t, "coop@hamkke.demo"),
      now: app.services.clock.now(),
      basics: { title: "본문 크기 검사", summary: "요약", story: "", goal: 100_000, fundingModel: "all_or_nothing", startsOn: seoulDateAfter(app.services.clock.now(), 7), endsOn: seoulDateAfter(app.services.clock.now(), 26) },
    });
    const cases = [
      { path: "/forgot-password", type: "application/x-www-form-urlencoded", total: 300 * 1024 * 1024, kind: "form" as const },
      { path: `/campaigns/${draft.slug}/edit`, type: "multipart/form-data; boundary=----x", total: 200 * 1024 * 1024, kind: "upload" as const },
      { path: "/api/webhooks/stripe", type: "application/json", total: 50 * 1024 * 1024, kind: "webhook" as const },
      { path: "/api/v1/campaigns/demo-local-food-cafe/pledges", type: "application/json", total: 50 * 1024 * 1024, kind: "api" as const },
    ];
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const before = await snapshot();
    for (const c of cases) {
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      const response = await sendStreaming(`${app.url}${c.path}`, {
        headers: { ...headers, "Content-Type": c.type },
        nextChunk: (sent) => (sent < c.total ? chunk : null),
      });
      const grew = process.memoryUsage().rss - rssBefore;
      expect(response.status, c.path).toBe(413);
      if (c.kind === "api" || c.kind === "webhook") expect(JSON.parse(response.body)).toMatchObject({ error: "payloadTooLarge" });
      else expect(response.body).toContain("요청 본문이 너무 큽니다");
      // The server stopped reading near the limit, nowhere near what was offered.
      expect(response.bytesSent, c.path).toBeLessThan(BODY_LIMITS[c.kind] + 16 * 1024 * 1024);
      expect(grew, `${c.path}: RSS grew by ${Math.round(grew / 1024 / 1024)} MiB`).toBeLessThan(BODY_LIMITS[c.kind] * 3 + 64 * 1024 * 1024);
    }
    expect(await snapshot()).toBe(before);
    // The server still answers after all of that.
    expect((await app.client().get("/healthz")).status).toBe(200);
  });

  it("still takes a body just under the limit", async () => {
    const client = app.client();
    const response = await client.post("/forgot-password", { email: "nobody@example.com", pad: "x".repeat(BODY_LIMITS.form - 4096) });
    expect(response.status).toBe(200);
  });
});

describe("password reset links", () => {
  async function resetLinks(email: string): Promise<string[]> {
    const rows = await t.db.selectFrom("email_outbox").select("props").where("to_address", "=", email).where("template", "=", "passwordReset").orderBy("id").execute();
    return rows.map((r) => new URL((r.props as { resetUrl: string }).resetUrl).searchParams.get("token") ?? "");
  }

  it("all die when the password changes, however many were asked for", async () => {
    // An account no other test of this file signs in to: its password is changed for good here.
    const email = "company@hamkke.demo";
    const visitor = app.client();
    for (let i = 0; i < 3; i++) expect((await visitor.post("/forgot-password", { email })).status).toBe(200);
    const [first, second, third] = await resetLinks(email);
    expect(first && second && third).toBeTruthy();
    const owner = app.client();
    await owner.logIn(email, DEMO_PASSWORD);

    const used = await visitor.post("/reset-password", { token: second ?? "", password: "a-new-password-1", passwordConfirm: "a-new-password-1" });
    expect(used.status).toBe(302);
    for (const token of [first, second, third]) {
      const page = await visitor.get(`/reset-password?token=${encodeURIComponent(token ?? "")}`);
      expect(await page.text(), "the page says the link is dead").toContain("만료되었거나 이미 사용되었습니다");
      const again = await visitor.post("/reset-password", { token: token ?? "", password: "attacker-password-1", passwordConfirm: "attacker-password-1" });
      expect(again.status).toBe(400);
    }
    // Every session of the account was signed out, and the new password works.
    expect((await owner.get("/account")).status).toBe(302);
    expect((await app.client().post("/login", { email, password: "a-new-password-1" })).status).toBe(302);

    // However the password changes (here straight in the database), the links die with it.
    await visitor.post("/forgot-password", { email });
    const [latest] = (await resetLinks(email)).slice(-1);
    await t.db.updateTable("users").set({ password_hash: "$argon2id$v=19$m=19456,t=2,p=1$changed$changed", updated_at: new Date() }).where("email", "=", email).execute();
    expect((await visitor.post("/reset-password", { token: latest ?? "", password: "attacker-password-1", passwordConfirm: "attacker-password-1" })).status).toBe(400);
  });
});

describe("object-level access (IDOR)", () => {
  it("refuses another user's enterprise edit and members pages", async () => {
    const id = await enterpriseId(t, "함께 크는 나무 협동조합");
    const stranger = app.client();
    await stranger.logIn("play@hamkke.demo", DEMO_PASSWORD);
    const before = await snapshot();
    expect((await stranger.get(`/enterprises/${id}/edit`)).status).toBe(403);
    expect((await stranger.get(`/enterprises/${id}/members`)).status).toBe(403);
    const edit = await stranger.post(`/enterprises/${id}/edit`, {
      name: "hijacked",
      type: "cooperative",
      hostId: "1",
      representative: "x",
      district: "x",
      business: "x",
      employees: "1",
      vulnerableEmployees: "0",
    });
    expect(edit.status).toBe(403);
    const invite = await stranger.post(`/enterprises/${id}/members`, { email: "attacker@example.com", role: "owner" });
    expect(invite.status).toBe(403);
    expect(await snapshot()).toBe(before);

    const owner = app.client();
    await owner.logIn("coop@hamkke.demo", DEMO_PASSWORD);
    expect((await owner.get(`/enterprises/${id}/edit`)).status).toBe(200);
  });

  it("sends anonymous visitors of private pages to log in", async () => {
    const id = await enterpriseId(t, "함께 크는 나무 협동조합");
    const response = await app.client().get(`/enterprises/${id}/edit`);
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`/login?next=${encodeURIComponent(`/enterprises/${id}/edit`)}`);
  });

  it("lets only an operator of the enterprise's own host verify it", async () => {
    const owner = app.client();
    await owner.logIn("jahwal@hamkke.demo", DEMO_PASSWORD);
    const created = await owner.post("/enterprises/new", {
      name: "새 자활기업",
      type: "self_sufficiency_enterprise",
      hostId: String((await t.db.selectFrom("host_organisations").select("id").where("key", "=", "jb-jahwal").executeTakeFirstOrThrow()).id),
      representative: "홍길동",
      district: "전북 전주시",
      business: "도시락",
      employees: "5",
      vulnerableEmployees: "3",
    });
    expect(created.status).toBe(302);
    const newId = Number(created.headers.get("Location")?.match(/\/enterprises\/(\d+)/)?.[1]);
    // The Gwangsan operator serves other hosts: refused, nothing changes.
    const operator = app.client();
    await operator.logIn("operator@hamkke.demo", DEMO_PASSWORD);
    const refused = await operator.post("/staff/enterprises", { enterpriseId: String(newId), decision: "verify" });
    expect(refused.status).toBe(403);
    const row = await t.db.selectFrom("enterprises").select("status").where("id", "=", newId).executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
    // A pending enterprise is not public.
    expect((await app.client().get(`/enterprises/${newId}`)).status).toBe(404);
    expect((await operator.get(`/enterprises/${newId}`)).status).toBe(404);
    expect((await owner.get(`/enterprises/${newId}`)).status).toBe(200);
  });
});

describe("an enterprise that changes who it is (issue 13, finding 5)", () => {
  async function enterpriseRow(id: number) {
    return t.db.selectFrom("enterprises").select(["name", "type", "host_id", "status", "verified_at", "verified_by", "registration_number"]).where("id", "=", id).executeTakeFirstOrThrow();
  }
  function editFields(row: { name: string; type: string; host_id: number; registration_number: string | null }, changes: Record<string, string> = {}) {
    return { name: row.name, type: row.type, hostId: String(row.host_id), registrationNumber: row.registration_number ?? "", representative: "대표", district: "광주 광산구", business: "공동육아", employees: "5", vulnerableEmployees: "1", ...changes };
  }

  it("goes back to review when its type changes, keeps what was approved, and the database refuses it verified", async () => {
    const id = await enterpriseId(t, "병원아동보호사 협동조합 엄마 손길");
    const before = await enterpriseRow(id);
    expect(before.status).toBe("verified");
    const campaignsBefore = await t.db.selectFrom("campaigns").select(["id", "state"]).where("enterprise_id", "=", id).orderBy("id").execute();
    const owner = app.client();
    await owner.logIn("mom@hamkke.demo", DEMO_PASSWORD);

    // Changing only the details keeps it verified.
    const details = await owner.post(`/enterprises/${id}/edit`, editFields(before, { employees: "7" }));
    expect(details.headers.get("Location")).toBe(`/enterprises/${id}?notice=saved`);
    expect((await enterpriseRow(id)).status).toBe("verified");

    // Becoming a self-sufficiency enterprise (eligible for fund loans) is a new identity.
    const changed = await owner.post(`/enterprises/${id}/edit`, editFields(before, { type: "self_sufficiency_enterprise" }));
    expect(changed.headers.get("Location")).toBe(`/enterprises/${id}?notice=savedForReview`);
    const after = await enterpriseRow(id);
    expect(after).toMatchObject({ type: "self_sufficiency_enterprise", status: "pending", verified_at: null, verified_by: null });
    const history = await t.db.selectFrom("enterprise_identity_changes").selectAll().where("enterprise_id", "=", id).execute();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ old_type: before.type, old_status: "verified", old_verified_by: before.verified_by, new_type: "self_sufficiency_enterprise" });
    // Out of the directory until verified again; what it runs stays as it was.
    expect((await app.client().get(`/enterprises/${id}`)).status).toBe(404);
    expect(await t.db.selectFrom("campaigns").select(["id", "state"]).where("enterprise_id", "=", id).orderBy("id").execute()).toEqual(campaignsBefore);

    // No loan application under the unreviewed identity, through the app or straight into the database.
    const product = await t.db.selectFrom("loan_products").select(["id", "fund_id"]).where("is_current", "=", true).executeTakeFirstOrThrow();
    await expect(
      sql`INSERT INTO loan_applications (fund_id, product_id, enterprise_id, submitted_by, idempotency_key, amount_won, purpose, store_address, landlord_name,
            lease_deposit_won, lease_starts_on, lease_ends_on, submitted_at, updated_at)
          VALUES (${product.fund_id}, ${product.id}, ${id}, ${await userId(t, "mom@hamkke.demo")}, 'identity-check-0001', 1000000, '점포', '광주', '임대인',
            1000000, ${seoulDateAfter(app.services.clock.now(), 38)}, ${seoulDateAfter(app.services.clock.now(), 403)}, now(), now())`.execute(t.db),
    ).rejects.toMatchObject({ code: "23514", constraint_name: "loan_applications_enterprise_eligible" });
    const loansPage = await owner.get(`/enterprises/${id}/loans/new`);
    expect(await loansPage.text()).toContain(dictionaries.ko.errors.enterpriseNotVerified);

    // The database refuses a change of identity that stays verified, whoever writes it.
    await expect(t.db.updateTable("enterprises").set({ status: "verified", verified_at: new Date(), verified_by: before.verified_by, name: "다른 이름" }).where("id", "=", id).execute()).rejects.toMatchObject({
      code: "23514",
      constraint_name: "enterprises_identity_review",
    });

    // The host's operator verifies the new identity; the old one stays on record.
    const operator = app.client();
    await operator.logIn("operator@hamkke.demo", DEMO_PASSWORD);
    expect(await (await operator.get("/staff/enterprises")).text()).toContain(before.name);
    expect((await operator.post("/staff/enterprises", { enterpriseId: String(id), decision: "verify" })).status).toBe(302);
    expect((await enterpriseRow(id)).status).toBe("verified");
    expect(await t.db.selectFrom("enterprise_identity_changes").select("id").where("enterprise_id", "=", id).execute()).toHaveLength(1);
  });

  it("goes to the new host's queue when it moves host, where only an operator verifies it", async () => {
    const id = await enterpriseId(t, "누럭놀이단");
    const before = await enterpriseRow(id);
    const gwangsan = await t.db.selectFrom("host_organisations").select("id").where("key", "=", "gwangsan").executeTakeFirstOrThrow();
    expect(before.host_id).not.toBe(gwangsan.id);
    const owner = app.client();
    await owner.logIn("play@hamkke.demo", DEMO_PASSWORD);
    await owner.post(`/enterprises/${id}/edit`, editFields(before, { hostId: String(gwangsan.id) }));
    expect(await enterpriseRow(id)).toMatchObject({ host_id: gwangsan.id, status: "pending" });
    // A consultant of the new host is staff there, but only an operator verifies.
    const consultant = app.client();
    await consultant.logIn("consultant@hamkke.demo", DEMO_PASSWORD);
    expect((await consultant.post("/staff/enterprises", { enterpriseId: String(id), decision: "verify" })).status).toBe(403);
    expect((await enterpriseRow(id)).status).toBe("pending");
  });
});
