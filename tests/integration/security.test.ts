import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase, tablesDigest, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId, seedDemo } from "../support/seed";

let t: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemo(t);
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
  const build = (await import(pathToFileURL(resolve(import.meta.dirname, "../../build/index.js")).href)) as ServerBuild;
  const fullPath = (id: string): string => {
    const route = build.routes[id];
    if (!route) return "";
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return [parent, route.path ?? ""].filter(Boolean).join("/");
  };
  return Object.entries(build.routes)
    .filter(([, route]) => typeof route.module.action === "function")
    .map(([id]) => `/${fullPath(id)}`.replace(/\/+/g, "/"));
}

function concrete(pattern: string, id: number): string {
  return pattern.replace(/:id\b/g, String(id)).replace(/:token\b/g, "x".repeat(43)).replace(/:[a-zA-Z]+/g, "demo");
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
      const path = concrete(pattern, id);
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

/** Throttling counts failures per IP, so each of these tests gets an app of its own. */
async function withFreshApp(run: (app: TestApp) => Promise<void>): Promise<void> {
  const fresh = await createTestDatabase();
  await seedDemo(fresh);
  const other = await startApp(fresh.db);
  try {
    await run(other);
  } finally {
    await other.close();
    await fresh.drop();
  }
}

describe("log-in throttling", () => {
  it("answers 429 after 10 failures for one account, even with the right password", async () => {
    await withFreshApp(async (other) => {
      const client = other.client();
      for (let i = 0; i < 10; i++) {
        const response = await client.post("/login", { email: "juror2@hamkke.demo", password: `wrong-${i}` });
        expect(response.status).toBe(401);
        expect(await response.text()).toContain("이메일 또는 비밀번호가 올바르지 않습니다");
      }
      const blocked = await client.post("/login", { email: "juror2@hamkke.demo", password: DEMO_PASSWORD });
      expect(blocked.status).toBe(429);
      expect(await blocked.text()).toContain("로그인 시도가 너무 많습니다");
    });
  });

  it("answers 429 after 10 failures from one IP across accounts", async () => {
    await withFreshApp(async (other) => {
      const client = other.client();
      for (let i = 0; i < 10; i++) {
        const response = await client.post("/login", { email: `nobody${i}@example.com`, password: "wrong-password" });
        expect(response.status).toBe(401);
      }
      const blocked = await client.post("/login", { email: "citizen@hamkke.demo", password: DEMO_PASSWORD });
      expect(blocked.status).toBe(429);
    });
  });

  it("lets the account in again once the window has passed", async () => {
    await withFreshApp(async (other) => {
      const client = other.client();
      for (let i = 0; i < 10; i++) await client.post("/login", { email: "juror1@hamkke.demo", password: "wrong-password" });
      expect((await client.post("/login", { email: "juror1@hamkke.demo", password: DEMO_PASSWORD })).status).toBe(429);
      await other.services.clock.advance(15 * 60 * 1000 + 1000);
      expect((await client.post("/login", { email: "juror1@hamkke.demo", password: DEMO_PASSWORD })).status).toBe(302);
    });
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

  it("keeps dev tools out of reach when they are off", async () => {
    app.services.devTools = false;
    try {
      expect((await app.client().get("/dev/outbox")).status).toBe(404);
      expect((await app.client().get("/dev/clock")).status).toBe(404);
    } finally {
      app.services.devTools = true;
    }
  });
});
