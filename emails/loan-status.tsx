import { Button, Text } from "@react-email/components";
import { formatDate } from "../app/utils/dates";
import { formatWon } from "../app/utils/money";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import { LoanFacts } from "./components/loan-facts";
import type { EmailLocale } from "./components/strings";

export interface LoanStatusProps {
  locale: EmailLocale;
  enterpriseName: string;
  loanId: number;
  kind: "disbursed" | "extended" | "closed" | "defaulted" | "written_off";
  effectiveOn: string;
  amountWon: number;
  reason: string;
  nextDueDate: string | null;
  nextAmountWon: number | null;
  loanUrl: string;
}

const copy = {
  ko: {
    subject: {
      disbursed: (n: string) => `[융자 실행] ${n}의 임대보증금 융자금을 지급했습니다`,
      extended: (n: string) => `[기간 연장] ${n} 융자의 상환 기간이 연장되었습니다`,
      closed: (n: string) => `[완제] ${n} 융자를 모두 상환했습니다`,
      defaulted: (n: string) => `[통지] ${n} 융자의 기한이익이 상실되었습니다`,
      written_off: (n: string) => `[통지] ${n} 융자가 대손 처리되었습니다`,
    },
    body: {
      disbursed: "융자금을 임대인에게 직접 지급했습니다. 상환 일정은 아래 버튼에서 확인할 수 있습니다.",
      extended: "상환 기간이 연장되어 남은 상환 일정이 다시 계산되었습니다.",
      closed: "융자 원리금을 모두 상환하셨습니다. 그동안 성실히 상환해 주셔서 감사합니다.",
      defaulted: "기금 관리자의 결정으로 이 융자의 기한이익이 상실되었습니다. 아래 사유를 확인하고 기금 관리자와 상의해 주세요.",
      written_off: "기금 관리자의 결정으로 남은 원금이 대손 처리되었습니다.",
    },
    loan: "융자 번호",
    amount: { disbursed: "지급액", extended: "남은 원금", closed: "융자 원금", defaulted: "남은 원금", written_off: "상각 원금" },
    date: "일자",
    next: "다음 상환",
    reason: "사유",
    cta: "융자 보기",
  },
  en: {
    subject: {
      disbursed: (n: string) => `[Disbursed] ${n}'s lease-deposit loan has been paid out`,
      extended: (n: string) => `[Extended] ${n}'s loan term has been extended`,
      closed: (n: string) => `[Repaid] ${n}'s loan is fully repaid`,
      defaulted: (n: string) => `[Notice] ${n}'s loan has been declared in default`,
      written_off: (n: string) => `[Notice] ${n}'s loan has been written off`,
    },
    body: {
      disbursed: "The loan was paid directly to the landlord. The repayment schedule is one click away.",
      extended: "The repayment term was extended and the rest of the schedule recalculated.",
      closed: "The loan is fully repaid. Thank you for repaying it so faithfully.",
      defaulted: "The fund administrators declared the loan in default for the reason below. Please contact them.",
      written_off: "The fund administrators wrote off the remaining principal.",
    },
    loan: "Loan",
    amount: { disbursed: "Paid out", extended: "Principal outstanding", closed: "Principal", defaulted: "Principal outstanding", written_off: "Principal written off" },
    date: "Date",
    next: "Next repayment",
    reason: "Reason",
    cta: "View the loan",
  },
};

export function loanStatusSubject(props: LoanStatusProps): string {
  return copy[props.locale].subject[props.kind](props.enterpriseName);
}

export default function LoanStatusEmail(props: LoanStatusProps) {
  const t = copy[props.locale];
  const subject = loanStatusSubject(props);
  const rows = [
    { label: t.loan, value: `#${props.loanId}` },
    { label: t.amount[props.kind], value: formatWon(props.amountWon, props.locale) },
    { label: t.date, value: formatDate(props.effectiveOn, props.locale) },
  ];
  if (props.nextDueDate && props.nextAmountWon !== null) {
    rows.push({ label: t.next, value: `${formatDate(props.nextDueDate, props.locale)} · ${formatWon(props.nextAmountWon, props.locale)}` });
  }
  return (
    <EmailLayout locale={props.locale} preview={subject} title={subject}>
      <Text style={paragraph}>{t.body[props.kind]}</Text>
      <LoanFacts rows={rows} />
      {props.reason ? (
        <Text style={paragraph}>
          <strong>{t.reason}</strong>
          <br />
          {props.reason}
        </Text>
      ) : null}
      <Button href={props.loanUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
