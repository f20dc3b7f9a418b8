import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { verifyStoredLedger } from "../../app/ledger/ledger.server";
import { CONSENT_VERSIONS } from "../../app/privacy/consents";
import type { PersonalData } from "../../app/privacy/personal-data";
import { parseCsv } from "../../app/utils/csv";
import { postJson, startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { CARD_EXPIRY, seoulDateAfter } from "../support/dates";
import { DEMO_PASSWORD, userId } from "../support/seed";

// PIPA (issue 16): consents at sign-up, the data download and account deletion, over HTTP.

const CLOCK_START = new Date("2026-11-24T03:00:00Z");
// Pledge records are kept five years from the deletion (the same calendar day).
const clockDay = seoulDateAfter(CLOCK_START, 0);
const FIVE_YEARS_ON = `${Number(clockDay.slice(0, 4)) + 5}${clockDay.slice(4)}`;

let t: TestDatabase;
let app: TestApp;
const ko = dictionaries.ko;
const PASSWORD = "a-long-password";

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db, { now: CLOCK_START.toISOString() });
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

async function signUp(email: string, extra: Record<string, string> = {}): Promise<TestClient> {
  const client = app.client();
  const response = await client.post("/signup", { email, displayName: "김주민", password: PASSWORD, passwordConfirm: PASSWORD, ageGroup: "14_or_older", consentAccount: "on", ...extra });
  expect(response.status).toBe(302);
  return client;
}

async function pledge(client: TestClient, slug: string, key: string, extra: Record<string, unknown> = {}): Promise<string> {
  const body = { amount: 12_000, kind: "sponsorship", backerKind: "individual", card: { number: "4242424242424242", expiry: CARD_EXPIRY, cvc: "123" }, ...extra };
  const response = await postJson(client, `/api/v1/campaigns/${slug}/pledges`, body, { "Idempotency-Key": key });
  expect(response.status).toBe(201);
  return ((await response.json()) as { pledge: string }).pledge;
}

