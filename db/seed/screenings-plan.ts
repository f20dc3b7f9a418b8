import { seedCases } from "./seed-cases";

// The Gwangju Metropolitan Self-Sufficiency Center's two screened calls as demo data. The
// source gives, for the function-reinforcement call, 8 applicants, an on-site inspection from
// 9/4 to 9/14 and the 6 selected by name; for the certificate course, 53 applicants screened by
// documents and interview and 42 selected. Demo assumptions, all of them: the year (2018, after
// the Seo-gu 2017 grants in the demo history), the application windows and selection dates, the
// two applicants that did not pass and their notes, what each enterprise asked for and how much,
// the grant's pool, cap, source and period, the equipment suppliers and payment dates; for the
// course, the certificates, how the 53 split between them, who failed which step (5 at the
// documents, 6 at the interview) and every date.

const [equipmentSource, certificateSource] = seedCases.screenings;
if (!equipmentSource?.on_site_inspection || !equipmentSource.selected_names || !certificateSource) throw new Error("seed cases: the screenings are missing");

export const SCREENINGS_YEAR = 2018;
export const SCREENINGS_PUBLISHED = {
  equipment: { applicants: equipmentSource.applicants, selected: equipmentSource.selected, names: equipmentSource.selected_names },
  certificates: { applicants: certificateSource.applicants, selected: certificateSource.selected },
} as const;

const day = (monthDay: string) => `${SCREENINGS_YEAR}-${monthDay}`;

export interface EquipmentApplicant {
  enterprise: string;
  /** Only for the demo applicants, who are not in the seed cases. */
  district?: string;
  project: string;
  summary: string;
  requestedWon: number;
  submittedAt: string;
  inspectedAt: string;
  passed: boolean;
  note: string;
  /** What the grant paid for: the supplier and when (selected applicants only). */
  payment?: { payee: string; description: string; requestedAt: string; approvedAt: string };
}

