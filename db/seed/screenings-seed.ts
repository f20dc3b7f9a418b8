import type { Transaction } from "kysely";
import type { FileStore } from "../../app/files/file-store.server";
import { recordScreeningResultIn } from "../../app/contests/applications.server";
import { runSelectionInTransaction } from "../../app/contests/jury.server";
import { addCourseIn, registerIntakeIn } from "../../app/contests/training.server";
import { approveDisbursementIn, requestGrantDisbursementIn } from "../../app/disbursements/disbursements.server";
import { recordGrantAwardIn } from "../../app/grants/awards.server";
import type { ContestKind, ContestStageKind, DB } from "../types";
import { upsertApplication } from "./contest-seed";
import { certificateApplicants, certificateProgramme, equipmentCall, SCREENINGS_PUBLISHED } from "./screenings-plan";

// The Gwangju Metropolitan Self-Sufficiency Center's two screened calls (plan and demo
// assumptions: screenings-plan.ts), run through the product's own functions: screening
// decisions, selection by screening, grant awards with their ledger entries, and grant payments
// requested by each enterprise and approved by two operators of the centre. Idempotent: rows
// are found by their natural keys, selection runs only while a call has none, and awards and
// payments carry their own idempotency.

type Trx = Transaction<DB>;

const ORIGIN = "http://localhost:3000";
const HOST_KEY = "gj-jahwal";
const CENTRE_OPERATORS = ["center@hamkke.demo", "center2@hamkke.demo"] as const;

async function userIdOf(trx: Trx, email: string): Promise<number> {
  const row = await trx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  if (!row) throw new Error(`seed: user ${email} missing`);
  return row.id;
}

interface CallRow {
  slug: string;
  kind: ContestKind;
  title: string;
  purpose: string;
  selectCount: number;
  applicationsOpenOn: string;
  applicationsCloseOn: string;
  stages: { kind: ContestStageKind; starts_on: string; ends_on: string | null; note: string }[];
  steps: { kind: "document_review" | "interview" | "on_site_inspection"; title: string; from: string; to: string }[];
}

/** The call, its public timeline and its screening steps; returns its id and whether selection ran. */
async function upsertCall(trx: Trx, hostId: number, adminId: number, call: CallRow): Promise<{ id: number; selected: boolean }> {
  await trx
    .insertInto("contests")
    .values({
      slug: call.slug,
      host_id: hostId,
      kind: call.kind,
      title: call.title,
      purpose: call.purpose,
      select_count: call.selectCount,
      applications_open_on: call.applicationsOpenOn,
      applications_close_on: call.applicationsCloseOn,
      eligible_regions: ["광주"],
      eligible_types: call.kind === "grant_call" ? ["self_sufficiency_enterprise"] : [],
      published: true,
      created_by: adminId,
      created_at: `${call.applicationsOpenOn}T09:00:00+09:00`,
    })
    .onConflict((oc) => oc.column("slug").doNothing())
    .execute();
  const contest = await trx.selectFrom("contests").select(["id", "selected_at"]).where("slug", "=", call.slug).executeTakeFirstOrThrow();
  const stages = [{ kind: "application" as const, starts_on: call.applicationsOpenOn, ends_on: call.applicationsCloseOn, note: "" }, ...call.stages];
  await trx
    .insertInto("contest_stages")
    .values(stages.map((s) => ({ contest_id: contest.id, ...s })))
    .onConflict((oc) => oc.columns(["contest_id", "kind"]).doNothing())
    .execute();
  await trx
    .insertInto("contest_screening_steps")
    .values(call.steps.map((s, i) => ({ contest_id: contest.id, position: i + 1, kind: s.kind, title: s.title, window_from: s.from, window_to: s.to })))
    .onConflict((oc) => oc.columns(["contest_id", "position"]).doNothing())
    .execute();
  return { id: contest.id, selected: contest.selected_at !== null };
}

async function stepIds(trx: Trx, contestId: number): Promise<number[]> {
  const rows = await trx.selectFrom("contest_screening_steps").select("id").where("contest_id", "=", contestId).orderBy("position").execute();
  return rows.map((r) => r.id);
}

function paymentKey(applicantIndex: number): string {
  return `demo-${equipmentCall.slug}-${applicantIndex + 1}`;
}

