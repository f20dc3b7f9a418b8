import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { CARD_EXPIRY, seoulDateAfter } from "../support/dates";
import { postJson, startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD } from "../support/seed";
import { sequencedSize } from "../support/ledger";
import { drainLedger, getSequencingStatus } from "../../app/ledger/sequencer.server";

let t: TestDatabase;
let app: TestApp;
const LIVE = "/campaigns/demo-neighbourhood-playground";

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db, { now: "2026-11-24T03:00:00Z" });
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

async function fingerprint(): Promise<string> {
  const row = await sql<{ digest: string }>`
    SELECT md5(concat_ws('|',
      (SELECT count(*)::text FROM pledges),
      (SELECT string_agg(claimed_count::text, ',' ORDER BY id) FROM rewards),
      (SELECT seq::text FROM ledger_head),
      (SELECT count(*)::text FROM demo_payment_intents))) AS digest`.execute(t.owner);
  return row.rows[0]?.digest ?? "";
}

async function signedIn(email: string, locale: "ko" | "en" = "ko"): Promise<TestClient> {
  const client = app.client();
  await client.logIn(email, DEMO_PASSWORD);
  client.useLocale(locale);
  return client;
}

async function formKey(client: TestClient, path = `${LIVE}/pledge`): Promise<string> {
  const html = await (await client.get(path)).text();
  return html.match(/name="idempotencyKey" value="([^"]+)"/)?.[1] ?? "";
}

