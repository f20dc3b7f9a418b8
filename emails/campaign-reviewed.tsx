import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import type { EmailLocale } from "./components/strings";

export interface CampaignReviewedProps {
  locale: EmailLocale;
  campaignTitle: string;
  approved: boolean;
  comment: string;
  editUrl: string;
}

const copy = {
  ko: {
    approved: (title: string) => `${title} 캠페인이 승인되었습니다`,
    changes: (title: string) => `${title} 캠페인에 보완 요청이 있습니다`,
    approvedBody: "운영기관이 캠페인을 승인했습니다. 모금 시작일에 자동으로 공개되어 후원을 받기 시작합니다.",
    changesBody: "운영기관이 아래 내용을 보완해 달라고 요청했습니다. 고친 뒤 다시 검토를 요청해 주세요.",
    comment: "운영기관 의견",
    cta: "캠페인 열기",
  },
  en: {
    approved: (title: string) => `${title} was approved`,
    changes: (title: string) => `Changes requested for ${title}`,
    approvedBody: "The host approved the campaign. It opens for pledges automatically on its start date.",
    changesBody: "The host asked for the changes below. Revise the campaign and submit it for review again.",
    comment: "Comments from the host",
    cta: "Open the campaign",
  },
};

export function campaignReviewedSubject(props: CampaignReviewedProps): string {
  const t = copy[props.locale];
  return props.approved ? t.approved(props.campaignTitle) : t.changes(props.campaignTitle);
}

export default function CampaignReviewedEmail(props: CampaignReviewedProps) {
  const t = copy[props.locale];
  const subject = campaignReviewedSubject(props);
  return (
    <EmailLayout locale={props.locale} preview={subject} title={subject}>
      <Text style={paragraph}>{props.approved ? t.approvedBody : t.changesBody}</Text>
      {props.comment ? (
        <Text style={{ ...paragraph, backgroundColor: "#f3f4f6", borderRadius: 8, padding: "12px 14px", whiteSpace: "pre-wrap" }}>
          <strong>{t.comment}</strong>
          <br />
          {props.comment}
        </Text>
      ) : null}
      <Button href={props.editUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