async function seedEquipmentCall(trx: Trx, hostId: number, adminId: number, operators: number[], fileStore: FileStore) {
  const [operator, secondOperator] = operators;
  if (operator === undefined || secondOperator === undefined) return;
  const call = equipmentCall;
  const { grant } = call;
  const contest = await upsertCall(trx, hostId, adminId, {
    slug: call.slug,
    kind: "grant_call",
    title: call.title,
    purpose: call.purpose,
    selectCount: SCREENINGS_PUBLISHED.equipment.selected,
    applicationsOpenOn: call.applicationsOpenOn,
    applicationsCloseOn: call.applicationsCloseOn,
    stages: [
      { kind: "screening", starts_on: call.inspection.from, ends_on: call.inspection.to, note: `${call.inspection.title} (신청 ${call.applicants.length}곳)` },
      { kind: "selection", starts_on: call.selectedAt.slice(0, 10), ends_on: null, note: `${SCREENINGS_PUBLISHED.equipment.selected}곳 선정` },
      { kind: "grant_period", starts_on: grant.periodFrom, ends_on: grant.periodTo, note: `${grant.title} (데모 기간)` },
    ],
    steps: [{ kind: "on_site_inspection", title: call.inspection.title, from: call.inspection.from, to: call.inspection.to }],
  });
  const paymentKeys = call.applicants.flatMap((a, i) => (a.payment ? [paymentKey(i)] : []));
  const paid = await trx.selectFrom("disbursements").select("id").where("idempotency_key", "in", paymentKeys).execute();
  if (contest.selected && paid.length === paymentKeys.length) return;

  await trx
    .insertInto("contest_grant_rules")
    .values({
      contest_id: contest.id,
      version: 1,
      title: grant.title,
      pool_won: grant.poolWon,
      cap_per_awardee_won: grant.capPerAwardeeWon,
      funding_source: grant.fundingSource,
      eligible_expenses: [grant.category],
      period_from: grant.periodFrom,
      period_to: grant.periodTo,
      created_by: operator,
      created_at: call.selectedAt,
    })
    .onConflict((oc) => oc.columns(["contest_id", "version"]).doNothing())
    .execute();

  // The two demo applicants are not in the seed cases: demo business units of the centre.
  for (const applicant of call.applicants) {
    if (!("district" in applicant) || !applicant.district) continue;
    if (await trx.selectFrom("enterprises").select("id").where("name", "=", applicant.enterprise).executeTakeFirst()) continue;
    await trx
      .insertInto("enterprises")
      .values({
        host_id: hostId,
        name: applicant.enterprise,
        type: "self_sufficiency_enterprise",
        representative: "미공개",
        district: applicant.district,
        business: "자활사업단 (데모)",
        employees: 0,
        vulnerable_employees: 0,
        status: "verified",
        verified_by: adminId,
        verified_at: `${call.applicationsOpenOn}T09:00:00+09:00`,
      })
      .execute();
  }
  const applicationIds: number[] = [];
  for (const applicant of call.applicants) {
    applicationIds.push(
      await upsertApplication(
        trx,
        contest.id,
        {
          enterprise: applicant.enterprise,
          title: applicant.project,
          summary: applicant.summary,
          socialValue: "자활 일자리 유지와 확대 (데모)",
          budgetWon: applicant.requestedWon,
          submittedAt: applicant.submittedAt,
        },
        adminId,
      ),
    );
  }

  if (!contest.selected) {
    const [inspection] = await stepIds(trx, contest.id);
    if (inspection === undefined) throw new Error("seed: the inspection step is missing");
    for (const [i, applicant] of call.applicants.entries()) {
      const applicationId = applicationIds[i] ?? 0;
      await recordScreeningResultIn(trx, {
        contestId: contest.id,
        stepId: inspection,
        applicationId,
        passed: applicant.passed,
        note: applicant.note,
        userId: operator,
        now: new Date(applicant.inspectedAt),
      });
    }
    await runSelectionInTransaction(trx, contest.id, operator, new Date(call.selectedAt));
  }

  // All awards on the award day, then each payment in its turn, so the ledger reads in time order.
  const awards = new Map<number, number>();
  for (const [i, applicant] of call.applicants.entries()) {
    if (!applicant.payment) continue;
    const award = await recordGrantAwardIn(trx, {
      contestId: contest.id,
      award: { applicationId: applicationIds[i] ?? 0, amountWon: applicant.requestedWon, lines: [{ category: grant.category, amountWon: applicant.requestedWon }] },
      awardedBy: operator,
      now: new Date(grant.awardedAt),
      note: "데모 금액",
    });
    awards.set(i, award.id);
  }
  for (const [i, applicant] of call.applicants.entries()) {
    const { payment } = applicant;
    const awardId = awards.get(i);
    if (!payment || awardId === undefined) continue;
    const owner = await trx
      .selectFrom("grant_awards")
      .innerJoin("enterprise_members", "enterprise_members.enterprise_id", "grant_awards.enterprise_id")
      .select("enterprise_members.user_id")
      .where("grant_awards.id", "=", awardId)
      .where("enterprise_members.role", "=", "owner")
      .orderBy("enterprise_members.user_id")
      .executeTakeFirst();
    if (!owner) throw new Error(`seed: ${applicant.enterprise} has no owner to request its grant`);
    const request = await requestGrantDisbursementIn(
      trx,
      { fileStore, now: new Date(payment.requestedAt) },
      {
        grantAwardId: awardId,
        expenseCategory: grant.category,
        requestedBy: owner.user_id,
        kind: "expense",
        amount: applicant.requestedWon,
        payee: payment.payee,
        description: `${payment.description} (데모)`,
        idempotencyKey: paymentKey(i),
        receipts: [],
      },
    );
    if (!request.created) continue;
    // Above the threshold: two different operators of the centre, neither a member of the enterprise.
    const context = { origin: ORIGIN, now: new Date(payment.approvedAt) };
    const first = await approveDisbursementIn(trx, context, { disbursementId: request.id, approverId: operator });
    if (!first.paid) await approveDisbursementIn(trx, context, { disbursementId: request.id, approverId: secondOperator });
  }
}

