import type { FileStore } from "../../app/files/file-store.server";
import type { LoanDocumentType } from "../types";
import { recordContributionWithoutFile } from "../../app/fund/fund.server";
import { approveFundGrant, requestFundGrant } from "../../app/fund/grant-requests.server";
import { castVote, closeCommittee, reviewDocuments, startReview, submitApplication } from "../../app/loans/applications.server";
import { contractLoan, disburseLoan, loadInstalments, markDelinquentIfOverdue, recordRepayment, contractTerms } from "../../app/loans/loans.server";
import { addDays, addMonthsClamped } from "../../app/loans/schedule";
import { quotePrepayment } from "../../app/loans/servicing";
import type { Tx } from "../../app/utils/db.server";
import { seedCases } from "./seed-cases";

// Demo history of the Jeonbuk self-sufficiency fund. The source gives only the loan product's
// terms (cap 100,000,000 won, 1 %) and the grant uses; every amount, date, landlord and address
// below is invented for the demo and says so. It runs through the same functions as the product,
// so the ledger, schedules and states are exactly what the product would have produced.

const ORIGIN = "http://localhost:3000";

interface DemoLoan {
  key: string;
  enterprise: string;
  applicant: string;
  amountWon: number;
  purpose: string;
  storeAddress: string;
  leaseDepositWon: number;
  /** Months before today the loan was paid out, and days added to that date. */
  disbursedMonthsAgo: number;
  disbursedDayShift: number;
  /** Instalments paid on their due dates, then what happens next. */
  paidInstalments: number;
  then: "payoff" | "partial" | "none";
}

const demoLoans: DemoLoan[] = [
  {
    key: "demo-loan-coffee-maru",
    enterprise: "커피마루 운암점",
    applicant: "jahwal@hamkke.demo",
    amountWon: 50_000_000,
    purpose: "운암동 매장 전세 임대보증금 (데모)",
    storeAddress: "광주 북구 운암동 (데모 주소)",
    leaseDepositWon: 60_000_000,
    disbursedMonthsAgo: 20,
    disbursedDayShift: 4,
    paidInstalments: 16,
    then: "payoff",
  },
  {
    key: "demo-loan-chanchanchan",
    enterprise: "찬찬찬",
    applicant: "chan@hamkke.demo",
    amountWon: 40_000_000,
    purpose: "반찬 조리·판매 점포 전세 임대보증금 (데모)",
    storeAddress: "광주 북구 (데모 주소)",
    leaseDepositWon: 45_000_000,
    disbursedMonthsAgo: 6,
    disbursedDayShift: 10,
    paidInstalments: 5,
    then: "none",
  },
  {
    key: "demo-loan-uri-donggu-cafe",
    enterprise: "우리동구카페",
    applicant: "cafe@hamkke.demo",
    amountWon: 30_000_000,
    purpose: "카페·수제청 점포 전세 임대보증금 (데모)",
    storeAddress: "광주 동구 (데모 주소)",
    leaseDepositWon: 30_000_000,
    disbursedMonthsAgo: 8,
    disbursedDayShift: 5,
    paidInstalments: 5,
    then: "partial",
  },
];

const EXPECTED_EFFECTS = [
  "자활기업이 점포 임대보증금 부담을 덜고 창업·확장 (연 1% 저금리 융자, 임대인 직접 지급)",
  "자활기업 디자인 개발 및 포장재 개선으로 판로 확대",
  "자활기업 장비 지원과 조직화 사업으로 일자리 유지·창출",
  "전문인력 양성사업 연 약 200명",
  "사례관리 차량 지원 (18개 지역자활센터)",
].join("\n");