export const equipmentCall = {
  slug: `gj-jahwal-${SCREENINGS_YEAR}-equipment`,
  title: `${SCREENINGS_YEAR}년 ${equipmentSource.title}`,
  purpose: `자활기업과 자활사업단의 장비를 보강해 일자리를 지키고 늘립니다. 신청 ${equipmentSource.applicants}곳을 현장 실사로 심사해 ${equipmentSource.selected}곳을 선정하고, 신청한 장비 구입비를 지원했습니다. (연도, 신청액, 지원금 규모와 집행 내역은 데모 가정)`,
  applicationsOpenOn: day("08-13"),
  applicationsCloseOn: day("08-24"),
  inspection: { title: "현장 실사", from: day(equipmentSource.on_site_inspection.from), to: day(equipmentSource.on_site_inspection.to) },
  selectedAt: `${day("09-17")}T10:00:00+09:00`,
  grant: {
    title: "기능보강 장비 구입 지원",
    poolWon: 40_000_000,
    capPerAwardeeWon: 8_000_000,
    fundingSource: "광주광역자활센터 기능보강사업비 (데모)",
    category: "장비 구입",
    periodFrom: day("09-17"),
    periodTo: day("12-31"),
    awardedAt: `${day("09-18")}T10:00:00+09:00`,
  },
  applicants: [
    {
      enterprise: "깨끗한콜세차",
      project: "출장 세차용 스팀 고압 세척기 보강",
      summary: "출장 세차 수요가 늘어 스팀 고압 세척기 2대를 더 들입니다. (데모)",
      requestedWon: 6_000_000,
      submittedAt: `${day("08-16")}T10:20:00+09:00`,
      inspectedAt: `${day("09-04")}T14:00:00+09:00`,
      passed: true,
      note: "세척기 보관 공간과 출장 차량을 확인했습니다. (데모)",
      payment: { payee: "광주 세차장비 납품업체 (데모)", description: "스팀 고압 세척기 2대", requestedAt: `${day("10-02")}T10:00:00+09:00`, approvedAt: `${day("10-04")}T15:00:00+09:00` },
    },
    {
      enterprise: "찬찬찬",
      project: "반찬 조리실 냉장고·진공포장기 보강",
      summary: "반찬 배달 물량에 맞춰 업소용 냉장고와 진공포장기를 들입니다. (데모)",
      requestedWon: 5_500_000,
      submittedAt: `${day("08-17")}T11:00:00+09:00`,
      inspectedAt: `${day("09-05")}T10:30:00+09:00`,
      passed: true,
      note: "조리실 위생 상태와 전력 용량을 확인했습니다. (데모)",
      payment: { payee: "주방설비 납품업체 (데모)", description: "업소용 냉장고 1대, 진공포장기 1대", requestedAt: `${day("10-05")}T10:00:00+09:00`, approvedAt: `${day("10-08")}T15:00:00+09:00` },
    },
    {
      enterprise: "슬림샐러드",
      project: "채소 탈수기와 쇼케이스 냉장고 보강",
      summary: "샐러드 생산량을 늘리려 채소 탈수기와 쇼케이스 냉장고를 들입니다. (데모)",
      requestedWon: 4_800_000,
      submittedAt: `${day("08-20")}T09:40:00+09:00`,
      inspectedAt: `${day("09-06")}T14:00:00+09:00`,
      passed: true,
      note: "작업장 동선과 냉장 보관 설비를 확인했습니다. (데모)",
      payment: { payee: "식품기계 납품업체 (데모)", description: "채소 탈수기 1대, 쇼케이스 냉장고 1대", requestedAt: `${day("10-08")}T10:00:00+09:00`, approvedAt: `${day("10-10")}T15:00:00+09:00` },
    },
    {
      enterprise: "커피마루 운암점",
      project: "에스프레소 머신 교체",
      summary: "고장이 잦은 에스프레소 머신을 2그룹 머신으로 바꿉니다. (데모)",
      requestedWon: 7_000_000,
      submittedAt: `${day("08-21")}T15:10:00+09:00`,
      inspectedAt: `${day("09-07")}T11:00:00+09:00`,
      passed: true,
      note: "매장 운영과 기존 장비의 고장 기록을 확인했습니다. (데모)",
      payment: { payee: "커피머신 납품업체 (데모)", description: "2그룹 에스프레소 머신 1대", requestedAt: `${day("10-10")}T10:00:00+09:00`, approvedAt: `${day("10-12")}T15:00:00+09:00` },
    },
    {
      enterprise: "입에당긴맛깔",
      project: "식품 밀봉 포장기 보강",
      summary: "납품처가 늘어 자동 밀봉 포장기를 들입니다. (데모)",
      requestedWon: 3_900_000,
      submittedAt: `${day("08-22")}T13:00:00+09:00`,
      inspectedAt: `${day("09-10")}T14:00:00+09:00`,
      passed: true,
      note: "포장 작업 공간과 식품 위생 기록을 확인했습니다. (데모)",
      payment: { payee: "포장기계 납품업체 (데모)", description: "자동 밀봉 포장기 1대", requestedAt: `${day("10-15")}T10:00:00+09:00`, approvedAt: `${day("10-17")}T15:00:00+09:00` },
    },
    {
      enterprise: "바로바로택배",
      project: "배송용 전동 카트와 휴대 단말기 보강",
      summary: "아파트 단지 배송용 전동 카트와 배송 단말기를 들입니다. (데모)",
      requestedWon: 4_200_000,
      submittedAt: `${day("08-23")}T10:00:00+09:00`,
      inspectedAt: `${day("09-11")}T10:00:00+09:00`,
      passed: true,
      note: "물류 거점과 배송 인력 운영을 확인했습니다. (데모)",
      payment: { payee: "물류장비 납품업체 (데모)", description: "전동 카트 2대, 휴대 단말기 4대", requestedAt: `${day("10-17")}T10:00:00+09:00`, approvedAt: `${day("10-19")}T15:00:00+09:00` },
    },
    {
      enterprise: "북구 자활 청소사업단 (데모)",
      district: "광주 북구",
      project: "청소 장비 보강 (데모)",
      summary: "건물 청소용 바닥 세정기를 들입니다. (데모)",
      requestedWon: 5_000_000,
      submittedAt: `${day("08-24")}T11:30:00+09:00`,
      inspectedAt: `${day("09-12")}T14:00:00+09:00`,
      passed: false,
      note: "신청 장비를 둘 작업장이 아직 확보되지 않았습니다. (데모)",
    },
    {
      enterprise: "남구 자활 집수리사업단 (데모)",
      district: "광주 남구",
      project: "집수리 공구 보강 (데모)",
      summary: "집수리용 전동 공구 세트를 들입니다. (데모)",
      requestedWon: 3_000_000,
      submittedAt: `${day("08-24")}T16:00:00+09:00`,
      inspectedAt: `${day("09-14")}T10:00:00+09:00`,
      passed: false,
      note: "최근 1년 사업 실적을 확인할 수 없었습니다. (데모)",
    },
  ] satisfies EquipmentApplicant[],
};

