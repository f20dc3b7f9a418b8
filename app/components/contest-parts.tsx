import type { SerializeFrom } from "@remix-run/node";
import { NavLink } from "@remix-run/react";
import type { ContestKind, EnterpriseType } from "../../db/types";
import { CONTEST_KINDS } from "../contests/contests";
import { selectsByScreening, takesPeople } from "../contests/screening";
import { useMessages } from "../i18n/use-messages";
import { ENTERPRISE_TYPES } from "../orgs/enterprises";
import type { FormFailure } from "../utils/forms";
import { Field, SelectField, TextAreaField } from "./form";

/** Tabs of an operator's contest pages; a call decided by screening has no jury and no crowdfunding round. */
export function StaffContestNav({ contest }: { contest: { id: number; title: string; kind: ContestKind } }) {
  const m = useMessages();
  const base = `/staff/contests/${contest.id}`;
  const scored = !selectsByScreening(contest.kind);
  const tabs = [
    { to: base, label: m.contestWork.tabs.settings, end: true, show: true },
    { to: `${base}/events`, label: m.contestWork.tabs.events, end: false, show: true },
    { to: `${base}/applications`, label: m.contestWork.tabs.applications, end: false, show: true },
    { to: `${base}/jury`, label: m.contestWork.tabs.jury, end: false, show: scored },
    { to: `${base}/matching`, label: m.matching.tab, end: false, show: scored },
    { to: `${base}/round`, label: m.round.tabs.round, end: false, show: scored },
    { to: `${base}/grants`, label: m.round.tabs.grants, end: false, show: !takesPeople(contest.kind) },
  ].filter((t) => t.show);
  return (
    <header className="page-header">
      <p className="small">
        <NavLink to="/staff/contests">{m.contestWork.staffTitle}</NavLink>
      </p>
      <h1>{contest.title}</h1>
      <nav className="tabs" aria-label={m.contestWork.staffTitle}>
        {tabs.map((t) => (
          <NavLink key={t.to} to={t.to} end={t.end} className={({ isActive }) => (isActive ? "tab active" : "tab")}>
            {t.label}
          </NavLink>
        ))}
      </nav>
    </header>
  );
}

export interface ContestSettingsValues {
  title: string;
  kind: string;
  purpose: string;
  fields: string[];
  eligible_regions: string[];
  eligible_types: EnterpriseType[];
  age_min: number | null;
  age_max: number | null;
  applications_open_on: string | null;
  applications_close_on: string | null;
  select_count: number | null;
  jury_weight_pct: number;
  peer_weight_pct: number;
}

/** The settings fields shared by "new contest" and "settings". */
export function ContestSettingsFields({ failure, initial }: { failure: FormFailure | null; initial?: SerializeFrom<ContestSettingsValues> }) {
  const m = useMessages();
  const f = m.contestWork.fields;
  const keptTypes = failure ? Object.entries(failure.values).filter(([k]) => k === "eligibleTypes").map(([, v]) => v) : null;
  const checkedTypes = new Set<string>(keptTypes ?? initial?.eligible_types ?? []);
  const typeErrors = [...new Set(Object.entries(failure?.fieldErrors ?? {}).flatMap(([field, keys]) => (field.startsWith("eligibleTypes") ? (keys ?? []) : [])))];
  return (
    <div className="form-grid">
      <div className="span-2">
        <Field name="title" label={f.title} required failure={failure} defaultValue={initial?.title} />
      </div>
      <SelectField name="kind" label={f.kind} required failure={failure} defaultValue={initial?.kind ?? "crowdfunding"} options={CONTEST_KINDS.map((k) => ({ value: k, label: m.contests.kinds[k] }))} />
      <Field name="fields" label={f.fields} hint={f.fieldsHint} failure={failure} defaultValue={initial?.fields.join(", ")} />
      <div className="span-2">
        <TextAreaField name="purpose" label={f.purpose} rows={3} failure={failure} defaultValue={initial?.purpose} />
      </div>
      <div className="span-2">
        <Field name="eligibleRegions" label={f.eligibleRegions} hint={f.eligibleRegionsHint} failure={failure} defaultValue={initial?.eligible_regions.join(", ")} />
      </div>
      <fieldset className={`span-2 checkbox-group${typeErrors.length > 0 ? " field-invalid" : ""}`}>
        <legend>
          {f.eligibleTypes} <span className="field-optional">({m.common.optional})</span>
        </legend>
        {ENTERPRISE_TYPES.map((t) => (
          <label key={t} className="checkbox">
            <input type="checkbox" name="eligibleTypes" value={t} defaultChecked={checkedTypes.has(t)} /> {m.common.enterpriseTypes[t]}
          </label>
        ))}
        <p className="field-hint">{f.eligibleTypesHint}</p>
        {typeErrors.length > 0 ? (
          <p className="field-error" data-testid="error-eligibleTypes">
            {typeErrors.map((e) => m.errors[e]).join(" ")}
          </p>
        ) : null}
      </fieldset>
      <Field name="ageMin" label={f.ageMin} inputMode="numeric" failure={failure} defaultValue={initial?.age_min} />
      <Field name="ageMax" label={f.ageMax} inputMode="numeric" failure={failure} defaultValue={initial?.age_max} />
      <Field name="applicationsOpenOn" type="date" label={f.applicationsOpenOn} required failure={failure} defaultValue={initial?.applications_open_on} />
      <Field name="applicationsCloseOn" type="date" label={f.applicationsCloseOn} hint={f.closeHint} required failure={failure} defaultValue={initial?.applications_close_on} />
      <Field name="selectCount" label={f.selectCount} inputMode="numeric" required failure={failure} defaultValue={initial?.select_count} />
      <div />
      <Field name="juryWeightPct" label={f.juryWeightPct} inputMode="numeric" required failure={failure} defaultValue={initial?.jury_weight_pct ?? 70} />
      <Field name="peerWeightPct" label={f.peerWeightPct} hint={f.weightsHint} inputMode="numeric" required failure={failure} defaultValue={initial?.peer_weight_pct ?? 30} />
    </div>
  );
}

