import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { FormErrorList, IneligibilityReasons, StaffContestNav } from "../components/contest-parts";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { addScreeningStep, getOpenContest, listApplicationsForStaff, listScreeningResults, recordScreeningResult, windowState } from "../contests/applications.server";
import { courseSchema, intakeSchema, SCREENING_KINDS, screeningResultSchema, screeningStepSchema } from "../contests/contests";
import { runSelection } from "../contests/jury.server";
import { selectsByScreening, takesPeople } from "../contests/screening";
import { addCourse, listCourses, registerIntake } from "../contests/training.server";
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
  const { db, clock } = args.context.services;
  const rules = await getOpenContest(db, contest.id);
  if (!rules) throw notFound();
  const [applications, steps, results, courses] = await Promise.all([
    listApplicationsForStaff(db, contest.id),
    listScreeningSteps(db, contest.id),
    listScreeningResults(db, contest.id),
    takesPeople(contest.kind) ? listCourses(db, contest.id) : Promise.resolve([]),
  ]);
  return json({ contest, rules, applications, steps, results, courses, window: windowState(rules, clock.now()) });
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
    if (formData.get("intent") === "select" && selectsByScreening(contest.kind)) {
      await runSelection(db, contest.id, user.id, clock.now());
      return redirect(withNotice(here, "selectionDone"));
    }
    if (formData.get("intent") === "addCourse") {
      const parsed = parseForm(courseSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await addCourse(db, contest.id, parsed.data);
      return redirect(withNotice(here, "saved"));
    }
    if (formData.get("intent") === "registerIntake") {
      const parsed = parseForm(intakeSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await registerIntake(db, { contestId: contest.id, courseId: parsed.data.courseId, userId: user.id, now: clock.now() });
      return redirect(withNotice(here, "intakeRegistered"));
    }
  } catch (error) {
    return refusal(error, formData);
  }
  return invalid(formFailure(formData, "invalidChoice"), 400);
}

export default function StaffApplications() {
  const { contest, rules, applications, steps, results, courses, window } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const w = m.contestWork;
  const sc = m.screening;
  const intent = failure?.values["intent"];
  const failedFor = failure?.values["applicationId"];
  const asideFailure = (name: string) => (intent === name ? failure : null);
  const people = takesPeople(contest.kind);
  const applicantLabel = (a: { intake_no: number | null; title: string }) => (a.intake_no !== null ? sc.intakeNo(a.intake_no) : a.title);
  // The side column's forms show their errors there, while they are on the page.
  const asideIntents = ["addStep", ...(selectsByScreening(contest.kind) ? ["select"] : []), ...(people && !contest.selected_at ? ["addCourse", "registerIntake"] : [])];
  const failureAbove = !asideIntents.includes(String(intent));
  return (
    <div className="container page">
      <StaffContestNav contest={contest} />
      {failureAbove ? <FormAlert failure={failure} /> : null}
      {failureAbove ? <FormErrorList failure={failure} /> : null}
      <div className="two-col">
        <section className="stack">
          <h2 className="section">{w.applicationsTitle}</h2>
          {applications.length === 0 ? <p className="muted">{w.noApplications}</p> : null}
          {applications.map((a) => (
            <article key={a.id} className="card" data-testid="staff-application">
              <div className="page-header-row">
                <div>
                  <h3 style={{ margin: 0 }}>{applicantLabel(a)}</h3>
                  <p className="muted small">
                    {a.intake_no !== null ? a.course_title : null}
                    {a.enterprise_name !== null && a.enterprise_type !== null ? `${a.enterprise_name} · ${m.common.enterpriseTypes[a.enterprise_type]}` : null}
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
                                  <select name="decision" aria-label={`${applicantLabel(a)} · ${s.title} · ${w.step.decision}`} defaultValue={r ? (r.passed ? "pass" : "fail") : "pass"}>
                                    <option value="pass">{w.passed}</option>
                                    <option value="fail">{w.failed}</option>
                                  </select>
                                  <input name="note" aria-label={`${applicantLabel(a)} · ${s.title} · ${w.step.note}`} placeholder={w.step.note} defaultValue={r?.note ?? ""} />
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
          {selectsByScreening(contest.kind) ? (
            <div className="card" data-testid="screening-selection">
              <h2>{w.selectionTitle}</h2>
              <FormAlert failure={asideFailure("select")} />
              {contest.selected_at ? (
                <p data-testid="selected-on">
                  {w.selectedOn(formatDateTime(contest.selected_at, locale))} <Link to={`/contests/${contest.slug}/results`}>{sc.resultsLink}</Link>
                </p>
              ) : (
                <>
                  <p className="small">{sc.selectionIntro(contest.select_count ?? 0)}</p>
                  <AppForm>
                    <SubmitButton name="intent" value="select">
                      {w.runSelection}
                    </SubmitButton>
                  </AppForm>
                </>
              )}
            </div>
          ) : null}
          {people && !contest.selected_at ? (
            <div className="card" data-testid="intake">
              <h2>{sc.intakeTitle}</h2>
              <p className="muted small">{sc.intakeIntro}</p>
              <FormAlert failure={asideFailure("registerIntake")} />
              {courses.length === 0 ? (
                <p className="muted small">{sc.noCourses}</p>
              ) : window === "open" ? (
                <AppForm className="form" noValidate>
                  <input type="hidden" name="intent" value="registerIntake" />
                  <SelectField name="courseId" label={sc.course} required failure={asideFailure("registerIntake")} options={courses.map((c) => ({ value: String(c.id), label: c.title }))} />
                  <div className="button-row">
                    <SubmitButton>{sc.register}</SubmitButton>
                  </div>
                </AppForm>
              ) : (
                <p className="small">
                  <span className="badge">{w.windowStates[window]}</span>
                </p>
              )}
            </div>
          ) : null}
          {people ? (
            <div className="card" data-testid="courses-staff">
              <h2>{sc.coursesTitle}</h2>
              <ol>
                {courses.map((c) => (
                  <li key={c.id}>
                    <strong>{c.title}</strong>
                    {c.note ? <div className="muted small">{c.note}</div> : null}
                  </li>
                ))}
              </ol>
              {contest.selected_at ? null : (
                <>
                  <FormAlert failure={asideFailure("addCourse")} />
                  <AppForm className="form" noValidate>
                    <input type="hidden" name="intent" value="addCourse" />
                    <Field name="title" label={sc.courseTitle} required failure={asideFailure("addCourse")} />
                    <Field name="note" label={sc.courseNote} failure={asideFailure("addCourse")} />
                    <div className="button-row">
                      <SubmitButton variant="secondary">{sc.addCourse}</SubmitButton>
                    </div>
                  </AppForm>
                </>
              )}
            </div>
          ) : null}
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
            <FormAlert failure={asideFailure("addStep")} />
            <AppForm className="form" noValidate>
              <input type="hidden" name="intent" value="addStep" />
              <SelectField name="kind" label={w.step.kind} required failure={asideFailure("addStep")} options={SCREENING_KINDS.map((k) => ({ value: k, label: w.screeningKinds[k] }))} />
              <Field name="title" label={w.step.title} required failure={asideFailure("addStep")} />
              <Field name="windowFrom" type="date" label={w.step.windowFrom} failure={asideFailure("addStep")} />
              <Field name="windowTo" type="date" label={w.step.windowTo} failure={asideFailure("addStep")} />
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
