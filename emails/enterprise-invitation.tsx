import { Button, Link, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import type { EmailLocale } from "./components/strings";

export interface EnterpriseInvitationProps {
  locale: EmailLocale;
  enterpriseName: string;
  inviterName: string;
  acceptUrl: string;
}

const copy = {
  ko: {
    subject: (enterprise: string) => `${enterprise}에서 함께펀드 구성원으로 초대했습니다`,
    body: (inviter: string, enterprise: string) =>
      `${inviter}님이 ${enterprise}의 구성원으로 초대했습니다. 수락하면 캠페인 작성, 공모전 신청, 집행 요청을 함께 할 수 있습니다. 초대는 14일 동안 유효합니다.`,
    cta: "초대 수락하기",
    fallback: "버튼이 열리지 않으면 이 주소를 여세요:",
  },
  en: {
    subject: (enterprise: string) => `${enterprise} invited you to Hamkke Fund`,
    body: (inviter: string, enterprise: string) =>
      `${inviter} invited you to join ${enterprise}. Members write campaigns, apply to contests and request disbursements. The invitation is valid for 14 days.`,
    cta: "Accept the invitation",
    fallback: "If the button does not open, use this address:",
  },
};

export function enterpriseInvitationSubject(props: EnterpriseInvitationProps): string {
  return copy[props.locale].subject(props.enterpriseName);
}

export default function EnterpriseInvitationEmail(props: EnterpriseInvitationProps) {
  const t = copy[props.locale];
  const subject = t.subject(props.enterpriseName);
  return (
    <EmailLayout locale={props.locale} preview={subject} title={subject}>
      <Text style={paragraph}>{t.body(props.inviterName, props.enterpriseName)}</Text>
      <Button href={props.acceptUrl} style={button}>
        {t.cta}
      </Button>
      <Text style={{ ...paragraph, fontSize: 13, marginTop: 20 }}>
        {t.fallback} <Link href={props.acceptUrl}>{props.acceptUrl}</Link>
      </Text>
    </EmailLayout>
  );
}
