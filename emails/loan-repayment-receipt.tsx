import { Button, Text } from "@react-email/components";
import { payments } from "../app/i18n/messages/payments";
import type { PaymentMethodType } from "../app/payments/methods";
import { formatDate } from "../app/utils/dates";
import { formatWon } from "../app/utils/money";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import { LoanFacts } from "./components/loan-facts";
import type { EmailLocale } from "./components/strings";

export interface LoanRepaymentReceiptProps {
  locale: EmailLocale;
  enterpriseName: string;
  loanId: number;
  paidOn: string;
  amountWon: number;
  penaltyWon: number;
  interestWon: number;
  principalWon: number;
  /** How it was paid (null: a card, before methods were recorded). */
  paymentMethod: PaymentMethodType | null;
  cardLast4: string | null;
  /** The payment provider's payment id, also the repayment's reference. */
  paymentReference: string;
  outstandingWon: number;
  loanUrl: string;
}

const copy = {
  ko: {
    subject: (name: string, amount: string) => `[상환 영수증] ${name} 융자 상환금 ${amount}을 받았습니다`,
    body: "온라인으로 납부하신 상환금을 받아 융자 상환으로 기록했습니다. 연체이자 → 이자 → 원금 순서로 충당했습니다.",
    loan: "융자 번호",
    paidOn: "납부일",
    amount: "납부 금액",
    penalty: "연체이자",
    interest: "이자",
    principal: "원금",
    method: "결제 수단",
    reference: "결제 번호",
    outstanding: "남은 원금",
    cta: "상환 내역 보기",
  },
  en: {
    subject: (name: string, amount: string) => `[Receipt] ${amount} received for ${name}'s loan`,
    body: "We received your online payment and recorded it as a loan repayment, applied to penalty interest, then interest, then principal.",
    loan: "Loan",
    paidOn: "Paid on",
    amount: "Amount paid",
    penalty: "Penalty interest",
    interest: "Interest",
    principal: "Principal",
    method: "Paid with",
    reference: "Payment id",
    outstanding: "Principal outstanding",
    cta: "View repayments",
  },
};

export function loanRepaymentReceiptSubject(props: LoanRepaymentReceiptProps): string {
  return copy[props.locale].subject(props.enterpriseName, formatWon(props.amountWon, props.locale));
}

export default function LoanRepaymentReceiptEmail(props: LoanRepaymentReceiptProps) {
  const t = copy[props.locale];
  const subject = loanRepaymentReceiptSubject(props);
  const won = (amount: number) => formatWon(amount, props.locale);
  const rows = [
    { label: t.loan, value: `#${props.loanId}` },
    { label: t.paidOn, value: formatDate(props.paidOn, props.locale) },
    { label: t.amount, value: won(props.amountWon) },
    { label: t.penalty, value: won(props.penaltyWon) },
    { label: t.interest, value: won(props.interestWon) },
    { label: t.principal, value: won(props.principalWon) },
    { label: t.method, value: payments[props.locale].methodLine(payments[props.locale].methods[props.paymentMethod ?? "card"], props.cardLast4) },
    { label: t.reference, value: props.paymentReference },
    { label: t.outstanding, value: won(props.outstandingWon) },
  ];
  return (
    <EmailLayout locale={props.locale} preview={subject} title={subject}>
      <Text style={paragraph}>{t.body}</Text>
      <LoanFacts rows={rows} />
      <Button href={props.loanUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
