import { randomUUID } from "node:crypto";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { Bars, Stat } from "../components/bars";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { fileField } from "../files/files.server";
import { CONTRIBUTION_KINDS, contributionSchema, fundSettingsSchema, GRANT_CATEGORIES, grantSchema } from "../fund/fund";
import { requireFundStaff } from "../fund/fund-access.server";
import { fundOverview, listContributions, listGrants, recordContribution, updateFundSettings } from "../fund/fund.server";
import { requestFundGrant } from "../fund/grant-requests.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate, seoulDate } from "../utils/dates";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon, formatWonShort } from "../utils/money";

export const meta = titled((m) => m.loans.staffTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { fund, canWrite } = await requireFundStaff(args, "read");
  const { db, clock } = args.context.services;
  const [overview, contributions, grants] = await Promise.all([fundOverview(db, fund.id), listContributions(db, fund.id), listGrants(db, fund.id)]);
  return json({
    fund,
    canWrite,
    overview,
    contributions,
    grants,
    today: seoulDate(clock.now()),
    keys: { contribution: randomUUID(), grant: randomUUID() },
  });
}

export async function action(args: ActionFunctionArgs) {
  const { user, fund } = await requireFundStaff(args, "write");
  const { db, clock, fileStore } = args.context.services;
  const formData = await args.request.formData();
  const intent = formData.get("intent");
  const today = seoulDate(clock.now());
  const here = `/staff/fund/${fund.id}`;
  try {
    if (intent === "contribution") {
      const parsed = parseForm(contributionSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      if (parsed.data.receivedOn > today) return invalid(formFailure(formData, "dateInFuture", "receivedOn"));
      await recordContribution(db, { fundId: fund.id, hostId: fund.host_id, input: parsed.data, evidence: fileField(formData, "evidence"), fileStore, recordedBy: user.id, now: clock.now() });
      return redirect(withNotice(here, "contributionRecorded"));
    }
    if (intent === "grant") {
      const parsed = parseForm(grantSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      if (parsed.data.grantedOn > today) return invalid(formFailure(formData, "dateInFuture", "grantedOn"));
      await requestFundGrant(db, { fundId: fund.id, hostId: fund.host_id, input: parsed.data, evidence: fileField(formData, "evidence"), fileStore, requestedBy: user.id, now: clock.now() });
      return redirect(withNotice(`${here}/approvals`, "grantRequested"));
    }
    if (intent === "settings") {
      const parsed = parseForm(fundSettingsSchema, formData);
      if (!parsed.ok) return invalid(parsed);
      await updateFundSettings(db, fund.id, parsed.data);
      return redirect(withNotice(here, "fundSettingsSaved"));
    }
  } catch (error) {
    return refusal(error, formData);
  }
  return invalid(formFailure(formData, "invalid"), 400);
}

export default function FundOverviewPage() {
  const { fund, canWrite, overview, contributions, grants, today, keys } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const l = m.loans;
  const cf = l.contributionFields;
  const gf = l.grantFields;
  const sf = l.settingsFields;
  const failed = (intent: string) => (failure?.values.intent === intent ? failure : null);
  // The index route's own action, without the last notice in the query.
  const action = `${useLocation().pathname}?index`;
  return (
    <>
      <div className="stats">
        <Stat label={l.balance} value={formatWon(overview.balanceWon, locale)} testId="staff-fund-balance" />
        <Stat label={l.available} value={formatWon(overview.availableWon, locale)} testId="staff-fund-available" />
        <Stat label={l.committed} value={formatWon(overview.committedWon, locale)} />
        <Stat label={l.portfolio.outstanding} value={formatWon(overview.outstandingWon, locale)} />
        <Stat label={l.portfolio.interestIncome} value={formatWon(overview.interestIncomeWon, locale)} />
      </div>

      <div className="two-col section">
        <section className="card">
          <h2>{l.uses}</h2>
          <Bars
            bars={[
              { key: "loans", label: m.fund.loansUse, value: overview.loansDisbursedWon, display: formatWonShort(overview.loansDisbursedWon, locale) },
              ...overview.grants.map((g) => ({ key: g.category, label: l.grantCategories[g.category], value: g.amountWon, display: formatWonShort(g.amountWon, locale), tone: "warning" as const })),
            ]}
          />
        </section>
        <section className="card">
          <h2>{l.sources}</h2>
          <Bars bars={overview.sources.map((s) => ({ key: s.kind, label: l.contributionKinds[s.kind], value: s.amountWon, display: formatWonShort(s.amountWon, locale) }))} />
        </section>
      </div>

      <section className="card section table-wrap" tabIndex={0} role="region" aria-label={l.sources}>
        <h2>{l.sources}</h2>
        {contributions.length === 0 ? (
          <p className="muted">{l.noneYet}</p>
        ) : (
          <table data-testid="contributions">
            <thead>
              <tr>
                <th>{l.date}</th>
                <th>{cf.contributor}</th>
                <th>{cf.kind}</th>
                <th className="num">{l.amountCol}</th>
                <th>{l.evidence}</th>
              </tr>
            </thead>
            <tbody>
              {contributions.map((c) => (
                <tr key={c.id}>
                  <td className="small nowrap">{formatDate(c.received_on, locale)}</td>
                  <td>
                    {c.contributor}
                    {c.note ? <div className="muted small">{c.note}</div> : null}
                  </td>
                  <td>{l.contributionKinds[c.kind]}</td>
                  <td className="num">{formatWon(c.amount_won, locale)}</td>
                  <td className="small">
                    {c.evidence_public_id ? <a href={`/files/${c.evidence_public_id}`}>{c.evidence_name}</a> : <span className="muted">{c.evidence_note}</span>}
                    <div className="muted">{l.facts.ledgerEntry(c.ledger_seq)}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card section table-wrap" tabIndex={0} role="region" aria-label={l.grants}>
        <h2>{l.grants}</h2>
        {grants.length === 0 ? (
          <p className="muted">{l.noneYet}</p>
        ) : (
          <table data-testid="grants">
            <thead>
              <tr>
                <th>{l.date}</th>
                <th>{gf.category}</th>
                <th>{gf.recipient}</th>
                <th>{gf.area}</th>
                <th className="num">{l.amountCol}</th>
              </tr>
            </thead>
            <tbody>
              {grants.map((g) => (
                <tr key={g.id}>
                  <td className="small nowrap">{formatDate(g.granted_on, locale)}</td>
                  <td>{l.grantCategories[g.category]}</td>
                  <td>
                    {g.recipient}
                    <div className="muted small">{g.purpose}</div>
                  </td>
                  <td>{g.area}</td>
                  <td className="num">{formatWon(g.amount_won, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {canWrite ? (
        <div className="action-grid section">
          <AppForm action={action} className="card form" encType="multipart/form-data" noValidate data-testid="contribution-form">
            <h2>{l.recordContribution}</h2>
            <FormAlert failure={failed("contribution")} />
            <input type="hidden" name="intent" value="contribution" />
            <input type="hidden" name="idempotencyKey" value={failed("contribution")?.values.idempotencyKey ?? keys.contribution} />
            <Field name="contributor" label={cf.contributor} required failure={failed("contribution")} />
            <SelectField name="kind" label={cf.kind} required failure={failed("contribution")} options={CONTRIBUTION_KINDS.map((k) => ({ value: k, label: l.contributionKinds[k] }))} />
            <Field name="amountWon" label={cf.amount} inputMode="numeric" required failure={failed("contribution")} />
            <Field name="receivedOn" label={cf.receivedOn} type="date" defaultValue={today} required failure={failed("contribution")} />
            <Field name="note" label={cf.note} failure={failed("contribution")} />
            <div className="field">
              <label htmlFor="contribution-evidence">{cf.evidence}</label>
              <input id="contribution-evidence" name="evidence" type="file" accept="application/pdf,image/jpeg,image/png,image/webp" />
              {failed("contribution")?.fieldErrors.evidence ? <p className="field-error">{failed("contribution")?.fieldErrors.evidence?.map((k) => m.errors[k]).join(" ")}</p> : null}
            </div>
            <SubmitButton>{l.record}</SubmitButton>
          </AppForm>

          <AppForm action={action} className="card form" encType="multipart/form-data" noValidate data-testid="grant-form">
            <h2>{l.recordGrant}</h2>
            <p className="muted small">{l.grantRequestIntro}</p>
            <FormAlert failure={failed("grant")} />
            <input type="hidden" name="intent" value="grant" />
            <input type="hidden" name="idempotencyKey" value={failed("grant")?.values.idempotencyKey ?? keys.grant} />
            <SelectField name="category" label={gf.category} required failure={failed("grant")} options={GRANT_CATEGORIES.map((c) => ({ value: c, label: l.grantCategories[c] }))} />
            <Field name="recipient" label={gf.recipient} required failure={failed("grant")} />
            <Field name="area" label={gf.area} hint={gf.areaHint} required failure={failed("grant")} />
            <TextAreaField name="purpose" label={gf.purpose} rows={2} required failure={failed("grant")} />
            <TextAreaField name="expectedEffect" label={gf.expectedEffect} rows={2} failure={failed("grant")} />
            <Field name="amountWon" label={gf.amount} inputMode="numeric" required failure={failed("grant")} />
            <Field name="grantedOn" label={gf.grantedOn} type="date" defaultValue={today} required failure={failed("grant")} />
            <div className="field">
              <label htmlFor="grant-evidence">
                {gf.evidence} <span className="field-optional">({m.common.optional})</span>
              </label>
              <input id="grant-evidence" name="evidence" type="file" accept="application/pdf,image/jpeg,image/png,image/webp" />
            </div>
            <SubmitButton>{l.requestSubmit}</SubmitButton>
          </AppForm>

          <AppForm action={action} className="card form" noValidate data-testid="settings-form">
            <h2>{l.settings}</h2>
            <FormAlert failure={failed("settings")} />
            <input type="hidden" name="intent" value="settings" />
            <Field name="committeeQuorum" label={sf.quorum} hint={sf.quorumHint} inputMode="numeric" defaultValue={fund.committee_quorum} required failure={failed("settings")} />
            <Field name="committeeMajorityPct" label={sf.majority} hint={sf.majorityHint} inputMode="numeric" defaultValue={fund.committee_majority_pct} required failure={failed("settings")} />
            <Field name="reminderDaysBefore" label={sf.reminderDays} inputMode="numeric" defaultValue={fund.reminder_days_before} required failure={failed("settings")} />
            <TextAreaField name="expectedEffects" label={sf.expectedEffects} rows={4} defaultValue={fund.expected_effects} failure={failed("settings")} />
            <SubmitButton>{l.save}</SubmitButton>
          </AppForm>
        </div>
      ) : null}
    </>
  );
}
