import { sql } from "kysely";
import { renderedEmailsTo } from "../../app/email/outbox.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundCash } from "../../app/fund/fund";
import { dictionaries } from "../../app/i18n/messages";
import type { ErrorKey } from "../../app/i18n/messages/errors";
import { getBalance } from "../../app/ledger/ledger.server";
import { reviewDocuments, startReview, submitApplication } from "../../app/loans/applications.server";
import { publishProductVersion } from "../../app/loans/products.server";
import { addDays, addMonthsClamped } from "../../app/loans/schedule";
import { formatWon } from "../../app/utils/money";
import { demoPdf } from "../../db/seed/fund-demo";
import { startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { seoulDateAfter } from "../support/dates";
import { DEMO_PASSWORD, enterpriseId, userId } from "../support/seed";
import { TEST_CLOCK_START } from "../support/services";

// Two-year leases from the app clock's start: one from the 1st of the next month, one from the
// 1st of the month after.
const CLOCK_START = new Date(TEST_CLOCK_START);
const LEASE_START = seoulDateAfter(CLOCK_START, 7);
const LEASE_END = addDays(addMonthsClamped(LEASE_START, 24), -1);
const LATER_LEASE_START = seoulDateAfter(CLOCK_START, 38);
const LATER_LEASE_END = addDays(addMonthsClamped(LATER_LEASE_START, 24), -1);

let t: TestDatabase;
let app: TestApp;
let fundId = 0;
let productV2 = 0;
let coffee = 0;
let chan = 0;
let chanLoan = 0;
let committeeApplication = 0;

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db);
  fundId = (await t.db.selectFrom("funds").select("id").executeTakeFirstOrThrow()).id;
  coffee = await enterpriseId(t, "커피마루 운암점");
  chan = await enterpriseId(t, "찬찬찬");
  chanLoan = (await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", chan).executeTakeFirstOrThrow()).id;
  const fund1 = await userId(t, "fund1@hamkke.demo");
  // A version with a cap above what the fund holds, so "above the fund's balance" can be reached.
  productV2 = await publishProductVersion(
    t.db,
    fundId,
    {
      code: "store-lease-deposit",
      name: "전세점포임대 융자금",
      purpose: "",
      capWon: 1_000_000_000,
      rateBp: 100,
      termMonths: 24,
      repaymentMethod: "bullet",
      graceMonths: 0,
      penaltyBp: 300,
      delinquencyGraceDays: 30,
      eligibleTypes: ["self_sufficiency_enterprise"],
      requiredDocuments: ["business_registration"],
    },
    fund1,
    new Date(),
  );
  const uwon = await enterpriseId(t, "슬림샐러드");
  const uwonOwner = await userId(t, "citizen@hamkke.demo");
  await t.db.insertInto("enterprise_members").values({ enterprise_id: uwon, user_id: uwonOwner, role: "owner" }).execute();
  const application = await submitApplication(t.db, {
    enterpriseId: uwon,
    userId: uwonOwner,
    input: { productId: productV2, amountWon: 20_000_000, purpose: "샐러드 매장", storeAddress: "광주", landlordName: "박임대", leaseDepositWon: 20_000_000, leaseStartsOn: LEASE_START, leaseEndsOn: addMonthsClamped(LEASE_START, 24), idempotencyKey: "http-committee-app" },
    documents: [{ docType: "business_registration", file: new File([demoPdf("registration")], "r.pdf") }],
    fileStore: app.services.fileStore,
    now: new Date(),
  });
  committeeApplication = application.id;
  await startReview(t.db, committeeApplication, fund1, new Date());
  await reviewDocuments(t.db, { applicationId: committeeApplication, reviewerId: fund1, decision: "pass", note: "", origin: app.url, now: new Date() });
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

async function snapshot(): Promise<string> {
  const result = await sql<{ digest: string }>`
    SELECT md5(concat_ws('|',
      (SELECT string_agg(a::text, ',' ORDER BY id) FROM loan_applications a),
      (SELECT string_agg(d::text, ',' ORDER BY id) FROM loan_application_documents d),
      (SELECT string_agg(v::text, ',' ORDER BY application_id, voter_id) FROM loan_votes v),
      (SELECT string_agg(l::text, ',' ORDER BY id) FROM loans l),
      (SELECT string_agg(i::text, ',' ORDER BY loan_id, number) FROM loan_instalments i),
      (SELECT string_agg(r::text, ',' ORDER BY id) FROM loan_repayments r),
      (SELECT string_agg(c::text, ',' ORDER BY id) FROM fund_contributions c),
      (SELECT string_agg(g::text, ',' ORDER BY id) FROM fund_grants g),
      (SELECT string_agg(r::text, ',' ORDER BY id) FROM fund_grant_requests r),
      (SELECT string_agg(w::text, ',' ORDER BY id) FROM loan_write_off_requests w),
      (SELECT string_agg(x::text, ',' ORDER BY id) FROM loan_recoveries x),
      (SELECT string_agg(j::text, ',' ORDER BY document_id) FROM loan_document_rejections j),
      (SELECT string_agg(e::text, ',' ORDER BY id) FROM loan_events e),
      (SELECT string_agg(p::text, ',' ORDER BY id) FROM loan_products p),
      (SELECT seq::text FROM ledger_head),
      (SELECT count(*)::text FROM stored_files),
      (SELECT count(*)::text FROM email_outbox)
    )) AS digest`.execute(t.owner);
  return result.rows[0]?.digest ?? "";
}

/** As React writes text into HTML. */
function asHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}

