import { z } from "zod";
import type { ContestStageKind } from "../../db/types";
import { ENTERPRISE_TYPES } from "../orgs/enterprises";
import { seoulDate, startOfSeoulDay } from "../utils/dates";
import { choice, isoDateField, optionalIsoDateField, optionalText, requiredText, wholeNumber, whenFieldsValid, wonAmount } from "../utils/fields";

// Form schemas of the contest workflow. Every message is an ErrorKey.

export const CONTEST_KINDS = ["crowdfunding", "pitch", "grant_call", "training"] as const;
export const EVENT_KINDS = ["workshop", "briefing"] as const;
export const SCREENING_KINDS = ["document_review", "interview", "on_site_inspection"] as const;
export const EDITABLE_STAGES = [
  "pre_workshop",
  "screening",
  "jury",
  "selection",
  "consulting",
  "campaign_window",
  "results_meeting",
  "pitch",
  "grant_period",
] as const satisfies readonly ContestStageKind[];
export const MAX_CRITERIA = 6;

/** A field that may come once or many times (checkboxes, repeated rows) as a list of strings. */
const stringList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** "광주 광산구, 광주 서구" or one per line → ["광주 광산구", "광주 서구"]. */
function listText(maxItems: number, maxLength: number) {
  return optionalText(2000)
    .transform((s) =>
      s
        .split(/[,\n]/)
        .map((p) => p.trim().replace(/\s+/g, " "))
        .filter((p) => p !== ""),
    )
    .pipe(z.array(z.string().max(maxLength, "tooLong")).max(maxItems, "tooMany"));
}

/** Empty → null; otherwise the schema's own messages (a union would only say "invalid"). */
function orEmpty<T>(schema: z.ZodType<T, string>) {
  return z
    .string()
    .optional()
    .transform((s, ctx): T | null => {
      const value = s?.trim() ?? "";
      if (value === "") return null;
      const parsed = schema.safeParse(value);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
      return z.NEVER;
    });
}

const optionalWholeNumber = (min: number, max: number) => orEmpty(wholeNumber(min, max));

export const slugField = z
  .string({ error: "required" })
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().min(1, "required").regex(/^[a-z0-9][a-z0-9-]{1,79}$/, "slugFormat"));

export const contestSettingsSchema = z
  .object({
    title: requiredText(200),
    kind: choice(CONTEST_KINDS),
    purpose: optionalText(2000),
    fields: listText(10, 40),
    eligibleRegions: listText(20, 80),
    eligibleTypes: stringList.pipe(z.array(choice(ENTERPRISE_TYPES))),
    ageMin: optionalWholeNumber(0, 120),
    ageMax: optionalWholeNumber(0, 120),
    applicationsOpenOn: isoDateField,
    applicationsCloseOn: isoDateField,
    selectCount: wholeNumber(1, 1000),
    juryWeightPct: wholeNumber(1, 100),
    peerWeightPct: wholeNumber(0, 99),
  })
  .refine((v) => v.applicationsCloseOn >= v.applicationsOpenOn, { path: ["applicationsCloseOn"], message: "closeBeforeOpen", ...whenFieldsValid("applicationsOpenOn", "applicationsCloseOn") })
  .refine((v) => v.ageMin === null || v.ageMax === null || v.ageMin <= v.ageMax, { path: ["ageMax"], message: "ageBand", ...whenFieldsValid("ageMin", "ageMax") })
  .refine((v) => v.juryWeightPct + v.peerWeightPct === 100, { path: ["peerWeightPct"], message: "weightsSum", ...whenFieldsValid("juryWeightPct", "peerWeightPct") });

export type ContestSettingsInput = z.output<typeof contestSettingsSchema>;

export const newContestSchema = contestSettingsSchema.and(z.object({ hostId: wholeNumber(1, Number.MAX_SAFE_INTEGER), slug: slugField }));
export type NewContestInput = z.output<typeof newContestSchema>;

export const criteriaSchema = z
  .object({ criterionLabel: stringList, criterionWeight: stringList })
  .transform((v, ctx) => {
    const rows: { label: string; weightPct: number }[] = [];
    const count = Math.max(v.criterionLabel.length, v.criterionWeight.length);
    for (let i = 0; i < count; i++) {
      const label = (v.criterionLabel[i] ?? "").trim();
      const weight = (v.criterionWeight[i] ?? "").trim();
      if (label === "" && weight === "") continue;
      if (label === "" || label.length > 100) {
        ctx.addIssue({ code: "custom", path: ["criterionLabel"], message: label === "" ? "required" : "tooLong" });
        return z.NEVER;
      }
      if (!/^\d{1,3}$/.test(weight) || Number(weight) < 1 || Number(weight) > 100) {
        ctx.addIssue({ code: "custom", path: ["criterionWeight"], message: "invalidWeight" });
        return z.NEVER;
      }
      rows.push({ label, weightPct: Number(weight) });
    }
    if (rows.length === 0 || rows.length > MAX_CRITERIA || rows.reduce((s, r) => s + r.weightPct, 0) !== 100) {
      ctx.addIssue({ code: "custom", path: ["criterionWeight"], message: "weightsSum" });
      return z.NEVER;
    }
    return rows;
  });

export const stagesSchema = z.object(
  Object.fromEntries(
    EDITABLE_STAGES.flatMap((kind) => [
      [`${kind}_from`, optionalIsoDateField],
      [`${kind}_to`, optionalIsoDateField],
      [`${kind}_note`, optionalText(500)],
    ]),
  ) as Record<string, typeof optionalIsoDateField | ReturnType<typeof optionalText>>,
);

export interface StageInput {
  kind: ContestStageKind;
  startsOn: string;
  endsOn: string | null;
  note: string;
}