describe("pledging over HTTP", () => {
  for (const locale of ["ko", "en"] as const) {
    it.each([
      ["-5000", "invalidAmount"],
      ["0", "invalidAmount"],
      ["999", "invalidAmount"],
      ["12.5", "invalidAmount"],
      ["만원", "invalidAmount"],
      ["100000001", "numberTooLarge"],
      ["9".repeat(400), "invalidAmount"],
    ] as const)(`${locale}: refuses the amount %s with a clear message and writes nothing`, async (amount, key) => {
      const client = await signedIn("citizen@hamkke.demo", locale);
      const before = await fingerprint();
      const response = await client.post(`${LIVE}/pledge`, { amount, kind: "sponsorship", backerKind: "individual", idempotencyKey: await formKey(client) });
      expect(response.status).toBe(422);
      const text = await response.text();

      expect(text).toContain(dictionaries[locale].errors[key]);
      expect(await fingerprint()).toBe(before);
    });
  }

  it("refuses an amount below the chosen reward's minimum, a reward of another campaign and a bad kind", async () => {
    const client = await signedIn("citizen@hamkke.demo");
    const reward = await t.db
      .selectFrom("rewards")
      .innerJoin("campaigns", "campaigns.id", "rewards.campaign_id")
      .select(["rewards.id", "rewards.min_amount_won"])
      .where("campaigns.slug", "=", "demo-neighbourhood-playground")
      .where("rewards.min_amount_won", ">", 10_000)
      .executeTakeFirstOrThrow();
    const other = await t.db
      .selectFrom("rewards")
      .innerJoin("campaigns", "campaigns.id", "rewards.campaign_id")
      .select("rewards.id")
      .where("campaigns.slug", "=", "demo-local-food-cafe")
      .executeTakeFirstOrThrow();
    const before = await fingerprint();
    const below = await client.post(`${LIVE}/pledge`, { amount: String(reward.min_amount_won - 1), kind: "sponsorship", rewardId: String(reward.id), backerKind: "individual", idempotencyKey: await formKey(client) });
    expect(below.status).toBe(422);
    expect(await below.text()).toContain(dictionaries.ko.errors.rewardBelowMinimum);
    const foreign = await client.post(`${LIVE}/pledge`, { amount: "50000", kind: "sponsorship", rewardId: String(other.id), backerKind: "individual", idempotencyKey: await formKey(client) });
    expect(foreign.status).toBe(422);
    expect(await foreign.text()).toContain(dictionaries.ko.errors.rewardNotFound);
    const kind = await client.post(`${LIVE}/pledge`, { amount: "50000", kind: "loan", backerKind: "individual", idempotencyKey: await formKey(client) });
    expect(kind.status).toBe(422);
    expect(await fingerprint()).toBe(before);
  });

  it("refuses pledges on a closed campaign", async () => {
    const client = await signedIn("citizen@hamkke.demo");
    const before = await fingerprint();
    const response = await client.post("/campaigns/hospital-childcare-round-1/pledge", { amount: "10000", kind: "donation", backerKind: "individual", idempotencyKey: "closed-campaign-key-1" });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain(dictionaries.ko.errors.campaignNotOpen);
    expect(await fingerprint()).toBe(before);
  });

  it("treats the same form sent several times as one pledge, and the key with another body as a conflict", async () => {
    const client = await signedIn("company@hamkke.demo");
    const key = await formKey(client);
    const fields = { amount: "70000", kind: "sponsorship", backerKind: "company", companyName: "㈜광산상사", idempotencyKey: key };
    const responses = await Promise.all(Array.from({ length: 5 }, () => client.post(`${LIVE}/pledge`, fields)));
    const locations = new Set(responses.map((r) => r.headers.get("Location")));
    expect(responses.every((r) => r.status === 302)).toBe(true);
    expect(locations.size).toBe(1);
    expect(await t.db.selectFrom("pledges").select("id").where("idempotency_key", "=", key).execute()).toHaveLength(1);
    const conflict = await client.post(`${LIVE}/pledge`, { ...fields, amount: "80000" });
    expect(conflict.status).toBe(409);
    expect(await conflict.text()).toContain(dictionaries.ko.errors.idempotencyConflict);
  });

  it("keeps a pledge's pages to its backer", async () => {
    const owner = await signedIn("backer07@hamkke.demo");
    const created = await owner.post(`${LIVE}/pledge`, { amount: "20000", kind: "donation", backerKind: "individual", idempotencyKey: await formKey(owner) });
    const payPath = created.headers.get("Location") ?? "";
    const publicId = payPath.split("/")[2] ?? "";
    const stranger = await signedIn("citizen@hamkke.demo");
    for (const path of [`/pledges/${publicId}`, `/pledges/${publicId}/pay`, `/pledges/${publicId}/authenticate`]) {
      expect((await stranger.get(path)).status, path).toBe(404);
    }
    const card = await stranger.post(`/pledges/${publicId}/pay`, { cardNumber: "4242424242424242", cardExpiry: CARD_EXPIRY, cardCvc: "123" });
    expect(card.status).toBe(404);
    const cancel = await stranger.post(`/pledges/${publicId}`);
    expect(cancel.status).toBe(404);
    expect((await owner.get(`/pledges/${publicId}/pay`)).status).toBe(200);
  });

  it("refuses bad card input with field messages and never stores the card number", async () => {
    const client = await signedIn("backer08@hamkke.demo");
    const created = await client.post(`${LIVE}/pledge`, { amount: "20000", kind: "donation", backerKind: "individual", idempotencyKey: await formKey(client) });
    const payPath = created.headers.get("Location") ?? "";
    for (const [fields, key] of [
      [{ cardNumber: "1234 5678 9012 3456", cardExpiry: CARD_EXPIRY, cardCvc: "123" }, "cardNumberInvalid"],
      [{ cardNumber: "4242424242424242", cardExpiry: "01/20", cardCvc: "123" }, "cardExpired"],
      [{ cardNumber: "4242424242424242", cardExpiry: CARD_EXPIRY, cardCvc: "x" }, "cardCvcInvalid"],
    ] as const) {
      const response = await client.post(payPath, fields);
      expect(response.status).toBe(422);
      expect(await response.text()).toContain(dictionaries.ko.errors[key]);
    }
    const ok = await client.post(payPath, { cardNumber: "4242 4242 4242 4242", cardExpiry: CARD_EXPIRY, cardCvc: "123" });
    expect(ok.status).toBe(302);
    const stored = await sql<{ hit: number }>`SELECT count(*)::int AS hit FROM pledges p, demo_payment_intents d WHERE p::text LIKE '%4242424242424242%' OR d::text LIKE '%4242424242424242%'`.execute(t.owner);
    expect(stored.rows[0]?.hit).toBe(0);
  });

  it("keeps the campaign editor and staff pages to their people", async () => {
    const campaign = await t.db.selectFrom("campaigns").select(["id", "slug"]).where("slug", "=", "demo-neighbourhood-playground").executeTakeFirstOrThrow();
    const stranger = await signedIn("coop@hamkke.demo");
    expect((await stranger.get(`/campaigns/${campaign.slug}/edit`)).status).toBe(403);
    expect((await stranger.post(`/campaigns/${campaign.slug}/edit`, { intent: "update", title: "x", body: "y" })).status).toBe(403);
    expect((await stranger.get(`/staff/campaigns/${campaign.id}`)).status).toBe(403);
    // The Jeonbuk fund administrator is staff, but not of this campaign's host.
    const otherStaff = await signedIn("fund1@hamkke.demo");
    expect((await otherStaff.get(`/staff/campaigns/${campaign.id}`)).status).toBe(403);
    const auditor = await signedIn("auditor@hamkke.demo");
    expect((await auditor.get(`/staff/campaigns/${campaign.id}`)).status).toBe(200);
    expect((await auditor.post(`/staff/campaigns/${campaign.id}`, { intent: "cancel" })).status).toBe(403);
    expect((await t.db.selectFrom("campaigns").select("state").where("id", "=", campaign.id).executeTakeFirstOrThrow()).state).toBe("live");
  });

  it("records an offline donation once, with its evidence, into the ledger", async () => {
    const campaign = await t.db.selectFrom("campaigns").select("id").where("slug", "=", "demo-local-food-cafe").executeTakeFirstOrThrow();
    const operator = await signedIn("operator@hamkke.demo");
    const headBefore = await sequencedSize(t.db);
    const fields = { intent: "offline", source: "마을카페 현장 모금함", amount: "120,000", receivedOn: "2026-11-23", idempotencyKey: "offline-form-key-0001" };
    expect((await operator.post(`/staff/campaigns/${campaign.id}`, fields)).status).toBe(302);
    expect((await operator.post(`/staff/campaigns/${campaign.id}`, fields)).status).toBe(302);
    const future = await operator.post(`/staff/campaigns/${campaign.id}`, { ...fields, receivedOn: seoulDateAfter(app.services.clock.now(), 38), idempotencyKey: "offline-form-key-0002" });
    expect(future.status).toBe(422);
    expect(await future.text()).toContain(dictionaries.ko.errors.dateInFuture);
    expect(await sequencedSize(t.db)).toBe(headBefore + 1);
    const page = await (await app.client().get("/campaigns/demo-local-food-cafe")).text();
    expect(page).toContain("120,000원");
  });
  it("refunds a pledge only from its own campaign's staff page", async () => {
    const campaignId = async (slug: string) => (await t.db.selectFrom("campaigns").select("id").where("slug", "=", slug).executeTakeFirstOrThrow()).id;
    const [cafe, playground] = await Promise.all([campaignId("demo-local-food-cafe"), campaignId("demo-neighbourhood-playground")]);
    const backer = await signedIn("backer11@hamkke.demo");
    const paid = await postJson(backer, "/api/v1/campaigns/demo-local-food-cafe/pledges", { amount: 25_000, kind: "donation", backerKind: "individual", card: { number: "4242424242424242", expiry: CARD_EXPIRY, cvc: "123" } }, { "Idempotency-Key": "staff-refund-key-0001" });
    expect(paid.status).toBe(201);
    const pledge = await t.db.selectFrom("pledges").select("id").where("idempotency_key", "=", "staff-refund-key-0001").executeTakeFirstOrThrow();
    const stateOf = async () => (await t.db.selectFrom("pledges").select(["state", "refund_requested_at"]).where("id", "=", pledge.id).executeTakeFirstOrThrow());
    const operator = await signedIn("operator@hamkke.demo");
    // Another campaign of the same host: its page may not reach this pledge.
    expect((await operator.post(`/staff/campaigns/${playground}`, { intent: "refund", pledgeId: String(pledge.id), reason: "잘못 결제" })).status).toBe(404);
    expect(await stateOf()).toEqual({ state: "collected", refund_requested_at: null });
    expect((await operator.post(`/staff/campaigns/${cafe}`, { intent: "refund", pledgeId: String(pledge.id), reason: "잘못 결제" })).status).toBe(302);
    expect((await stateOf()).state).toBe("refunded");
  });
});

