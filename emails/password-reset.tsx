import { Button, Link, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import type { EmailLocale } from "./components/strings";

export interface PasswordResetProps {
  locale: EmailLocale;
  displayName: string;
  resetUrl: string;
}

const copy = {
  ko: {
    subject: "비밀번호 재설정 안내",
    greeting: (name: string) => `${name}님,`,
    body: "비밀번호 재설정을 요청하셨습니다. 아래 버튼을 눌러 새 비밀번호를 정해 주세요. 이 링크는 1시간 동안 한 번만 쓸 수 있습니다.",
    cta: "비밀번호 재설정",
    ignore: "요청하지 않으셨다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다.",
    fallback: "버튼이 열리지 않으면 이 주소를 브라우저에 붙여 넣으세요:",
  },
  en: {
    subject: "Reset your password",
    greeting: (name: string) => `Hello ${name},`,
    body: "You asked to reset your password. Use the button below to choose a new one. The link works once, for one hour.",
    cta: "Reset password",
    ignore: "If you did not ask for this, ignore this e-mail; your password stays the same.",
    fallback: "If the button does not open, paste this address into your browser:",
  },
};

export function passwordResetSubject(props: PasswordResetProps): string {
  return copy[props.locale].subject;
}

export default function PasswordResetEmail(props: PasswordResetProps) {
  const t = copy[props.locale];
  return (
    <EmailLayout locale={props.locale} preview={t.subject} title={t.subject}>
      <Text style={paragraph}>{t.greeting(props.displayName)}</Text>
      <Text style={paragraph}>{t.body}</Text>
      <Button href={props.resetUrl} style={button}>
        {t.cta}
      </Button>
      <Text style={{ ...paragraph, marginTop: 20 }}>{t.ignore}</Text>
      <Text style={{ ...paragraph, fontSize: 13 }}>
        {t.fallback} <Link href={props.resetUrl}>{props.resetUrl}</Link>
      </Text>
    </EmailLayout>
  );
}
