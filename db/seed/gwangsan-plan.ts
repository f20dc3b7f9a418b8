// The Gwangsan 2016 round as demo data. The source publishes only the outcome: 8 projects
// selected (2 social enterprises, 6 cooperatives), 6 organisations succeeded, 277 people,
// 9,600,000 won. Demo assumptions, all of them: which 2 projects failed, the goals, how the
// 9,600,000 won split between projects (400,000 of it offline, at the 기억을 나누다 exhibition),
// that the 277 people are the distinct backers of the 6 successful projects (those who also
// backed a failed project are among them), and every individual amount and date.

export interface GwangsanResident {
  email: string;
  name: string;
  kind: "individual" | "company";
}

export interface GwangsanProject {
  slug: string;
  enterprise: string;
  title: string;
  goalWon: number;
  succeeded: boolean;
  /** Money collected online (succeeded) or pledged and released (failed). */
  onlineWon: number;
  offlineWon: number;
  backers: number;
  budget: { name: string; amount: number }[];
}

export interface GwangsanPledge {
  backer: string;
  amount: number;
  /** Days after the window opened. */
  day: number;
}

export const GWANGSAN_PUBLISHED = { organisations: 6, people: 277, amountWon: 9_600_000 } as const;
const WINDOW_DAYS = 50;
const COMPANIES_PER_PROJECT = 2;

export const gwangsanProjects: GwangsanProject[] = [
  {
    slug: "gwangsan-2016-muyang-library",
    enterprise: "태화루예술단",
    title: "무양서원 책꽃 피는 날",
    goalWon: 1_500_000,
    succeeded: true,
    onlineWon: 1_720_000,
    offlineWon: 0,
    backers: 50,
    budget: [],
  },
  {
    slug: "gwangsan-2016-sharing-memories",
    enterprise: "함께 크는 나무 협동조합",
    title: "기억을 나누다 · 기억을 더하다",
    goalWon: 1_500_000,
    succeeded: true,
    onlineWon: 1_380_000,
    offlineWon: 400_000,
    backers: 46,
    budget: [],
  },
  {
    slug: "gwangsan-2016-work-clothes",
    enterprise: "㈜푸른세상",
    title: "작업복 나눔 프로젝트 (데모)",
    goalWon: 1_500_000,
    succeeded: true,
    onlineWon: 1_650_000,
    offlineWon: 0,
    backers: 48,
    budget: [
      { name: "작업복 제작", amount: 1_200_000 },
      { name: "나눔 행사", amount: 300_000 },
    ],
  },
  {
    slug: "gwangsan-2016-sick-child-care",
    enterprise: "병원아동보호사 협동조합 엄마 손길",
    title: "아픈 아이 돌봄 지원 프로젝트 (데모)",
    goalWon: 1_200_000,
    succeeded: true,
    onlineWon: 1_410_000,
    offlineWon: 0,
    backers: 44,
    budget: [
      { name: "돌봄 이용료 지원", amount: 1_000_000 },
      { name: "보호사 교육", amount: 200_000 },
    ],
  },
  {
    slug: "gwangsan-2016-alley-play",
    enterprise: "누럭놀이단",
    title: "골목 놀이 교실 프로젝트 (데모)",
    goalWon: 1_500_000,
    succeeded: true,
    onlineWon: 1_560_000,
    offlineWon: 0,
    backers: 47,
    budget: [
      { name: "놀이 도구", amount: 900_000 },
      { name: "강사 활동비", amount: 600_000 },
    ],
  },
  {
    slug: "gwangsan-2016-sns-school",
    enterprise: "고리",
    title: "동네 가게 SNS 배움터 프로젝트 (데모)",
    goalWon: 2_000_000,
    succeeded: false,
    onlineWon: 640_000,
    offlineWon: 0,
    backers: 16,
    budget: [
      { name: "강의실 임차", amount: 800_000 },
      { name: "강사료", amount: 1_200_000 },
    ],
  },
  {
    slug: "gwangsan-2016-local-food-market",
    enterprise: "서창들녁협동조합",
    title: "마을 전통카페 로컬푸드 장터 프로젝트 (데모)",
    goalWon: 1_300_000,
    succeeded: true,
    onlineWon: 1_480_000,
    offlineWon: 0,
    backers: 42,
    budget: [
      { name: "장터 천막과 매대", amount: 1_000_000 },
      { name: "홍보물", amount: 300_000 },
    ],
  },
  {
    slug: "gwangsan-2016-room-repair",
    enterprise: "쌍쌍일촌 맥가이버",
    title: "원룸 주거환경 개선 프로젝트 (데모)",
    goalWon: 2_500_000,
    succeeded: false,
    onlineWon: 910_000,
    offlineWon: 0,
    backers: 20,
    budget: [
      { name: "수리 자재", amount: 1_700_000 },
      { name: "작업 인건비", amount: 800_000 },
    ],
  },
];

