import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { FormErrorList, IneligibilityReasons, StaffContestNav } from "../components/contest-parts";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { addScreeningStep, getOpenContest, listApplicationsForStaff, listScreeningResults, recordScreeningResult } from "../contests/applications.server";
import { SCREENING_KINDS, screeningResultSchema, screeningStepSchema } from "../contests/contests";
import { requireContestStaff } from "../contests/guards.server";
import { listScreeningSteps } from "../contests/setup.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate, formatDateTime } from "../utils/dates";
import { formatWon } from "../utils/money";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.contestWork.tabs.applications);

export async function loader(args: LoaderFunctionArgs) {
  const { contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db } = args.context.services;
  const rules = await getOpenContest(db, contest.id);
  if (!rules) throw notFound();
  const [applications, steps, results] = await Promise.all([listApplicationsForStaff(db, contest.id), listScreeningSteps(db, contest.id), listScreeningResults(db, contest.id)]);
  return json({ contest, rules, applications, steps, results });
}

export async function action(args: ActionFunctionArgs) {
  const { user, contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const here = `/staff/contests/${contest.id}/applications`;
  try {
    if (formData.get("intent") === "addStep") {
      const parsed = parseForm(screeningStepSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await addScreeningStep(db, contest.id, parsed.data);
      return redirect(withNotice(here, "saved"));
    }
    if (formData.get("intent") === "screen") {
      const parsed = parseForm(screeningResultSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await recordScreeningResult(db, { contestId: contest.id, stepId: parsed.data.stepId, applicationId: parsed.data.applicationId, passed: parsed.data.decision === "pass", note: parsed.data.note, userId: user.id, now: clock.now() });
      return redirect(withNotice(here, "saved"));
    }
  } catch (error) {
    return refusal(error, formData);
  }
  return invalid(formFailure(formData, "invalidChoice"), 400);
}

export default function StaffApplications() {
  const { contest, rules, applications, steps, results } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const w = m.contestWork;
  const intent = failure?.values["intent"];
  const failedFor = failure?.values["applicationId"];
  return (
    <div className="container page">
      <StaffContestNav contestId={contest.id} title={contest.title} />
      {intent !== "addStep" ? <FormAlert failure={failure} /> : null}
      {intent !== "addStep" ? <FormErrorList failure={failure} /> : null}
      <div className="two-col">
        <section className="stack">
          <h2 className="section">{w.applicationsTitle}</h2>
          {applications.length === 0 ? <p className="muted">{w.noApplications}</p> : null}
          {applications.map((a) => (
            <article key={a.id} className="card" data-testid="staff-application">
              <div className="page-header-row">
                <div>
                  <h3 style={{ margin: 0 }}>{a.title}</h3>
                  <p className="muted small">
                    {a.enterprise_name} · {m.common.enterpriseTypes[a.enterprise_type]}
                    {a.budget_won !== null ? ` · ${formatWon(a.budget_won, locale)}` : ""}
                    {a.submitted_at ? ` · ${w.submittedAt} ${formatDateTime(a.submitted_at, locale)}` : ""}
                  </p>
                </div>
                <div>
                  <span className={`badge ${a.status === "submitted" ? "badge-brand" : "badge-warning"}`}>{w.statuses[a.status]}</span>{" "}
                  {a.outcome ? <span className="badge badge-success">{w.outcomes[a.outcome]}</span> : null}
                </div>
              </div>
              {!a.eligible ? (
                <div className="alert alert-error small">
                  {w.eligibleNo}
                  <IneligibilityReasons codes={a.ineligibility_reasons} regions={rules.eligible_regions} types={rules.eligible_types} ageMin={rules.age_min} ageMax={rules.age_max} />
                </div>
              ) : null}
              {a.status === "submitted" && steps.length > 0 ? (
                <div className="table-wrap" tabIndex={0} role="region" aria-label={a.title}>
                  <table>
                    <tbody>
                      {steps.map((s) => {
                        const r = results.find((x) => x.step_id === s.id && x.application_id === a.id);
                        const showFailure = intent === "screen" && failedFor === String(a.id) && failure?.values["stepId"] === String(s.id);
                        return (
                          <tr key={s.id}>
                            <th scope="row">
                              {s.title}
                              <div className="muted small">{w.screeningKinds[s.kind]}</div>
                            </th>
                            <td>{r ? <span className={`badge ${r.passed ? "badge-success" : "badge-warning"}`}>{r.passed ? w.passed : w.failed}</span> : <span className="badge">{w.pending}</span>}</td>
                            <td>
                              {contest.selected_at ? (
                                <span className="small">{r?.note}</span>
                              ) : (
                                <AppForm className="inline-row" noValidate>
                                  <input type="hidden" name="intent" value="screen" />
                                  <input type="hidden" name="stepId" value={s.id} />
                                  <input type="hidden" name="applicationId" value={a.id} />
                                  <select name="decision" aria-label={`${a.title} · ${s.title} · ${w.step.decision}`} defaultValue={r ? (r.passed ? "pass" : "fail") : "pass"}>
                                    <option value="pass">{w.passed}</option>
                                    <option value="fail">{w.failed}</option>
                                  </select>
                                  <input name="note" aria-label={`${a.title} · ${s.title} · ${w.step.note}`} placeholder={w.step.note} defaultValue={r?.note ?? ""} />
                                  <button type="submit" className="button button-secondary button-small">
                                    {w.step.save}
                                  </button>
                                  {showFailure ? (
                                    <p className="field-error" data-testid="error-screening">
                                      {Object.values(failure?.fieldErrors ?? {})
                                        .flat()
                                        .map((e) => (e ? m.errors[e] : ""))
                                        .join(" ")}
                                    </p>
                                  ) : null}
                                </AppForm>
                              )}
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              ) : null}
            </article>
          ))}
        </section>
        <aside className="stack">
          <div className="card">
            <h2>{w.screeningTitle}</h2>
            {steps.length === 0 ? <p className="muted small">{w.noSteps}</p> : null}
            <ol>
              {steps.map((s) => (
                <li key={s.id}>
                  <strong>{s.title}</strong> <span className="muted small">{w.screeningKinds[s.kind]}</span>
                  {s.window_from && s.window_to ? (
                    <div className="muted small">
                      {formatDate(s.window_from, locale)} – {formatDate(s.window_to, locale)}
                    </div>
                  ) : null}
                </li>
              ))}
            </ol>
            {intent === "addStep" ? <FormAlert failure={failure} /> : null}
            <AppForm className="form" noValidate>
              <input type="hidden" name="intent" value="addStep" />
              <SelectField name="kind" label={w.step.kind} required failure={intent === "addStep" ? failure : null} options={SCREENING_KINDS.map((k) => ({ value: k, label: w.screeningKinds[k] }))} />
              <Field name="title" label={w.step.title} required failure={intent === "addStep" ? failure : null} />
              <Field name="windowFrom" type="date" label={w.step.windowFrom} failure={intent === "addStep" ? failure : null} />
              <Field name="windowTo" type="date" label={w.step.windowTo} failure={intent === "addStep" ? failure : null} />
              <div className="button-row">
                <SubmitButton>{w.step.add}</SubmitButton>
              </div>
            </AppForm>
          </div>
        </aside>
      </div>
    </div>
  );
}
