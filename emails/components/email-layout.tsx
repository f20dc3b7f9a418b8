import { Body, Container, Head, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";
import type { EmailLocale } from "./strings";

const brand = { ko: "함께펀드", en: "Hamkke Fund" } as const;
const footer = {
  ko: "함께펀드 · 사회적경제 크라우드펀딩과 자활기금을 투명하게. 이 메일은 발신 전용입니다.",
  en: "Hamkke Fund · social-economy crowdfunding and the self-sufficiency fund, in the open. Please do not reply to this e-mail.",
} as const;

export function EmailLayout({ locale, preview, title, children }: { locale: EmailLocale; preview: string; title: string; children: ReactNode }) {
  return (
    <Html lang={locale}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: "#f4f6f8", fontFamily: "'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif", margin: 0, padding: "24px 0" }}>
        <Container style={{ backgroundColor: "#ffffff", borderRadius: 12, maxWidth: 560, padding: "32px 28px" }}>
          <Text style={{ color: "#0f766e", fontSize: 14, fontWeight: 700, letterSpacing: 0.5, margin: 0 }}>{brand[locale]}</Text>
          <Heading as="h1" style={{ color: "#111827", fontSize: 22, lineHeight: "30px", margin: "12px 0 16px" }}>
            {title}
          </Heading>
          <Section>{children}</Section>
          <Hr style={{ borderColor: "#e5e7eb", margin: "28px 0 16px" }} />
          <Text style={{ color: "#6b7280", fontSize: 12, lineHeight: "18px", margin: 0 }}>{footer[locale]}</Text>
        </Container>
      </Body>
    </Html>
  );
}

export const paragraph = { color: "#374151", fontSize: 15, lineHeight: "24px", margin: "0 0 14px" } as const;
export const button = {
  backgroundColor: "#0f766e",
  borderRadius: 8,
  color: "#ffffff",
  display: "inline-block",
  fontSize: 15,
  fontWeight: 700,
  padding: "12px 20px",
  textDecoration: "none",
} as const;