describe("the pledge API", () => {
  it("creates and pays a pledge in one request; the same Idempotency-Key returns it, another body is refused", async () => {
    const client = await signedIn("backer09@hamkke.demo");
    const body = { amount: 30_000, kind: "sponsorship", backerKind: "individual", card: { number: "4242424242424242", expiry: CARD_EXPIRY, cvc: "123" } };
    const responses = await Promise.all(Array.from({ length: 3 }, () => postJson(client, "/api/v1/campaigns/demo-local-food-cafe/pledges", body, { "Idempotency-Key": "api-key-0001" })));
    const payloads = (await Promise.all(responses.map((r) => r.json()))) as { pledge: string; state: string }[];
    expect(new Set(payloads.map((p) => p.pledge)).size).toBe(1);
    expect(payloads.every((p) => p.state === "collected")).toBe(true);
    const conflict = await postJson(client, "/api/v1/campaigns/demo-local-food-cafe/pledges", { ...body, amount: 31_000 }, { "Idempotency-Key": "api-key-0001" });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: "idempotencyConflict" });
  });

  it("answers bad input with a field message in the visitor's language and writes nothing", async () => {
    const client = await signedIn("backer10@hamkke.demo", "en");
    const before = await fingerprint();
    const response = await postJson(client, "/api/v1/campaigns/demo-local-food-cafe/pledges", { amount: -1, kind: "sponsorship", backerKind: "individual" }, { "Idempotency-Key": "api-key-0002" });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ fieldErrors: { amount: [dictionaries.en.errors.invalidAmount] } });
    const notJson = await fetch(`${app.url}/api/v1/campaigns/demo-local-food-cafe/pledges`, {
      method: "POST",
      body: "{not json",
      headers: { "Content-Type": "application/json", Origin: app.url, Cookie: `hf_session=${client.cookies.get("hf_session")}; hf_csrf=${client.cookies.get("hf_csrf")}`, "X-CSRF-Token": client.cookies.get("hf_csrf") ?? "" },
    });
    expect(notJson.status).toBe(400);
    expect(await fingerprint()).toBe(before);
    const anonymous = await postJson(app.client(), "/api/v1/campaigns/demo-local-food-cafe/pledges", { amount: 10_000 }, { "Idempotency-Key": "api-key-0003" });
    expect(anonymous.status).toBe(401);
  });
});