/** A one-page PDF that says it is a demo document (real PDF bytes, so the file checks accept it). */
export function demoPdf(title: string): Uint8Array<ArrayBuffer> {
  const text = `Hamkke Fund demo document: ${title}`.replace(/[()\\]/g, "");
  const stream = `BT /F1 14 Tf 72 760 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(new TextEncoder().encode(body));
}

function at(date: string, hour = 10): Date {
  return new Date(`${date}T${String(hour).padStart(2, "0")}:00:00+09:00`);
}

export interface FundDemoIds {
  fundId: number;
  hostId: number;
  users: Map<string, number>;
  enterprises: Map<string, number>;
}

export async function seedFundDemo(trx: Tx, ids: FundDemoIds, today: string, fileStore: FileStore): Promise<void> {
  const admin1 = ids.users.get("fund1@hamkke.demo");
  const admin2 = ids.users.get("fund2@hamkke.demo");
  if (admin1 === undefined || admin2 === undefined) return;
  await trx.updateTable("funds").set({ expected_effects: EXPECTED_EFFECTS }).where("id", "=", ids.fundId).where("expected_effects", "=", "").execute();

  const contributions = [
    { key: "demo-contribution-province", contributor: "전라북도 자활기금 출연금 (데모)", kind: "government" as const, amountWon: 300_000_000, monthsAgo: 26 },
    { key: "demo-contribution-counties", contributor: "전북 14개 시군 출연금 (데모)", kind: "government" as const, amountWon: 200_000_000, monthsAgo: 25 },
    { key: "demo-contribution-donations", contributor: "지역 기업·시민 기부금 (데모)", kind: "donation" as const, amountWon: 20_000_000, monthsAgo: 12 },
  ];
  for (const c of contributions) {
    const receivedOn = addMonthsClamped(today, -c.monthsAgo);
    await recordContributionWithoutFile(
      trx,
      ids.fundId,
      { contributor: c.contributor, kind: c.kind, amountWon: c.amountWon, receivedOn, note: "데모 데이터", idempotencyKey: c.key },
      "데모 데이터: 증빙 스캔 없음",
      admin1,
      at(receivedOn),
    );
  }

  const [design, equipment, organising, training, vehicles] = seedCases.fund.grant_uses;
  const grants = [
    { key: "demo-grant-design", category: "design_packaging" as const, recipient: "자활기업 6곳 (데모)", area: "전북 전주시", purpose: design ?? "디자인개발 및 포장재 지원", effect: "제품 포장 개선으로 판로 확대", amountWon: 18_000_000, monthsAgo: 22 },
    { key: "demo-grant-equipment", category: "equipment" as const, recipient: "자활기업 4곳 (데모)", area: "전북 익산시", purpose: equipment ?? "자활기업 장비지원", effect: "생산 설비 개선", amountWon: 24_000_000, monthsAgo: 18 },
    { key: "demo-grant-organising", category: "organising" as const, recipient: "전북광역자활센터 (데모)", area: "전북 군산시", purpose: organising ?? "자활기업 조직화사업", effect: "자활기업 설립 지원", amountWon: 10_000_000, monthsAgo: 15 },
    { key: "demo-grant-training", category: "professional_training" as const, recipient: "전문인력 양성과정 (데모)", area: "전북 14개 시군", purpose: training ?? "전문인력 양성사업", effect: "연 약 200명 양성", amountWon: 30_000_000, monthsAgo: 10 },
    { key: "demo-grant-vehicles", category: "case_management_vehicles" as const, recipient: "지역자활센터 18곳 (데모)", area: "전북 18개 지역자활센터", purpose: vehicles ?? "사례관리 차량지원", effect: "사례관리 방문 확대", amountWon: 36_000_000, monthsAgo: 9 },
  ];
  for (const g of grants) {
    const grantedOn = addMonthsClamped(today, -g.monthsAgo);
    // Grants paid before the four-eyes rule carry no request; they are already there.
    const paid = await trx.selectFrom("fund_grants").select("id").where("idempotency_key", "=", g.key).executeTakeFirst();
    if (paid) continue;
    // One administrator asks, the other approves (decision 33).
    const request = await requestFundGrant(trx, {
      fundId: ids.fundId,
      hostId: ids.hostId,
      input: { category: g.category, recipient: g.recipient, area: g.area, purpose: g.purpose, expectedEffect: g.effect, amountWon: g.amountWon, grantedOn, idempotencyKey: g.key },
      evidence: null,
      fileStore,
      requestedBy: admin1,
      now: at(grantedOn),
    });
    await approveFundGrant(trx, { fundId: ids.fundId, requestId: request.id, deciderId: admin2, note: "데모 승인", now: at(grantedOn, 15) });
  }

  const product = await trx.selectFrom("loan_products").selectAll().where("fund_id", "=", ids.fundId).where("is_current", "=", true).orderBy("id").executeTakeFirst();
  if (!product) return;
  for (const demo of demoLoans) {
    const enterpriseId = ids.enterprises.get(demo.enterprise);
    const applicantId = ids.users.get(demo.applicant);
    if (enterpriseId === undefined || applicantId === undefined) continue;
    const exists = await trx.selectFrom("loan_applications").select("id").where("enterprise_id", "=", enterpriseId).where("idempotency_key", "=", demo.key).executeTakeFirst();
    if (exists) continue;
    await seedLoan(trx, demo, enterpriseId, applicantId, product, [admin1, admin2], today, fileStore);
  }
}

async function seedLoan(
  trx: Tx,
  demo: DemoLoan,
  enterpriseId: number,
  applicantId: number,
  product: { id: number; required_documents: LoanDocumentType[] },
  [admin1, admin2]: [number, number],
  today: string,
  fileStore: FileStore,
): Promise<void> {
  const disbursedOn = addDays(addMonthsClamped(today, -demo.disbursedMonthsAgo), demo.disbursedDayShift);
  const submittedOn = addDays(disbursedOn, -21);
  const application = await submitApplication(trx, {
    enterpriseId,
    userId: applicantId,
    input: {
      productId: product.id,
      amountWon: demo.amountWon,
      purpose: demo.purpose,
      storeAddress: demo.storeAddress,
      landlordName: "임대인 (데모)",
      leaseDepositWon: demo.leaseDepositWon,
      leaseStartsOn: disbursedOn,
      leaseEndsOn: addMonthsClamped(disbursedOn, 24),
      idempotencyKey: demo.key,
    },
    documents: product.required_documents.map((docType) => ({ docType, file: new File([demoPdf(docType)], `${docType}-demo.pdf`, { type: "application/pdf" }) })),
    fileStore,
    now: at(submittedOn),
  });
  const applicationId = application.id;
  await startReview(trx, applicationId, admin1, at(addDays(submittedOn, 2)));
  await reviewDocuments(trx, { applicationId, reviewerId: admin1, decision: "pass", note: "서류 확인 (데모)", origin: ORIGIN, now: at(addDays(submittedOn, 5)), silent: true });
  await castVote(trx, { applicationId, voterId: admin1, vote: "approve", comment: "", now: at(addDays(submittedOn, 9)) });
  await castVote(trx, { applicationId, voterId: admin2, vote: "approve", comment: "", now: at(addDays(submittedOn, 9), 11) });
  await closeCommittee(trx, { applicationId, deciderId: admin2, note: "심사위원회 승인 (데모)", origin: ORIGIN, now: at(addDays(submittedOn, 9), 15), silent: true });
  const loanId = await contractLoan(trx, { applicationId, userId: admin1, contractedOn: addDays(submittedOn, 14), today, now: at(addDays(submittedOn, 14)) });
  await disburseLoan(trx, { loanId, userId: admin1, disbursedOn, reference: `DEMO-DISB-${loanId}`, today, now: at(disbursedOn), origin: ORIGIN, silent: true });

  let instalments = await loadInstalments(trx, loanId);
  for (const instalment of instalments.slice(0, demo.paidInstalments)) {
    if (instalment.dueDate > today) break;
    await recordRepayment(trx, {
      loanId,
      kind: "instalment",
      method: "bank_transfer",
      amountWon: instalment.principalDueWon + instalment.interestDueWon,
      paidOn: instalment.dueDate,
      externalReference: `DEMO-${loanId}-${instalment.number}`,
      idempotencyKey: `${demo.key}-${instalment.number}`,
      recordedBy: admin1,
      today,
      now: at(instalment.dueDate, 16),
      origin: ORIGIN,
      silent: true,
    });
  }
  instalments = await loadInstalments(trx, loanId);
  const lastPaid = instalments.filter((i) => i.paidOffOn !== null).at(-1);
  if (demo.then === "payoff" && lastPaid) {
    // The store lease ended early and the landlord returned the deposit: paid off in full.
    const paidOn = addDays(lastPaid.dueDate, 12);
    const loan = await trx.selectFrom("loans").selectAll().where("id", "=", loanId).executeTakeFirstOrThrow();
    const quote = quotePrepayment(contractTerms(loan), instalments, paidOn);
    if (quote.ok && paidOn <= today) {
      await recordRepayment(trx, {
        loanId,
        kind: "prepayment",
        method: "bank_transfer",
        amountWon: quote.quote.payoffWon,
        paidOn,
        externalReference: `DEMO-${loanId}-PAYOFF`,
        idempotencyKey: `${demo.key}-payoff`,
        recordedBy: admin2,
        today,
        now: at(paidOn, 16),
        origin: ORIGIN,
        silent: true,
      });
    }
  }
  if (demo.then === "partial") {
    const next = instalments.find((i) => i.paidOffOn === null);
    const paidOn = next ? addDays(next.dueDate, 10) : null;
    if (next && paidOn && paidOn <= today) {
      await recordRepayment(trx, {
        loanId,
        kind: "instalment",
        method: "bank_transfer",
        amountWon: 10_000,
        paidOn,
        externalReference: `DEMO-${loanId}-PARTIAL`,
        idempotencyKey: `${demo.key}-partial`,
        recordedBy: admin1,
        today,
        now: at(paidOn, 16),
        origin: ORIGIN,
        silent: true,
      });
    }
  }
  await markDelinquentIfOverdue(trx, loanId, today, at(today, 9));
}
