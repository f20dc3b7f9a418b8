import { Button, Text } from "@react-email/components";
import { formatDate } from "../app/utils/dates";
import { formatWon } from "../app/utils/money";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import { LoanFacts } from "./components/loan-facts";
import type { EmailLocale } from "./components/strings";

export interface LoanPaymentNoticeProps {
  locale: EmailLocale;
  enterpriseName: string;
  loanId: number;
  /** A reminder before the due date, an overdue notice, or the notice that the loan is delinquent. */
  kind: "upcoming" | "overdue" | "delinquent";
  dueDate: string;
  amountWon: number;
  penaltyWon: number;
  daysOverdue: number;
  penaltyRateBp: number;
  loanUrl: string;
}

const copy = {
  ko: {
    upcoming: (name: string, date: string) => `[납부 안내] ${name} 융자 상환일이 다가옵니다 (${date})`,
    overdue: (name: string) => `[연체 안내] ${name} 융자 상환금이 납부되지 않았습니다`,
    delinquent: (name: string) => `[연체 통지] ${name} 융자가 연체 상태가 되었습니다`,
    upcomingBody: "다음 상환일과 금액을 알려 드립니다. 기한 안에 지정 계좌로 납부해 주세요.",
    overdueBody: (rate: string) => `상환일이 지났습니다. 납부하실 때까지 미납 원리금에 연 ${rate}%의 연체이자가 날마다 붙습니다.`,
    delinquentBody: (days: number) => `상환금이 ${days}일째 연체되어 융자가 연체 상태로 바뀌었습니다. 기금 관리자와 상의해 주세요.`,
    loan: "융자 번호",
    due: "상환일",
    amount: "납부할 금액",
    penalty: "연체이자 (오늘까지)",
    days: "연체 일수",
    cta: "상환 일정 보기",
  },
  en: {
    upcoming: (name: string, date: string) => `[Reminder] ${name}'s loan repayment is due on ${date}`,
    overdue: (name: string) => `[Overdue] ${name}'s loan repayment has not been received`,
    delinquent: (name: string) => `[Notice] ${name}'s loan is now delinquent`,
    upcomingBody: "Here is your next repayment. Please pay it into the fund's account by the due date.",
    overdueBody: (rate: string) => `The due date has passed. Until it is paid, penalty interest of ${rate}% a year accrues daily on the unpaid amount.`,
    delinquentBody: (days: number) => `The repayment is ${days} days overdue and the loan is now delinquent. Please contact the fund administrators.`,
    loan: "Loan",
    due: "Due date",
    amount: "Amount to pay",
    penalty: "Penalty interest (to today)",
    days: "Days overdue",
    cta: "View the schedule",
  },
};

export function loanPaymentNoticeSubject(props: LoanPaymentNoticeProps): string {
  const t = copy[props.locale];
  if (props.kind === "upcoming") return t.upcoming(props.enterpriseName, formatDate(props.dueDate, props.locale));
  return props.kind === "overdue" ? t.overdue(props.enterpriseName) : t.delinquent(props.enterpriseName);
}

export default function LoanPaymentNoticeEmail(props: LoanPaymentNoticeProps) {
  const t = copy[props.locale];
  const subject = loanPaymentNoticeSubject(props);
  const rate = (props.penaltyRateBp / 100).toFixed(2);
  const rows = [
    { label: t.loan, value: `#${props.loanId}` },
    { label: t.due, value: formatDate(props.dueDate, props.locale) },
    { label: t.amount, value: formatWon(props.amountWon, props.locale) },
  ];
  if (props.kind !== "upcoming") {
    rows.push({ label: t.days, value: String(props.daysOverdue) });
    rows.push({ label: t.penalty, value: formatWon(props.penaltyWon, props.locale) });
  }
  return (
    <EmailLayout locale={props.locale} preview={subject} title={subject}>
      <Text style={paragraph}>{props.kind === "upcoming" ? t.upcomingBody : props.kind === "overdue" ? t.overdueBody(rate) : t.delinquentBody(props.daysOverdue)}</Text>
      <LoanFacts rows={rows} />
      <Button href={props.loanUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