const INDIVIDUAL_AMOUNTS = [10_000, 20_000, 30_000, 10_000, 50_000, 20_000, 30_000, 10_000, 20_000, 10_000];
const SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권"];
const GIVEN = ["민준", "서연", "도윤", "하은", "지호", "수아", "예준", "지유", "주원", "채원", "건우", "다은", "현우", "소율", "우진", "윤서", "선우", "지민"];

function residentName(n: number): string {
  return `${SURNAMES[n % SURNAMES.length] ?? "김"}${GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length] ?? "민준"} (데모)`;
}

export function gwangsanResidents(): GwangsanResident[] {
  const successful = gwangsanProjects.filter((p) => p.succeeded);
  const companies = successful.length * COMPANIES_PER_PROJECT;
  const people = successful.reduce((sum, p) => sum + p.backers, 0);
  const residents: GwangsanResident[] = [];
  for (let i = 0; i < people - companies; i++) {
    residents.push({ email: `gwangsan-${String(i + 1).padStart(3, "0")}@hamkke.demo`, name: residentName(i), kind: "individual" });
  }
  for (let i = 0; i < companies; i++) {
    residents.push({ email: `gwangsan-co-${String(i + 1).padStart(2, "0")}@hamkke.demo`, name: `광산 기업 ${String(i + 1).padStart(2, "0")} (데모)`, kind: "company" });
  }
  return residents;
}

/**
 * Each successful project has its own backers (individuals with small amounts, two companies
 * sharing the rest); a failed project's backers are drawn from those people again.
 */
export function gwangsanPledges(): Map<string, GwangsanPledge[]> {
  const residents = gwangsanResidents();
  const individuals = residents.filter((r) => r.kind === "individual");
  const companies = residents.filter((r) => r.kind === "company");
  const plan = new Map<string, GwangsanPledge[]>();
  let nextIndividual = 0;
  let nextCompany = 0;
  for (const project of gwangsanProjects) {
    const pledges: GwangsanPledge[] = [];
    const individualCount = project.succeeded ? project.backers - COMPANIES_PER_PROJECT : project.backers;
    for (let i = 0; i < individualCount; i++) {
      const person = project.succeeded ? individuals[nextIndividual++] : individuals[(i * 7 + project.backers) % individuals.length];
      if (!person) throw new Error("gwangsan plan: not enough residents");
      pledges.push({ backer: person.email, amount: INDIVIDUAL_AMOUNTS[i % INDIVIDUAL_AMOUNTS.length] ?? 10_000, day: Math.floor((i * WINDOW_DAYS) / project.backers) });
    }
    const rest = project.onlineWon - pledges.reduce((sum, p) => sum + p.amount, 0);
    if (project.succeeded) {
      const first = Math.floor(rest / 2 / 10_000) * 10_000;
      for (const [k, amount] of [first, rest - first].entries()) {
        const company = companies[nextCompany++];
        if (!company || amount <= 0) throw new Error("gwangsan plan: company share does not fit");
        pledges.push({ backer: company.email, amount, day: 10 + k * 20 });
      }
    } else {
      const last = pledges.at(-1);
      if (!last || last.amount + rest <= 0) throw new Error("gwangsan plan: amounts do not fit");
      last.amount += rest;
    }
    plan.set(project.slug, pledges);
  }
  return plan;
}
