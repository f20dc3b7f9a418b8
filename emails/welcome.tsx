import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./components/email-layout";
import type { EmailLocale } from "./components/strings";

export interface WelcomeProps {
  locale: EmailLocale;
  displayName: string;
  homeUrl: string;
}

const copy = {
  ko: {
    subject: "함께펀드에 오신 것을 환영합니다",
    greeting: (name: string) => `${name}님, 반갑습니다.`,
    body: "이제 지역 사회적경제기업의 프로젝트를 후원하고, 모인 돈이 어디에 쓰였는지 공개 장부에서 직접 확인할 수 있습니다.",
    cta: "진행 중인 캠페인 보기",
  },
  en: {
    subject: "Welcome to Hamkke Fund",
    greeting: (name: string) => `Hello ${name},`,
    body: "You can now back projects of local social-economy enterprises and follow every won they receive on the public ledger.",
    cta: "See live campaigns",
  },
};

export function welcomeSubject(props: WelcomeProps): string {
  return copy[props.locale].subject;
}

export default function WelcomeEmail(props: WelcomeProps) {
  const t = copy[props.locale];
  return (
    <EmailLayout locale={props.locale} preview={t.subject} title={t.subject}>
      <Text style={paragraph}>{t.greeting(props.displayName)}</Text>
      <Text style={paragraph}>{t.body}</Text>
      <Button href={props.homeUrl} style={button}>
        {t.cta}
      </Button>
    </EmailLayout>
  );
}
