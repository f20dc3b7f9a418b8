import { Button, Text } from "@react-email/components";
import { formatDate } from "../app/utils/dates";
import { formatWon } from "../app/utils/money";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import { LoanFacts } from "./components/loan-facts";
import type { EmailLocale } from "./components/strings";

export interface LoanDecisionProps {
  locale: EmailLocale;
  enterpriseName: string;
  productName: string;
  applicationId: number;
  amountWon: number;
  approved: boolean;
  /** Rejected at the document review, decided by the committee, or closed because it could not reach its quorum. */
  stage: "review" | "committee" | "no_quorum";
  decidedOn: string;
  note: string;
  votes: { approve: number; reject: number } | null;
  terms: { rateBp: number; termMonths: number; method: string } | null;
  applicationUrl: string;
}

const copy = {
  ko: {
    approved: (name: string) => `[결정 통지] ${name}의 융자 신청이 승인되었습니다`,
    rejected: (name: string) => `[결정 통지] ${name}의 융자 신청이 승인되지 않았습니다`,
    approvedBody: "자활기금 심사위원회가 아래 융자 신청을 승인했습니다. 기금 관리자가 약정 체결과 융자금 지급(임대인에게 직접 지급)을 안내드립니다.",
    rejectedReview: "서류 검토 결과 아래 사유로 신청을 반려했습니다. 보완한 뒤 다시 신청하실 수 있습니다.",
    rejectedCommittee: "자활기금 심사위원회 의결 결과 아래 신청은 승인되지 않았습니다.",
    noQuorum: (name: string) => `[통지] ${name}의 융자 신청 심사가 정족수 미달로 종결되었습니다`,
    noQuorumBody: "이해충돌 회피 등으로 심사위원회가 의결 정족수를 채울 수 없어, 아래 신청은 승인이나 거절 없이 심사를 종결했습니다. 심사 결과에 따른 반려가 아니므로 언제든 다시 신청하실 수 있습니다.",
    application: "신청 번호",
    product: "상품",
    amount: "신청 금액",
    decidedOn: "결정일",
    votes: "위원회 의결",
    votesValue: (a: number, r: number) => `찬성 ${a} · 반대 ${r}`,
    terms: "약정 조건",
    termsValue: (rate: string, months: number, method: string) => `연 ${rate}% · ${months}개월 · ${method}`,
    note: "사유 및 의견",
    cta: "신청 내용 보기",
  },
  en: {
    approved: (name: string) => `[Decision] ${name}'s loan application is approved`,
    rejected: (name: string) => `[Decision] ${name}'s loan application is not approved`,
    approvedBody: "The self-sufficiency fund committee approved the loan application below. A fund administrator will arrange the contract and the payment (made directly to the landlord).",
    rejectedReview: "The document review did not accept the application for the reason below. You may apply again with the missing parts.",
    rejectedCommittee: "The self-sufficiency fund committee did not approve the application below.",
    noQuorum: (name: string) => `[Notice] The review of ${name}'s loan application was closed without a quorum`,
    noQuorumBody: "Committee members stepped aside (conflicts of interest) and the committee could no longer reach its quorum, so the review of the application below was closed without approving or rejecting it. This is not a refusal: you may apply again at any time.",
    application: "Application",
    product: "Product",
    amount: "Amount applied for",
    decidedOn: "Decided on",
    votes: "Committee vote",
    votesValue: (a: number, r: number) => `${a} for · ${r} against`,
    terms: "Terms",
    termsValue: (rate: string, months: number, method: string) => `${rate}% a year · ${months} months · ${method}`,
    note: "Reasons and comments",
    cta: "View the application",
  },
};

export function loanDecisionSubject(props: LoanDecisionProps): string {
  const t = copy[props.locale];
  if (props.stage === "no_quorum") return t.noQuorum(props.enterpriseName);
  return props.approved ? t.approved(props.enterpriseName) : t.rejected(props.enterpriseName);
}

export default function LoanDecisionEmail(props: LoanDecisionProps) {
  const t = copy[props.locale];
  const subject = loanDecisionSubject(props);
  const rows = [
    { label: t.application, value: `#${props.applicationId}` },
    { label: t.product, value: props.productName },
    { label: t.amount, value: formatWon(props.amountWon, props.locale) },
    { label: t.decidedOn, value: formatDate(props.decidedOn, props.locale) },
  ];
  if (props.votes) rows.push({ label: t.votes, value: t.votesValue(props.votes.approve, props.votes.reject) });
  if (props.terms) rows.push({ label: t.terms, value: t.termsValue((props.terms.rateBp / 100).toFixed(2), props.terms.termMonths, props.terms.method) });
  return (
    <EmailLayout locale={props.locale} preview={subject} title={subject}>
      <Text style={paragraph}>{props.approved ? t.approvedBody : { review: t.rejectedReview, committee: t.rejectedCommittee, no_quorum: t.noQuorumBody }[props.stage]}</Text>
      <LoanFacts rows={rows} />
      {props.note ? (
        <Text style={paragraph}>
          <strong>{t.note}</strong>
          <br />
          {props.note}
        </Text>
      ) : null}
      <Button href={props.applicationUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
