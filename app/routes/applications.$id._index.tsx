import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { ApplicationFields, formatScore, IneligibilityReasons } from "../components/contest-parts";
import { AppForm, Field, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { saveOrSubmit, type ApplicationFailure } from "../contests/application-action.server";
import { addDocument, getOpenContest, listDocuments, listScreeningResults, windowState } from "../contests/applications.server";
import { documentSchema } from "../contests/contests";
import { requireApplicationMember } from "../contests/guards.server";
import { getApplicantResults } from "../contests/jury.server";
import { listCriteria, listScreeningSteps } from "../contests/setup.server";
import { fileField } from "../files/files.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate, formatDateTime } from "../utils/dates";
import { formatWon } from "../utils/money";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => data?.application.title ?? m.contestWork.myApplications);

export async function loader(args: LoaderFunctionArgs) {
  const { application } = await requireApplicationMember(args, idParam(args.params.id));
  const { db, clock } = args.context.services;
  const contest = await getOpenContest(db, application.contest_id);
  if (!contest) throw notFound();
  const [documents, steps, results, criteria] = await Promise.all([
    listDocuments(db, application.id),
    listScreeningSteps(db, contest.id),
    listScreeningResults(db, contest.id),
    listCriteria(db, contest.id),
  ]);
  // Scores and comments are the applicant's once selection made them final.
  const scores = contest.selected_at ? await getApplicantResults(db, application.id) : null;
  return json({
    application,
    contest: { slug: contest.slug, title: contest.title, eligible_regions: contest.eligible_regions, eligible_types: contest.eligible_types, age_min: contest.age_min, age_max: contest.age_max, selected: contest.selected_at !== null, peer: contest.peer_weight_pct > 0 },
    window: windowState(contest, clock.now()),
    documents,
    screening: steps.map((s) => ({ ...s, result: results.find((r) => r.step_id === s.id && r.application_id === application.id) ?? null })),
    criteria,
    scores,
  });
}

export async function action(args: ActionFunctionArgs) {
  const { user, application } = await requireApplicationMember(args, idParam(args.params.id));
  const { db, clock, fileStore } = args.context.services;
  const formData = await args.request.formData();
  const here = `/applications/${application.id}`;
  if (formData.get("intent") === "upload") {
    const parsed = parseForm(documentSchema, formData);
    if (!parsed.ok) return invalid(parsed);
    const file = fileField(formData, "file");
    if (!file) return invalid(formFailure(formData, "fileRequired", "file"));
    try {
      await addDocument(db, fileStore, { application, file, label: parsed.data.label, userId: user.id });
    } catch (error) {
      return refusal(error, formData);
    }
    return redirect(withNotice(here, "saved"));
  }
  const result = await saveOrSubmit(db, formData, { contestId: application.contest_id, enterpriseId: application.enterprise_id, applicationId: application.id, userId: user.id, now: clock.now() });
  if (result instanceof Response) return result;
  return redirect(withNotice(here, result.submitted ? "applicationSubmitted" : "draftSaved"));
}

