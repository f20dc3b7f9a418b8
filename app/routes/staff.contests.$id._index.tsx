import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { ContestSettingsFields, StaffContestNav } from "../components/contest-parts";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { contestSettingsSchema, criteriaSchema, EDITABLE_STAGES, MAX_CRITERIA, stagesFrom, stagesSchema } from "../contests/contests";
import { requireContestStaff } from "../contests/guards.server";
import { selectsByScreening } from "../contests/screening";
import { getContestForStaff, publishContest, replaceCriteria, saveStages, updateContestSettings } from "../contests/setup.server";
import { useMessages } from "../i18n/use-messages";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => data?.contest.title ?? m.contestWork.staffTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { contest: found } = await requireContestStaff(args, idParam(args.params.id));
  const contest = await getContestForStaff(args.context.services.db, found.id);
  if (!contest) throw notFound();
  return json({ contest });
}

export async function action(args: ActionFunctionArgs) {
  const { contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const intent = formData.get("intent");
  const here = `/staff/contests/${contest.id}`;
  try {
    if (intent === "settings") {
      const parsed = parseForm(contestSettingsSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await updateContestSettings(db, contest.id, parsed.data, clock.now());
      return redirect(withNotice(here, "saved"));
    }
    if (intent === "criteria") {
      const parsed = parseForm(criteriaSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await replaceCriteria(db, contest.id, parsed.data);
      return redirect(withNotice(here, "saved"));
    }
    if (intent === "stages") {
      const parsed = parseForm(stagesSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      const { stages, errorField } = stagesFrom(parsed.data as Record<string, string | null>);
      if (errorField) return invalid(formFailure(formData, errorField.endsWith("_to") ? "closeBeforeOpen" : "required", errorField));
      await saveStages(db, contest.id, stages);
      return redirect(withNotice(here, "saved"));
    }
    if (intent === "publish") {
      await publishContest(db, contest.id, clock.now());
      return redirect(withNotice(here, "contestPublished"));
    }
  } catch (error) {
    return refusal(error, formData);
  }
  return invalid(formFailure(formData, "invalidChoice"), 400);
}

export default function StaffContestSettings() {
  const { contest } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const w = m.contestWork;
  const intent = failure?.values["intent"];
  const rows = Array.from({ length: MAX_CRITERIA }, (_, i) => contest.criteria[i] ?? null);
  const stageOf = (kind: string) => contest.stages.find((s) => s.kind === kind);
  return (
    <div className="container page">
      <StaffContestNav contest={contest} />
      <div className="two-col">
        <div className="stack">
          <section className="card">
            <h2>{w.tabs.settings}</h2>
            {intent === "settings" ? <FormAlert failure={failure} /> : null}
            <AppForm className="form" noValidate>
              <input type="hidden" name="intent" value="settings" />
              <ContestSettingsFields failure={intent === "settings" ? failure : null} initial={contest} />
              <div className="button-row">
                <SubmitButton name="intent" value="settings">
                  {w.saveSettings}
                </SubmitButton>
              </div>
            </AppForm>
          </section>

          {selectsByScreening(contest.kind) ? null : (
            <section className="card">
              <h2>{w.criteriaTitle}</h2>
              <p className="muted small">{w.criteriaHint}</p>
              {intent === "criteria" ? <FormAlert failure={failure} /> : null}
              {intent === "criteria" && failure ? (
                <p className="field-error" data-testid="error-criteria">
                  {[...(failure.fieldErrors["criterionLabel"] ?? []), ...(failure.fieldErrors["criterionWeight"] ?? [])].map((e) => m.errors[e]).join(" ")}
                </p>
              ) : null}
              <AppForm className="form" noValidate>
                <input type="hidden" name="intent" value="criteria" />
                <table className="criteria-table">
                  <thead>
                    <tr>
                      <th>{w.criterion}</th>
                      <th>{w.weight}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row, i) => (
                      <tr key={i}>
                        <td>
                          <input name="criterionLabel" aria-label={`${w.criterion} ${i + 1}`} defaultValue={row?.label ?? ""} />
                        </td>
                        <td>
                          <input name="criterionWeight" aria-label={`${w.weight} ${i + 1}`} inputMode="numeric" defaultValue={row?.weight_pct ?? ""} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="button-row">
                  <SubmitButton name="intent" value="criteria">
                    {w.saveCriteria}
                  </SubmitButton>
                </div>
              </AppForm>
            </section>
          )}

          <section className="card">
            <h2>{w.stagesTitle}</h2>
            <p className="muted small">{w.stagesHint}</p>
            {intent === "stages" ? <FormAlert failure={failure} /> : null}
            <AppForm className="form" noValidate>
              <input type="hidden" name="intent" value="stages" />
              <div className="stage-grid">
                {EDITABLE_STAGES.map((kind) => {
                  const stage = stageOf(kind);
                  const errors = intent === "stages" ? [...(failure?.fieldErrors[`${kind}_from`] ?? []), ...(failure?.fieldErrors[`${kind}_to`] ?? [])] : [];
                  return (
                    <div key={kind} className={`stage-row${errors.length > 0 ? " field-invalid" : ""}`}>
                      <strong>{m.common.stageKinds[kind]}</strong>
                      <input type="date" name={`${kind}_from`} aria-label={`${m.common.stageKinds[kind]} ${w.stageFrom}`} defaultValue={stage?.starts_on ?? ""} />
                      <input type="date" name={`${kind}_to`} aria-label={`${m.common.stageKinds[kind]} ${w.stageTo}`} defaultValue={stage?.ends_on ?? ""} />
                      <input name={`${kind}_note`} aria-label={`${m.common.stageKinds[kind]} ${w.stageNote}`} placeholder={w.stageNote} defaultValue={stage?.note ?? ""} />
                      {errors.length > 0 ? (
                        <p className="field-error" data-testid={`error-${kind}`}>
                          {errors.map((e) => m.errors[e]).join(" ")}
                        </p>
                      ) : null}
                    </div>
                  );
                })}
              </div>
              <div className="button-row">
                <SubmitButton name="intent" value="stages">
                  {w.saveStages}
                </SubmitButton>
              </div>
            </AppForm>
          </section>
        </div>
        <aside className="stack">
          <section className="card">
            <h2>{w.publishTitle}</h2>
            {contest.published ? (
              <>
                <p>
                  <span className="badge badge-live">{w.published}</span> {w.alreadyPublished}
                </p>
                <Link to={`/contests/${contest.slug}`} className="button button-secondary">
                  {w.viewPublic}
                </Link>
              </>
            ) : (
              <>
                <p className="muted">{w.publishIntro}</p>
                {intent === "publish" ? <FormAlert failure={failure} /> : null}
                <AppForm>
                  <SubmitButton name="intent" value="publish">
                    {w.publish}
                  </SubmitButton>
                </AppForm>
              </>
            )}
          </section>
        </aside>
      </div>
    </div>
  );
}
