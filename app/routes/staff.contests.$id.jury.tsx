import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { FormErrorList, formatScore, StaffContestNav } from "../components/contest-parts";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { listApplicationsForStaff } from "../contests/applications.server";
import { assignJurorSchema } from "../contests/contests";
import { requireContestStaff } from "../contests/guards.server";
import { getScoreWeights, runSelection } from "../contests/jury.server";
import { assignJuror, listJuryCandidates } from "../contests/setup.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDateTime } from "../utils/dates";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.contestWork.tabs.jury);

export async function loader(args: LoaderFunctionArgs) {
  const { contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db } = args.context.services;
  const [jurors, applications, weights] = await Promise.all([
    listJuryCandidates(db, contest.id, contest.host_id),
    listApplicationsForStaff(db, contest.id),
    getScoreWeights(db, contest.id),
  ]);
  return json({ contest, jurors, applications: applications.filter((a) => a.status === "submitted"), weights });
}

export async function action(args: ActionFunctionArgs) {
  const { user, contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const here = `/staff/contests/${contest.id}/jury`;
  try {
    if (formData.get("intent") === "assign") {
      const parsed = parseForm(assignJurorSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await assignJuror(db, contest.id, parsed.data.userId, user.id, clock.now());
      return redirect(withNotice(here, "saved"));
    }
    if (formData.get("intent") === "select") {
      await runSelection(db, contest.id, user.id, clock.now());
      return redirect(withNotice(here, "selectionDone"));
    }
  } catch (error) {
    return refusal(error, formData);
  }
  return invalid(formFailure(formData, "invalidChoice"), 400);
}

export default function StaffJury() {
  const { contest, jurors, applications, weights } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const w = m.contestWork;
  return (
    <div className="container page">
      <StaffContestNav contest={contest} />
      <FormAlert failure={failure} />
      <FormErrorList failure={failure} />
      <div className="two-col">
        <section className="stack">
          <div className="card">
            <div className="page-header-row">
              <h2>{contest.selected_at ? w.rankingTitle : w.progressTitle}</h2>
              <a href={`/staff/contests/${contest.id}/scores.csv`} className="button button-secondary button-small" download>
                {w.exportCsv}
              </a>
            </div>
            <div className="table-wrap" tabIndex={0} role="region" aria-label={contest.selected_at ? w.rankingTitle : w.progressTitle}>
              <table data-testid="jury-progress">
                <thead>
                  <tr>
                    {contest.selected_at ? <th>{w.rank}</th> : null}
                    <th>{w.app.title}</th>
                    <th className="num">{w.jurySheets}</th>
                    {weights.peer_weight_pct > 0 ? <th className="num">{w.peerSheets}</th> : null}
                    {contest.selected_at ? <th className="num">{w.finalScore}</th> : null}
                    {contest.selected_at ? <th>{w.outcome}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {applications.map((a) => (
                    <tr key={a.id}>
                      {contest.selected_at ? <td>{a.rank ?? "–"}</td> : null}
                      <td>
                        <strong>{a.title}</strong>
                        <div className="muted small">{a.enterprise_name}</div>
                      </td>
                      <td className="num">{Number(a.jury_sheets ?? 0)}</td>
                      {weights.peer_weight_pct > 0 ? <td className="num">{Number(a.peer_sheets ?? 0)}</td> : null}
                      {contest.selected_at ? <td className="num">{formatScore(a.final_score)}</td> : null}
                      {contest.selected_at ? <td>{a.outcome ? <span className={`badge ${a.outcome === "selected" ? "badge-success" : ""}`}>{w.outcomes[a.outcome]}</span> : null}</td> : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <div className="card">
            <h2>{w.selectionTitle}</h2>
            <p className="muted">
              {w.fields.juryWeightPct} {weights.jury_weight_pct} · {w.fields.peerWeightPct} {weights.peer_weight_pct}
            </p>
            {contest.selected_at ? (
              <p data-testid="selected-on">{w.selectedOn(formatDateTime(contest.selected_at, locale))}</p>
            ) : (
              <>
                <p className="small">{w.selectionIntro(contest.select_count ?? 0)}</p>
                <AppForm>
                  <SubmitButton name="intent" value="select">
                    {w.runSelection}
                  </SubmitButton>
                </AppForm>
              </>
            )}
          </div>
        </section>
        <aside className="card">
          <h2>{w.juryTitle}</h2>
          {jurors.length === 0 ? <p className="muted small">{w.noJurorsAtHost}</p> : null}
          <ul className="plain-list" data-testid="jurors">
            {jurors.map((j) => (
              <li key={j.id} className="row-between">
                <span>
                  {j.display_name} <span className="muted small">{j.email}</span>
                </span>
                {j.assigned ? (
                  <span className="badge badge-success">{w.assigned}</span>
                ) : (
                  <AppForm>
                    <input type="hidden" name="userId" value={j.id} />
                    <button type="submit" name="intent" value="assign" className="button button-secondary button-small" aria-label={`${w.assign}: ${j.display_name}`}>
                      {w.assign}
                    </button>
                  </AppForm>
                )}
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </div>
  );
}