export default function ApplicationPage() {
  const { application, contest, window, documents, screening, criteria, scores } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const reasons = (useActionData<ApplicationFailure>() as ApplicationFailure | undefined)?.reasons ?? [];
  const m = useMessages();
  const locale = useLocale();
  const w = m.contestWork;
  const isDraft = application.status === "draft";
  const intent = failure?.values["intent"];
  const shownReasons = reasons.length > 0 ? reasons : application.ineligibility_reasons;
  return (
    <div className="container page">
      <header className="page-header">
        <p className="small">
          <Link to={`/contests/${contest.slug}`}>{contest.title}</Link>
        </p>
        <h1>{application.title}</h1>
        <p>
          {application.enterprise_name} ·{" "}
          <span className={`badge ${isDraft ? "badge-warning" : "badge-brand"}`} data-testid="application-status">
            {w.statuses[application.status]}
          </span>{" "}
          {application.outcome ? (
            <span className={`badge ${application.outcome === "selected" ? "badge-success" : ""}`} data-testid="application-outcome">
              {w.outcomes[application.outcome]}
            </span>
          ) : null}
          {application.submitted_at ? <span className="muted small"> · {w.submittedAt} {formatDateTime(application.submitted_at, locale)}</span> : null}
        </p>
      </header>
      <div className="two-col">
        <section className="stack">
          {intent !== "upload" ? <FormAlert failure={failure} /> : null}
          {isDraft && window !== "closed" ? (
            <div className="card">
              {shownReasons.length > 0 ? (
                <div className="alert alert-error">
                  {w.eligibleNo}
                  <IneligibilityReasons codes={shownReasons} regions={contest.eligible_regions} types={contest.eligible_types} ageMin={contest.age_min} ageMax={contest.age_max} />
                </div>
              ) : null}
              <AppForm className="form" noValidate>
                <ApplicationFields failure={intent !== "upload" ? failure : null} initial={application} askBirthDate={contest.age_min !== null || contest.age_max !== null} />
                <p className="muted small">{w.app.submitConfirm}</p>
                <div className="button-row">
                  <SubmitButton name="intent" value="draft" variant="secondary">
                    {w.app.saveDraft}
                  </SubmitButton>
                  <SubmitButton name="intent" value="submit">
                    {w.app.submit}
                  </SubmitButton>
                </div>
              </AppForm>
            </div>
          ) : (
            <div className="card">
              {isDraft ? <div className="alert alert-error">{m.errors.applicationsClosed}</div> : null}
              <h2>{w.app.summary}</h2>
              <p className="prewrap">{application.summary}</p>
              <h2>{w.app.socialValue}</h2>
              <p className="prewrap">{application.social_value}</p>
              {application.budget_won !== null ? (
                <p>
                  <strong>{w.app.budgetWon}</strong>: {formatWon(application.budget_won, locale)}
                </p>
              ) : null}
            </div>
          )}

          <div className="card" data-testid="results">
            <h2>{w.resultsTitle}</h2>
            {!scores ? (
              <p className="muted">{w.resultsWaiting}</p>
            ) : (
              <>
                {application.rank !== null ? (
                  <p className="score-summary">
                    {w.rank} <strong>{application.rank}</strong> · {w.finalScore} <strong>{formatScore(application.final_score)}</strong> · {w.juryScore} {formatScore(application.jury_score)}
                    {contest.peer ? ` · ${w.peerScore} ${formatScore(application.peer_score)}` : ""}
                  </p>
                ) : null}
                {[...scores.jury.map((s) => ({ ...s, who: w.juror(s.ordinal) })), ...scores.peer.map((s) => ({ ...s, who: w.peer(s.ordinal) }))].map((sheet) => (
                  <div key={sheet.who} className="sheet">
                    <h3>{sheet.who}</h3>
                    <table>
                      <tbody>
                        {sheet.scores.map((s) => (
                          <tr key={s.criterion_id}>
                            <th scope="row">{criteria.find((c) => c.id === s.criterion_id)?.label}</th>
                            <td className="num">{s.score}</td>
                            <td>{s.comment}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                ))}
              </>
            )}
          </div>
        </section>
        <aside className="stack">
          <div className="card">
            <h2>{w.screeningTitle}</h2>
            {!isDraft && application.eligible ? <p className="small">{w.eligibleYes}</p> : null}
            {screening.length === 0 ? <p className="muted small">{w.noSteps}</p> : null}
            <ol className="timeline" data-testid="screening">
              {screening.map((s) => (
                <li key={s.id}>
                  <strong>{s.title}</strong> <span className="muted small">({w.screeningKinds[s.kind]})</span>
                  {s.window_from && s.window_to ? (
                    <div className="muted small">
                      {formatDate(s.window_from, locale)} – {formatDate(s.window_to, locale)}
                    </div>
                  ) : null}
                  <div>
                    {s.result ? <span className={`badge ${s.result.passed ? "badge-success" : "badge-warning"}`}>{s.result.passed ? w.passed : w.failed}</span> : <span className="badge">{w.pending}</span>}
                    {s.result?.note ? <span className="small"> {s.result.note}</span> : null}
                  </div>
                </li>
              ))}
            </ol>
          </div>
          {contest.peer && application.status === "submitted" && !contest.selected ? (
            <div className="card">
              <h2>{w.peerTitle}</h2>
              <p className="muted small">{w.peerIntro}</p>
              <Link to={`/applications/${application.id}/peer`} className="button button-primary">
                {w.peerOpen}
              </Link>
            </div>
          ) : null}
          <div className="card">
            <h2>{w.documentsTitle}</h2>
            {documents.length === 0 ? <p className="muted small">{w.noDocuments}</p> : null}
            <ul className="plain-list">
              {documents.map((d) => (
                <li key={d.id}>
                  <a href={`/files/${d.public_id}`}>{d.label}</a> <span className="muted small">({d.original_name})</span>
                </li>
              ))}
            </ul>
            {isDraft && window !== "closed" ? (
              <AppForm className="form" encType="multipart/form-data" noValidate>
                {intent === "upload" ? <FormAlert failure={failure} /> : null}
                <Field name="label" label={w.documentLabel} required failure={intent === "upload" ? failure : null} />
                <Field name="file" type="file" label={w.documentFile} required failure={intent === "upload" ? failure : null} />
                <SubmitButton name="intent" value="upload" variant="secondary">
                  {w.upload}
                </SubmitButton>
              </AppForm>
            ) : null}
          </div>
        </aside>
      </div>
    </div>
  );
}
