import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { stateBadgeClass } from "../components/campaign-card";
import { FormErrorList, StaffContestNav } from "../components/contest-parts";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { consultantAssignmentSchema } from "../consulting/consulting";
import { requireContestStaff } from "../contests/guards.server";
import { assignConsultant, createRoundDrafts, getRound, listHostConsultants, unassignConsultant } from "../contests/round.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate } from "../utils/dates";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.round.roundTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db } = args.context.services;
  const [round, consultants] = await Promise.all([getRound(db, contest.id), listHostConsultants(db, contest.host_id)]);
  return json({ contest, round, consultants });
}

export async function action(args: ActionFunctionArgs) {
  const { user, contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const here = `/staff/contests/${contest.id}/round`;
  try {
    if (formData.get("intent") === "drafts") {
      const { created } = await createRoundDrafts(db, { contestId: contest.id, operatorId: user.id, now: clock.now() });
      return redirect(withNotice(here, created > 0 ? "roundDraftsCreated" : "roundDraftsExisting"));
    }
    const intent = formData.get("intent");
    if (intent === "assign" || intent === "unassign") {
      const parsed = parseForm(consultantAssignmentSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      const change = { contestId: contest.id, campaignId: parsed.data.campaignId, consultantId: parsed.data.consultantId, operatorId: user.id, now: clock.now() };
      if (intent === "assign") {
        await assignConsultant(db, change);
        return redirect(withNotice(here, "consultantAssigned"));
      }
      await unassignConsultant(db, change);
      return redirect(withNotice(here, "consultantUnassigned"));
    }
  } catch (error) {
    return refusal(error, formData);
  }
  return invalid(formFailure(formData, "invalidChoice"), 400);
}

export default function StaffRound() {
  const { contest, round, consultants } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const r = m.round;
  const locale = useLocale();
  const withDrafts = round.applications.filter((a) => a.campaign_id !== null);
  const approved = withDrafts.filter((a) => a.campaign_state === "approved" || a.campaign_state === "live").length;
  const assignFailure = failure?.values.intent === "assign" || failure?.values.intent === "unassign" ? failure : null;
  return (
    <div className="container page">
      <StaffContestNav contest={contest} />
      <section className="card">
        <h2>{r.roundTitle}</h2>
        <p className="muted">{r.roundIntro}</p>
        <p data-testid="round-window">
          {round.window?.ends_on ? <strong>{r.window(formatDate(round.window.starts_on, locale), formatDate(round.window.ends_on, locale))}</strong> : <span className="warn-text">{r.noWindow}</span>}
          {withDrafts.length > 0 ? (
            <span className="badge badge-success" style={{ marginLeft: 8 }} data-testid="round-approved">
              {r.approved(approved, withDrafts.length)}
            </span>
          ) : null}
        </p>
        <p className="muted small">{r.goLiveNote}</p>
        {failure?.values.intent === "drafts" ? <FormAlert failure={failure} /> : null}
        <AppForm>
          <input type="hidden" name="intent" value="drafts" />
          <SubmitButton>{r.createDrafts}</SubmitButton>
        </AppForm>
        <p className="muted small">{r.draftsHint}</p>
      </section>

      <section className="card section table-wrap" tabIndex={0} role="region" aria-label={r.roundTitle}>
        <FormAlert failure={assignFailure} />
        <FormErrorList failure={assignFailure} />
        {round.applications.length === 0 ? (
          <p className="muted">{r.noSelected}</p>
        ) : (
          <table data-testid="round-table">
            <thead>
              <tr>
                <th className="num">{r.rank}</th>
                <th>{r.application}</th>
                <th>{r.campaign}</th>
                <th>{r.consultants}</th>
              </tr>
            </thead>
            <tbody>
              {round.applications.map((a) => (
                <tr key={a.id} data-testid={`round-row-${a.id}`}>
                  <td className="num">{a.rank ?? "–"}</td>
                  <td>
                    <strong>{a.title}</strong>
                    <div className="muted small">
                      {a.enterprise_name}
                      {a.budget_won !== null ? ` · ${formatWon(a.budget_won, locale)}` : ""}
                    </div>
                  </td>
                  <td>
                    {a.campaign_id !== null && a.campaign_state ? (
                      <>
                        <span className={stateBadgeClass(a.campaign_state)}>{m.common.campaignStates[a.campaign_state]}</span>{" "}
                        <Link to={`/staff/campaigns/${a.campaign_id}`}>{r.review}</Link>
                        <div className="muted small">
                          {r.comments}: {a.consultation_count}
                        </div>
                      </>
                    ) : (
                      <span className="muted">{r.noDraft}</span>
                    )}
                  </td>
                  <td>
                    {a.consultants.length > 0 && a.campaign_id !== null ? (
                      <ul className="plain-list small">
                        {a.consultants.map((c) => (
                          <li key={c.id}>
                            <AppForm className="inline-form">
                              {c.name}
                              <input type="hidden" name="intent" value="unassign" />
                              <input type="hidden" name="campaignId" value={a.campaign_id ?? ""} />
                              <input type="hidden" name="consultantId" value={c.id} />
                              <button type="submit" className="button button-ghost button-small" style={{ marginLeft: 8 }} aria-label={r.unassignLabel(c.name)}>
                                {r.unassign}
                              </button>
                            </AppForm>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <div className="small muted">{r.noConsultant}</div>
                    )}
                    {a.campaign_id !== null && consultants.length > 0 ? (
                      <AppForm className="inline-form">
                        <input type="hidden" name="intent" value="assign" />
                        <input type="hidden" name="campaignId" value={a.campaign_id} />
                        <select name="consultantId" aria-label={`${r.consultant} · ${a.title}`} defaultValue="">
                          <option value="">—</option>
                          {consultants.map((c) => (
                            <option key={c.id} value={c.id}>
                              {c.display_name}
                            </option>
                          ))}
                        </select>
                        <button type="submit" className="button button-ghost button-small">
                          {r.assign}
                        </button>
                      </AppForm>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {consultants.length === 0 ? <p className="muted small">{r.noConsultantsAtHost}</p> : <p className="muted small">{r.unassignHint}</p>}
      </section>
    </div>
  );
}
