import { sql } from "kysely";
import { renderedEmailsTo } from "../../app/email/outbox.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fundCash, fundWriteOffs, loanReceivable } from "../../app/fund/fund";
import { runTick } from "../../app/jobs/tick.server";
import { getBalance, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { castVote, closeCommittee, declareConflict, reviewDocuments, startReview, submitApplication } from "../../app/loans/applications.server";
import { LOAN_DOCUMENT_TYPES } from "../../app/loans/loans";
import {
  contractLoan,
  declareDefault,
  disburseLoan,
  extendLoan,
  getLoan,
  loadInstalments,
  recordRepayment,
  type RepaymentRequest,
} from "../../app/loans/loans.server";
import { approveWriteOff, requestWriteOff } from "../../app/loans/write-offs.server";
import { loadPortfolio } from "../../app/loans/portfolio.server";
import { publishProductVersion } from "../../app/loans/products.server";
import { addDays, addMonthsClamped, buildSchedule } from "../../app/loans/schedule";
import { outstandingPrincipal, quotePrepayment } from "../../app/loans/servicing";
import { AppError } from "../../app/utils/app-error";
import { seoulDate } from "../../app/utils/dates";
import { createDatabase } from "../../app/utils/db.server";
import { demoPdf } from "../../db/seed/fund-demo";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { enterpriseId, userId } from "../support/seed";
import { seoulDateAfter } from "../support/dates";
import { createTestServices, type TestServices } from "../support/services";

let t: TestDatabase;
let services: TestServices;
let fundId: number;
let coffee: number;
let jahwal: number;
let fund1: number;
let fund2: number;
let productV1: number;

const ORIGIN = "http://localhost:3000";
const CLOCK_START = new Date("2026-11-24T03:00:00Z");
/** The 1st of the next month: the lease starts and the loan is paid out then. */
const DISBURSED_ON = seoulDateAfter(CLOCK_START, 7);
/** The lease of the main application: two years from its start on the 1st of next month (737 days after the clock's start). */
const TWO_YEAR_LEASE_ENDS_ON = seoulDateAfter(CLOCK_START, 737);

beforeAll(async () => {
  t = await createDemoDatabase();
  services = createTestServices(t.db, CLOCK_START.toISOString());
  const fund = await t.db.selectFrom("funds").select("id").executeTakeFirstOrThrow();
  fundId = fund.id;
  coffee = await enterpriseId(t, "커피마루 운암점");
  jahwal = await userId(t, "jahwal@hamkke.demo");
  fund1 = await userId(t, "fund1@hamkke.demo");
  fund2 = await userId(t, "fund2@hamkke.demo");
  productV1 = (await t.db.selectFrom("loan_products").select("id").where("is_current", "=", true).executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t.drop();
});

function today(): string {
  return seoulDate(services.clock.now());
}

/** Moves the clock to 10:00 in Seoul on `date` and runs the scheduled sweeps, as the job does. */
async function moveTo(date: string) {
  services.clock.set(`${date}T01:00:00Z`);
  return runTick(services);
}

function documents() {
  return LOAN_DOCUMENT_TYPES.slice(0, 4).map((docType) => ({ docType, file: new File([demoPdf(docType)], `${docType}.pdf`, { type: "application/pdf" }) }));
}

async function sumOf(query: Promise<{ total: string | number | null }[]>): Promise<number> {
  const [row] = await query;
  return Number(row?.total ?? 0);
}

/** The fund's books agree: cash = sources − uses + repayments; every receivable = schedule's unpaid principal. */
async function expectBooksBalanced() {
  const contributions = await sumOf(sql<{ total: string }>`SELECT sum(amount_won) AS total FROM fund_contributions WHERE fund_id = ${fundId}`.execute(t.db).then((r) => r.rows));
  const grants = await sumOf(sql<{ total: string }>`SELECT sum(amount_won) AS total FROM fund_grants WHERE fund_id = ${fundId}`.execute(t.db).then((r) => r.rows));
  const disbursed = await sumOf(sql<{ total: string }>`SELECT sum(principal_won) AS total FROM loans WHERE fund_id = ${fundId} AND disbursed_on IS NOT NULL`.execute(t.db).then((r) => r.rows));
  const repaid = await sumOf(sql<{ total: string }>`SELECT sum(r.amount_won) AS total FROM loan_repayments r JOIN loans l ON l.id = r.loan_id WHERE l.fund_id = ${fundId}`.execute(t.db).then((r) => r.rows));
  const recovered = await sumOf(sql<{ total: string }>`SELECT sum(r.amount_won) AS total FROM loan_recoveries r JOIN loans l ON l.id = r.loan_id WHERE l.fund_id = ${fundId}`.execute(t.db).then((r) => r.rows));
  expect(await getBalance(t.db, fundCash(fundId).code)).toBe(contributions - grants - disbursed + repaid + recovered);
  const loans = await t.db.selectFrom("loans").select(["id", "principal_won", "written_off_won"]).where("disbursed_on", "is not", null).execute();
  for (const loan of loans) {
    const instalments = await loadInstalments(t.db, loan.id);
    const repaidPrincipal = await sumOf(sql<{ total: string }>`SELECT sum(principal_won) AS total FROM loan_repayments WHERE loan_id = ${loan.id}`.execute(t.db).then((r) => r.rows));
    expect(instalments.reduce((s, i) => s + i.principalDueWon, 0)).toBe(loan.principal_won);
    expect(await getBalance(t.db, loanReceivable(loan.id).code)).toBe(loan.principal_won - repaidPrincipal - loan.written_off_won);
    if (loan.written_off_won === 0) expect(outstandingPrincipal(instalments)).toBe(loan.principal_won - repaidPrincipal);
  }
  expect((await verifyStoredLedger(t.db)).ok).toBe(true);
}

function repayment(loanId: number, amountWon: number, key: string, extra: Partial<RepaymentRequest> = {}): RepaymentRequest {
  return {
    loanId,
    kind: "instalment",
    method: "bank_transfer",
    amountWon,
    paidOn: today(),
    externalReference: `BANK-${key}`,
    idempotencyKey: `test-key-${key}`,
    recordedBy: fund1,
    today: today(),
    now: services.clock.now(),
    origin: ORIGIN,
    ...extra,
  };
}

async function expectRefusal(work: Promise<unknown>, code: string) {
  await expect(work).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === code);
}

describe("a lease-deposit loan from application to closure, month by month", () => {
  let applicationId = 0;
  let loanId = 0;

  it("takes the application, the review and the committee with two administrators", async () => {
    await expectBooksBalanced();
    const submitted = await submitApplication(t.db, {
      enterpriseId: coffee,
      userId: jahwal,
      input: {
        productId: productV1,
        amountWon: 100_000_000,
        purpose: "운암동 신규 매장 임대보증금",
        storeAddress: "광주 북구 운암동",
        landlordName: "김임대",
        leaseDepositWon: 120_000_000,
        leaseStartsOn: DISBURSED_ON,
        leaseEndsOn: TWO_YEAR_LEASE_ENDS_ON,
        idempotencyKey: "lifecycle-application-1",
      },
      documents: documents().slice(0, 3),
      fileStore: services.fileStore,
      now: services.clock.now(),
    });
    applicationId = submitted.id;
    // The same form sent twice is one application.
    const again = await submitApplication(t.db, {
      enterpriseId: coffee,
      userId: jahwal,
      input: { productId: productV1, amountWon: 100_000_000, purpose: "x", storeAddress: "x", landlordName: "x", leaseDepositWon: 120_000_000, leaseStartsOn: DISBURSED_ON, leaseEndsOn: TWO_YEAR_LEASE_ENDS_ON, idempotencyKey: "lifecycle-application-1" },
      documents: [],
      fileStore: services.fileStore,
      now: services.clock.now(),
    });
    expect(again).toEqual({ id: applicationId, duplicate: true });

    // A product change after the application never touches what was applied for.
    await publishProductVersion(
      t.db,
      fundId,
      { code: "store-lease-deposit", name: "전세점포임대 융자금", purpose: "", capWon: 100_000_000, rateBp: 200, termMonths: 36, repaymentMethod: "equal_instalment", graceMonths: 3, penaltyBp: 300, delinquencyGraceDays: 30, eligibleTypes: ["self_sufficiency_enterprise"], requiredDocuments: ["business_registration", "lease_contract"] },
      fund1,
      services.clock.now(),
    );

    await expectRefusal(startReview(t.db, applicationId, jahwal, services.clock.now()), "memberCannotVote");
    await startReview(t.db, applicationId, fund1, services.clock.now());
    await expectRefusal(reviewDocuments(t.db, { applicationId, reviewerId: fund1, decision: "pass", note: "", origin: ORIGIN, now: services.clock.now() }), "documentsMissing");
    const [business] = documents().slice(3);
    if (!business) throw new Error("no fourth document");
    const { uploadApplicationDocument } = await import("../../app/loans/applications.server");
    await uploadApplicationDocument(t.db, { applicationId, docType: business.docType, file: business.file, userId: jahwal, fileStore: services.fileStore });
    expect(await reviewDocuments(t.db, { applicationId, reviewerId: fund1, decision: "pass", note: "서류 확인", origin: ORIGIN, now: services.clock.now() })).toBe("committee");

    await castVote(t.db, { applicationId, voterId: fund1, vote: "approve", comment: "상환 능력 충분", now: services.clock.now() });
    await expectRefusal(castVote(t.db, { applicationId, voterId: fund1, vote: "approve", comment: "", now: services.clock.now() }), "alreadyVoted");
    await expectRefusal(castVote(t.db, { applicationId, voterId: jahwal, vote: "approve", comment: "", now: services.clock.now() }), "memberCannotVote");
    // One administrator is never enough, whatever the quorum says.
    await expectRefusal(closeCommittee(t.db, { applicationId, deciderId: fund1, note: "", origin: ORIGIN, now: services.clock.now() }), "quorumNotMet");
    await castVote(t.db, { applicationId, voterId: fund2, vote: "approve", comment: "", now: services.clock.now() });
    expect(await closeCommittee(t.db, { applicationId, deciderId: fund2, note: "승인", origin: ORIGIN, now: services.clock.now() })).toBe("approved");
    const [letter] = await renderedEmailsTo(t.db, "jahwal@hamkke.demo", "loanDecision");
    if (!letter) throw new Error("no decision letter");
    expect(letter.subject).toContain("승인되었습니다");
    expect(letter.text_body).toContain("100,000,000원");
    expect(letter.text_body).toContain("찬성 2 · 반대 0");
  });

  it("contracts on the approved version's terms and pays the landlord from the fund", async () => {
    const balanceBefore = await getBalance(t.db, fundCash(fundId).code);
    loanId = await contractLoan(t.db, { applicationId, userId: fund1, contractedOn: today(), today: today(), now: services.clock.now() });
    const contracted = await getLoan(t.db, loanId);
    expect(contracted).toMatchObject({ rate_bp: 100, repayment_method: "bullet", term_months: 24, grace_months: 0, penalty_bp: 300, product_version: 1, state: "contracted" });

    await moveTo(DISBURSED_ON);
    await expectRefusal(disburseLoan(t.db, { loanId, userId: fund1, disbursedOn: seoulDateAfter(CLOCK_START, 8), reference: "TR-1", today: today(), now: services.clock.now(), origin: ORIGIN }), "dateInFuture");
    await disburseLoan(t.db, { loanId, userId: fund1, disbursedOn: DISBURSED_ON, reference: "TR-1", today: today(), now: services.clock.now(), origin: ORIGIN });
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(balanceBefore - 100_000_000);
    expect(await getBalance(t.db, loanReceivable(loanId).code)).toBe(100_000_000);
    const entry = await t.db.selectFrom("journal_entries").select(["kind", "canonical_before_seq"]).where("idempotency_key", "=", `loan:${loanId}:disbursement`).executeTakeFirstOrThrow();
    expect(entry.kind).toBe("loan.disbursement");
    expect(entry.canonical_before_seq).toContain('"paid_to":"landlord"');
    expect(entry.canonical_before_seq).not.toContain("김임대");
    const instalments = await loadInstalments(t.db, loanId);
    const expected = buildSchedule({ principalWon: 100_000_000, rateBp: 100, termMonths: 24, graceMonths: 0, method: "bullet", startDate: DISBURSED_ON });
    expect(instalments.map((i) => [i.dueDate, i.principalDueWon, i.interestDueWon])).toEqual(expected.map((r) => [r.dueDate, r.principalWon, r.interestWon]));
    // December 2026 has 31 days: 84,931 won; February 2027 28 days: 76,712.
    expect(instalments[0]).toMatchObject({ dueDate: addMonthsClamped(DISBURSED_ON, 1), interestDueWon: 84_931 });
    expect(instalments[2]).toMatchObject({ dueDate: addMonthsClamped(DISBURSED_ON, 3), interestDueWon: 76_712 });
    await expectBooksBalanced();
  });

  it("services the loan as the clock moves month by month: reminders, arrears, penalty, cure, prepayment, extension, closure", async () => {
    const noticesTo = async (template: string) =>
      (await t.db.selectFrom("email_outbox").select("subject").where("to_address", "=", "jahwal@hamkke.demo").where("template", "=", template).execute()).map((r) => r.subject);

    // Months 1–3 paid on their due dates; a reminder a week before each.
    for (let n = 1; n <= 3; n++) {
      const instalment = (await loadInstalments(t.db, loanId)).find((i) => i.number === n);
      if (!instalment) throw new Error(`no instalment ${n}`);
      await moveTo(addDays(instalment.dueDate, -7));
      await moveTo(instalment.dueDate);
      const result = await recordRepayment(t.db, repayment(loanId, instalment.interestDueWon, `m${n}`));
      expect(result.allocation).toMatchObject({ interestWon: instalment.interestDueWon, principalWon: 0, penaltyWon: 0 });
      expect(result.loanState).toBe("repaying");
      await expectBooksBalanced();
    }
    expect((await noticesTo("loanPaymentNotice")).filter((s) => s.includes("납부 안내"))).toHaveLength(3);

    // Month 4 is missed: an overdue notice the day after, delinquent after 30 grace days.
    const fourth = (await loadInstalments(t.db, loanId)).find((i) => i.number === 4);
    if (!fourth) throw new Error("no instalment 4");
    await moveTo(addDays(fourth.dueDate, 1));
    expect((await getLoan(t.db, loanId))?.state).toBe("repaying");
    expect((await noticesTo("loanPaymentNotice")).filter((s) => s.includes("연체 안내"))).toHaveLength(1);
    await moveTo(addDays(fourth.dueDate, 30));
    expect((await getLoan(t.db, loanId))?.state).toBe("repaying");
    await moveTo(addDays(fourth.dueDate, 31));
    expect((await getLoan(t.db, loanId))?.state).toBe("delinquent");
    expect((await noticesTo("loanPaymentNotice")).filter((s) => s.includes("연체 통지"))).toHaveLength(1);
    const portfolio = await loadPortfolio(t.db, fundId, today());
    const row = portfolio.loans.find((l) => l.id === loanId);
    expect(row).toMatchObject({ daysOverdue: 31, bucket: "31_90", state: "delinquent" });
    expect(portfolio.buckets.find((b) => b.bucket === "31_90")?.count).toBeGreaterThanOrEqual(1);

    // Paying the arrears on day 35: penalty first (4 % a year on each unpaid instalment for the days it is late), then their interest.
    await moveTo(addDays(fourth.dueDate, 35));
    const fifth = (await loadInstalments(t.db, loanId)).find((i) => i.number === 5);
    if (!fifth) throw new Error("no instalment 5");
    const penalty4 = Math.floor((fourth.interestDueWon * 400 * 35) / 3_650_000);
    const penalty5 = Math.floor((fifth.interestDueWon * 400 * (35 - 30)) / 3_650_000);
    const cured = await recordRepayment(t.db, repayment(loanId, penalty4 + penalty5 + fourth.interestDueWon + fifth.interestDueWon, "arrears"));
    expect(cured.allocation).toMatchObject({ penaltyWon: penalty4 + penalty5, interestWon: fourth.interestDueWon + fifth.interestDueWon, principalWon: 0 });
    expect(cured.loanState).toBe("repaying");
    const events = await t.db.selectFrom("loan_events").select("kind").where("loan_id", "=", loanId).orderBy("id").execute();
    expect(events.map((e) => e.kind)).toEqual(["contracted", "disbursed", "delinquent", "cured"]);
    await expectBooksBalanced();

    // A partial prepayment of 30,000,000 ten days into a period re-schedules the rest.
    const sixth = (await loadInstalments(t.db, loanId)).find((i) => i.number === 6);
    if (!sixth) throw new Error("no instalment 6");
    await moveTo(addDays(sixth.dueDate, -10));
    const quote = quotePrepayment(
      { principalWon: 100_000_000, rateBp: 100, penaltyBp: 300, method: "bullet", graceMonths: 0, termMonths: 24, disbursedOn: DISBURSED_ON },
      await loadInstalments(t.db, loanId),
      today(),
    );
    if (!quote.ok) throw new Error("no quote");
    const prepaid = await recordRepayment(t.db, repayment(loanId, quote.quote.accruedInterestWon + 30_000_000, "prepay", { kind: "prepayment" }));
    expect(prepaid.allocation.principalWon).toBe(30_000_000);
    const afterPrepayment = await loadInstalments(t.db, loanId);
    expect(outstandingPrincipal(afterPrepayment)).toBe(70_000_000);
    expect(afterPrepayment.at(-1)?.principalDueWon).toBe(70_000_000);
    expect(afterPrepayment.find((i) => i.kind === "prepayment")).toMatchObject({ principalDueWon: 30_000_000, paidOffOn: today() });
    await expectBooksBalanced();

    // Extend by 6 months from the next instalment.
    await extendLoan(t.db, { loanId, months: 6, reason: "임대차 계약 연장", userId: fund2, today: today(), now: services.clock.now(), origin: ORIGIN });
    const extended = await getLoan(t.db, loanId);
    expect(extended).toMatchObject({ term_months: 30, original_term_months: 24, maturity_on: addMonthsClamped(DISBURSED_ON, 30) });
    await expectBooksBalanced();

    // Every remaining month paid on its due date until the deposit comes back with the last one.
    for (;;) {
      const next = (await loadInstalments(t.db, loanId)).find((i) => i.paidOffOn === null);
      if (!next) break;
      await moveTo(next.dueDate);
      await recordRepayment(t.db, repayment(loanId, next.principalDueWon + next.interestDueWon, `n${next.number}`));
    }
    const closed = await getLoan(t.db, loanId);
    expect(closed).toMatchObject({ state: "closed", closed_on: addMonthsClamped(DISBURSED_ON, 30) });
    expect(await getBalance(t.db, loanReceivable(loanId).code)).toBe(0);
    expect(await noticesTo("loanStatus")).toEqual(expect.arrayContaining([expect.stringContaining("모두 상환했습니다")]));
    await expectBooksBalanced();
    // Nothing is taken on a closed loan.
    await expectRefusal(recordRepayment(t.db, repayment(loanId, 1, "after-close")), "loanNotActive");
  });

  it("the sweep is idempotent: a second tick changes nothing", async () => {
    await runTick(services);
    const second = await runTick(services);
    expect(second.find((r) => r.name === "loans.servicing")?.changed).toBe(0);
  });
});

describe("repayments are recorded once", () => {
  let loanId = 0;
  beforeAll(async () => {
    services.clock.set("2026-11-24T03:00:00Z");
    const loan = await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", await enterpriseId(t, "찬찬찬")).executeTakeFirstOrThrow();
    loanId = loan.id;
  });

  it("records the same key twice as one repayment, and refuses the key with another body", async () => {
    const instalments = await loadInstalments(t.db, loanId);
    const next = instalments.find((i) => i.paidOffOn === null);
    if (!next) throw new Error("nothing due");
    const request = repayment(loanId, next.interestDueWon, "double");
    const first = await recordRepayment(t.db, request);
    const second = await recordRepayment(t.db, request);
    expect(second).toEqual({ ...first, duplicate: true });
    expect(await t.db.selectFrom("loan_repayments").select("id").where("idempotency_key", "=", request.idempotencyKey).execute()).toHaveLength(1);
    await expectRefusal(recordRepayment(t.db, { ...request, amountWon: request.amountWon + 1 }), "requestNumberReused");
  });

  it("records it once when the same key arrives on five connections at once", async () => {
    const before = await t.db.selectFrom("journal_entries").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const request = repayment(loanId, 1_000, "concurrent");
    const pools = Array.from({ length: 5 }, () => createDatabase(t.url, { max: 1 }));
    try {
      const results = await Promise.all(pools.map((pool) => recordRepayment(pool, request)));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.repaymentId)).size).toBe(1);
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    const after = await t.db.selectFrom("journal_entries").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(1);
    await expectBooksBalanced();
  });

  it("takes an online confirmation once per provider payment id (the seam for the payment provider)", async () => {
    const online = repayment(loanId, 500, "online-1", { method: "online", recordedBy: null, externalReference: "pi_demo_123", idempotencyKey: "online:pi_demo_123" });
    const first = await recordRepayment(t.db, online);
    expect(first.duplicate).toBe(false);
    expect((await recordRepayment(t.db, online)).duplicate).toBe(true);
    await expectBooksBalanced();
  });

  it("refuses bad dates and amounts with clear reasons and writes nothing", async () => {
    const head = await t.db.selectFrom("ledger_head").select("seq").executeTakeFirstOrThrow();
    await expectRefusal(recordRepayment(t.db, repayment(loanId, 1_000, "future", { paidOn: "2026-11-25" })), "dateInFuture");
    await expectRefusal(recordRepayment(t.db, repayment(loanId, 1_000, "early", { paidOn: "2020-01-01" })), "dateBeforeDisbursement");
    await expectRefusal(recordRepayment(t.db, repayment(loanId, 1_000, "backdated", { paidOn: "2026-08-01" })), "dateBeforeLastRepayment");
    await expectRefusal(recordRepayment(t.db, repayment(loanId, 999_999_999, "too-much")), "amountAboveDue");
    // The next instalment was partly paid early above: it has to be completed before any prepayment.
    await expectRefusal(recordRepayment(t.db, repayment(loanId, 999_999_999, "too-much-prepay", { kind: "prepayment" })), "instalmentPartlyPaid");
    expect((await t.db.selectFrom("ledger_head").select("seq").executeTakeFirstOrThrow()).seq).toBe(head.seq);
  });
});

