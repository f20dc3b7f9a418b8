import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { StaffContestNav } from "../components/contest-parts";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { listSelectedApplications } from "../contests/applications.server";
import { requireContestStaff } from "../contests/guards.server";
import { awardFormSchema, awardFromForm, grantRulesSchema, lineField, rulesFromForm } from "../grants/awards";
import { getCurrentGrantRules, listContestAwards, recordGrantAward, saveGrantRules } from "../grants/awards.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate } from "../utils/dates";
import { formFailure, parseForm, type FormFailure } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.round.grantsTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db } = args.context.services;
  const [rules, awards, selected] = await Promise.all([
    getCurrentGrantRules(db, contest.id),
    listContestAwards(db, contest.id),
    listSelectedApplications(db, contest.id),
  ]);
  const awardedIds = new Set(awards.map((a) => a.application_id));
  const awardedWon = awards.reduce((sum, a) => sum + a.amount_won, 0);
  return json({ contest, rules, awards, awardedWon, candidates: selected.filter((s) => !awardedIds.has(s.id)) });
}

export async function action(args: ActionFunctionArgs) {
  const { user, contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const here = `/staff/contests/${contest.id}/grants`;
  try {
    if (formData.get("intent") === "rules") {
      const parsed = parseForm(grantRulesSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await saveGrantRules(db, { contestId: contest.id, userId: user.id, title: parsed.data.title, rules: rulesFromForm(parsed.data), now: clock.now() });
      return redirect(withNotice(here, "grantRulesSaved"));
    }
    if (formData.get("intent") === "award") {
      const rules = await getCurrentGrantRules(db, contest.id);
      if (!rules) return invalid(formFailure(formData, "grantRulesMissing"), 409);
      const parsed = parseForm(awardFormSchema(rules.eligibleExpenses), formData);
      if (!parsed.ok) return invalid(parsed);
      await recordGrantAward(db, { contestId: contest.id, award: awardFromForm(rules.eligibleExpenses, parsed.data), awardedBy: user.id, now: clock.now() });
      return redirect(withNotice(here, "grantAwarded"));
    }
  } catch (error) {
    return refusal(error, formData);
  }
  return invalid(formFailure(formData, "invalidChoice"), 400);
}

function failureFor(failure: FormFailure | null, intent: string): FormFailure | null {
  return failure?.values.intent === intent ? failure : null;
}

export default function StaffGrants() {
  const { contest, rules, awards, awardedWon, candidates } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const r = m.round;
  const locale = useLocale();
  const rulesFailure = failureFor(failure, "rules");
  const awardFailure = failureFor(failure, "award");
  return (
    <div className="container page">
      <StaffContestNav contest={contest} />
      <div className="two-col">
        <div className="stack">
          <section className="card">
            <h2>{r.awardsTitle}</h2>
            {rules ? (
              <p className="muted" data-testid="award-limits">
                {r.awardIntro(formatWon(rules.capPerAwardeeWon, locale), formatWon(rules.poolWon - awardedWon, locale))}
              </p>
            ) : (
              <>
                <FormAlert failure={awardFailure} />
                <p className="warn-text">{r.noRules}</p>
              </>
            )}
            {awards.length === 0 ? <p className="muted">{r.noAwards}</p> : null}
            {awards.length > 0 ? (
              <div className="table-wrap" tabIndex={0} role="region" aria-label={r.awardsTitle}>
                <table data-testid="awards">
                  <thead>
                    <tr>
                      <th>{r.team}</th>
                      <th className="num">{r.awarded}</th>
                      <th className="num">{r.spent}</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {awards.map((a) => (
                      <tr key={a.id}>
                        <td>
                          <strong>{a.enterprise_name}</strong>
                          <div className="muted small">{a.lines.map((l) => `${l.category} ${formatWon(l.plannedWon, locale)}`).join(" · ")}</div>
                        </td>
                        <td className="num">{formatWon(a.amount_won, locale)}</td>
                        <td className="num">{formatWon(a.spentWon, locale)}</td>
                        <td>
                          <Link to={`/grants/${a.id}`}>{r.view}</Link>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                  {rules ? (
                    <tfoot>
                      <tr>
                        <th>{r.remaining}</th>
                        <th className="num" data-testid="pool-remaining">
                          {formatWon(rules.poolWon - awardedWon, locale)}
                        </th>
                        <th colSpan={2} />
                      </tr>
                    </tfoot>
                  ) : null}
                </table>
              </div>
            ) : null}
          </section>

          {rules ? (
            <section className="card">
              <h2>{r.recordAward}</h2>
              {candidates.length === 0 ? (
                <p className="muted">{r.noTeamsLeft}</p>
              ) : (
                <>
                  <FormAlert failure={awardFailure} />
                  <AppForm className="form" noValidate key={awards.length}>
                    <input type="hidden" name="intent" value="award" />
                    <SelectField
                      name="applicationId"
                      label={r.awardTeam}
                      required
                      placeholder="—"
                      failure={awardFailure}
                      options={candidates.map((c) => ({ value: String(c.id), label: `${c.rank ?? "–"}. ${c.enterprise_name} — ${c.title}` }))}
                    />
                    <div className="form-grid">
                      {rules.eligibleExpenses.map((category, i) => (
                        <Field key={category} name={lineField(i)} label={category} inputMode="numeric" placeholder="0" failure={awardFailure} />
                      ))}
                    </div>
                    <SubmitButton>{r.recordAward}</SubmitButton>
                  </AppForm>
                </>
              )}
            </section>
          ) : null}
        </div>

        <aside className="stack">
          <section className="card">
            <h2>{r.rulesTitle}</h2>
            {rules ? (
              <dl className="facts" data-testid="grant-rules-staff">
                <dt>{r.rulesTitleField}</dt>
                <dd>
                  {rules.title} <span className="muted small">({r.rulesVersion(rules.version)})</span>
                </dd>
                <dt>{r.pool}</dt>
                <dd>{formatWon(rules.poolWon, locale)}</dd>
                <dt>{r.cap}</dt>
                <dd>{formatWon(rules.capPerAwardeeWon, locale)}</dd>
                <dt>{r.source}</dt>
                <dd>{rules.fundingSource}</dd>
                <dt>{r.expenses}</dt>
                <dd>{rules.eligibleExpenses.join(", ")}</dd>
                {rules.periodFrom && rules.periodTo ? (
                  <>
                    <dt>{r.grantPeriod}</dt>
                    <dd>
                      {formatDate(rules.periodFrom, locale)} – {formatDate(rules.periodTo, locale)}
                    </dd>
                  </>
                ) : null}
              </dl>
            ) : (
              <p className="muted">{r.noRules}</p>
            )}
          </section>
          <section className="card">
            {awards.length > 0 ? (
              <>
                <FormAlert failure={rulesFailure} />
                <p className="muted">{r.rulesLocked}</p>
              </>
            ) : (
              <>
                <FormAlert failure={rulesFailure} />
                <AppForm className="form" noValidate>
                  <input type="hidden" name="intent" value="rules" />
                  <Field name="title" label={r.rulesTitleField} required failure={rulesFailure} defaultValue={rules?.title} />
                  <Field name="pool" label={r.pool} inputMode="numeric" required failure={rulesFailure} defaultValue={rules?.poolWon} />
                  <Field name="cap" label={r.cap} inputMode="numeric" required failure={rulesFailure} defaultValue={rules?.capPerAwardeeWon} />
                  <Field name="fundingSource" label={r.source} required failure={rulesFailure} defaultValue={rules?.fundingSource} />
                  <TextAreaField name="expenses" label={r.expenses} hint={r.expensesHint} rows={3} required failure={rulesFailure} defaultValue={rules?.eligibleExpenses.join(", ")} />
                  <div className="form-grid">
                    <Field name="periodFrom" type="date" label={r.periodFrom} failure={rulesFailure} defaultValue={rules?.periodFrom} />
                    <Field name="periodTo" type="date" label={r.periodTo} failure={rulesFailure} defaultValue={rules?.periodTo} />
                  </div>
                  <SubmitButton variant="secondary">{r.saveRules}</SubmitButton>
                </AppForm>
              </>
            )}
          </section>
        </aside>
      </div>
    </div>
  );
}