const clients = new Map<string, TestClient>();
async function clientFor(email: string, locale: "ko" | "en"): Promise<TestClient> {
  const key = `${email}:${locale}`;
  let client = clients.get(key);
  if (!client) {
    client = app.client();
    await client.logIn(email, DEMO_PASSWORD);
    client.useLocale(locale);
    clients.set(key, client);
  }
  return client;
}

const application = (overrides: Record<string, string>) => () => ({
  productId: String(productV2),
  amountWon: "50,000,000",
  purpose: "새 매장 임대보증금",
  storeAddress: "광주 북구 운암동",
  landlordName: "김임대",
  leaseDepositWon: "60000000",
  leaseStartsOn: LEASE_START,
  leaseEndsOn: LEASE_END,
  idempotencyKey: "http-bad-application",
  ...overrides,
});

const repayment = (overrides: Record<string, string>) => () => ({ intent: "repayment", kind: "instalment", amountWon: "10000", paidOn: "2026-11-24", reference: "BANK-1", idempotencyKey: "http-bad-repayment", ...overrides });

interface BadCase {
  label: string;
  as: string;
  path: () => string;
  fields: () => Record<string, string | string[]>;
  expect: ErrorKey[];
}

const cases: BadCase[] = [
  { label: "application above the product's cap", as: "jahwal@hamkke.demo", path: () => `/enterprises/${coffee}/loans/new`, fields: application({ amountWon: "1000000001", leaseDepositWon: "2000000000" }), expect: ["amountAboveCap"] },
  { label: "application above the fund's balance", as: "jahwal@hamkke.demo", path: () => `/enterprises/${coffee}/loans/new`, fields: application({ amountWon: "900000000", leaseDepositWon: "900000000" }), expect: ["amountAboveFundBalance"] },
  { label: "application above the lease deposit", as: "jahwal@hamkke.demo", path: () => `/enterprises/${coffee}/loans/new`, fields: application({ amountWon: "70000000" }), expect: ["amountAboveDeposit"] },
  { label: "application with won that are not whole", as: "jahwal@hamkke.demo", path: () => `/enterprises/${coffee}/loans/new`, fields: application({ amountWon: "50000000.5", leaseDepositWon: "1e8" }), expect: ["invalidAmount"] },
  { label: "application with a negative amount", as: "jahwal@hamkke.demo", path: () => `/enterprises/${coffee}/loans/new`, fields: application({ amountWon: "-5" }), expect: ["invalidAmount"] },
  { label: "application with an impossible date", as: "jahwal@hamkke.demo", path: () => `/enterprises/${coffee}/loans/new`, fields: application({ leaseStartsOn: "2025-02-30" }), expect: ["invalidDate"] },
  { label: "application whose lease ends before it starts", as: "jahwal@hamkke.demo", path: () => `/enterprises/${coffee}/loans/new`, fields: application({ leaseEndsOn: addDays(LEASE_START, -1) }), expect: ["leaseEndsBeforeStart"] },
  { label: "application by an enterprise type the product is not for", as: "coop@hamkke.demo", path: () => `/enterprises/${0}/loans/new`, fields: application({}), expect: ["enterpriseTypeNotEligible"] },
  { label: "repayment in part-won", as: "fund1@hamkke.demo", path: () => `/staff/fund/${fundId}/loans/${chanLoan}`, fields: repayment({ amountWon: "84931.5" }), expect: ["invalidAmount"] },
  { label: "repayment dated tomorrow", as: "fund1@hamkke.demo", path: () => `/staff/fund/${fundId}/loans/${chanLoan}`, fields: repayment({ paidOn: "2026-11-25" }), expect: ["dateInFuture"] },
  { label: "repayment before the loan was paid out", as: "fund1@hamkke.demo", path: () => `/staff/fund/${fundId}/loans/${chanLoan}`, fields: repayment({ paidOn: "2020-01-01" }), expect: ["dateBeforeDisbursement"] },
  { label: "repayment of more than is due", as: "fund1@hamkke.demo", path: () => `/staff/fund/${fundId}/loans/${chanLoan}`, fields: repayment({ amountWon: "99000000" }), expect: ["amountAboveDue"] },
  { label: "prepayment above the payoff", as: "fund1@hamkke.demo", path: () => `/staff/fund/${fundId}/loans/${chanLoan}`, fields: repayment({ kind: "prepayment", amountWon: "99000000" }), expect: ["amountAbovePayoff"] },
  {
    label: "contribution without evidence",
    as: "fund1@hamkke.demo",
    path: () => `/staff/fund/${fundId}?index`,
    fields: () => ({ intent: "contribution", contributor: "전라북도", kind: "government", amountWon: "1000000", receivedOn: "2026-11-20", idempotencyKey: "http-bad-contribution" }),
    expect: ["fileRequired"],
  },
  {
    label: "contribution of fractional won and a bad date",
    as: "fund1@hamkke.demo",
    path: () => `/staff/fund/${fundId}?index`,
    fields: () => ({ intent: "contribution", contributor: "전라북도", kind: "government", amountWon: "1000000.50", receivedOn: "2025-13-01", idempotencyKey: "http-bad-contribution" }),
    expect: ["invalidAmount", "invalidDate"],
  },
  {
    label: "grant above the fund's balance",
    as: "fund1@hamkke.demo",
    path: () => `/staff/fund/${fundId}?index`,
    fields: () => ({ intent: "grant", category: "equipment", recipient: "자활기업", area: "전북 전주시", purpose: "장비", amountWon: "9000000000", grantedOn: "2026-11-20", idempotencyKey: "http-bad-grant" }),
    expect: ["fundBalanceTooLow"],
  },
  {
    label: "product version with a grace as long as the term and no eligible type",
    as: "fund1@hamkke.demo",
    path: () => `/staff/fund/${fundId}/products`,
    fields: () => ({ code: "store-lease-deposit", name: "x", capWon: "100000000", rateBp: "100", termMonths: "24", graceMonths: "24", penaltyBp: "300", repaymentMethod: "bullet", delinquencyGraceDays: "30", requiredDocuments: ["lease_contract"] }),
    expect: ["graceNotShorterThanTerm", "required"],
  },
  {
    label: "committee vote without affirming no conflict",
    as: "fund1@hamkke.demo",
    path: () => `/staff/fund/${fundId}/applications/${committeeApplication}`,
    fields: () => ({ intent: "vote", vote: "approve", comment: "" }),
    expect: ["noConflictRequired"],
  },
  {
    label: "committee decision before the quorum",
    as: "fund1@hamkke.demo",
    path: () => `/staff/fund/${fundId}/applications/${committeeApplication}`,
    fields: () => ({ intent: "close", note: "" }),
    expect: ["quorumNotMet"],
  },
];

