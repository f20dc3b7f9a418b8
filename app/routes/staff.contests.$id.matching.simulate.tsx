import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { StaffContestNav } from "../components/contest-parts";
import { Field, FormAlert } from "../components/form";
import { RulesFields } from "../components/matching-parts";
import { requireContestStaff } from "../contests/guards.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import type { MatchLimit } from "../matching/matching";
import { MIN_POOL_WON, rulesFormValues, rulesFromInput, rulesSchema } from "../matching/matching-forms";
import { getPool, simulateCurrentPledges } from "../matching/matching.server";
import { formValues, parseForm, type FormFailure } from "../utils/forms";
import { wonAmount } from "../utils/fields";
import { formatWon, MAX_WON } from "../utils/money";
import { titled } from "../utils/meta";
import { z } from "zod";

export const meta = titled((m) => m.matching.simulateTitle);

// The simulator only reads: its draft rules come in the query string (a GET form), are never
// saved, and the replay runs in memory over the round's current pledges.
const simulationSchema = rulesSchema.extend({ poolTotal: wonAmount(1, MAX_WON).pipe(z.number().min(MIN_POOL_WON, "poolTooSmall")) });

const FALLBACK_RULES: Record<string, string> = { factorPct: "100", allocation: "first_come", minBackers: "0", thresholdPct: "0" };

function formOf(entries: Iterable<[string, string]>): FormData {
  const form = new FormData();
  for (const [key, value] of entries) form.append(key, value);
  return form;
}

export async function loader(args: LoaderFunctionArgs) {
  const { contest } = await requireContestStaff(args, idParam(args.params.id));
  const { db } = args.context.services;
  const pool = await getPool(db, contest.id);
  const url = new URL(args.request.url);
  const current = pool?.versions[0]?.rules ?? null;
  const defaults: Record<string, string> = { ...(current ? rulesFormValues(current) : FALLBACK_RULES), poolTotal: pool ? String(pool.total_won) : "" };
  // Without a query the page shows what the current rules do; a submitted draft replaces them.
  const submitted = url.searchParams.has("factorPct");
  if (!submitted && !current) return json({ contest, values: defaults, failure: null, result: null });
  const form = formOf(submitted ? url.searchParams : Object.entries(defaults));
  const values = formValues(form);
  const parsed = parseForm(simulationSchema, form);
  if (!parsed.ok) return json({ contest, values, failure: parsed as FormFailure, result: null }, { status: 422 });
  const result = await simulateCurrentPledges(db, contest.id, rulesFromInput(parsed.data, 1), parsed.data.poolTotal);
  return json({ contest, values, failure: null, result });
}

export default function MatchingSimulator() {
  const { contest, values, failure, result } = useLoaderData<typeof loader>();
  const m = useMessages();
  const x = m.matching;
  const locale = useLocale();
  const limitsText = (limits: Partial<Record<MatchLimit, number>>) =>
    Object.entries(limits)
      .map(([limit, n]) => x.limitCount(x.limits[limit as MatchLimit], n))
      .join(" · ");
  return (
    <div className="container page">
      <StaffContestNav contest={contest} />
      <p className="small">
        <Link to={`/staff/contests/${contest.id}/matching`}>← {x.title}</Link>
      </p>
      <h2>{x.simulateTitle}</h2>
      <p className="muted">{x.simulateIntro}</p>
      <div className="two-col">
        <section className="card" data-testid="simulation">
          <h2>{x.simulateResult}</h2>
          {!result ? (
            <p className="muted">{x.noRules}</p>
          ) : result.campaigns.every((c) => c.pledges === 0) ? (
            <p className="muted">{x.simulateNoPledges}</p>
          ) : (
            <>
              <p data-testid="simulated-total">
                <strong>{x.simulatedTotal(formatWon(result.committedWon, locale), formatWon(result.poolWon, locale))}</strong>
              </p>
              <div className="table-wrap" tabIndex={0} role="region" aria-label={x.simulateResult}>
                <table>
                  <thead>
                    <tr>
                      <th>{x.campaign}</th>
                      <th className="num">{x.pledgesCount}</th>
                      <th className="num">{x.pledged}</th>
                      <th className="num">{x.actual}</th>
                      <th className="num">{x.simulated}</th>
                      <th>{x.bindingLimit}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.campaigns.map((c) => (
                      <tr key={c.id} data-testid="simulated-campaign">
                        <td>
                          <Link to={`/campaigns/${c.slug}`}>{c.title}</Link>
                        </td>
                        <td className="num">{c.pledges}</td>
                        <td className="num">{formatWon(c.pledgedWon, locale)}</td>
                        <td className="num">{formatWon(c.actualMatchedWon, locale)}</td>
                        <td className="num">
                          <strong>{formatWon(c.simulatedMatchedWon, locale)}</strong>
                        </td>
                        <td>
                          {c.bindingLimit ? x.limits[c.bindingLimit] : "—"}
                          {c.pledges > 0 ? <div className="muted small">{limitsText(c.limits)}</div> : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
        <aside className="card">
          <FormAlert failure={failure} />
          <Form method="get" className="form" noValidate>
            <Field name="poolTotal" label={x.simulatePool} inputMode="numeric" required failure={failure} defaultValue={values["poolTotal"]} />
            <RulesFields failure={failure} initial={values} />
            <div className="button-row">
              <button type="submit" className="button button-primary">
                {x.simulateRun}
              </button>
              <Link to="." className="button button-ghost">
                {x.simulateUseCurrent}
              </Link>
            </div>
          </Form>
        </aside>
      </div>
    </div>
  );
}
