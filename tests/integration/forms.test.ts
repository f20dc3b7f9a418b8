import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import type { ErrorKey } from "../../app/i18n/messages/errors";
import { renderedEmailsTo } from "../../app/email/outbox.server";
import { registerEnterprise } from "../../app/orgs/enterprises.server";
import { startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, enterpriseId } from "../support/seed";

let t: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db);
  const gwangsan = await t.db.selectFrom("host_organisations").select("id").where("key", "=", "gwangsan").executeTakeFirstOrThrow();
  const citizen = await t.db.selectFrom("users").select("id").where("email", "=", "citizen@hamkke.demo").executeTakeFirstOrThrow();
  pendingEnterpriseId = await registerEnterprise(
    t.db,
    citizen.id,
    { ...parsedEnterprise, hostId: gwangsan.id, name: "심사 대기 협동조합" },
    new Date(),
  );
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

async function snapshot(): Promise<string> {
  const result = await sql<{ digest: string }>`
    SELECT md5(concat_ws('|',
      (SELECT string_agg(u::text, ',' ORDER BY id) FROM users u),
      (SELECT string_agg(e::text, ',' ORDER BY id) FROM enterprises e),
      (SELECT string_agg(m::text, ',' ORDER BY enterprise_id, user_id) FROM enterprise_members m),
      (SELECT string_agg(i::text, ',' ORDER BY id) FROM enterprise_invitations i),
      (SELECT string_agg(r::text, ',' ORDER BY user_id, host_id, role) FROM staff_roles r),
      (SELECT count(*)::text FROM email_outbox),
      (SELECT offset_ms::text FROM app_clock)
    )) AS digest`.execute(t.owner);
  return result.rows[0]?.digest ?? "";
}

interface BadCase {
  label: string;
  path: string | (() => Promise<string>);
  as?: string;
  fields: Record<string, string> | (() => Record<string, string>);
  expect: ErrorKey[];
}

let pendingEnterpriseId = 0;

const enterpriseFields = {
  name: "새 협동조합",
  type: "cooperative",
  hostId: "1",
  representative: "대표",
  district: "광주 광산구",
  business: "사업",
  employees: "3",
  vulnerableEmployees: "1",
};

const parsedEnterprise = {
  name: "",
  type: "cooperative" as const,
  hostId: 0,
  representative: "대표",
  district: "광주 광산구",
  business: "사업",
  registrationNumber: null,
  certifiedOn: null,
  employees: 3,
  vulnerableEmployees: 1,
};

const cases: BadCase[] = [
  { label: "sign-up with nothing", path: "/signup", fields: {}, expect: ["required"] },
  {
    label: "sign-up with a bad e-mail and short password",
    path: "/signup",
    fields: { email: "not-mail", displayName: "x", password: "short", passwordConfirm: "short" },
    expect: ["invalidEmail", "passwordTooShort"],
  },
  {
    label: "sign-up with a huge name",
    path: "/signup",
    fields: { email: "huge@example.com", displayName: "가".repeat(5000), password: "long-enough-pw", passwordConfirm: "long-enough-pw" },
    expect: ["tooLong"],
  },
  {
    label: "sign-up with an e-mail already registered",
    path: "/signup",
    fields: { email: "citizen@hamkke.demo", displayName: "x", password: "long-enough-pw", passwordConfirm: "long-enough-pw", ageGroup: "14_or_older", consentAccount: "on" },
    expect: ["emailTaken"],
  },
  {
    label: "sign-up under 14",
    path: "/signup",
    fields: { email: "child@example.com", displayName: "x", password: "long-enough-pw", passwordConfirm: "long-enough-pw", ageGroup: "under_14", consentAccount: "on" },
    expect: ["under14"],
  },
  {
    label: "sign-up without the required consent",
    path: "/signup",
    fields: { email: "noconsent@example.com", displayName: "x", password: "long-enough-pw", passwordConfirm: "long-enough-pw", ageGroup: "14_or_older", consentCampaignEmails: "on" },
    expect: ["consentRequired"],
  },
  { label: "log-in without a password", path: "/login", fields: { email: "citizen@hamkke.demo" }, expect: ["required"] },
  { label: "password reset request with a bad e-mail", path: "/forgot-password", fields: { email: "@@" }, expect: ["invalidEmail"] },
  {
    label: "password reset with a forged token",
    path: "/reset-password",
    fields: { token: "x".repeat(43), password: "long-enough-pw", passwordConfirm: "long-enough-pw" },
    expect: ["resetLinkInvalid"],
  },
  {
    label: "enterprise registration with negative and non-numeric counts",
    path: "/enterprises/new",
    as: "citizen@hamkke.demo",
    fields: { ...enterpriseFields, employees: "-1", vulnerableEmployees: "many" },
    expect: ["invalidNumber"],
  },
  {
    label: "enterprise registration with an unknown host and type",
    path: "/enterprises/new",
    as: "citizen@hamkke.demo",
    fields: { ...enterpriseFields, hostId: "999999", type: "bank" },
    expect: ["invalidChoice"],
  },
  {
    label: "enterprise registration with a bad date and registration number",
    path: "/enterprises/new",
    as: "citizen@hamkke.demo",
    fields: { ...enterpriseFields, certifiedOn: "2017-02-30", registrationNumber: "123-45-67890" },
    expect: ["invalidDate", "registrationNumberFormat"],
  },
  {
    label: "enterprise registration with overflowing employees",
    path: "/enterprises/new",
    as: "citizen@hamkke.demo",
    fields: { ...enterpriseFields, employees: "99999999999999999999", vulnerableEmployees: "0" },
    expect: ["invalidNumber"],
  },
  {
    label: "enterprise edit with more vulnerable than total employees",
    path: async () => `/enterprises/${await enterpriseId(t, "함께 크는 나무 협동조합")}/edit`,
    as: "coop@hamkke.demo",
    fields: { ...enterpriseFields, employees: "2", vulnerableEmployees: "5" },
    expect: ["vulnerableExceedsEmployees"],
  },
  {
    label: "invitation to a bad address",
    path: async () => `/enterprises/${await enterpriseId(t, "함께 크는 나무 협동조합")}/members`,
    as: "coop@hamkke.demo",
    fields: { email: "nobody", role: "king" },
    expect: ["invalidEmail", "invalidChoice"],
  },
  {
    label: "holding an enterprise without a reason",
    path: "/staff/enterprises",
    as: "operator@hamkke.demo",
    fields: () => ({ enterpriseId: String(pendingEnterpriseId), decision: "reject", note: "" }),
    expect: ["required"],
  },
  {
    label: "granting a role to an unknown user",
    path: "/admin/roles",
    as: "admin@hamkke.demo",
    fields: { intent: "grant", email: "ghost@example.com", hostId: "1", role: "operator" },
    expect: ["userNotFound"],
  },
  {
    label: "granting an unknown role",
    path: "/admin/roles",
    as: "admin@hamkke.demo",
    fields: { intent: "grant", email: "citizen@hamkke.demo", hostId: "1", role: "king" },
    expect: ["invalidChoice"],
  },
  { label: "moving the clock backwards", path: "/dev/clock", fields: { days: "-1", hours: "0" }, expect: ["invalidNumber"] },
  { label: "moving the clock by nothing", path: "/dev/clock", fields: { days: "0", hours: "0" }, expect: ["invalidNumber"] },
];

