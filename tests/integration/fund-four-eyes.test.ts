import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderedEmailsTo } from "../../app/email/outbox.server";
import { fundCash, fundGrantsOut, fundRecoveries, fundWriteOffs, loanReceivable } from "../../app/fund/fund";
import { approveFundGrant, declineFundGrant, requestFundGrant, type GrantRequestInput } from "../../app/fund/grant-requests.server";
import { getBalance, verifyStoredLedger } from "../../app/ledger/ledger.server";
import { declareDefault, getLoan } from "../../app/loans/loans.server";
import { recordRecovery, type RecoveryRequest } from "../../app/loans/recoveries.server";
import { approveWriteOff, declineWriteOff, requestWriteOff } from "../../app/loans/write-offs.server";
import { AppError } from "../../app/utils/app-error";
import { seoulDate } from "../../app/utils/dates";
import { createDatabase } from "../../app/utils/db.server";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { enterpriseId, userId } from "../support/seed";
import { createTestServices, type TestServices } from "../support/services";
import { journalSize } from "../support/ledger";

// Decision 29: a grant and a write-off are requested by one fund administrator and approved by
// another; the money moves only then, once, whatever is sent twice or at the same moment. The
// database refuses the shortcuts too (direct SQL as the app's role). Decision 32: recoveries.

let t: TestDatabase;
let services: TestServices;
let fundId = 0;
let hostId = 0;
let fund1 = 0;
let fund2 = 0;
let fund3 = 0;
let cafeLoan = 0;

const ORIGIN = "http://localhost:3000";

beforeAll(async () => {
  t = await createDemoDatabase();
  services = createTestServices(t.db, "2026-11-24T03:00:00Z");
  const fund = await t.db.selectFrom("funds").select(["id", "host_id"]).executeTakeFirstOrThrow();
  fundId = fund.id;
  hostId = fund.host_id;
  fund1 = await userId(t, "fund1@hamkke.demo");
  fund2 = await userId(t, "fund2@hamkke.demo");
  // A third administrator, so two approvers can race each other.
  fund3 = await userId(t, "auditor@hamkke.demo");
  await t.db.insertInto("staff_roles").values({ user_id: fund3, host_id: hostId, role: "fund_admin" }).execute();
  cafeLoan = (await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", await enterpriseId(t, "우리동구카페")).executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t.drop();
});

function today(): string {
  return seoulDate(services.clock.now());
}

async function expectRefusal(work: Promise<unknown>, code: string, status?: number) {
  await expect(work).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === code && (status === undefined || error.status === status));
}

async function ledgerSize(): Promise<number> {
  return journalSize(t.db);
}

function grantRequest(key: string, amountWon = 2_000_000): GrantRequestInput {
  return {
    fundId,
    hostId,
    input: { category: "equipment", recipient: "자활기업 냉장 설비 (테스트)", area: "전북 전주시", purpose: "냉장 쇼케이스", expectedEffect: "", amountWon, grantedOn: "2026-11-20", idempotencyKey: key },
    evidence: null,
    fileStore: services.fileStore,
    requestedBy: fund1,
    now: services.clock.now(),
  };
}

