import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { ScoreSheetFields } from "../components/contest-parts";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { getOpenContest } from "../contests/applications.server";
import { scoreSheetSchema } from "../contests/contests";
import { requireApplicationMember } from "../contests/guards.server";
import { getPeerSheet, isInTheRunning, listPeerTargets, savePeerScores } from "../contests/jury.server";
import { listCriteria } from "../contests/setup.server";
import { useMessages } from "../i18n/use-messages";
import { formFailure, parseForm } from "../utils/forms";
import { forbidden, invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.contestWork.peerTitle);

async function guard(args: LoaderFunctionArgs) {
  const { user, application } = await requireApplicationMember(args, idParam(args.params.id));
  const contest = await getOpenContest(args.context.services.db, application.contest_id);
  if (!contest || contest.peer_weight_pct === 0) throw notFound();
  if (application.status !== "submitted") throw forbidden();
  return { user, application, contest };
}

export async function loader(args: LoaderFunctionArgs) {
  const { application, contest } = await guard(args);
  const { db } = args.context.services;
  const [targets, criteria] = await Promise.all([listPeerTargets(db, contest.id, application.id), listCriteria(db, contest.id)]);
  const targetParam = new URL(args.request.url).searchParams.get("target");
  const target = targets.find((t) => String(t.id) === targetParam) ?? null;
  const sheet = target ? await getPeerSheet(db, target.id, application.id) : [];
  return json({ application, contestTitle: contest.title, contestSlug: contest.slug, selected: contest.selected_at !== null, targets, target, criteria, sheet });
}

export async function action(args: ActionFunctionArgs) {
  const { user, application, contest } = await guard(args);
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const targetId = Number(formData.get("targetId"));
  if (!Number.isSafeInteger(targetId) || targetId <= 0) return invalid(formFailure(formData, "invalidChoice"), 400);
  if (targetId === application.id) return invalid(formFailure(formData, "cannotScoreOwn"), 403);
  if (!(await isInTheRunning(db, contest.id, targetId))) return invalid(formFailure(formData, "invalidChoice"), 404);
  const criteria = await listCriteria(db, contest.id);
  const parsed = parseForm(scoreSheetSchema(criteria.map((c) => c.id)), formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    await savePeerScores(db, { applicationId: targetId, evaluatorApplicationId: application.id, userId: user.id, scores: parsed.data, now: clock.now() });
  } catch (error) {
    return refusal(error, formData);
  }
  return redirect(withNotice(`/applications/${application.id}/peer`, "scoresSaved"));
}

export default function PeerEvaluation() {
  const { application, contestTitle, contestSlug, selected, targets, target, criteria, sheet } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const w = m.contestWork;
  return (
    <div className="container page">
      <header className="page-header">
        <p className="small">
          <Link to={`/contests/${contestSlug}`}>{contestTitle}</Link> · <Link to={`/applications/${application.id}`}>{application.title}</Link>
        </p>
        <h1>{w.peerTitle}</h1>
        <p>{w.peerIntro}</p>
      </header>
      <div className="two-col">
        <section className="stack">
          <FormAlert failure={failure} />
          {target ? (
            <div className="card">
              <h2>{target.title}</h2>
              <p className="muted">{target.enterprise_name}</p>
              <p className="prewrap">{target.summary}</p>
              {selected ? (
                <div className="alert alert-info">{m.errors.scoringClosed}</div>
              ) : (
                <>
                  <AppForm className="form" noValidate>
                    <input type="hidden" name="targetId" value={target.id} />
                    <ScoreSheetFields criteria={criteria} failure={failure} initial={sheet} />
                    <div className="button-row">
                      <SubmitButton>{w.saveScores}</SubmitButton>
                    </div>
                  </AppForm>
                </>
              )}
            </div>
          ) : (
            <p className="muted">{targets.length === 0 ? w.noPeers : w.scoreHint}</p>
          )}
        </section>
        <aside className="card">
          <ul className="plain-list" data-testid="peer-targets">
            {targets.map((t) => (
              <li key={t.id}>
                <Link to={`?target=${t.id}`}>{t.title}</Link> <span className="muted small">{t.enterprise_name}</span> {t.scored ? <span className="badge badge-success">{w.scored}</span> : null}
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </div>
  );
}
