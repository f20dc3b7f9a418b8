import { Text } from "@react-email/components";
import { EmailLayout, paragraph } from "./components/email-layout";
import { won } from "./components/format";
import type { EmailLocale } from "./components/strings";

export interface RefundIssuedProps {
  locale: EmailLocale;
  displayName: string;
  campaignTitle: string;
  amountWon: number;
  reason: string;
}

const copy = {
  ko: {
    subject: (title: string) => `[환불 완료] ${title} 후원금을 환불했습니다`,
    body: (amount: string) => `후원금 ${amount}을 결제하신 수단으로 환불했습니다. 카드사나 결제 서비스에 따라 영업일 기준 3~7일이 걸릴 수 있습니다.`,
    reason: "사유",
  },
  en: {
    subject: (title: string) => `[Refunded] Your pledge to ${title} was refunded`,
    body: (amount: string) => `${amount} was refunded to the payment method you paid with. Depending on your card issuer or payment service this takes 3–7 business days.`,
    reason: "Reason",
  },
};

export function refundIssuedSubject(props: RefundIssuedProps): string {
  return copy[props.locale].subject(props.campaignTitle);
}

export default function RefundIssuedEmail(props: RefundIssuedProps) {
  const t = copy[props.locale];
  return (
    <EmailLayout locale={props.locale} preview={t.subject(props.campaignTitle)} title={t.subject(props.campaignTitle)}>
      <Text style={paragraph}>{props.displayName}</Text>
      <Text style={paragraph}>{t.body(won(props.amountWon, props.locale))}</Text>
      {props.reason ? (
        <Text style={paragraph}>
          {t.reason}: {props.reason}
        </Text>
      ) : null}
    </EmailLayout>
  );
}