export interface CertificateApplicant {
  intakeNo: number;
  course: string;
  registeredAt: string;
  /** null: did not reach the step (failed an earlier one). */
  documents: { passed: boolean; note: string };
  interview: { passed: boolean; note: string } | null;
}

const COURSES = [
  { title: "요양보호사", note: "국가자격 (데모 과정)", applicants: 14 },
  { title: "한식조리기능사", note: "국가기술자격 (데모 과정)", applicants: 12 },
  { title: "바리스타 2급", note: "민간자격 (데모 과정)", applicants: 10 },
  { title: "지게차운전기능사", note: "국가기술자격 (데모 과정)", applicants: 9 },
  { title: "제과기능사", note: "국가기술자격 (데모 과정)", applicants: 8 },
];
/** Intake numbers that failed the document review, and the interview (demo). */
const FAILED_DOCUMENTS = new Set([7, 15, 23, 38, 46]);
const FAILED_INTERVIEW = new Set([4, 12, 19, 27, 33, 50]);
const WINDOW_DAYS = 12;

export const certificateProgramme = {
  slug: `gj-jahwal-${SCREENINGS_YEAR}-certificates`,
  title: `${SCREENINGS_YEAR}년 ${certificateSource.title} (전문인력 양성사업)`,
  purpose: `자활참여자의 자격증 취득을 자활기금 전문인력 양성사업으로 지원합니다. ${certificateSource.applicants}명이 신청해 ${certificateSource.method ?? "서류 + 면접"}으로 ${certificateSource.selected}명을 선정했습니다. (연도, 일정, 과정과 과정별 인원은 데모 가정)`,
  applicationsOpenOn: day("03-05"),
  applicationsCloseOn: day("03-16"),
  steps: [
    { kind: "document_review" as const, title: "서류 심사", from: day("03-19"), to: day("03-21") },
    { kind: "interview" as const, title: "면접", from: day("03-26"), to: day("03-28") },
  ],
  documentsDecidedAt: `${day("03-21")}T17:00:00+09:00`,
  interviewDecidedAt: `${day("03-28")}T17:00:00+09:00`,
  selectedAt: `${day("03-30")}T10:00:00+09:00`,
  courses: COURSES.map(({ title, note }) => ({ title, note })),
};

/** The 53 applications in intake order, courses taken in turn, registered over the window. */
export function certificateApplicants(): CertificateApplicant[] {
  // The courses in turn: every course's first applicant, then every course's second one, …
  const left = COURSES.map((c) => ({ title: c.title, left: c.applicants }));
  const total = COURSES.reduce((sum, c) => sum + c.applicants, 0);
  const queue: string[] = [];
  while (queue.length < total) {
    for (const course of left) {
      if (course.left === 0) continue;
      queue.push(course.title);
      course.left -= 1;
    }
  }
  return queue.map((course, i): CertificateApplicant => {
    const intakeNo = i + 1;
    const date = new Date(`${certificateProgramme.applicationsOpenOn}T09:00:00+09:00`);
    date.setUTCDate(date.getUTCDate() + Math.floor((i * WINDOW_DAYS) / total));
    const documentsPassed = !FAILED_DOCUMENTS.has(intakeNo);
    return {
      intakeNo,
      course,
      registeredAt: new Date(date.getTime() + (i % 7) * 1_800_000).toISOString(),
      documents: documentsPassed ? { passed: true, note: "" } : { passed: false, note: "필수 서류를 기한까지 내지 않았습니다. (데모)" },
      interview: documentsPassed ? (FAILED_INTERVIEW.has(intakeNo) ? { passed: false, note: "면접에 오지 않았습니다. (데모)" } : { passed: true, note: "" }) : null,
    };
  });
}
