import { Button, Section, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import { won } from "./components/format";
import type { EmailLocale } from "./components/strings";

export interface PledgeReceiptProps {
  locale: EmailLocale;
  displayName: string;
  campaignTitle: string;
  amountWon: number;
  charged: boolean;
  endsOn: string;
  receiptCode: string;
  pledgeUrl: string;
  ledgerFindUrl: string;
  rewardTitle: string | null;
}

const copy = {
  ko: {
    subject: (title: string) => `[후원 영수증] ${title}`,
    greeting: (name: string) => `${name}님, 후원해 주셔서 고맙습니다.`,
    charged: "결제가 완료되었습니다. 모인 돈은 캠페인의 공개 장부에 기록됩니다.",
    saved: (endsOn: string) => `결제 수단이 등록되었고 아직 결제되지 않았습니다. ${endsOn} 마감까지 목표 금액이 모이면 그때 결제되고, 모이지 않으면 결제되지 않습니다. 마감 전에는 언제든 취소할 수 있습니다.`,
    amount: "후원 금액",
    reward: "리워드",
    code: "영수증 코드",
    codeHelp: "공개 장부에서 이 코드로 내 후원 기록을 찾을 수 있습니다. 이 코드가 없으면 누구도 기록이 내 것인지 알 수 없습니다.",
    view: "후원 내역 보기",
    find: "장부에서 내 기록 찾기",
  },
  en: {
    subject: (title: string) => `[Receipt] ${title}`,
    greeting: (name: string) => `Thank you for your pledge, ${name}.`,
    charged: "Your payment went through. The money is recorded on the campaign's public ledger.",
    saved: (endsOn: string) => `Your payment method is saved and has not been charged. If the goal is reached by ${endsOn} you will be charged then; if not, you will not be charged. You can cancel any time before the deadline.`,
    amount: "Amount",
    reward: "Reward",
    code: "Receipt code",
    codeHelp: "With this code you can find your entries on the public ledger. Without it, nobody can tell they are yours.",
    view: "View your pledge",
    find: "Find my entries in the ledger",
  },
};

export function pledgeReceiptSubject(props: PledgeReceiptProps): string {
  return copy[props.locale].subject(props.campaignTitle);
}

export default function PledgeReceiptEmail(props: PledgeReceiptProps) {
  const t = copy[props.locale];
  return (
    <EmailLayout locale={props.locale} preview={t.subject(props.campaignTitle)} title={props.campaignTitle}>
      <Text style={paragraph}>{t.greeting(props.displayName)}</Text>
      <Text style={paragraph}>{props.charged ? t.charged : t.saved(props.endsOn)}</Text>
      <Section style={{ backgroundColor: "#f3f4f6", borderRadius: 8, padding: "12px 16px", margin: "0 0 16px" }}>
        <Text style={{ ...paragraph, margin: 0 }}>
          {t.amount}: <strong>{won(props.amountWon, props.locale)}</strong>
        </Text>
        {props.rewardTitle ? (
          <Text style={{ ...paragraph, margin: 0 }}>
            {t.reward}: {props.rewardTitle}
          </Text>
        ) : null}
        <Text style={{ ...paragraph, margin: 0 }}>
          {t.code}: <code>{props.receiptCode}</code>
        </Text>
      </Section>
      <Text style={{ ...paragraph, fontSize: 13 }}>{t.codeHelp}</Text>
      <Button href={props.pledgeUrl} style={button}>
        {t.view}
      </Button>
      <Text style={{ ...paragraph, marginTop: 16, fontSize: 13 }}>
        {t.find}: {props.ledgerFindUrl}
      </Text>
    </EmailLayout>
  );
}