/** The stage rows of a parsed stages form; an end without a start or before it is an error on that field. */
export function stagesFrom(data: Record<string, string | null>): { stages: StageInput[]; errorField: string | null } {
  const stages: StageInput[] = [];
  for (const kind of EDITABLE_STAGES) {
    const from = data[`${kind}_from`] ?? null;
    const to = data[`${kind}_to`] ?? null;
    const note = data[`${kind}_note`] ?? "";
    if (from === null) {
      if (to !== null || note !== "") return { stages, errorField: `${kind}_from` };
      continue;
    }
    if (to !== null && to < from) return { stages, errorField: `${kind}_to` };
    stages.push({ kind, startsOn: from, endsOn: to, note });
  }
  return { stages, errorField: null };
}

/** "2016-01-10T14:00" typed in a datetime-local field, read as Seoul time. */
const seoulDateTimeField = z
  .string({ error: "required" })
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "required").regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "invalidDateTime"))
  .transform((s, ctx) => {
    const at = new Date(`${s}:00+09:00`);
    if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) < "2000-01-01") {
      ctx.addIssue({ code: "custom", message: "invalidDateTime" });
      return z.NEVER;
    }
    return at;
  });

export const eventSchema = z.object({
  kind: choice(EVENT_KINDS),
  title: requiredText(200),
  startsAt: seoulDateTimeField,
  location: requiredText(200),
  seats: wholeNumber(1, 10000),
});
export type EventInput = z.output<typeof eventSchema>;

export const applicationSchema = z.object({
  title: requiredText(120),
  summary: optionalText(3000),
  socialValue: optionalText(3000),
  budgetWon: orEmpty(wonAmount()),
  residenceDistrict: optionalText(80).transform((s) => (s === "" ? null : s)),
  representativeBirthDate: optionalIsoDateField,
});
export type ApplicationInput = z.output<typeof applicationSchema>;

/** Submitting needs what a draft may leave empty. */
export const submitApplicationSchema = applicationSchema
  .refine((v) => v.summary.length > 0, { path: ["summary"], message: "required", ...whenFieldsValid("summary") })
  .refine((v) => v.socialValue.length > 0, { path: ["socialValue"], message: "required", ...whenFieldsValid("socialValue") })
  .refine((v) => v.budgetWon !== null, { path: ["budgetWon"], message: "required", ...whenFieldsValid("budgetWon") });

export const newApplicationSchema = z.object({ enterpriseId: wholeNumber(1, Number.MAX_SAFE_INTEGER) });

export const screeningStepSchema = z
  .object({
    kind: choice(SCREENING_KINDS),
    title: requiredText(100),
    windowFrom: optionalIsoDateField,
    windowTo: optionalIsoDateField,
  })
  .refine((v) => (v.windowFrom === null) === (v.windowTo === null) && (v.windowFrom === null || v.windowTo === null || v.windowTo >= v.windowFrom), {
    path: ["windowTo"],
    message: "closeBeforeOpen",
    ...whenFieldsValid("windowFrom", "windowTo"),
  })
  .refine((v) => v.kind !== "on_site_inspection" || v.windowFrom !== null, { path: ["windowFrom"], message: "inspectionWindow", ...whenFieldsValid("kind", "windowFrom") });
export type ScreeningStepInput = z.output<typeof screeningStepSchema>;

export const screeningResultSchema = z
  .object({
    stepId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    applicationId: wholeNumber(1, Number.MAX_SAFE_INTEGER),
    decision: choice(["pass", "fail"] as const),
    note: optionalText(1000),
  })
  .refine((v) => v.decision === "pass" || v.note.length > 0, { path: ["note"], message: "required", ...whenFieldsValid("decision", "note") });

/** A certificate course of a training programme. */
export const courseSchema = z.object({ title: requiredText(100), note: optionalText(300) });
export type CourseInput = z.output<typeof courseSchema>;

/** An intake entry of a training programme: only the course; the person stays with the centre. */
export const intakeSchema = z.object({ courseId: wholeNumber(1, Number.MAX_SAFE_INTEGER) });

export const assignJurorSchema = z.object({ userId: wholeNumber(1, Number.MAX_SAFE_INTEGER) });
export const conflictSchema = z.object({ reason: requiredText(500) });

const scoreValue = z
  .string({ error: "required" })
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "required").regex(/^\d{1,3}$/, "invalidScore"))
  .transform(Number)
  .pipe(z.number().max(100, "invalidScore"));

/** score_<criterionId> (0–100) and comment_<criterionId> for each of the contest's criteria. */
export function scoreSheetSchema(criterionIds: number[]) {
  return z
    .object(Object.fromEntries(criterionIds.flatMap((id) => [[`score_${id}`, scoreValue], [`comment_${id}`, optionalText(2000)]])) as Record<string, typeof scoreValue | ReturnType<typeof optionalText>>)
    .transform((v) => criterionIds.map((id) => ({ criterionId: id, score: v[`score_${id}`] as number, comment: v[`comment_${id}`] as string })));
}
export type ScoreInput = { criterionId: number; score: number; comment: string }[];

export const documentSchema = z.object({ label: requiredText(100) });

/** The applications deadline as an instant: the end of its last Seoul day. */
export function applicationsCloseAt(closeOn: string): Date {
  return new Date(new Date(`${closeOn}T00:00:00+09:00`).getTime() + 86_400_000);
}

export function applicationsOpenAt(openOn: string): Date {
  return new Date(`${openOn}T00:00:00+09:00`);
}

/** Registration closes at the end of the day before the event (Seoul). */
export function registrationClosesAt(eventStartsAt: Date): Date {
  return startOfSeoulDay(seoulDate(eventStartsAt));
}
