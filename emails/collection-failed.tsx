import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import { won } from "./components/format";
import type { EmailLocale } from "./components/strings";

export interface CollectionFailedProps {
  locale: EmailLocale;
  displayName: string;
  campaignTitle: string;
  amountWon: number;
  retryUntil: string;
  updateCardUrl: string;
}

const copy = {
  ko: {
    subject: (title: string) => `[결제 실패] ${title} 후원금 결제를 위해 결제 수단을 확인해 주세요`,
    body: (amount: string, until: string) =>
      `캠페인이 목표를 달성해 약정하신 ${amount}을 결제하려 했지만 결제가 거절되었습니다. ${until}까지 하루에 한 번 다시 시도합니다. 다른 결제 수단으로 바꾸시려면 아래 버튼을 눌러 주세요.`,
    cta: "결제 수단 바꾸기",
  },
  en: {
    subject: (title: string) => `[Payment failed] Please check your payment method for ${title}`,
    body: (amount: string, until: string) =>
      `The campaign reached its goal, but your payment method was declined when we tried to charge your pledge of ${amount}. We will try again once a day until ${until}. To use another payment method, use the button below.`,
    cta: "Change payment method",
  },
};

export function collectionFailedSubject(props: CollectionFailedProps): string {
  return copy[props.locale].subject(props.campaignTitle);
}

export default function CollectionFailedEmail(props: CollectionFailedProps) {
  const t = copy[props.locale];
  return (
    <EmailLayout locale={props.locale} preview={t.subject(props.campaignTitle)} title={t.subject(props.campaignTitle)}>
      <Text style={paragraph}>{props.displayName}</Text>
      <Text style={paragraph}>{t.body(won(props.amountWon, props.locale), props.retryUntil)}</Text>
      <Button href={props.updateCardUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
