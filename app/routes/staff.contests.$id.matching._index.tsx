import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { StaffContestNav } from "../components/contest-parts";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, useFormFailure } from "../components/form";
import { PoolStats, RulesFacts, RulesFields } from "../components/matching-parts";
import { withNotice } from "../components/notice";
import { requireContestStaff } from "../contests/guards.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { closeRoundSchema, poolSchema, rulesFormValues, rulesSchema, SPONSOR_KINDS } from "../matching/matching-forms";
import { closePool, createPool, getPool, publishRules } from "../matching/matching.server";
import { formatDateTime } from "../utils/dates";
import { formatWon } from "../utils/money";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.matching.title);

export async function loader(args: LoaderFunctionArgs) {
  const { contest } = await requireContestStaff(args, idParam(args.params.id));
  const pool = await getPool(args.context.services.db, contest.id);
  return json({ contest, pool });
}

export async function action(args: ActionFunctionArgs) {
  const { user, contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const intent = formData.get("intent");
  const here = `/staff/contests/${contest.id}/matching`;
  try {
    if (intent === "create") {
      const parsed = parseForm(poolSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await createPool(db, { contestId: contest.id, userId: user.id, pool: parsed.data, now: clock.now() });
      return redirect(withNotice(here, "matchingPoolCreated"));
    }
    const pool = await getPool(db, contest.id);
    if (intent === "publish" || intent === "close") {
      if (!pool) return invalid(formFailure(formData, "matchingPoolMissing"), 409);
      if (intent === "publish") {
        const parsed = parseForm(rulesSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await publishRules(db, { poolId: pool.id, userId: user.id, rules: parsed.data, now: clock.now() });
        return redirect(withNotice(here, "matchingRulesPublished"));
      }
      // The one thing that can be wrong here is the missing confirmation: say so above the box.
      if (!parseForm(closeRoundSchema, formData).ok) return invalid(formFailure(formData, "matchingCloseConfirmRequired"));
      // Closing twice (a double click, two operators) returns the leftover once; both see it closed.
      await closePool(db, pool.id, clock.now());
      return redirect(withNotice(here, "matchingPoolClosed"));
    }
  } catch (error) {
    return refusal(error, formData);
  }
  return invalid(formFailure(formData, "invalidChoice"), 400);
}

export default function StaffContestMatching() {
  const { contest, pool } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const x = m.matching;
  const locale = useLocale();
  const intent = failure?.values["intent"];
  const current = pool?.versions[0] ?? null;
  // A refusal for a form the page no longer shows (a second pool, a closed round) goes on top.
  const shownInForm = pool ? !pool.closed_at && (intent === "publish" || intent === "close") : intent === "create";
  return (
    <div className="container page">
      <StaffContestNav contest={contest} />
      <p className="muted">{x.staffIntro}</p>
      {shownInForm ? null : <FormAlert failure={failure} />}
      {!pool ? (
        <section className="card narrow-card" data-testid="create-pool">
          <h2>{x.createTitle}</h2>
          <p className="muted small">{x.createIntro}</p>
          <FormAlert failure={failure} />
          <AppForm className="form" noValidate>
            <input type="hidden" name="intent" value="create" />
            <SelectField name="sponsorKind" label={x.sponsorKind} required failure={failure} defaultValue="host" options={SPONSOR_KINDS.map((k) => ({ value: k, label: x.sponsorKinds[k] }))} />
            <Field name="sponsorName" label={x.sponsorName} hint={x.sponsorNameHint} failure={failure} />
            <Field name="total" label={x.totalField} inputMode="numeric" required failure={failure} />
            <div className="button-row">
              <SubmitButton name="intent" value="create">
                {x.create}
              </SubmitButton>
            </div>
          </AppForm>
        </section>
      ) : (
        <div className="two-col">
          <div className="stack">
            <section className="card">
              <div className="row-between">
                <h2>
                  {x.sponsor}: {pool.sponsor_name} <span className="badge">{x.sponsorKinds[pool.sponsor_kind]}</span>
                </h2>
                <span className={pool.closed_at ? "badge" : "badge badge-live"} data-testid="pool-status">
                  {pool.closed_at ? x.closedOn(formatDateTime(pool.closed_at, locale)) : x.openBadge}
                </span>
              </div>
              <PoolStats figures={pool.figures} />
              <div className="button-row" style={{ marginTop: 12 }}>
                <Link to="simulate" className="button button-secondary" data-testid="simulate-link">
                  {x.simulateLink}
                </Link>
                <Link to={`/contests/${contest.slug}/matching`} className="button button-ghost">
                  {x.viewPublic}
                </Link>
              </div>
            </section>
            <section className="card">
              <h2>{x.rulesTitle}</h2>
              <p className="muted small">{x.rulesIntro}</p>
              {pool.versions.length === 0 ? <p className="alert alert-info">{x.noRules}</p> : null}
              {pool.versions.map((v, i) => (
                <article key={v.version} className="stack" style={{ marginTop: 16 }}>
                  <h3>
                    {x.version(v.version)} {i === 0 ? <span className="badge badge-brand">{x.current}</span> : null}{" "}
                    <span className="muted small">
                      {x.publishedAt} {formatDateTime(v.published_at, locale)}
                    </span>
                  </h3>
                  <RulesFacts rules={v.rules} />
                </article>
              ))}
            </section>
          </div>
          <aside className="stack">
            {pool.closed_at ? (
              <section className="card">
                <p>{x.closedAlready}</p>
              </section>
            ) : (
              <>
                <section className="card" data-testid="publish-rules">
                  <h2>{x.publishTitle}</h2>
                  <p className="muted small">{x.publishIntro}</p>
                  {intent === "publish" ? <FormAlert failure={failure} /> : null}
                  <AppForm className="form" noValidate>
                    <input type="hidden" name="intent" value="publish" />
                    <RulesFields failure={intent === "publish" ? failure : null} initial={current ? rulesFormValues(current.rules) : {}} />
                    <div className="button-row">
                      <SubmitButton name="intent" value="publish">
                        {x.publish}
                      </SubmitButton>
                    </div>
                  </AppForm>
                </section>
                <section className="card" data-testid="close-round-card">
                  <h2>{x.closeTitle}</h2>
                  <p className="muted small">{x.closeIntro}</p>
                  {intent === "close" ? <FormAlert failure={failure} /> : null}
                  <AppForm noValidate data-testid="close-round">
                    <label className="check-line">
                      <input type="checkbox" name="confirmClose" required />
                      <span>{x.closeConfirm(formatWon(pool.figures.remainingWon, locale), pool.sponsor_name)}</span>
                    </label>
                    <SubmitButton name="intent" value="close" variant="danger">
                      {x.closeButton}
                    </SubmitButton>
                  </AppForm>
                </section>
              </>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}
