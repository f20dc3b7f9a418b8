import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import type { EmailLocale } from "./components/strings";

export interface ConsultationChangesRequestedProps {
  locale: EmailLocale;
  campaignTitle: string;
  consultantName: string;
  topic: "direction" | "content" | "rewards" | "other";
  comment: string;
  editUrl: string;
}

const copy = {
  ko: {
    subject: (title: string) => `[컨설팅] ${title} 캠페인 수정 요청`,
    body: (name: string, topic: string) => `전담 컨설턴트 ${name} 님이 캠페인의 ${topic}에 대해 수정을 요청했습니다. 고친 뒤 다시 검토를 요청해 주세요.`,
    topics: { direction: "방향", content: "내용", rewards: "리워드 구성", other: "기타 사항" },
    comment: "컨설턴트 의견",
    cta: "캠페인 고치기",
  },
  en: {
    subject: (title: string) => `[Consulting] Changes requested for ${title}`,
    body: (name: string, topic: string) => `Your consultant ${name} asked for changes to the campaign's ${topic}. Revise it and submit it for review again.`,
    topics: { direction: "direction", content: "content", rewards: "reward composition", other: "other points" },
    comment: "The consultant's comment",
    cta: "Revise the campaign",
  },
};

export function consultationChangesRequestedSubject(props: ConsultationChangesRequestedProps): string {
  return copy[props.locale].subject(props.campaignTitle);
}

export default function ConsultationChangesRequestedEmail(props: ConsultationChangesRequestedProps) {
  const t = copy[props.locale];
  const subject = consultationChangesRequestedSubject(props);
  return (
    <EmailLayout locale={props.locale} preview={subject} title={subject}>
      <Text style={paragraph}>{t.body(props.consultantName, t.topics[props.topic])}</Text>
      <Text style={{ ...paragraph, backgroundColor: "#f3f4f6", borderRadius: 8, padding: "12px 14px", whiteSpace: "pre-wrap" }}>
        <strong>{t.comment}</strong>
        <br />
        {props.comment}
      </Text>
      <Button href={props.editUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
