import { z } from "zod";
import type { ContributionKind, GrantCategory } from "../../db/types";
import type { AccountSpec } from "../ledger/ledger";
import { choice, isoDateField, optionalText, requiredText, wholeNumber, wonAmount } from "../utils/fields";

// The self-sufficiency fund's money in the ledger. `fund:<id>` is the fund's cash: it never goes
// negative (the database refuses), so nothing is lent or granted beyond what the fund holds.
// Sources and uses are the accounts on the other side of each entry:
//   contribution  fund:<id>:in:contributions −A   fund:<id> +A
//   grant         fund:<id> −A                    fund:<id>:out:grants:<category> +A
//   disbursement  fund:<id> −P                    loan:<id>:principal +P   (paid to the landlord)
//   repayment     fund:<id> +(p+i+f)              loan:<id>:principal −p, fund:<id>:in:interest −i, fund:<id>:in:penalty −f
//   write-off     loan:<id>:principal −W          fund:<id>:out:write-offs +W
//   card fee      fund:<id> −F                    fund:<id>:out:card-fees +F   (on a repayment paid online)
//   recovery      fund:<id> +R                    fund:<id>:in:recoveries −R   (on a written-off loan)
// so the fund's balance is always sources − uses + repayments, and each loan's receivable is its
// outstanding principal.

export const CONTRIBUTION_KINDS = ["government", "donation", "returned_grant", "other"] as const satisfies readonly ContributionKind[];
export const GRANT_CATEGORIES = ["design_packaging", "equipment", "organising", "professional_training", "case_management_vehicles"] as const satisfies readonly GrantCategory[];

export function fundCash(fundId: number): AccountSpec {
  return { code: `fund:${fundId}`, kind: "fund", nameKo: `자활기금 #${fundId} 잔액`, nameEn: `Fund #${fundId} balance` };
}

export function fundContributions(fundId: number): AccountSpec {
  return { code: `fund:${fundId}:in:contributions`, kind: "fund_source", nameKo: `자활기금 #${fundId} 출연·기부 재원`, nameEn: `Fund #${fundId} contributions`, mayGoNegative: true };
}

export function fundInterestIncome(fundId: number): AccountSpec {
  return { code: `fund:${fundId}:in:interest`, kind: "fund_interest_income", nameKo: `자활기금 #${fundId} 융자 이자 수입`, nameEn: `Fund #${fundId} loan interest income`, mayGoNegative: true };
}

export function fundPenaltyIncome(fundId: number): AccountSpec {
  return { code: `fund:${fundId}:in:penalty`, kind: "fund_penalty_income", nameKo: `자활기금 #${fundId} 연체 이자 수입`, nameEn: `Fund #${fundId} penalty interest income`, mayGoNegative: true };
}

export function fundGrantsOut(fundId: number, category: GrantCategory): AccountSpec {
  return {
    code: `fund:${fundId}:out:grants:${category}`,
    kind: "fund_grant",
    nameKo: `자활기금 #${fundId} 지원금 (${GRANT_CATEGORY_NAMES.ko[category]})`,
    nameEn: `Fund #${fundId} grants (${GRANT_CATEGORY_NAMES.en[category]})`,
    mayGoNegative: true,
  };
}

export function fundWriteOffs(fundId: number): AccountSpec {
  return { code: `fund:${fundId}:out:write-offs`, kind: "fund_write_off", nameKo: `자활기금 #${fundId} 대손 상각`, nameEn: `Fund #${fundId} written-off loans`, mayGoNegative: true };
}

/** Card processors' fees on repayments paid online: the fund receives the gross and pays the fee. */
export function fundCardFees(fundId: number): AccountSpec {
  return { code: `fund:${fundId}:out:card-fees`, kind: "fund_card_fee", nameKo: `자활기금 #${fundId} 카드 결제 수수료`, nameEn: `Fund #${fundId} card payment fees`, mayGoNegative: true };
}

/** Money received on loans after they were written off. */
export function fundRecoveries(fundId: number): AccountSpec {
  return { code: `fund:${fundId}:in:recoveries`, kind: "fund_recovery", nameKo: `자활기금 #${fundId} 상각 채권 회수금`, nameEn: `Fund #${fundId} recoveries on written-off loans`, mayGoNegative: true };
}

/** What a loan's borrower still owes in principal: lent out of the fund, to the landlord. */
export function loanReceivable(loanId: number): AccountSpec {
  return { code: `loan:${loanId}:principal`, kind: "loan_receivable", nameKo: `융자 #${loanId} 대출 원금 (임대보증금, 임대인 지급)`, nameEn: `Loan #${loanId} principal (lease deposit, paid to the landlord)` };
}

/** Names for the ledger's account labels (the UI has its own in the message groups). */
export const GRANT_CATEGORY_NAMES: Record<"ko" | "en", Record<GrantCategory, string>> = {
  ko: {
    design_packaging: "디자인 개발 및 포장재",
    equipment: "장비",
    organising: "조직화 사업",
    professional_training: "전문인력 양성",
    case_management_vehicles: "사례관리 차량",
  },
  en: {
    design_packaging: "design and packaging",
    equipment: "equipment",
    organising: "organising",
    professional_training: "professional training",
    case_management_vehicles: "case-management vehicles",
  },
};

export const idempotencyKeyField = z
  .string({ error: "invalid" })
  .regex(/^[A-Za-z0-9_-]{8,100}$/, "invalid");

export const contributionSchema = z.object({
  contributor: requiredText(200),
  kind: choice(CONTRIBUTION_KINDS),
  amountWon: wonAmount(),
  receivedOn: isoDateField,
  note: optionalText(1000),
  idempotencyKey: idempotencyKeyField,
});
export type ContributionInput = z.output<typeof contributionSchema>;

export const grantSchema = z.object({
  category: choice(GRANT_CATEGORIES),
  recipient: requiredText(200),
  area: requiredText(80),
  purpose: requiredText(1000),
  expectedEffect: optionalText(1000),
  amountWon: wonAmount(),
  grantedOn: isoDateField,
  idempotencyKey: idempotencyKeyField,
});
export type GrantInput = z.output<typeof grantSchema>;

export const fundSettingsSchema = z.object({
  committeeQuorum: wholeNumber(2, 50),
  committeeMajorityPct: wholeNumber(50, 99),
  reminderDaysBefore: wholeNumber(1, 60),
  expectedEffects: optionalText(5000),
});
export type FundSettingsInput = z.output<typeof fundSettingsSchema>;
