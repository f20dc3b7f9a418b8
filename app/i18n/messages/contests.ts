import { defineMessages } from "../define";

export const contests = defineMessages({
  ko: {
    indexTitle: "공모전",
    indexIntro: "지자체와 지원센터·자활센터가 여는 크라우드펀딩 공모전, 사업계획 발표 대회, 지원사업 공모와 양성 과정입니다.",
    kinds: { crowdfunding: "크라우드펀딩 공모전", pitch: "사업계획 발표·지원금", grant_call: "지원사업 공모", training: "양성 과정" },
    host: "주최",
    purpose: "취지",
    timeline: "일정",
    selectCount: (n: number) => `${n}개 프로젝트 선정`,
    campaigns: "참여 캠페인",
    noCampaigns: "아직 공개된 캠페인이 없습니다.",
  },
  en: {
    indexTitle: "Contests",
    indexIntro: "Crowdfunding contests, pitch contests, grant calls and training programmes run by local governments, support centres and self-sufficiency centres.",
    kinds: { crowdfunding: "Crowdfunding contest", pitch: "Pitch contest and grants", grant_call: "Grant call", training: "Training programme" },
    host: "Host",
    purpose: "Purpose",
    timeline: "Timeline",
    selectCount: (n: number) => `${n} projects selected`,
    campaigns: "Campaigns",
    noCampaigns: "No campaign has been published yet.",
  },
});
