import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { percent } from "../components/loan-parts";
import { withNotice } from "../components/notice";
import { requireFundStaff } from "../fund/fund-access.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { LOAN_DOCUMENT_TYPES, productVersionSchema } from "../loans/loans";
import { listProductVersions, publishProductVersion } from "../loans/products.server";
import { REPAYMENT_METHODS } from "../loans/schedule";
import { ENTERPRISE_TYPES } from "../orgs/enterprises";
import { formatDateTime } from "../utils/dates";
import { parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.loans.productsTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { fund, canWrite } = await requireFundStaff(args, "read");
  return json({ versions: await listProductVersions(args.context.services.db, fund.id), canWrite });
}

export async function action(args: ActionFunctionArgs) {
  const { user, fund } = await requireFundStaff(args, "write");
  const { db, clock } = args.context.services;
  const formData = await args.request.formData();
  const parsed = parseForm(productVersionSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    await publishProductVersion(db, fund.id, parsed.data, user.id, clock.now());
    return redirect(withNotice(`/staff/fund/${fund.id}/products`, "productVersionPublished"));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function ProductsPage() {
  const { versions, canWrite } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const l = m.loans;
  const f = l.productFields;
  const current = versions.find((v) => v.is_current);
  const action = useLocation().pathname;
  const kept = (name: string, fallback: string[]) => (failure ? (failure.values[name] !== undefined ? [failure.values[name]] : []) : fallback);
  return (
    <>
      <h2>{l.productsTitle}</h2>
      <p className="muted">{l.productsIntro}</p>
      <section className="card table-wrap" tabIndex={0} role="region" aria-label={l.productsTitle}>
        <table data-testid="product-versions">
          <thead>
            <tr>
              <th>{f.name}</th>
              <th className="num">{f.cap}</th>
              <th className="num">{m.fund.rate}</th>
              <th>{m.fund.term}</th>
              <th>{f.method}</th>
              <th>{l.facts.grace}</th>
              <th>{l.facts.penaltyRate}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id} data-testid="product-version">
                <td>
                  {v.name} <span className="muted small">({l.facts.productVersion(v.version)})</span>
                  <div className="muted small">{formatDateTime(v.created_at, locale)}</div>
                </td>
                <td className="num">{formatWon(v.cap_won, locale)}</td>
                <td className="num">{percent(v.rate_bp)}</td>
                <td>{m.fund.months(v.term_months)}</td>
                <td>{m.fund.methods[v.repayment_method]}</td>
                <td>{l.facts.graceMonths(v.grace_months)}</td>
                <td>{percent(v.rate_bp + v.penalty_bp)}</td>
                <td>{v.is_current ? <span className="badge badge-success">{l.current}</span> : <span className="badge">{l.superseded}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {canWrite && current ? (
        <AppForm action={action} className="card form section" noValidate data-testid="product-form">
          <h3>{l.newVersion}</h3>
          <FormAlert failure={failure} />
          <input type="hidden" name="code" value={current.code} />
          <div className="form-grid">
            <Field name="name" label={f.name} defaultValue={current.name} required failure={failure} />
            <Field name="capWon" label={f.cap} inputMode="numeric" defaultValue={current.cap_won} required failure={failure} />
            <div className="span-2">
              <TextAreaField name="purpose" label={f.purpose} rows={2} defaultValue={current.purpose} failure={failure} />
            </div>
            <Field name="rateBp" label={f.rateBp} inputMode="numeric" defaultValue={current.rate_bp} required failure={failure} />
            <Field name="penaltyBp" label={f.penaltyBp} inputMode="numeric" defaultValue={current.penalty_bp} required failure={failure} />
            <Field name="termMonths" label={f.termMonths} inputMode="numeric" defaultValue={current.term_months} required failure={failure} />
            <Field name="graceMonths" label={f.graceMonths} inputMode="numeric" defaultValue={current.grace_months} required failure={failure} />
            <SelectField name="repaymentMethod" label={f.method} defaultValue={current.repayment_method} required failure={failure} options={REPAYMENT_METHODS.map((r) => ({ value: r, label: m.fund.methods[r] }))} />
            <Field name="delinquencyGraceDays" label={f.delinquencyGraceDays} inputMode="numeric" defaultValue={current.delinquency_grace_days} required failure={failure} />
          </div>
          <fieldset className="field">
            <legend>{f.eligibleTypes}</legend>
            <div className="checks">
              {ENTERPRISE_TYPES.map((t) => (
                <label key={t}>
                  <input type="checkbox" name="eligibleTypes" value={t} defaultChecked={kept("eligibleTypes", current.eligible_types).includes(t)} />
                  {m.common.enterpriseTypes[t]}
                </label>
              ))}
            </div>
            {failure?.fieldErrors.eligibleTypes ? <p className="field-error">{failure.fieldErrors.eligibleTypes.map((k) => m.errors[k]).join(" ")}</p> : null}
          </fieldset>
          <fieldset className="field">
            <legend>{f.requiredDocuments}</legend>
            <div className="checks">
              {LOAN_DOCUMENT_TYPES.map((d) => (
                <label key={d}>
                  <input type="checkbox" name="requiredDocuments" value={d} defaultChecked={kept("requiredDocuments", current.required_documents).includes(d)} />
                  {l.documentTypes[d]}
                </label>
              ))}
            </div>
            {failure?.fieldErrors.requiredDocuments ? <p className="field-error">{failure.fieldErrors.requiredDocuments.map((k) => m.errors[k]).join(" ")}</p> : null}
          </fieldset>
          <SubmitButton>{l.publish}</SubmitButton>
        </AppForm>
      ) : null}
    </>
  );
}
