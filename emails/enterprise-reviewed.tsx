import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import type { EmailLocale } from "./components/strings";

export interface EnterpriseReviewedProps {
  locale: EmailLocale;
  enterpriseName: string;
  verified: boolean;
  note: string;
  enterpriseUrl: string;
}

const copy = {
  ko: {
    verified: (name: string) => `${name}의 기업 정보가 확인되었습니다`,
    rejected: (name: string) => `${name}의 기업 정보 확인이 보류되었습니다`,
    verifiedBody: "운영기관이 기업 정보를 확인했습니다. 이제 공개 기업 목록에 표시되며 공모전에 신청할 수 있습니다.",
    rejectedBody: "운영기관이 아래 사유로 확인을 보류했습니다. 정보를 고친 뒤 다시 확인을 요청해 주세요.",
    note: "운영기관 메모",
    cta: "기업 정보 보기",
  },
  en: {
    verified: (name: string) => `${name} has been verified`,
    rejected: (name: string) => `${name} could not be verified yet`,
    verifiedBody: "The host verified your enterprise. It now appears in the public directory and can apply to contests.",
    rejectedBody: "The host could not verify your enterprise for the reason below. Correct the details and ask again.",
    note: "Note from the host",
    cta: "View the enterprise",
  },
};

export function enterpriseReviewedSubject(props: EnterpriseReviewedProps): string {
  const t = copy[props.locale];
  return props.verified ? t.verified(props.enterpriseName) : t.rejected(props.enterpriseName);
}

export default function EnterpriseReviewedEmail(props: EnterpriseReviewedProps) {
  const t = copy[props.locale];
  const subject = enterpriseReviewedSubject(props);
  return (
    <EmailLayout locale={props.locale} preview={subject} title={subject}>
      <Text style={paragraph}>{props.verified ? t.verifiedBody : t.rejectedBody}</Text>
      {props.note ? (
        <Text style={{ ...paragraph, backgroundColor: "#f3f4f6", borderRadius: 8, padding: "12px 14px" }}>
          <strong>{t.note}</strong>
          <br />
          {props.note}
        </Text>
      ) : null}
      <Button href={props.enterpriseUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