const clients = new Map<string, TestClient>();
async function clientFor(email: string | undefined, locale: "ko" | "en"): Promise<TestClient> {
  const key = `${email ?? "anonymous"}:${locale}`;
  let client = clients.get(key);
  if (!client) {
    client = app.client();
    if (email) await client.logIn(email, DEMO_PASSWORD);
    client.useLocale(locale);
    clients.set(key, client);
  }
  return client;
}

describe("bad input on every form", () => {
  for (const locale of ["ko", "en"] as const) {
    it.each(cases)(`${locale}: $label → a clear message, nothing written`, async (badCase) => {
      const client = await clientFor(badCase.as, locale);
      const path = typeof badCase.path === "string" ? badCase.path : await badCase.path();
      const before = await snapshot();
      const response = await client.post(path, typeof badCase.fields === "function" ? badCase.fields() : badCase.fields);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      const html = await response.text();
      for (const key of badCase.expect) expect(html).toContain(dictionaries[locale].errors[key]);
      expect(await snapshot()).toBe(before);
    });
  }
});

describe("account flows over HTTP", () => {
  it("signs up, lands on the account page signed in and gets a welcome e-mail", async () => {
    const client = app.client();
    const response = await client.post("/signup", {
      email: "New.Resident@Example.com",
      displayName: "새 주민",
      password: "a-long-password",
      passwordConfirm: "a-long-password",
      ageGroup: "14_or_older",
      consentAccount: "on",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/account?notice=welcome");
    const account = await client.get("/account");
    expect(account.status).toBe(200);
    expect(await account.text()).toContain("new.resident@example.com");
    const mail = await t.db.selectFrom("email_outbox").select(["subject", "template"]).where("to_address", "=", "new.resident@example.com").execute();
    expect(mail).toEqual([{ subject: "함께펀드에 오신 것을 환영합니다", template: "welcome" }]);
  });

  it("resets a forgotten password through the e-mailed link, once", async () => {
    const client = app.client();
    await client.logIn("mom@hamkke.demo", DEMO_PASSWORD);
    const anonymous = app.client();
    const request = await anonymous.post("/forgot-password", { email: "mom@hamkke.demo" });
    expect(request.status).toBe(200);
    const unknown = await anonymous.post("/forgot-password", { email: "nobody@example.com" });
    expect(unknown.status).toBe(200);
    const [mail] = await renderedEmailsTo(t.db, "mom@hamkke.demo", "passwordReset");
    if (!mail) throw new Error("no reset e-mail");
    const link = new URL(mail.text_body.match(/https?:\/\/\S+reset-password\?token=[A-Za-z0-9_-]+/)?.[0] ?? "");
    const page = await anonymous.get(`${link.pathname}${link.search}`);
    expect(await page.text()).toContain("새 비밀번호 정하기");
    const token = link.searchParams.get("token") ?? "";
    const reset = await anonymous.post("/reset-password", { token, password: "brand-new-password", passwordConfirm: "brand-new-password" });
    expect(reset.status).toBe(302);
    // Every existing session was signed out, the old password no longer works, the new one does.
    expect((await client.get("/account")).status).toBe(302);
    expect((await app.client().post("/login", { email: "mom@hamkke.demo", password: DEMO_PASSWORD })).status).toBe(401);
    expect((await app.client().post("/login", { email: "mom@hamkke.demo", password: "brand-new-password" })).status).toBe(302);
    const again = await anonymous.post("/reset-password", { token, password: "another-password", passwordConfirm: "another-password" });
    expect(again.status).toBe(400);
  });

  it("invites a member who accepts with the invited address only", async () => {
    const id = await enterpriseId(t, "함께 크는 나무 협동조합");
    const owner = app.client();
    await owner.logIn("coop@hamkke.demo", DEMO_PASSWORD);
    expect((await owner.post(`/enterprises/${id}/members`, { email: "citizen@hamkke.demo", role: "member" })).status).toBe(302);
    const [mail] = await renderedEmailsTo(t.db, "citizen@hamkke.demo", "enterpriseInvitation");
    if (!mail) throw new Error("no invitation e-mail");
    const path = new URL(mail.text_body.match(/https?:\/\/\S+\/invitations\/[A-Za-z0-9_-]+/)?.[0] ?? "").pathname;
    const wrongPerson = app.client();
    await wrongPerson.logIn("company@hamkke.demo", DEMO_PASSWORD);
    const refused = await wrongPerson.post(path);
    expect(refused.status).toBe(403);
    const citizen = app.client();
    await citizen.logIn("citizen@hamkke.demo", DEMO_PASSWORD);
    const accepted = await citizen.post(path);
    expect(accepted.status).toBe(302);
    const member = await t.db
      .selectFrom("enterprise_members")
      .innerJoin("users", "users.id", "enterprise_members.user_id")
      .select("enterprise_members.role")
      .where("enterprise_members.enterprise_id", "=", id)
      .where("users.email", "=", "citizen@hamkke.demo")
      .executeTakeFirstOrThrow();
    expect(member.role).toBe("member");
    expect((await citizen.post(path)).status).toBe(404);
  });

  it("lets the host's operator verify a registered enterprise, which then appears in the directory", async () => {
    const owner = app.client();
    await owner.logIn("company@hamkke.demo", DEMO_PASSWORD);
    const gwangsan = await t.db.selectFrom("host_organisations").select("id").where("key", "=", "gwangsan").executeTakeFirstOrThrow();
    const created = await owner.post("/enterprises/new", { ...enterpriseFields, name: "수완마을 협동조합", hostId: String(gwangsan.id), registrationNumber: "124-81-00998" });
    expect(created.status).toBe(302);
    const id = Number(created.headers.get("Location")?.match(/\/enterprises\/(\d+)/)?.[1]);
    expect(await (await app.client().get("/enterprises")).text()).not.toContain("수완마을 협동조합");
    const operator = app.client();
    await operator.logIn("operator@hamkke.demo", DEMO_PASSWORD);
    expect(await (await operator.get("/staff/enterprises")).text()).toContain("수완마을 협동조합");
    expect((await operator.post("/staff/enterprises", { enterpriseId: String(id), decision: "verify", note: "" })).status).toBe(302);
    expect(await (await app.client().get("/enterprises")).text()).toContain("수완마을 협동조합");
    const mail = await t.db.selectFrom("email_outbox").select("subject").where("to_address", "=", "company@hamkke.demo").where("template", "=", "enterpriseReviewed").executeTakeFirstOrThrow();
    expect(mail.subject).toContain("수완마을 협동조합");
    // The same registration number cannot be registered twice.
    const duplicate = await owner.post("/enterprises/new", { ...enterpriseFields, name: "다른 이름", hostId: String(gwangsan.id), registrationNumber: "1248100998" });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.text()).toContain(dictionaries.ko.errors.registrationNumberTaken);
  });

  it("grants a role, which signs the user out so the next session carries it", async () => {
    const admin = app.client();
    await admin.logIn("admin@hamkke.demo", DEMO_PASSWORD);
    const user = app.client();
    await user.logIn("company@hamkke.demo", DEMO_PASSWORD);
    expect((await user.get("/staff")).status).toBe(403);
    const seogu = await t.db.selectFrom("host_organisations").select("id").where("key", "=", "seogu").executeTakeFirstOrThrow();
    expect((await admin.post("/admin/roles", { intent: "grant", email: "company@hamkke.demo", hostId: String(seogu.id), role: "auditor" })).status).toBe(302);
    expect((await user.get("/staff")).status).toBe(302);
    await user.logIn("company@hamkke.demo", DEMO_PASSWORD);
    expect((await user.get("/staff")).status).toBe(200);
  });
});