describe("bad input on the fund's forms, in both languages", () => {
  beforeAll(async () => {
    const coop = await enterpriseId(t, "함께 크는 나무 협동조합");
    const ineligible = cases.find((c) => c.as === "coop@hamkke.demo");
    if (ineligible) ineligible.path = () => `/enterprises/${coop}/loans/new`;
  });

  for (const locale of ["ko", "en"] as const) {
    it.each(cases)(`${locale}: $label → a clear message, nothing written`, async (badCase) => {
      const client = await clientFor(badCase.as, locale);
      const before = await snapshot();
      const response = await client.post(badCase.path(), badCase.fields());
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      const html = await response.text();
      for (const key of badCase.expect) expect(html).toContain(asHtml(dictionaries[locale].errors[key]));
      expect(await snapshot()).toBe(before);
    });
  }
});

describe("who may see and do what", () => {
  it("keeps the staff pages to the fund's administrators, and auditors read only", async () => {
    const enterpriseUser = await clientFor("jahwal@hamkke.demo", "ko");
    expect((await enterpriseUser.get(`/staff/fund/${fundId}`)).status).toBe(403);
    expect((await enterpriseUser.get(`/staff/fund/${fundId}/portfolio.csv`)).status).toBe(403);
    const operator = await clientFor("operator@hamkke.demo", "ko");
    expect((await operator.get(`/staff/fund/${fundId}/applications`)).status).toBe(403);
    const auditor = await clientFor("auditor@hamkke.demo", "ko");
    const page = await auditor.get(`/staff/fund/${fundId}/loans/${chanLoan}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(dictionaries.ko.loans.readOnly);
    expect(html).not.toContain('data-testid="repayment-form"');
    const before = await snapshot();
    const post = await auditor.post(`/staff/fund/${fundId}/loans/${chanLoan}`, repayment({ idempotencyKey: "auditor-try-1" })());
    expect(post.status).toBe(403);
    expect(await snapshot()).toBe(before);
    const admin = await clientFor("fund1@hamkke.demo", "ko");
    expect((await admin.get(`/staff/fund/999999`)).status).toBe(404);
    expect((await admin.get(`/staff/fund/${fundId}/loans/999999`)).status).toBe(404);
  });

  it("shows an enterprise only its own applications and loans", async () => {
    const coffeeOwner = await clientFor("jahwal@hamkke.demo", "ko");
    expect((await coffeeOwner.get(`/enterprises/${coffee}/loans/${chanLoan}`)).status).toBe(404);
    expect((await coffeeOwner.get(`/enterprises/${chan}/loans`)).status).toBe(403);
    expect((await coffeeOwner.get(`/enterprises/${chan}/loans/${chanLoan}`)).status).toBe(403);
    expect((await coffeeOwner.get(`/enterprises/${coffee}/loans/applications/${committeeApplication}`)).status).toBe(404);
    const chanOwner = await clientFor("chan@hamkke.demo", "ko");
    const own = await chanOwner.get(`/enterprises/${chan}/loans/${chanLoan}`);
    expect(own.status).toBe(200);
    const html = await own.text();
    expect(html).toContain('data-testid="schedule"');
    expect(html).toContain('data-testid="loan-next-payment"');
  });
});

/** A browser's multipart form post (files and fields), with the client's cookies and CSRF token. */
async function postMultipart(client: TestClient, path: string, fields: Record<string, string>, files: Record<string, File>): Promise<Response> {
  const form = new FormData();
  form.set("csrf", await client.csrfToken());
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  for (const [key, file] of Object.entries(files)) form.set(key, file);
  const cookie = [...client.cookies.entries()].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("; ");
  return fetch(`${client.base}${path}`, { method: "POST", body: form, redirect: "manual", headers: { Cookie: cookie, Origin: client.base } });
}

describe("over HTTP", () => {
  it("records a contribution with its evidence file (private) and a grant, each once, in the ledger", async () => {
    const admin = await clientFor("fund1@hamkke.demo", "ko");
    const before = await getBalance(t.db, fundCash(fundId).code);
    const fields = { intent: "contribution", contributor: "전라북도 추가 출연금", kind: "government", amountWon: "50,000,000", receivedOn: "2026-11-20", note: "2026년 추경", idempotencyKey: "http-contribution-1" };
    const evidence = new File([demoPdf("bank confirmation")], "입금확인서.pdf", { type: "application/pdf" });
    const first = await postMultipart(admin, `/staff/fund/${fundId}?index`, fields, { evidence });
    expect(first.headers.get("Location")).toContain("notice=contributionRecorded");
    const again = await postMultipart(admin, `/staff/fund/${fundId}?index`, fields, { evidence });
    expect(again.status).toBe(302);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(before + 50_000_000);
    const row = await t.db
      .selectFrom("fund_contributions")
      .innerJoin("stored_files", "stored_files.id", "fund_contributions.evidence_file_id")
      .select(["stored_files.public_id", "stored_files.visibility", "fund_contributions.ledger_entry_id"])
      .where("fund_contributions.idempotency_key", "=", "http-contribution-1")
      .executeTakeFirstOrThrow();
    expect(row.visibility).toBe("private");
    expect((await app.client().get(`/files/${row.public_id}`)).status).toBe(404);
    expect((await (await clientFor("auditor@hamkke.demo", "ko")).get(`/files/${row.public_id}`)).status).toBe(200);
    const entry = await t.db.selectFrom("journal_entries").select(["kind", "canonical_before_seq"]).where("id", "=", row.ledger_entry_id).executeTakeFirstOrThrow();
    expect(entry.kind).toBe("fund.contribution");
    expect(entry.canonical_before_seq).not.toContain("전라북도");

    // A grant is a request until a second administrator approves it (decision 33).
    const grant = await admin.post(`/staff/fund/${fundId}?index`, { intent: "grant", category: "equipment", recipient: "바로바로택배", area: "광주", purpose: "배송 차량 냉장 설비", expectedEffect: "신선식품 배송", amountWon: "3000000", grantedOn: "2026-11-21", idempotencyKey: "http-grant-1" });
    expect(grant.headers.get("Location")).toBe(`/staff/fund/${fundId}/approvals?notice=grantRequested`);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(before + 50_000_000);
    const request = await t.db.selectFrom("fund_grant_requests").select("id").where("idempotency_key", "=", "http-grant-1").executeTakeFirstOrThrow();
    const second = await clientFor("fund2@hamkke.demo", "ko");
    const approved = await second.post(`/staff/fund/${fundId}/approvals`, { intent: "grant", requestId: String(request.id), decision: "approve", note: "" });
    expect(approved.headers.get("Location")).toContain("notice=grantApproved");
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(before + 50_000_000 - 3_000_000);
  });

  it("rejects an application at the document review with a reason, in a decision letter", async () => {
    const express = await enterpriseId(t, "바로바로택배");
    const companyUser = await userId(t, "company@hamkke.demo");
    await t.db.insertInto("enterprise_members").values({ enterprise_id: express, user_id: companyUser, role: "owner" }).execute();
    const owner = app.client();
    await owner.logIn("company@hamkke.demo", DEMO_PASSWORD);
    const applied = await postMultipart(
      owner,
      `/enterprises/${express}/loans/new`,
      { productId: String(productV2), amountWon: "30000000", purpose: "택배 물류 거점 임대보증금", storeAddress: "광주 광산구", landlordName: "최임대", leaseDepositWon: "30000000", leaseStartsOn: LATER_LEASE_START, leaseEndsOn: LATER_LEASE_END, idempotencyKey: "http-express-application" },
      { document_business_registration: new File([demoPdf("registration")], "사업자등록증.pdf") },
    );
    expect(applied.status).toBe(302);
    const applicationPath = new URL(applied.headers.get("Location") ?? "", app.url).pathname;
    const applicationId = Number(applicationPath.split("/").at(-1));
    expect(await t.db.selectFrom("loan_application_documents").select("doc_type").where("application_id", "=", applicationId).execute()).toEqual([{ doc_type: "business_registration" }]);
    const admin = await clientFor("fund2@hamkke.demo", "ko");
    expect((await admin.post(`/staff/fund/${fundId}/applications/${applicationId}`, { intent: "take_review" })).status).toBe(302);
    const rejected = await admin.post(`/staff/fund/${fundId}/applications/${applicationId}`, { intent: "review", decision: "reject", note: "임대차계약서의 보증금과 신청 금액 근거가 부족합니다." });
    expect(rejected.headers.get("Location")).toContain("notice=applicationRejected");
    const [letter] = await renderedEmailsTo(t.db, "company@hamkke.demo", "loanDecision");
    if (!letter) throw new Error("no decision letter");
    expect(letter.subject).toContain("승인되지 않았습니다");
    expect(letter.text_body).toContain("임대차계약서의 보증금과 신청 금액 근거가 부족합니다.");
    const page = await owner.get(applicationPath);
    expect(await page.text()).toContain(dictionaries.ko.loans.applicationStates.rejected);
  });

  it("records a double-submitted repayment once", async () => {
    const admin = await clientFor("fund2@hamkke.demo", "ko");
    const fields = repayment({ amountWon: "5000", idempotencyKey: "http-double-submit-1", reference: "BANK-DOUBLE" })();
    const first = await admin.post(`/staff/fund/${fundId}/loans/${chanLoan}`, fields);
    const second = await admin.post(`/staff/fund/${fundId}/loans/${chanLoan}`, fields);
    expect(first.headers.get("Location")).toContain("notice=repaymentRecorded");
    expect(second.headers.get("Location")).toContain("notice=repaymentAlreadyRecorded");
    expect(await t.db.selectFrom("loan_repayments").select("id").where("idempotency_key", "=", "http-double-submit-1").execute()).toHaveLength(1);
  });

  it("configures the committee's quorum and majority for applications that reach it later", async () => {
    const admin = await clientFor("fund1@hamkke.demo", "ko");
    const saved = await admin.post(`/staff/fund/${fundId}?index`, { intent: "settings", committeeQuorum: "3", committeeMajorityPct: "66", reminderDaysBefore: "5", expectedEffects: "자활기업 점포 확보" });
    expect(saved.headers.get("Location")).toContain("notice=fundSettingsSaved");
    expect(await t.db.selectFrom("funds").select(["committee_quorum", "committee_majority_pct", "reminder_days_before"]).where("id", "=", fundId).executeTakeFirstOrThrow()).toEqual({
      committee_quorum: 3,
      committee_majority_pct: 66,
      reminder_days_before: 5,
    });
    // The application already before the committee keeps the rule it opened with.
    expect(await t.db.selectFrom("loan_applications").select(["committee_quorum", "committee_majority_pct"]).where("id", "=", committeeApplication).executeTakeFirstOrThrow()).toEqual({ committee_quorum: 2, committee_majority_pct: 50 });
    const refused = await admin.post(`/staff/fund/${fundId}?index`, { intent: "settings", committeeQuorum: "1", committeeMajorityPct: "40", reminderDaysBefore: "5", expectedEffects: "" });
    expect(refused.status).toBe(422);
  });

  it("exports the portfolio as CSV and shows the fund's public page from the ledger", async () => {
    const admin = await clientFor("fund1@hamkke.demo", "ko");
    const csv = await admin.get(`/staff/fund/${fundId}/portfolio.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const text = await csv.text();
    const lines = text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("loan_id,enterprise,district,state,repayment_method,rate_bp,principal_won,outstanding_won,disbursed_on,maturity_on,days_overdue,arrears_bucket,arrears_won,penalty_won,next_due_date,next_due_won,written_off_won,recovered_won");
    expect(lines.slice(1).some((l) => l.includes("우리동구카페") && l.includes(",delinquent,") && l.includes(",31_90,"))).toBe(true);
    expect(lines).toHaveLength(4);

    const publicPage = await app.client().get("/fund/jb-self-sufficiency-fund");
    const html = await publicPage.text();
    expect(html).toContain(formatWon(await getBalance(t.db, fundCash(fundId).code), "ko"));
    for (const category of Object.values(dictionaries.ko.loans.grantCategories)) expect(html).toContain(category);
    expect(html).toContain("전북 18개 지역자활센터");
    expect(html).toContain("자활기업 점포 확보");
    // The public page never shows evidence files or who the landlords are.
    expect(html).not.toContain("/files/");
    expect(html).not.toContain("임대인 (데모)");
  });
});

/**
 * A refusal over HTTP, in Korean and in English: a 4xx, the message in each language, and
 * nothing written.
 */
async function expectRefusedInBothLanguages(as: string, path: string, fields: Record<string, string>, expected: ErrorKey[], status?: number): Promise<void> {
  for (const locale of ["ko", "en"] as const) {
    const client = await clientFor(as, locale);
    const before = await snapshot();
    const response = await client.post(path, fields);
    if (status !== undefined) expect(response.status).toBe(status);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const html = await response.text();
    for (const key of expected) expect(html, `${locale}: ${key}`).toContain(asHtml(dictionaries[locale].errors[key]));
    expect(await snapshot()).toBe(before);
  }
}

describe("four eyes, document replacement, a committee without quorum and recoveries, over HTTP", () => {
  let cafeLoan = 0;
  let applicationId = 0;
  const approvals = () => `/staff/fund/${fundId}/approvals`;

  beforeAll(async () => {
    cafeLoan = (await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", await enterpriseId(t, "우리동구카페")).executeTakeFirstOrThrow()).id;
  });

  it("pays a grant only on a second administrator's approval, once", async () => {
    const maker = await clientFor("fund1@hamkke.demo", "ko");
    const before = await getBalance(t.db, fundCash(fundId).code);
    const fields = { intent: "grant", category: "organising", recipient: "군산 자활기업 협의회", area: "전북 군산시", purpose: "공동 판로 조직", expectedEffect: "", amountWon: "4,000,000", grantedOn: "2026-11-23", idempotencyKey: "http-four-eyes-grant" };
    expect((await maker.post(`/staff/fund/${fundId}?index`, fields)).headers.get("Location")).toContain("notice=grantRequested");
    expect((await maker.post(`/staff/fund/${fundId}?index`, fields)).status).toBe(302);
    const requests = await t.db.selectFrom("fund_grant_requests").select("id").where("idempotency_key", "=", "http-four-eyes-grant").execute();
    expect(requests).toHaveLength(1);
    const requestId = String(requests[0]?.id);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(before);

    // The maker sees the request waiting, without a way to decide it.
    const page = await (await maker.get(approvals())).text();
    expect(page).toContain(dictionaries.ko.loans.approvals.yourOwn);
    expect(page).not.toContain(`data-testid="decide-grant-${requestId}"`);
    await expectRefusedInBothLanguages("fund1@hamkke.demo", approvals(), { intent: "grant", requestId, decision: "approve", note: "" }, ["makerCannotDecide"], 403);
    await expectRefusedInBothLanguages("fund2@hamkke.demo", approvals(), { intent: "grant", requestId, decision: "decline", note: "" }, ["required"], 422);
    await expectRefusedInBothLanguages("fund2@hamkke.demo", approvals(), { intent: "grant", requestId: "1e3", decision: "maybe", note: "" }, ["invalid"], 400);
    expect((await (await clientFor("auditor@hamkke.demo", "ko")).post(approvals(), { intent: "grant", requestId, decision: "approve" })).status).toBe(403);

    const second = await clientFor("fund2@hamkke.demo", "ko");
    expect((await (await second.get(approvals())).text())).toContain(`data-testid="decide-grant-${requestId}"`);
    const approve = { intent: "grant", requestId, decision: "approve", note: "조직화 사업 계획 확인" };
    expect((await second.post(approvals(), approve)).headers.get("Location")).toContain("notice=grantApproved");
    expect((await second.post(approvals(), approve)).headers.get("Location")).toContain("notice=grantAlreadyApproved");
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(before - 4_000_000);
    expect(await t.db.selectFrom("fund_grants").select("id").where("request_id", "=", Number(requestId)).execute()).toHaveLength(1);
    await expectRefusedInBothLanguages("fund2@hamkke.demo", approvals(), { intent: "grant", requestId, decision: "decline", note: "늦은 반려" }, ["requestAlreadyDecided"], 409);
  });

  it("writes a defaulted loan off only on a second administrator's approval", async () => {
    const loanPath = `/staff/fund/${fundId}/loans/${cafeLoan}`;
    const maker = await clientFor("fund1@hamkke.demo", "ko");
    expect((await maker.post(loanPath, { intent: "default", reason: "3개월 이상 연체, 연락 두절" })).headers.get("Location")).toContain("notice=loanDefaulted");
    await expectRefusedInBothLanguages("fund1@hamkke.demo", loanPath, { intent: "write_off", reason: "" }, ["required"], 422);
    const outstanding = await getBalance(t.db, `loan:${cafeLoan}:principal`);
    expect((await maker.post(loanPath, { intent: "write_off", reason: "회수 불능" })).headers.get("Location")).toContain("notice=writeOffRequested");
    expect((await maker.post(loanPath, { intent: "write_off", reason: "회수 불능" })).headers.get("Location")).toContain("notice=writeOffAlreadyRequested");
    expect(await (await maker.get(loanPath)).text()).toContain('data-testid="write-off-pending"');
    const request = await t.db.selectFrom("loan_write_off_requests").select("id").where("loan_id", "=", cafeLoan).executeTakeFirstOrThrow();
    const requestId = String(request.id);
    await expectRefusedInBothLanguages("fund1@hamkke.demo", approvals(), { intent: "write_off", requestId, decision: "approve", note: "" }, ["makerCannotDecide"], 403);
    expect(await getBalance(t.db, `loan:${cafeLoan}:principal`)).toBe(outstanding);

    const second = await clientFor("fund2@hamkke.demo", "ko");
    expect((await second.post(approvals(), { intent: "write_off", requestId, decision: "approve", note: "" })).headers.get("Location")).toContain("notice=writeOffApproved");
    expect((await second.post(approvals(), { intent: "write_off", requestId, decision: "approve", note: "" })).headers.get("Location")).toContain("notice=writeOffAlreadyApproved");
    expect(await getBalance(t.db, `loan:${cafeLoan}:principal`)).toBe(0);
    expect(await t.db.selectFrom("loans").select(["state", "written_off_won"]).where("id", "=", cafeLoan).executeTakeFirstOrThrow()).toEqual({ state: "written_off", written_off_won: outstanding });
    expect(await t.db.selectFrom("journal_entries").select("seq").where("kind", "=", "loan.write_off").execute()).toHaveLength(1);
  });

  it("records recoveries on the written-off loan into the fund, shown in the portfolio", async () => {
    const loanPath = `/staff/fund/${fundId}/loans/${cafeLoan}`;
    const recovery = (overrides: Record<string, string>) => ({ intent: "recovery", amountWon: "2,500,000", receivedOn: "2026-11-24", reference: "NH-REC-1", idempotencyKey: "http-recovery-1", ...overrides });
    await expectRefusedInBothLanguages("fund2@hamkke.demo", loanPath, recovery({ amountWon: "2500000.5", receivedOn: "2026-02-30" }), ["invalidAmount", "invalidDate"], 422);
    await expectRefusedInBothLanguages("fund2@hamkke.demo", loanPath, recovery({ amountWon: "999000000" }), ["recoveryAboveWrittenOff"], 422);
    await expectRefusedInBothLanguages("fund2@hamkke.demo", loanPath, recovery({ receivedOn: "2026-11-25" }), ["dateInFuture"], 422);
    await expectRefusedInBothLanguages("fund2@hamkke.demo", `/staff/fund/${fundId}/loans/${chanLoan}`, recovery({ idempotencyKey: "http-recovery-chan" }), ["loanNotWrittenOff"], 409);
    const cash = await getBalance(t.db, fundCash(fundId).code);
    const admin = await clientFor("fund2@hamkke.demo", "ko");
    expect((await admin.post(loanPath, recovery({}))).headers.get("Location")).toContain("notice=recoveryRecorded");
    expect((await admin.post(loanPath, recovery({}))).headers.get("Location")).toContain("notice=recoveryAlreadyRecorded");
    await expectRefusedInBothLanguages("fund2@hamkke.demo", loanPath, recovery({ amountWon: "2500001" }), ["requestNumberReused"], 409);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(cash + 2_500_000);

    const portfolio = await (await admin.get(`/staff/fund/${fundId}/portfolio`)).text();
    expect(portfolio).toContain('data-testid="portfolio-recovered"');
    expect(portfolio).toContain(dictionaries.ko.loans.portfolio.recovered);
    expect(portfolio).toContain(formatWon(2_500_000, "ko"));
    const csv = (await (await admin.get(`/staff/fund/${fundId}/portfolio.csv`)).text()).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(csv.find((l) => l.startsWith(`${cafeLoan},`))?.endsWith(",2500000")).toBe(true);
  });

  it("lets the member replace a rejected document, and the review goes on", async () => {
    const fund1 = await userId(t, "fund1@hamkke.demo");
    const submitted = await submitApplication(t.db, {
      enterpriseId: coffee,
      userId: await userId(t, "jahwal@hamkke.demo"),
      input: { productId: productV2, amountWon: 30_000_000, purpose: "운암동 2호점", storeAddress: "광주 북구 운암동", landlordName: "정임대", leaseDepositWon: 30_000_000, leaseStartsOn: LATER_LEASE_START, leaseEndsOn: LATER_LEASE_END, idempotencyKey: "http-replace-document" },
      documents: [{ docType: "business_registration", file: new File([demoPdf("registration")], "사업자등록증-흐림.pdf", { type: "application/pdf" }) }],
      fileStore: app.services.fileStore,
      now: new Date(),
    });
    applicationId = submitted.id;
    await startReview(t.db, applicationId, fund1, new Date());
    const staffPath = `/staff/fund/${fundId}/applications/${applicationId}`;
    const [document] = await t.db.selectFrom("loan_application_documents").select("id").where("application_id", "=", applicationId).execute();
    const documentId = String(document?.id);

    await expectRefusedInBothLanguages("fund1@hamkke.demo", staffPath, { intent: "reject_document", documentId, reason: "" }, ["required"], 422);
    const admin = await clientFor("fund1@hamkke.demo", "ko");
    expect((await admin.post(staffPath, { intent: "reject_document", documentId, reason: "사업자등록번호가 읽히지 않습니다" })).headers.get("Location")).toContain("notice=documentRejected");
    await expectRefusedInBothLanguages("fund1@hamkke.demo", staffPath, { intent: "reject_document", documentId, reason: "다시" }, ["documentAlreadyReplaced"], 409);
    await expectRefusedInBothLanguages("fund1@hamkke.demo", staffPath, { intent: "review", decision: "pass", note: "" }, ["documentsRejected"], 422);

    const owner = app.client();
    await owner.logIn("jahwal@hamkke.demo", DEMO_PASSWORD);
    const enterprisePath = `/enterprises/${coffee}/loans/applications/${applicationId}`;
    const page = await (await owner.get(enterprisePath)).text();
    expect(page).toContain('data-testid="rejected-documents"');
    expect(page).toContain("사업자등록번호가 읽히지 않습니다");
    const uploaded = await postMultipart(owner, enterprisePath, { docType: "business_registration" }, { file: new File([demoPdf("registration clear")], "사업자등록증.pdf", { type: "application/pdf" }) });
    expect(uploaded.headers.get("Location")).toContain("notice=documentUploaded");
    const after = await (await owner.get(enterprisePath)).text();
    expect(after).not.toContain('data-testid="rejected-documents"');
    expect(after).toContain('data-testid="document-history"');
    expect(await t.db.selectFrom("loan_application_documents").select("id").where("application_id", "=", applicationId).execute()).toHaveLength(2);

    // The committee opens under the fund's rule then: back to a quorum of two (a test above raised it).
    await admin.post(`/staff/fund/${fundId}?index`, { intent: "settings", committeeQuorum: "2", committeeMajorityPct: "50", reminderDaysBefore: "5", expectedEffects: "자활기업 점포 확보" });
    expect((await admin.post(staffPath, { intent: "review", decision: "pass", note: "보완 확인" })).headers.get("Location")).toContain("notice=sentToCommittee");
  });

  it("closes a committee that can no longer reach its quorum, with a reason", async () => {
    const staffPath = `/staff/fund/${fundId}/applications/${applicationId}`;
    await expectRefusedInBothLanguages("fund1@hamkke.demo", staffPath, { intent: "close_no_quorum", note: "정족수 미달" }, ["quorumStillReachable"], 422);
    const recusing = await clientFor("fund2@hamkke.demo", "ko");
    expect((await recusing.post(staffPath, { intent: "conflict", reason: "신청 기업 대표와 친족" })).headers.get("Location")).toContain("notice=conflictRecorded");
    const admin = await clientFor("fund1@hamkke.demo", "ko");
    expect(await (await admin.get(staffPath)).text()).toContain('data-testid="no-quorum-form"');
    await expectRefusedInBothLanguages("fund1@hamkke.demo", staffPath, { intent: "close_no_quorum", note: "" }, ["required"], 422);
    expect((await admin.post(staffPath, { intent: "close_no_quorum", note: "위원 1명 회피로 정족수 미달" })).headers.get("Location")).toContain("notice=committeeClosedNoQuorum");
    expect((await t.db.selectFrom("loan_applications").select("state").where("id", "=", applicationId).executeTakeFirstOrThrow()).state).toBe("closed_no_quorum");
    const owner = app.client();
    await owner.logIn("jahwal@hamkke.demo", DEMO_PASSWORD);
    owner.useLocale("en");
    expect(await (await owner.get(`/enterprises/${coffee}/loans/applications/${applicationId}`)).text()).toContain(dictionaries.en.loans.applicationStates.closed_no_quorum);
  });
});
