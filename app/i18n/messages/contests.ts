import { defineMessages } from "../define";

export const contests = defineMessages({
  ko: {
    indexTitle: "공모전",
    indexIntro: "지자체와 지원센터가 여는 사회적경제 크라우드펀딩 공모전과 사업계획 발표 대회입니다.",
    kinds: { crowdfunding: "크라우드펀딩 공모전", pitch: "사업계획 발표·지원금" },
    host: "주최",
    purpose: "취지",
    timeline: "일정",
    selectCount: (n: number) => `${n}개 프로젝트 선정`,
    campaigns: "참여 캠페인",
    noCampaigns: "아직 공개된 캠페인이 없습니다.",
  },
  en: {
    indexTitle: "Contests",
    indexIntro: "Social-economy crowdfunding contests and pitch contests run by local governments and support centres.",
    kinds: { crowdfunding: "Crowdfunding contest", pitch: "Pitch contest and grants" },
    host: "Host",
    purpose: "Purpose",
    timeline: "Timeline",
    selectCount: (n: number) => `${n} projects selected`,
    campaigns: "Campaigns",
    noCampaigns: "No campaign has been published yet.",
  },
});
