import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import { won } from "./components/format";
import type { EmailLocale } from "./components/strings";

export interface DisbursementDecidedProps {
  locale: EmailLocale;
  campaignTitle: string;
  lineName: string;
  amountWon: number;
  paid: boolean;
  reason: string;
  campaignUrl: string;
}

const copy = {
  ko: {
    paid: (title: string) => `[집행 완료] ${title}`,
    rejected: (title: string) => `[집행 반려] ${title}`,
    paidBody: (line: string, amount: string) => `'${line}' 항목 ${amount} 집행이 승인되어 지급되었습니다. 공개 장부에 기록되었습니다.`,
    rejectedBody: (line: string, amount: string) => `'${line}' 항목 ${amount} 집행 요청이 반려되었습니다.`,
    reason: "사유",
    cta: "집행 내역 보기",
  },
  en: {
    paid: (title: string) => `[Paid] ${title}`,
    rejected: (title: string) => `[Rejected] ${title}`,
    paidBody: (line: string, amount: string) => `Your request of ${amount} against '${line}' was approved and paid. It is on the public ledger.`,
    rejectedBody: (line: string, amount: string) => `Your request of ${amount} against '${line}' was rejected.`,
    reason: "Reason",
    cta: "View disbursements",
  },
};

export function disbursementDecidedSubject(props: DisbursementDecidedProps): string {
  const t = copy[props.locale];
  return props.paid ? t.paid(props.campaignTitle) : t.rejected(props.campaignTitle);
}

export default function DisbursementDecidedEmail(props: DisbursementDecidedProps) {
  const t = copy[props.locale];
  const amount = won(props.amountWon, props.locale);
  return (
    <EmailLayout locale={props.locale} preview={disbursementDecidedSubject(props)} title={disbursementDecidedSubject(props)}>
      <Text style={paragraph}>{props.paid ? t.paidBody(props.lineName, amount) : t.rejectedBody(props.lineName, amount)}</Text>
      {props.reason ? (
        <Text style={paragraph}>
          {t.reason}: {props.reason}
        </Text>
      ) : null}
      <Button href={props.campaignUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