describe("consents at sign-up", () => {
  it("records the required consent and a declined optional one with their text versions and time; sign-up is not blocked", async () => {
    const client = await signUp("declines@example.com");
    const id = await userId(t, "declines@example.com");
    const rows = await t.db.selectFrom("privacy_consents").select(["purpose", "granted", "text_version", "locale", "recorded_at"]).where("user_id", "=", id).orderBy("purpose").execute();
    expect(rows).toEqual([
      { purpose: "account", granted: true, text_version: CONSENT_VERSIONS.account, locale: "ko", recorded_at: new Date("2026-11-24T03:00:00Z") },
      { purpose: "campaign_emails", granted: false, text_version: CONSENT_VERSIONS.campaign_emails, locale: "ko", recorded_at: new Date("2026-11-24T03:00:00Z") },
    ]);
    const user = await t.db.selectFrom("users").select("age_confirmed_at").where("id", "=", id).executeTakeFirstOrThrow();
    expect(user.age_confirmed_at).toEqual(new Date("2026-11-24T03:00:00Z"));

    // Changing one's mind is a new record; the old one stays.
    const given = await client.post("/account", { campaignEmails: "on" });
    expect(given.headers.get("Location")).toBe("/account?notice=consentSaved");
    const latest = await t.db.selectFrom("privacy_consents").select(["granted"]).where("user_id", "=", id).where("purpose", "=", "campaign_emails").orderBy("id").execute();
    expect(latest.map((r) => r.granted)).toEqual([false, true]);
    const page = await (await client.get("/account")).text();
    expect(page).toContain(ko.privacy.account.campaignEmailsOff);
  });

  it("refuses a child under 14 with a clear message and writes nothing", async () => {
    const before = await t.db.selectFrom("users").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    const response = await app.client().post("/signup", { email: "child@example.com", displayName: "어린이", password: PASSWORD, passwordConfirm: PASSWORD, ageGroup: "under_14", consentAccount: "on" });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain(ko.errors.under14);
    const after = await t.db.selectFrom("users").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("keeps consents append-only for the app's database role", async () => {
    await expect(sql`UPDATE privacy_consents SET granted = true`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM privacy_consents`.execute(t.db)).rejects.toThrow(/permission denied/);
  });
});

describe("the privacy policy", () => {
  it("is linked from every page and reads in Korean and English", async () => {
    const home = await (await app.client().get("/campaigns")).text();
    expect(home).toContain('href="/privacy"');
    const koPolicy = await (await app.client().get("/privacy")).text();
    expect(koPolicy).toContain("개인정보처리방침");
    expect(koPolicy).toContain("전자상거래 등에서의 소비자보호에 관한 법률");
    const client = app.client();
    client.useLocale("en");
    expect(await (await client.get("/privacy")).text()).toContain("Act on Consumer Protection in Electronic Commerce");
  });
});

describe("public backer names", () => {
  it("masks a person by default, shows the full name when chosen, and a company by its name", async () => {
    const masked = await signUp("masked@example.com");
    await pledge(masked, "demo-local-food-cafe", "privacy-masked-1");
    const full = app.client();
    await full.post("/signup", { email: "full@example.com", displayName: "박서준", password: PASSWORD, passwordConfirm: PASSWORD, ageGroup: "14_or_older", consentAccount: "on" });
    await pledge(full, "demo-local-food-cafe", "privacy-full-1", { nameDisplay: "full" });
    await pledge(full, "demo-local-food-cafe", "privacy-company-1", { backerKind: "company", companyName: "(주)햇살상회" });
    const html = await (await app.client().get("/campaigns/demo-local-food-cafe")).text();
    expect(html).toContain("김*민");
    expect(html).not.toContain("김주민");
    expect(html).toContain("박서준");
    expect(html).toContain("(주)햇살상회");
  });
});

describe("downloading one's data", () => {
  it("gives the profile, pledges with receipt codes and consents, as JSON and as CSV, to the person only", async () => {
    const client = await signUp("download@example.com");
    const publicId = await pledge(client, "demo-local-food-cafe", "privacy-download-1");
    const receipt = await t.db.selectFrom("pledges").select("receipt_secret").where("public_id", "=", publicId).executeTakeFirstOrThrow();

    const json = await client.get("/account/data.json");
    expect(json.status).toBe(200);
    expect(json.headers.get("Cache-Control")).toBe("no-store");
    const data = (await json.json()) as PersonalData;
    expect(data.profile.email).toBe("download@example.com");
    expect(data.pledges).toHaveLength(1);
    expect(data.pledges[0]).toMatchObject({ pledge: publicId, amountWon: 12_000, receiptCode: receipt.receipt_secret, nameDisplay: "masked" });
    expect(data.consents.map((c) => [c.purpose, c.granted])).toEqual([
      ["account", true],
      ["campaign_emails", false],
    ]);

    const csv = await client.get("/account/data.csv");
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const rows = parseCsv(await csv.text());
    expect(rows).toContainEqual(["pledges", "1", "receiptCode", receipt.receipt_secret]);
    expect(rows).toContainEqual(["profile", "1", "email", "download@example.com"]);

    const anonymous = await app.client().get("/account/data.json");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toContain("/login");
  });
});

describe("deleting an account", () => {
  it("is refused while a pledge is open, for staff and for an enterprise's only owner, and changes nothing", async () => {
    const client = await signUp("open-pledge@example.com");
    await pledge(client, "demo-neighbourhood-playground", "privacy-open-1");
    const page = await (await client.get("/account/delete")).text();
    expect(page).toContain('data-reason="openPledges"');
    const refused = await client.post("/account/delete", { password: PASSWORD, confirm: "on" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(ko.errors.deletionBlocked);
    expect(await t.db.selectFrom("account_deletions").selectAll().execute()).toEqual([]);

    const operator = app.client();
    await operator.logIn("operator@hamkke.demo", DEMO_PASSWORD);
    expect(await (await operator.get("/account/delete")).text()).toContain('data-reason="staffRole"');
    const owner = app.client();
    await owner.logIn("coop@hamkke.demo", DEMO_PASSWORD);
    expect(await (await owner.get("/account/delete")).text()).toContain('data-reason="soleOwner"');
    expect((await owner.post("/account/delete", { password: DEMO_PASSWORD, confirm: "on" })).status).toBe(409);
  });

  it("asks for the password and the confirmation", async () => {
    const client = await signUp("careful@example.com");
    const wrong = await client.post("/account/delete", { password: "not-my-password", confirm: "on" });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain(ko.errors.wrongPassword);
    const unconfirmed = await client.post("/account/delete", { password: PASSWORD });
    expect(unconfirmed.status).toBe(422);
    expect(await unconfirmed.text()).toContain(ko.errors.deletionConfirmRequired);
    expect((await client.get("/account")).status).toBe(200);
  });

  it("erases the person, revokes every session, keeps the pledge records and leaves the ledger as it was", async () => {
    const client = await signUp("leaving@example.com");
    const other = app.client();
    await other.logIn("leaving@example.com", PASSWORD);
    const publicId = await pledge(client, "demo-local-food-cafe", "privacy-leaving-1", { message: "힘내세요", nameDisplay: "full" });
    const id = await userId(t, "leaving@example.com");
    const pledgeBefore = await t.db.selectFrom("pledges").select(["amount_won", "state", "receipt_secret", "collected_at"]).where("public_id", "=", publicId).executeTakeFirstOrThrow();
    const head = await t.db.selectFrom("ledger_head").selectAll().executeTakeFirstOrThrow();

    const response = await client.post("/account/delete", { password: PASSWORD, confirm: "on" });
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/?notice=accountDeleted");

    const user = await t.db.selectFrom("users").select(["email", "display_name", "password_hash", "deleted_at"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: `deleted-${id}@deleted.invalid`, display_name: "(탈퇴 · deleted)", password_hash: "", deleted_at: new Date("2026-11-24T03:00:00Z") });
    const sessions = await t.db.selectFrom("sessions").select(["revoked_at", "ip", "user_agent"]).where("user_id", "=", id).execute();
    expect(sessions.length).toBe(2);
    for (const s of sessions) expect(s).toMatchObject({ ip: null, user_agent: null, revoked_at: expect.any(Date) });
    expect((await other.get("/account")).status).toBe(302);
    expect(await t.db.selectFrom("email_outbox").select("id").where("to_address", "=", "leaving@example.com").execute()).toEqual([]);
    await expect(app.client().logIn("leaving@example.com", PASSWORD)).rejects.toThrow(/failed with 401/);

    const pledgeAfter = await t.db.selectFrom("pledges").select(["amount_won", "state", "receipt_secret", "collected_at", "message", "anonymous", "show_full_name"]).where("public_id", "=", publicId).executeTakeFirstOrThrow();
    expect(pledgeAfter).toEqual({ ...pledgeBefore, message: "", anonymous: true, show_full_name: false });
    expect(await t.db.selectFrom("ledger_head").selectAll().executeTakeFirstOrThrow()).toEqual(head);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);

    const deletion = await t.db.selectFrom("account_deletions").select(["requested_at", "completed_at", "pledges_kept", "keep_until"]).where("user_id", "=", id).executeTakeFirstOrThrow();
    expect(deletion).toEqual({ requested_at: new Date("2026-11-24T03:00:00Z"), completed_at: new Date("2026-11-24T03:00:00Z"), pledges_kept: 1, keep_until: FIVE_YEARS_ON });

    const admin = app.client();
    await admin.logIn("admin@hamkke.demo", DEMO_PASSWORD);
    const list = await (await admin.get("/admin/privacy")).text();
    expect(list).toContain(`#${id}`);
    expect(list).not.toContain("leaving@example.com");
    const citizen = app.client();
    await citizen.logIn("citizen@hamkke.demo", DEMO_PASSWORD);
    expect((await citizen.get("/admin/privacy")).status).toBe(403);
  });

  it("is final in the database: no new session, pledge or role for a deleted account, and no way back", async () => {
    const [deleted] = await t.db.selectFrom("users").select("id").where("deleted_at", "is not", null).execute();
    const id = deleted!.id;
    await expect(
      t.db.insertInto("sessions").values({ id: "a".repeat(64), user_id: id, expires_at: new Date(CLOCK_START.getTime() + 30 * 86_400_000) }).execute(),
    ).rejects.toThrow(/was deleted/);
    await expect(t.db.updateTable("users").set({ email: "back@example.com" }).where("id", "=", id).execute()).rejects.toThrow(/was deleted/);
    const host = await t.db.selectFrom("host_organisations").select("id").executeTakeFirstOrThrow();
    await expect(t.db.insertInto("staff_roles").values({ user_id: id, host_id: host.id, role: "juror" }).execute()).rejects.toThrow(/was deleted/);
    // A live account cannot be marked deleted without its data erased.
    const live = await userId(t, "citizen@hamkke.demo");
    await expect(t.db.updateTable("users").set({ deleted_at: new Date() }).where("id", "=", live).execute()).rejects.toThrow(/users_deleted_erased/);
  });
});
