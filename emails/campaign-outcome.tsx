import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import { won } from "./components/format";
import type { EmailLocale } from "./components/strings";

export interface CampaignOutcomeProps {
  locale: EmailLocale;
  displayName: string;
  campaignTitle: string;
  /** charged: the campaign succeeded and this pledge was collected; notCharged: it failed and nothing was taken; refunded: it failed after collection and the money is on its way back. */
  outcome: "charged" | "notCharged" | "refunded";
  amountWon: number;
  campaignUrl: string;
}

const copy = {
  ko: {
    subjects: {
      charged: (title: string) => `목표 달성! ${title} 후원금이 결제되었습니다`,
      notCharged: (title: string) => `${title} 캠페인이 목표에 이르지 못해 결제되지 않았습니다`,
      refunded: (title: string) => `${title} 캠페인이 목표에 이르지 못해 결제 금액을 환불합니다`,
    },
    bodies: {
      charged: (amount: string) => `함께해 주신 덕분에 캠페인이 목표를 달성했습니다. 후원금 ${amount}이 결제되었고, 쓰임은 공개 장부에서 확인할 수 있습니다.`,
      notCharged: (amount: string) => `아쉽게도 캠페인이 마감까지 목표 금액을 모으지 못했습니다. 약정하신 ${amount}은 결제되지 않았고 앞으로도 결제되지 않습니다.`,
      refunded: (amount: string) => `캠페인이 목표 금액에 이르지 못해 결제된 ${amount}을 전액 환불합니다. 카드사나 결제 서비스에 따라 영업일 기준 3~7일이 걸릴 수 있습니다.`,
    },
    cta: "캠페인 보기",
  },
  en: {
    subjects: {
      charged: (title: string) => `Goal reached! Your pledge to ${title} was charged`,
      notCharged: (title: string) => `${title} did not reach its goal: you were not charged`,
      refunded: (title: string) => `${title} did not reach its goal: your payment is refunded`,
    },
    bodies: {
      charged: (amount: string) => `Thanks to you the campaign reached its goal. Your pledge of ${amount} was charged; follow how it is spent on the public ledger.`,
      notCharged: (amount: string) => `The campaign did not reach its goal by the deadline. Your pledge of ${amount} was not charged and will not be.`,
      refunded: (amount: string) => `The campaign did not reach its goal, so your payment of ${amount} is refunded in full. Depending on your card issuer or payment service this takes 3–7 business days.`,
    },
    cta: "View the campaign",
  },
};

export function campaignOutcomeSubject(props: CampaignOutcomeProps): string {
  return copy[props.locale].subjects[props.outcome](props.campaignTitle);
}

export default function CampaignOutcomeEmail(props: CampaignOutcomeProps) {
  const t = copy[props.locale];
  const subject = campaignOutcomeSubject(props);
  return (
    <EmailLayout locale={props.locale} preview={subject} title={subject}>
      <Text style={paragraph}>{props.displayName}</Text>
      <Text style={paragraph}>{t.bodies[props.outcome](won(props.amountWon, props.locale))}</Text>
      <Button href={props.campaignUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