export interface CriterionView {
  id: number;
  label: string;
  weight_pct: number;
}

/** score_<id> and comment_<id> for each criterion: jury and peer sheets alike. */
export function ScoreSheetFields({ criteria, failure, initial }: { criteria: CriterionView[]; failure: FormFailure | null; initial: { criterion_id: number; score: number; comment: string }[] }) {
  const m = useMessages();
  return (
    <div className="score-sheet">
      {criteria.map((c) => {
        const existing = initial.find((s) => s.criterion_id === c.id);
        return (
          <fieldset key={c.id} className="score-row">
            <legend>
              {c.label} <span className="badge">{c.weight_pct}%</span>
            </legend>
            <Field name={`score_${c.id}`} label={`${c.label} · ${m.contestWork.score}`} inputMode="numeric" required failure={failure} defaultValue={existing?.score} />
            <TextAreaField name={`comment_${c.id}`} label={`${c.label} · ${m.contestWork.comment}`} rows={2} failure={failure} defaultValue={existing?.comment} />
          </fieldset>
        );
      })}
    </div>
  );
}

/** The reasons an application is not eligible, in the reader's language. */
export function IneligibilityReasons({ codes, regions, types, ageMin, ageMax }: { codes: string[]; regions: string[]; types: EnterpriseType[]; ageMin: number | null; ageMax: number | null }) {
  const m = useMessages();
  const r = m.contestWork.reasons;
  return (
    <ul className="reasons" data-testid="ineligibility-reasons">
      {codes.map((code) => {
        if (code === "region") return <li key={code}>{r.region(regions.join(", "))}</li>;
        if (code === "enterpriseType") return <li key={code}>{r.enterpriseType(types.map((t) => m.common.enterpriseTypes[t]).join(", "))}</li>;
        if (code === "birthDateMissing") return <li key={code}>{r.birthDateMissing}</li>;
        const age = Number(code.split(":")[1]);
        return <li key={code}>{r.age(age, m.contestWork.ageBand(ageMin, ageMax))}</li>;
      })}
    </ul>
  );
}

/** "75.000" → "75"; "76.500" → "76.5". */
export function formatScore(value: string | number | null): string {
  if (value === null) return "–";
  return String(Number(value));
}

export interface ApplicationValues {
  title: string;
  summary: string;
  social_value: string;
  budget_won: number | null;
  residence_district: string | null;
  representative_birth_date: string | null;
}

export function ApplicationFields({ failure, initial, askBirthDate }: { failure: FormFailure | null; initial?: SerializeFrom<ApplicationValues>; askBirthDate: boolean }) {
  const m = useMessages();
  const a = m.contestWork.app;
  return (
    <div className="form-grid">
      <div className="span-2">
        <Field name="title" label={a.title} required failure={failure} defaultValue={initial?.title} />
      </div>
      <div className="span-2">
        <TextAreaField name="summary" label={a.summary} rows={4} required failure={failure} defaultValue={initial?.summary} />
      </div>
      <div className="span-2">
        <TextAreaField name="socialValue" label={a.socialValue} hint={a.socialValueHint} rows={3} required failure={failure} defaultValue={initial?.social_value} />
      </div>
      <Field name="budgetWon" label={a.budgetWon} inputMode="numeric" required failure={failure} defaultValue={initial?.budget_won} />
      <Field name="residenceDistrict" label={a.residenceDistrict} hint={a.residenceDistrictHint} failure={failure} defaultValue={initial?.residence_district} />
      {askBirthDate ? <Field name="representativeBirthDate" type="date" label={a.representativeBirthDate} hint={a.birthDateHint} required failure={failure} defaultValue={initial?.representative_birth_date} /> : null}
    </div>
  );
}

/** Every field message of a failed compact form (rows of buttons without visible labelled fields). */
export function FormErrorList({ failure }: { failure: FormFailure | null }) {
  const m = useMessages();
  if (!failure) return null;
  const messages = [...new Set(Object.values(failure.fieldErrors).flatMap((keys) => (keys ?? []).map((k) => m.errors[k])))];
  if (messages.length === 0) return null;
  return (
    <ul className="field-error" data-testid="form-errors">
      {messages.map((text) => (
        <li key={text}>{text}</li>
      ))}
    </ul>
  );
}