describe("default and write-off by decision", () => {
  it("writes off the principal outstanding of a defaulted loan in the ledger", async () => {
    services.clock.set("2026-11-24T03:00:00Z");
    const loan = await t.db.selectFrom("loans").selectAll().where("enterprise_id", "=", await enterpriseId(t, "우리동구카페")).executeTakeFirstOrThrow();
    expect(loan.state).toBe("delinquent");
    await expectRefusal(requestWriteOff(t.db, { fundId, loanId: loan.id, reason: "회수 불능", userId: fund1, today: today(), now: services.clock.now() }), "loanNotActive");
    await declareDefault(t.db, { loanId: loan.id, reason: "3개월 이상 연체, 연락 두절", userId: fund1, today: today(), now: services.clock.now(), origin: ORIGIN });
    const outstanding = await getBalance(t.db, loanReceivable(loan.id).code);
    const writeOffsBefore = await getBalance(t.db, fundWriteOffs(fundId).code);
    const request = await requestWriteOff(t.db, { fundId, loanId: loan.id, reason: "회수 불능 (위원회 결정)", userId: fund1, today: today(), now: services.clock.now() });
    // Asked for, not yet written off: the books have not moved.
    expect(await getBalance(t.db, loanReceivable(loan.id).code)).toBe(outstanding);
    await approveWriteOff(t.db, { fundId, requestId: request.id, deciderId: fund2, note: "", today: today(), now: services.clock.now(), origin: ORIGIN });
    expect(await getBalance(t.db, loanReceivable(loan.id).code)).toBe(0);
    expect(await getBalance(t.db, fundWriteOffs(fundId).code)).toBe(writeOffsBefore + outstanding);
    expect(await getLoan(t.db, loan.id)).toMatchObject({ state: "written_off", written_off_won: outstanding, state_reason: "회수 불능 (위원회 결정)" });
    await expectBooksBalanced();
  });
});