async function seedCertificateProgramme(trx: Trx, hostId: number, adminId: number, operator: number) {
  const programme = certificateProgramme;
  const contest = await upsertCall(trx, hostId, adminId, {
    slug: programme.slug,
    kind: "training",
    title: programme.title,
    purpose: programme.purpose,
    selectCount: SCREENINGS_PUBLISHED.certificates.selected,
    applicationsOpenOn: programme.applicationsOpenOn,
    applicationsCloseOn: programme.applicationsCloseOn,
    stages: [
      { kind: "screening", starts_on: programme.steps[0]?.from ?? programme.applicationsCloseOn, ends_on: programme.steps.at(-1)?.to ?? null, note: "서류 심사 + 면접" },
      { kind: "selection", starts_on: programme.selectedAt.slice(0, 10), ends_on: null, note: `${SCREENINGS_PUBLISHED.certificates.selected}명 선정` },
    ],
    steps: programme.steps,
  });
  if (contest.selected) return;

  const existingCourses = await trx.selectFrom("contest_courses").select(["id", "title"]).where("contest_id", "=", contest.id).execute();
  for (const course of programme.courses) {
    if (!existingCourses.some((c) => c.title === course.title)) await addCourseIn(trx, contest.id, course);
  }
  const courses = await trx.selectFrom("contest_courses").select(["id", "title"]).where("contest_id", "=", contest.id).execute();
  const registered = await trx.selectFrom("contest_applications").select(["id", "intake_no"]).where("contest_id", "=", contest.id).execute();
  const applicants = certificateApplicants();
  for (const applicant of applicants.slice(registered.length)) {
    const courseId = courses.find((c) => c.title === applicant.course)?.id ?? 0;
    const entry = await registerIntakeIn(trx, { contestId: contest.id, courseId, userId: operator, now: new Date(applicant.registeredAt) });
    registered.push({ id: entry.id, intake_no: entry.intakeNo });
  }

  const [documents, interview] = await stepIds(trx, contest.id);
  if (documents === undefined || interview === undefined) throw new Error("seed: the programme's screening steps are missing");
  for (const applicant of applicants) {
    const applicationId = registered.find((r) => r.intake_no === applicant.intakeNo)?.id ?? 0;
    const base = { contestId: contest.id, applicationId, userId: operator };
    await recordScreeningResultIn(trx, { ...base, stepId: documents, ...applicant.documents, now: new Date(programme.documentsDecidedAt) });
    if (applicant.interview) await recordScreeningResultIn(trx, { ...base, stepId: interview, ...applicant.interview, now: new Date(programme.interviewDecidedAt) });
  }
  await runSelectionInTransaction(trx, contest.id, operator, new Date(programme.selectedAt));
}

export async function seedScreenings(trx: Trx, adminId: number, fileStore: FileStore): Promise<void> {
  const host = await trx.selectFrom("host_organisations").select("id").where("key", "=", HOST_KEY).executeTakeFirst();
  if (!host) return;
  const operators = await Promise.all(CENTRE_OPERATORS.map((email) => userIdOf(trx, email)));
  await seedEquipmentCall(trx, host.id, adminId, operators, fileStore);
  const [operator] = operators;
  if (operator !== undefined) await seedCertificateProgramme(trx, host.id, adminId, operator);
}
