import { defineMessages } from "../define";

export const account = defineMessages({
  ko: {
    title: "내 정보",
    myEnterprises: "내 기업",
    noEnterprises: "소속된 기업이 없습니다. 사회적경제기업이라면 기업을 등록하세요.",
    staffRoles: "운영 역할",
    signedInAs: (email: string) => `${email}(으)로 로그인했습니다.`,
  },
  en: {
    title: "My account",
    myEnterprises: "My enterprises",
    noEnterprises: "You do not belong to an enterprise. If you run a social-economy enterprise, register it.",
    staffRoles: "Staff roles",
    signedInAs: (email: string) => `Signed in as ${email}.`,
  },
});