describe("the database enforces the committee and the contracts (direct SQL as the app role)", () => {
  let applicationId = 0;
  let chan = 0;
  let operator = 0;

  beforeAll(async () => {
    chan = await enterpriseId(t, "찬찬찬");
    operator = await userId(t, "operator@hamkke.demo");
    const chanUser = await userId(t, "chan@hamkke.demo");
    // A second lease for the same enterprise under another product code, straight into the committee.
    const product = await t.db
      .insertInto("loan_products")
      .values({ fund_id: fundId, code: "second-store", name: "제2점포", cap_won: 50_000_000, rate_bp: 100, term_months: 12, repayment_method: "bullet", required_documents: ["business_registration"] })
      .returning("id")
      .executeTakeFirstOrThrow();
    const app = await submitApplication(t.db, {
      enterpriseId: chan,
      userId: chanUser,
      input: { productId: product.id, amountWon: 10_000_000, purpose: "제2점포", storeAddress: "광주", landlordName: "이임대", leaseDepositWon: 10_000_000, leaseStartsOn: DISBURSED_ON, leaseEndsOn: seoulDateAfter(CLOCK_START, 372), idempotencyKey: "db-guard-application" },
      documents: documents().slice(0, 1),
      fileStore: services.fileStore,
      now: services.clock.now(),
    });
    applicationId = app.id;
    await startReview(t.db, applicationId, fund1, services.clock.now());
    await reviewDocuments(t.db, { applicationId, reviewerId: fund1, decision: "pass", note: "", origin: ORIGIN, now: services.clock.now() });
  });

  const approve = (decidedBy: number) =>
    sql`UPDATE loan_applications SET state = 'approved', decided_by = ${decidedBy}, decided_at = now() WHERE id = ${applicationId}`.execute(t.db);
  const vote = (voter: number, value = "approve") =>
    sql`INSERT INTO loan_votes (application_id, voter_id, vote, no_conflict_affirmed, voted_at) VALUES (${applicationId}, ${voter}, ${value}, true, now())`.execute(t.db);

  it("refuses an approval without the quorum and two different administrators", async () => {
    await expect(approve(fund1)).rejects.toThrow(/quorum/);
    await vote(fund1);
    await expect(approve(fund1)).rejects.toThrow(/quorum/);
    await expect(vote(fund1)).rejects.toThrow(/duplicate key|loan_votes_pkey/);
  });

  it("refuses votes from members of the applicant, non-administrators and the conflicted", async () => {
    await t.db.insertInto("enterprise_members").values({ enterprise_id: chan, user_id: fund2, role: "member" }).execute();
    await expect(vote(fund2)).rejects.toThrow(/member of the applicant/);
    await t.db.deleteFrom("enterprise_members").where("enterprise_id", "=", chan).where("user_id", "=", fund2).execute();
    await expect(vote(operator)).rejects.toThrow(/only fund administrators/);
    const auditor = await userId(t, "auditor@hamkke.demo");
    await t.db.insertInto("staff_roles").values({ user_id: auditor, host_id: (await t.db.selectFrom("funds").select("host_id").executeTakeFirstOrThrow()).host_id, role: "fund_admin" }).execute();
    await declareConflict(t.db, { applicationId, userId: auditor, reason: "대표와 친족", now: services.clock.now() });
    await expect(vote(auditor)).rejects.toThrow(/declared a conflict/);
  });

  it("refuses changing or deleting votes, and an approval carried only by a vote from someone who then joined the applicant", async () => {
    await expect(sql`UPDATE loan_votes SET vote = 'reject' WHERE application_id = ${applicationId}`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM loan_votes WHERE application_id = ${applicationId}`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`UPDATE loan_votes SET vote = 'reject' WHERE application_id = ${applicationId}`.execute(t.owner)).rejects.toThrow(/final/);
    await vote(fund2);
    await t.db.insertInto("enterprise_members").values({ enterprise_id: chan, user_id: fund2, role: "member" }).execute();
    await expect(approve(fund1)).rejects.toThrow(/quorum/);
    await t.db.deleteFrom("enterprise_members").where("enterprise_id", "=", chan).where("user_id", "=", fund2).execute();
    // A member of the applicant cannot record the decision either.
    await t.db.insertInto("enterprise_members").values({ enterprise_id: chan, user_id: fund1, role: "member" }).execute();
    await expect(approve(fund1)).rejects.toThrow(/not a member of the applicant/);
    await t.db.deleteFrom("enterprise_members").where("enterprise_id", "=", chan).where("user_id", "=", fund1).execute();
    await approve(fund1);
    expect((await t.db.selectFrom("loan_applications").select("state").where("id", "=", applicationId).executeTakeFirstOrThrow()).state).toBe("approved");
  });

  it("refuses a contract whose terms differ from the product version, and edits of frozen terms", async () => {
    const app = await t.db.selectFrom("loan_applications").selectAll().where("id", "=", applicationId).executeTakeFirstOrThrow();
    const insert = (rate: number) => sql`
      INSERT INTO loans (application_id, fund_id, enterprise_id, product_id, principal_won, rate_bp, penalty_bp, term_months,
        original_term_months, repayment_method, grace_months, delinquency_grace_days, landlord_name, store_address, contracted_on, contracted_by)
      VALUES (${app.id}, ${app.fund_id}, ${app.enterprise_id}, ${app.product_id}, ${app.amount_won}, ${rate}, 300, 12, 12, 'bullet', 0, 30,
        ${app.landlord_name}, ${app.store_address}, '2026-11-24', ${fund1}) RETURNING id`.execute(t.db);
    await expect(insert(50)).rejects.toThrow(/contract terms must be those/);
    const loanId = (await insert(100)).rows[0] as { id: number };
    await expect(sql`UPDATE loans SET rate_bp = 50 WHERE id = ${loanId.id}`.execute(t.db)).rejects.toThrow(/frozen/);
    await expect(sql`UPDATE loan_products SET rate_bp = 50 WHERE id = ${app.product_id}`.execute(t.db)).rejects.toThrow(/never changed/);
    await expect(sql`DELETE FROM loan_products WHERE id = ${app.product_id}`.execute(t.db)).rejects.toThrow(/permission denied/);
  });

  it("refuses a schedule that does not sum to the principal, rewriting paid instalments and early closure", async () => {
    const loan = await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", chan).where("state", "=", "repaying").executeTakeFirstOrThrow();
    const unpaid = await t.db.selectFrom("loan_instalments").select("number").where("loan_id", "=", loan.id).where("paid_off_on", "is", null).orderBy("number", "desc").executeTakeFirstOrThrow();
    await expect(sql`UPDATE loan_instalments SET principal_due_won = principal_due_won + 1 WHERE loan_id = ${loan.id} AND number = ${unpaid.number}`.execute(t.db)).rejects.toThrow(/sums to/);
    await expect(sql`UPDATE loan_instalments SET interest_paid_won = 0 WHERE loan_id = ${loan.id} AND number = 1`.execute(t.db)).rejects.toThrow(/only ever records more payment/);
    await expect(sql`DELETE FROM loan_instalments WHERE loan_id = ${loan.id} AND number = 1`.execute(t.db)).rejects.toThrow(/has payments/);
    await expect(sql`UPDATE loans SET state = 'closed', closed_on = '2026-11-24' WHERE id = ${loan.id}`.execute(t.db)).rejects.toThrow(/closed only when every instalment is paid/);
    await expect(sql`DELETE FROM loan_repayments WHERE loan_id = ${loan.id}`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`UPDATE fund_contributions SET amount_won = 1`.execute(t.db)).rejects.toThrow(/permission denied/);
  });
});
