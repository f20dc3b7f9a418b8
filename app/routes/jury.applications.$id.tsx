import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam, requireUser } from "../auth/guards.server";
import { ScoreSheetFields } from "../components/contest-parts";
import { AppForm, FormAlert, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { getApplication, listDocuments } from "../contests/applications.server";
import { conflictSchema, scoreSheetSchema } from "../contests/contests";
import { declareConflict, getJurorSheet, isAssignedJuror, isInTheRunning, saveJuryScores } from "../contests/jury.server";
import { listCriteria } from "../contests/setup.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatWon } from "../utils/money";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => data?.application.title ?? m.contestWork.jurorHome);

/** Only a juror assigned to the application's contest; for anyone else it does not exist. */
async function guard(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const { db } = args.context.services;
  const application = await getApplication(db, idParam(args.params.id));
  if (!application || application.status !== "submitted" || !(await isAssignedJuror(db, application.contest_id, user.id))) throw notFound();
  if (!(await isInTheRunning(db, application.contest_id, application.id))) throw notFound();
  return { user, application };
}

export async function loader(args: LoaderFunctionArgs) {
  const { user, application } = await guard(args);
  const { db } = args.context.services;
  const [criteria, sheet, documents] = await Promise.all([listCriteria(db, application.contest_id), getJurorSheet(db, application.id, user.id), listDocuments(db, application.id)]);
  return json({ application, criteria, sheet, documents });
}

export async function action(args: ActionFunctionArgs) {
  const { user, application } = await guard(args);
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const here = `/jury/applications/${application.id}`;
  try {
    if (formData.get("intent") === "conflict") {
      const parsed = parseForm(conflictSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await declareConflict(db, { applicationId: application.id, jurorId: user.id, reason: parsed.data.reason, now: clock.now() });
      return redirect(withNotice(here, "conflictDeclared"));
    }
    if (formData.get("intent") === "score") {
      const criteria = await listCriteria(db, application.contest_id);
      const parsed = parseForm(scoreSheetSchema(criteria.map((c) => c.id)), formData);
      if (!parsed.ok) return invalid(parsed);
      await saveJuryScores(db, { applicationId: application.id, jurorId: user.id, scores: parsed.data, now: clock.now() });
      return redirect(withNotice(here, "scoresSaved"));
    }
  } catch (error) {
    return refusal(error, formData);
  }
  return invalid(formFailure(formData, "invalidChoice"), 400);
}

export default function JuryApplication() {
  const { application, criteria, sheet, documents } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const w = m.contestWork;
  const intent = failure?.values["intent"];
  const closed = application.selected_at !== null;
  return (
    <div className="container page">
      <header className="page-header">
        <p className="small">
          <Link to="/jury">{w.jurorHome}</Link> · {application.contest_title}
        </p>
        <h1>{application.title}</h1>
        <p>
          {application.enterprise_name} · {m.common.enterpriseTypes[application.enterprise_type]} · {application.enterprise_district}
        </p>
      </header>
      <div className="two-col">
        <section className="stack">
          <div className="card">
            <h2>{w.app.summary}</h2>
            <p className="prewrap">{application.summary}</p>
            <h2>{w.app.socialValue}</h2>
            <p className="prewrap">{application.social_value}</p>
            {application.budget_won !== null ? (
              <p>
                <strong>{w.app.budgetWon}</strong>: {formatWon(application.budget_won, locale)}
              </p>
            ) : null}
            {documents.length > 0 ? (
              <>
                <h3>{w.documentsTitle}</h3>
                <ul className="plain-list">
                  {documents.map((d) => (
                    <li key={d.id}>
                      <a href={`/files/${d.public_id}`}>{d.label}</a>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
          <div className="card">
            <h2>{w.scoreTitle}</h2>
            {intent === "score" ? <FormAlert failure={failure} /> : null}
            {sheet.conflict ? (
              <div className="alert alert-info" data-testid="conflict-declared">
                {w.conflictDeclared(sheet.conflict.reason)}
              </div>
            ) : closed ? (
              <div className="alert alert-info">{m.errors.scoringClosed}</div>
            ) : (
              <>
                <p className="muted small">{w.scoreHint}</p>
                <AppForm className="form" noValidate>
                  <input type="hidden" name="intent" value="score" />
                  <ScoreSheetFields criteria={criteria} failure={intent === "score" ? failure : null} initial={sheet.scores} />
                  <div className="button-row">
                    <SubmitButton>{w.saveScores}</SubmitButton>
                  </div>
                </AppForm>
              </>
            )}
          </div>
        </section>
        <aside className="stack">
          {!sheet.conflict && !closed ? (
            <div className="card">
              <h2>{w.conflictTitle}</h2>
              <p className="muted small">{w.conflictIntro}</p>
              {intent === "conflict" ? <FormAlert failure={failure} /> : null}
              <AppForm className="form" noValidate>
                <input type="hidden" name="intent" value="conflict" />
                <TextAreaField name="reason" label={w.conflictReason} rows={2} required failure={intent === "conflict" ? failure : null} />
                <SubmitButton variant="danger">{w.declareConflict}</SubmitButton>
              </AppForm>
            </div>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