describe("a grant needs a second fund administrator", () => {
  it("asks without paying, refuses the maker, and pays once on a second administrator's approval", async () => {
    const cash = await getBalance(t.db, fundCash(fundId).code);
    const before = await ledgerSize();
    const request = await requestFundGrant(t.db, grantRequest("four-eyes-grant-1"));
    expect(request.duplicate).toBe(false);
    // The same form twice is one request; nothing has left the fund yet.
    expect(await requestFundGrant(t.db, grantRequest("four-eyes-grant-1"))).toEqual({ id: request.id, duplicate: true });
    expect(await ledgerSize()).toBe(before);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(cash);

    await expectRefusal(approveFundGrant(t.db, { fundId, requestId: request.id, deciderId: fund1, note: "", now: services.clock.now() }), "makerCannotDecide", 403);
    await expectRefusal(declineFundGrant(t.db, { fundId, requestId: request.id, deciderId: fund1, note: "취소", now: services.clock.now() }), "makerCannotDecide", 403);
    // Another fund's request id is not there.
    await expectRefusal(approveFundGrant(t.db, { fundId: fundId + 1000, requestId: request.id, deciderId: fund2, note: "", now: services.clock.now() }), "invalidChoice", 404);
    expect(await ledgerSize()).toBe(before);

    const approved = await approveFundGrant(t.db, { fundId, requestId: request.id, deciderId: fund2, note: "확인", now: services.clock.now() });
    expect(approved.duplicate).toBe(false);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(cash - 2_000_000);
    const grant = await t.db.selectFrom("fund_grants").selectAll().where("id", "=", approved.grantId).executeTakeFirstOrThrow();
    expect(grant).toMatchObject({ request_id: request.id, recorded_by: fund1, approved_by: fund2, amount_won: 2_000_000 });
    const entry = await t.db.selectFrom("journal_entries").select(["kind", "canonical_before_seq"]).where("id", "=", grant.ledger_entry_id).executeTakeFirstOrThrow();
    expect(entry.kind).toBe("fund.grant");
    expect(entry.canonical_before_seq).toContain(fundGrantsOut(fundId, "equipment").code);

    // Approving again is the approval already made; declining now is too late.
    expect(await approveFundGrant(t.db, { fundId, requestId: request.id, deciderId: fund3, note: "", now: services.clock.now() })).toEqual({ grantId: approved.grantId, duplicate: true });
    await expectRefusal(declineFundGrant(t.db, { fundId, requestId: request.id, deciderId: fund3, note: "늦은 반려", now: services.clock.now() }), "requestAlreadyDecided", 409);
    expect(await ledgerSize()).toBe(before + 1);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("pays once when the same request is approved on several connections at once, by two administrators", async () => {
    const request = await requestFundGrant(t.db, grantRequest("four-eyes-grant-race", 1_500_000));
    const cash = await getBalance(t.db, fundCash(fundId).code);
    const before = await ledgerSize();
    const pools = Array.from({ length: 4 }, () => createDatabase(t.url, { max: 1 }));
    try {
      const results = await Promise.all(pools.map((pool, i) => approveFundGrant(pool, { fundId, requestId: request.id, deciderId: i % 2 === 0 ? fund2 : fund3, note: "", now: services.clock.now() })));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.grantId)).size).toBe(1);
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    expect(await ledgerSize()).toBe(before + 1);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(cash - 1_500_000);
    expect(await t.db.selectFrom("fund_grants").select("id").where("request_id", "=", request.id).execute()).toHaveLength(1);
  });

  it("records one request when the same form arrives on several connections at once", async () => {
    const pools = Array.from({ length: 4 }, () => createDatabase(t.url, { max: 1 }));
    try {
      const results = await Promise.all(pools.map((pool) => requestFundGrant(pool, grantRequest("four-eyes-grant-double"))));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
  });

  it("declines with a reason and pays nothing; above the fund's balance nothing is asked for", async () => {
    const request = await requestFundGrant(t.db, grantRequest("four-eyes-grant-declined"));
    const before = await ledgerSize();
    expect(await declineFundGrant(t.db, { fundId, requestId: request.id, deciderId: fund2, note: "지원 대상 중복", now: services.clock.now() })).toEqual({ duplicate: false });
    await expectRefusal(approveFundGrant(t.db, { fundId, requestId: request.id, deciderId: fund3, note: "", now: services.clock.now() }), "requestAlreadyDecided", 409);
    expect(await ledgerSize()).toBe(before);
    expect(await t.db.selectFrom("fund_grants").select("id").where("request_id", "=", request.id).execute()).toEqual([]);
    await expectRefusal(requestFundGrant(t.db, grantRequest("four-eyes-grant-too-much", 9_000_000_000)), "fundBalanceTooLow", 422);
    expect(await t.db.selectFrom("fund_grant_requests").select("id").where("idempotency_key", "=", "four-eyes-grant-too-much").execute()).toEqual([]);
  });
});

describe("a write-off needs a second fund administrator", () => {
  let requestId = 0;
  let outstanding = 0;

  it("asks without moving the books, once, and refuses the maker", async () => {
    await declareDefault(t.db, { loanId: cafeLoan, reason: "3개월 이상 연체, 연락 두절", userId: fund1, today: today(), now: services.clock.now(), origin: ORIGIN });
    outstanding = await getBalance(t.db, loanReceivable(cafeLoan).code);
    const before = await ledgerSize();
    const first = await requestWriteOff(t.db, { fundId, loanId: cafeLoan, reason: "회수 불능", userId: fund1, today: today(), now: services.clock.now() });
    requestId = first.id;
    // A second request while one waits is that one, whoever sends it.
    expect(await requestWriteOff(t.db, { fundId, loanId: cafeLoan, reason: "다른 사유", userId: fund2, today: today(), now: services.clock.now() })).toEqual({ id: requestId, duplicate: true });
    expect(await t.db.selectFrom("loan_write_off_requests").select(["outstanding_won", "state"]).where("loan_id", "=", cafeLoan).execute()).toEqual([{ outstanding_won: outstanding, state: "requested" }]);
    await expectRefusal(approveWriteOff(t.db, { fundId, requestId, deciderId: fund1, note: "", today: today(), now: services.clock.now(), origin: ORIGIN }), "makerCannotDecide", 403);
    expect(await ledgerSize()).toBe(before);
    expect((await getLoan(t.db, cafeLoan))?.state).toBe("defaulted");
  });

  it("is refused by the database without an approved request, or approved without writing off (direct SQL as the app role)", async () => {
    const entry = await t.db.selectFrom("journal_entries").select("id").orderBy("id", "desc").executeTakeFirstOrThrow();
    await expect(sql`UPDATE loans SET state = 'written_off', state_reason = 'x', written_off_won = 1, written_off_entry_id = ${entry.id} WHERE id = ${cafeLoan}`.execute(t.db)).rejects.toThrow(
      /written off only on a request approved by a second fund administrator/,
    );
    await expect(sql`UPDATE loans SET state = 'written_off', state_reason = 'x', written_off_won = 1, written_off_entry_id = ${entry.id}, write_off_request_id = ${requestId} WHERE id = ${cafeLoan}`.execute(t.db)).rejects.toThrow(
      /written off only on a request approved/,
    );
    await expect(sql`UPDATE loan_write_off_requests SET state = 'approved', decided_by = ${fund1}, decided_at = now() WHERE id = ${requestId}`.execute(t.db)).rejects.toThrow(/maker cannot decide/);
    // A second administrator's approval that does not write the loan off is refused at commit.
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`UPDATE loan_write_off_requests SET state = 'approved', decided_by = ${fund2}, decided_at = now() WHERE id = ${requestId}`.execute(trx);
      }),
    ).rejects.toThrow(/approved without writing its loan off/);
    await expect(sql`DELETE FROM loan_write_off_requests WHERE id = ${requestId}`.execute(t.db)).rejects.toThrow(/permission denied/);
    // A member of the borrower cannot decide, even as a fund administrator.
    const cafe = await enterpriseId(t, "우리동구카페");
    await t.db.insertInto("enterprise_members").values({ enterprise_id: cafe, user_id: fund3, role: "member" }).execute();
    await expectRefusal(approveWriteOff(t.db, { fundId, requestId, deciderId: fund3, note: "", today: today(), now: services.clock.now(), origin: ORIGIN }), "borrowerMemberCannotDecide", 403);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`UPDATE loan_write_off_requests SET state = 'declined', decided_by = ${fund3}, decided_at = now(), decision_note = 'x' WHERE id = ${requestId}`.execute(trx);
      }),
    ).rejects.toThrow(/not a member of the borrower/);
    await t.db.deleteFrom("enterprise_members").where("enterprise_id", "=", cafe).where("user_id", "=", fund3).execute();
    expect((await getLoan(t.db, cafeLoan))?.state).toBe("defaulted");
  });

  it("writes off once when two administrators approve at the same moment, and sends the letter", async () => {
    const writeOffs = await getBalance(t.db, fundWriteOffs(fundId).code);
    const before = await ledgerSize();
    const pools = Array.from({ length: 4 }, () => createDatabase(t.url, { max: 1 }));
    try {
      const results = await Promise.all(
        pools.map((pool, i) => approveWriteOff(pool, { fundId, requestId, deciderId: i % 2 === 0 ? fund2 : fund3, note: "위원회 결정", today: today(), now: services.clock.now(), origin: ORIGIN })),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    expect(await ledgerSize()).toBe(before + 1);
    expect(await getBalance(t.db, loanReceivable(cafeLoan).code)).toBe(0);
    expect(await getBalance(t.db, fundWriteOffs(fundId).code)).toBe(writeOffs + outstanding);
    expect(await getLoan(t.db, cafeLoan)).toMatchObject({ state: "written_off", written_off_won: outstanding, state_reason: "회수 불능" });
    const events = await t.db.selectFrom("loan_events").select("kind").where("loan_id", "=", cafeLoan).orderBy("id").execute();
    expect(events.map((e) => e.kind).slice(-3)).toEqual(["defaulted", "write_off_requested", "written_off"]);
    const letters = await renderedEmailsTo(t.db, "cafe@hamkke.demo", "loanStatus");
    expect(letters.some((l) => l.subject.includes("대손 처리"))).toBe(true);
    await expectRefusal(declineWriteOff(t.db, { fundId, requestId, deciderId: fund2, note: "늦음", today: today(), now: services.clock.now(), origin: ORIGIN }), "requestAlreadyDecided", 409);
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("declines with a reason, leaving the loan defaulted to be asked for again", async () => {
    const chan = await enterpriseId(t, "찬찬찬");
    const loan = await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", chan).executeTakeFirstOrThrow();
    await declareDefault(t.db, { loanId: loan.id, reason: "폐업", userId: fund2, today: today(), now: services.clock.now(), origin: ORIGIN });
    const request = await requestWriteOff(t.db, { fundId, loanId: loan.id, reason: "폐업으로 회수 불능", userId: fund2, today: today(), now: services.clock.now() });
    const before = await ledgerSize();
    await expectRefusal(declineWriteOff(t.db, { fundId, requestId: request.id, deciderId: fund1, note: " ", today: today(), now: services.clock.now(), origin: ORIGIN }), "required", 422);
    // The database asks for the reason too.
    await expect(sql`UPDATE loan_write_off_requests SET state = 'declined', decided_by = ${fund1}, decided_at = now() WHERE id = ${request.id}`.execute(t.db)).rejects.toThrow(/check constraint/);
    expect(await declineWriteOff(t.db, { fundId, requestId: request.id, deciderId: fund1, note: "보증인 연락 중, 상각 보류", today: today(), now: services.clock.now(), origin: ORIGIN })).toEqual({ duplicate: false });
    expect(await ledgerSize()).toBe(before);
    expect((await getLoan(t.db, loan.id))?.state).toBe("defaulted");
    const again = await requestWriteOff(t.db, { fundId, loanId: loan.id, reason: "재요청", userId: fund1, today: today(), now: services.clock.now() });
    expect(again.duplicate).toBe(false);
    expect(again.id).not.toBe(request.id);
  });
});

describe("the database refuses a grant without four eyes (direct SQL as the app role)", () => {
  const insertGrant = (requestId: number | null, approvedBy: number | null, amountWon = 2_000_000) => sql`
    INSERT INTO fund_grants (fund_id, category, recipient, area, purpose, amount_won, granted_on, recorded_by, idempotency_key, ledger_entry_id, request_id, approved_by)
    SELECT ${fundId}, 'equipment', '자활기업 냉장 설비 (테스트)', '전북 전주시', '냉장 쇼케이스', ${amountWon}, '2026-11-20', ${fund1}, 'four-eyes-sql-grant', max(id), ${requestId}, ${approvedBy}
      FROM journal_entries`.execute(t.db);

  it("refuses a grant with no request, approved by its maker, for other terms, and an approval with no grant", async () => {
    const request = await requestFundGrant(t.db, grantRequest("four-eyes-sql-grant"));
    await expect(insertGrant(null, null)).rejects.toThrow(/paid only on a request approved by a second fund administrator/);
    await expect(insertGrant(request.id, fund1)).rejects.toThrow(/maker cannot approve/);
    await expect(insertGrant(request.id, fund2, 2_000_001)).rejects.toThrow(/exactly what request/);
    const operator = await userId(t, "operator@hamkke.demo");
    await expect(insertGrant(request.id, operator)).rejects.toThrow(/approved by a fund administrator/);
    await expect(sql`UPDATE fund_grant_requests SET state = 'approved', decided_by = ${fund2}, decided_at = now() WHERE id = ${request.id}`.execute(t.db)).rejects.toThrow(/approved only with its grant paid/);
    // A grant inserted by a second administrator whose request is never marked approved fails at commit.
    await expect(t.db.transaction().execute(async (trx) => {
      await sql`
        INSERT INTO fund_grants (fund_id, category, recipient, area, purpose, amount_won, granted_on, recorded_by, idempotency_key, ledger_entry_id, request_id, approved_by)
        SELECT ${fundId}, 'equipment', '자활기업 냉장 설비 (테스트)', '전북 전주시', '냉장 쇼케이스', 2000000, '2026-11-20', ${fund1}, 'four-eyes-sql-grant', max(id), ${request.id}, ${fund2}
          FROM journal_entries`.execute(trx);
    })).rejects.toThrow(/paid without its request being approved/);
    await expect(sql`UPDATE fund_grant_requests SET amount_won = 1 WHERE id = ${request.id}`.execute(t.db)).rejects.toThrow(/never changes/);
    await expect(sql`DELETE FROM fund_grant_requests WHERE id = ${request.id}`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`INSERT INTO fund_grant_requests (fund_id, category, recipient, area, purpose, amount_won, granted_on, requested_by, requested_at, idempotency_key)
      VALUES (${fundId}, 'equipment', 'x', 'x', 'x', 1000, '2026-11-20', ${operator}, now(), 'four-eyes-sql-operator')`.execute(t.db)).rejects.toThrow(/only a fund administrator/);
    expect(await t.db.selectFrom("fund_grants").select("id").where("request_id", "=", request.id).execute()).toEqual([]);
  });
});

describe("recoveries on a written-off loan", () => {
  function recovery(amountWon: number, key: string, extra: Partial<RecoveryRequest["input"]> = {}): RecoveryRequest {
    return { fundId, loanId: cafeLoan, input: { amountWon, receivedOn: today(), reference: `BANK-REC-${key}`, idempotencyKey: `recovery-${key}`, ...extra }, recordedBy: fund1, today: today(), now: services.clock.now() };
  }

  it("puts the money back into the fund with its own entry, once per key", async () => {
    const loan = await getLoan(t.db, cafeLoan);
    if (!loan) throw new Error("no loan");
    const cash = await getBalance(t.db, fundCash(fundId).code);
    const first = await recordRecovery(t.db, recovery(5_000_000, "1"));
    expect(first.duplicate).toBe(false);
    expect(await recordRecovery(t.db, recovery(5_000_000, "1"))).toEqual({ id: first.id, duplicate: true });
    await expectRefusal(recordRecovery(t.db, recovery(5_000_001, "1")), "requestNumberReused", 409);
    expect(await getBalance(t.db, fundCash(fundId).code)).toBe(cash + 5_000_000);
    expect(await getBalance(t.db, fundRecoveries(fundId).code)).toBe(-5_000_000);
    // The receivable stays written off: a recovery is the fund's income, not a repayment.
    expect(await getBalance(t.db, loanReceivable(cafeLoan).code)).toBe(0);
    const row = await t.db.selectFrom("loan_recoveries").selectAll().where("id", "=", first.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ amount_won: 5_000_000, bank_reference: "BANK-REC-1" });
    const entry = await t.db.selectFrom("journal_entries").select(["kind", "canonical_before_seq"]).where("id", "=", row.ledger_entry_id).executeTakeFirstOrThrow();
    expect(entry.kind).toBe("loan.recovery");
    expect(entry.canonical_before_seq).not.toContain("BANK-REC-1");
    expect((await verifyStoredLedger(t.db)).ok).toBe(true);
  });

  it("records one recovery when the same key arrives on several connections at once", async () => {
    const before = await ledgerSize();
    const pools = Array.from({ length: 4 }, () => createDatabase(t.url, { max: 1 }));
    try {
      const results = await Promise.all(pools.map((pool) => recordRecovery(pool, recovery(1_000, "race"))));
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
    expect(await ledgerSize()).toBe(before + 1);
  });

  it("never takes more than is left of the write-off, nor dates outside it, nor on another loan", async () => {
    const loan = await getLoan(t.db, cafeLoan);
    if (!loan) throw new Error("no loan");
    const before = await ledgerSize();
    const left = loan.written_off_won - 5_001_000;
    await expectRefusal(recordRecovery(t.db, recovery(left + 1, "too-much")), "recoveryAboveWrittenOff", 422);
    await expectRefusal(recordRecovery(t.db, recovery(1_000, "future", { receivedOn: "2026-11-25" })), "dateInFuture", 422);
    await expectRefusal(recordRecovery(t.db, recovery(1_000, "early", { receivedOn: "2026-11-23" })), "dateBeforeWriteOff", 422);
    const chan = await t.db.selectFrom("loans").select("id").where("enterprise_id", "=", await enterpriseId(t, "찬찬찬")).executeTakeFirstOrThrow();
    await expectRefusal(recordRecovery(t.db, { ...recovery(1_000, "not-written-off"), loanId: chan.id }), "loanNotWrittenOff", 409);
    expect(await ledgerSize()).toBe(before);
    // The database holds the same line.
    const entryId = Number((await t.db.selectFrom("journal_entries").select((eb) => eb.fn.max("id").as("id")).executeTakeFirstOrThrow()).id);
    const insert = (loanId: number, amountWon: number) => sql`
      INSERT INTO loan_recoveries (loan_id, idempotency_key, request_fingerprint, amount_won, received_on, bank_reference, recorded_by, ledger_entry_id, recorded_at)
      VALUES (${loanId}, ${`sql-${loanId}-${amountWon}`}, ${"0".repeat(64)}, ${amountWon}, '2026-11-24', 'SQL', ${fund1}, ${entryId}, now())`.execute(t.db);
    await expect(insert(cafeLoan, left + 1)).rejects.toThrow(/already recovered/);
    await expect(insert(chan.id, 1_000)).rejects.toThrow(/written-off loans only/);
    await expect(sql`UPDATE loan_recoveries SET amount_won = 1`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`DELETE FROM loan_recoveries`.execute(t.db)).rejects.toThrow(/permission denied/);
    await expect(sql`UPDATE loan_recoveries SET amount_won = 1`.execute(t.owner)).rejects.toThrow(/append-only/);
    // The rest can still come in, to the won.
    expect((await recordRecovery(t.db, recovery(left, "rest"))).duplicate).toBe(false);
    expect(await getBalance(t.db, fundRecoveries(fundId).code)).toBe(-loan.written_off_won);
  });
});
