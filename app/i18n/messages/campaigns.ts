import { defineMessages } from "../define";

export const campaigns = defineMessages({
  ko: {
    indexTitle: "캠페인",
    indexIntro: "사회적경제기업이 지역과 함께 하는 프로젝트입니다. 목표를 달성한 캠페인만 결제되는 방식이 기본입니다.",
    empty: "조건에 맞는 캠페인이 없습니다.",
    state: "상태",
    raised: "모금액",
    goal: "목표 금액",
    period: "모금 기간",
    fundingModel: "결제 방식",
    enterprise: "진행 기업",
    contest: "공모전",
    series: "시리즈",
    round: (n: number) => `${n}차`,
    story: "프로젝트 소개",
  },
  en: {
    indexTitle: "Campaigns",
    indexIntro: "Projects that social-economy enterprises run with their neighbourhoods. By default nobody is charged unless the goal is met.",
    empty: "No campaign matches.",
    state: "Status",
    raised: "Raised",
    goal: "Goal",
    period: "Fundraising period",
    fundingModel: "Funding model",
    enterprise: "Enterprise",
    contest: "Contest",
    series: "Series",
    round: (n: number) => `Round ${n}`,
    story: "About the project",
  },
});
