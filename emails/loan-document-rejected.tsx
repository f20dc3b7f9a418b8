import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import { LoanFacts } from "./components/loan-facts";
import type { EmailLocale } from "./components/strings";

export interface LoanDocumentRejectedProps {
  locale: EmailLocale;
  enterpriseName: string;
  applicationId: number;
  /** The document type's name in the recipient's language. */
  documentName: string;
  fileName: string;
  reason: string;
  applicationUrl: string;
}

const copy = {
  ko: {
    subject: (name: string, doc: string) => `[서류 보완 요청] ${name}의 융자 신청 서류(${doc})를 다시 제출해 주세요`,
    body: "서류 검토 중 아래 서류를 반려했습니다. 사유를 확인하고 신청 화면에서 새 서류를 올려 주세요. 새 서류가 들어오면 검토를 이어갑니다. 반려된 서류는 기록으로 남습니다.",
    application: "신청 번호",
    document: "서류",
    file: "파일",
    reason: "반려 사유",
    cta: "새 서류 올리기",
  },
  en: {
    subject: (name: string, doc: string) => `[Document needed] Please send ${name}'s ${doc} again`,
    body: "The review did not accept the document below. Read the reason and upload a new one on the application page; the review continues once it arrives. The rejected document stays on record.",
    application: "Application",
    document: "Document",
    file: "File",
    reason: "Reason",
    cta: "Upload a new document",
  },
};

export function loanDocumentRejectedSubject(props: LoanDocumentRejectedProps): string {
  return copy[props.locale].subject(props.enterpriseName, props.documentName);
}

export default function LoanDocumentRejectedEmail(props: LoanDocumentRejectedProps) {
  const t = copy[props.locale];
  const subject = loanDocumentRejectedSubject(props);
  return (
    <EmailLayout locale={props.locale} preview={subject} title={subject}>
      <Text style={paragraph}>{t.body}</Text>
      <LoanFacts
        rows={[
          { label: t.application, value: `#${props.applicationId}` },
          { label: t.document, value: props.documentName },
          { label: t.file, value: props.fileName },
        ]}
      />
      <Text style={paragraph}>
        <strong>{t.reason}</strong>
        <br />
        {props.reason}
      </Text>
      <Button href={props.applicationUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