describe("Korean payment methods with the demo provider", () => {
  async function pendingPledge(email: string, campaign: string): Promise<{ client: TestClient; payPath: string; publicId: string }> {
    const client = await signedIn(email);
    const path = `/campaigns/${campaign}/pledge`;
    const created = await client.post(path, { amount: "12000", kind: "donation", backerKind: "individual", idempotencyKey: await formKey(client, path) });
    const payPath = created.headers.get("Location") ?? "";
    return { client, payPath, publicId: payPath.split("/")[2] ?? "" };
  }

  it("sends the backer to the demo approval page and back; only the first answer counts", async () => {
    const { client, payPath, publicId } = await pendingPledge("backer09@hamkke.demo", "demo-neighbourhood-playground");
    const page = await (await client.get(payPath)).text();
    for (const method of ["kr_card", "kakao_pay", "naver_pay"]) expect(page).toContain(`value="${method}"`);
    expect(page).not.toContain('value="payco"');
    // Not offered for all-or-nothing, or not a method at all: a field message, nothing written.
    const before = await fingerprint();
    for (const method of ["payco", "samsung_pay", "toss_pay", ""]) {
      const refused = await client.post(payPath, { method });
      expect(refused.status, method).toBe(422);
      expect(await refused.text()).toContain(method === "payco" || method === "samsung_pay" ? dictionaries.ko.errors.paymentMethodNotOffered : dictionaries.ko.errors.invalidChoice);
    }
    expect(await fingerprint()).toBe(before);

    const chosen = await client.post(payPath, { method: "naver_pay" });
    expect(chosen.status).toBe(302);
    const approvalPath = chosen.headers.get("Location") ?? "";
    expect(approvalPath).toMatch(/^\/demo-pay\/seti_demo_/);
    // Like Stripe's redirect page, it needs no session: the intent id is the key.
    const approval = await app.client().get(approvalPath);
    expect(approval.status).toBe(200);
    expect(await approval.text()).toContain(dictionaries.ko.payments.approvalSetupTitle(dictionaries.ko.payments.methods.naver_pay));
    expect((await client.post(approvalPath, { decision: "maybe" })).status).toBe(422);

    const [first, second] = await Promise.all([client.post(approvalPath, { decision: "approve" }), client.post(approvalPath, { decision: "cancel" })]);
    expect(first?.headers.get("Location")).toBe(`/pledges/${publicId}/return`);
    expect(second?.headers.get("Location")).toBe(`/pledges/${publicId}/return`);
    const intent = await t.db.selectFrom("demo_payment_intents").select(["status", "method_type"]).where("id", "=", approvalPath.split("/")[2] ?? "").executeTakeFirstOrThrow();
    const back = await client.get(`/pledges/${publicId}/return`);
    const pledge = await t.db.selectFrom("pledges").select(["state", "payment_method_type"]).where("public_id", "=", publicId).executeTakeFirstOrThrow();
    if (intent.status === "succeeded") {
      expect(back.headers.get("Location")).toBe(`/pledges/${publicId}?notice=pledgeSaved`);
      expect(pledge).toEqual({ state: "saved", payment_method_type: "naver_pay" });
    } else {
      expect(intent.status).toBe("requires_payment_method");
      expect(back.headers.get("Location")).toBe(`${payPath}`);
      expect(pledge.state).toBe("pending_authorization");
    }
    // Answered: the page is gone (404), and a late answer sends back without changing anything.
    expect((await client.get(approvalPath)).status).toBe(404);
    expect((await client.post(approvalPath, { decision: "approve" })).headers.get("Location")).toBe(`/pledges/${publicId}/return`);
    expect((await client.get("/demo-pay/pi_demo_nosuchintent000")).status).toBe(404);
  });

  it("pays keep-it-all with PAYCO after a failure at the provider, and shows why it failed", async () => {
    const { client, payPath, publicId } = await pendingPledge("backer10@hamkke.demo", "demo-local-food-cafe");
    const page = await (await client.get(payPath)).text();
    for (const method of ["payco", "samsung_pay"]) expect(page).toContain(`value="${method}"`);
    const failed = await client.post((await client.post(payPath, { method: "payco" })).headers.get("Location") ?? "", { decision: "fail" });
    expect((await client.get(failed.headers.get("Location") ?? "")).headers.get("Location")).toBe(payPath);
    expect(await (await client.get(payPath)).text()).toContain(dictionaries.ko.errors.walletDeclined);
    const approved = await client.post((await client.post(payPath, { method: "payco" })).headers.get("Location") ?? "", { decision: "approve" });
    expect((await client.get(approved.headers.get("Location") ?? "")).headers.get("Location")).toBe(`/pledges/${publicId}?notice=pledgePaid`);
    const pledge = await t.db.selectFrom("pledges").select(["id", "state", "payment_method_type", "fee_won"]).where("public_id", "=", publicId).executeTakeFirstOrThrow();
    expect(pledge).toMatchObject({ state: "collected", payment_method_type: "payco", fee_won: Math.floor((12_000 * 320) / 10_000) });
    const entries = await t.db.selectFrom("journal_entries").select("seq").where("idempotency_key", "=", `pledge:${pledge.id}:collected`).execute();
    expect(entries).toHaveLength(1);
    // The entry is written with the payment and numbered by the sequencer a moment later (none runs
    // here until drainLedger): the receipt and the public ledger say it is being recorded, then show it.
    const recording = await (await client.get(`/pledges/${publicId}`)).text();
    expect(recording).toContain(dictionaries.ko.payments.methods.payco);
    // Two entries carry the backer's code: the collection, and the match the round's sponsor added.
    expect(recording).toContain(dictionaries.ko.ledger.recordingYours(2));
    expect(recording).not.toContain('data-testid="receipt-no-entries"');
    expect(recording).not.toContain('data-testid="ledger-entry"');
    const waiting = (await getSequencingStatus(t.db)).waiting;
    expect(waiting).toBeGreaterThan(0);
    expect(await (await app.client().get("/ledger")).text()).toContain(dictionaries.ko.ledger.waiting(waiting));
    await drainLedger(t.db);
    const { seq } = await t.db.selectFrom("journal_entries").select("seq").where("idempotency_key", "=", `pledge:${pledge.id}:collected`).executeTakeFirstOrThrow();
    const recorded = await (await client.get(`/pledges/${publicId}`)).text();
    expect(recorded).not.toContain('data-testid="ledger-recording-count"');
    expect(recorded).toContain(`data-testid="ledger-entry" data-seq="${seq}"`);
    expect(await (await app.client().get("/ledger")).text()).not.toContain('data-testid="ledger-waiting"');
  });
});
