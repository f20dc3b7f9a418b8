import { randomUUID } from "node:crypto";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam, requireEnterpriseMember } from "../auth/guards.server";
import { AppForm, Field, FormAlert, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { percent } from "../components/loan-parts";
import { withNotice } from "../components/notice";
import { fileField } from "../files/files.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { submitApplication } from "../loans/applications.server";
import { productsForEnterprise } from "../loans/enterprise-view.server";
import { applicationSchema, LOAN_DOCUMENT_TYPES } from "../loans/loans";
import { getEnterprise } from "../orgs/enterprises.server";
import { parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.loans.applyTitle);

export async function loader(args: LoaderFunctionArgs) {
  const id = idParam(args.params.id);
  await requireEnterpriseMember(args, id);
  const { db } = args.context.services;
  const enterprise = await getEnterprise(db, id);
  if (!enterprise) throw notFound();
  const products = await productsForEnterprise(db, enterprise);
  const wanted = new URL(args.request.url).searchParams.get("product");
  const product = products.find((p) => String(p.id) === wanted) ?? products[0];
  if (!product) throw notFound();
  return json({ enterprise: { id: enterprise.id, name: enterprise.name }, product, idempotencyKey: randomUUID() });
}

export async function action(args: ActionFunctionArgs) {
  const id = idParam(args.params.id);
  const user = await requireEnterpriseMember(args, id);
  const { db, clock, fileStore } = args.context.services;
  const formData = await args.request.formData();
  const parsed = parseForm(applicationSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const documents = LOAN_DOCUMENT_TYPES.flatMap((docType) => {
    const file = fileField(formData, `document_${docType}`);
    return file ? [{ docType, file }] : [];
  });
  try {
    const result = await submitApplication(db, { enterpriseId: id, userId: user.id, input: parsed.data, documents, fileStore, now: clock.now() });
    return redirect(withNotice(`/enterprises/${id}/loans/applications/${result.id}`, "loanApplied"));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function ApplyForLoan() {
  const { enterprise, product, idempotencyKey } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const l = m.loans;
  const f = l.fields;
  return (
    <div className="container page">
      <div className="two-col">
        <div className="card">
          <p className="small">
            <Link to={`/enterprises/${enterprise.id}/loans`}>{enterprise.name} · {l.myLoansTitle}</Link>
          </p>
          <h1>{l.applyTitle}</h1>
          <p className="muted">{l.applyIntro}</p>
          {product.problems.length > 0 ? (
            <div className="alert alert-error" data-testid="eligibility-problems">
              {l.notEligible}
              <ul className="problem-list">
                {product.problems.map((key) => (
                  <li key={key}>{m.errors[key]}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <FormAlert failure={failure} />
          <AppForm className="form" encType="multipart/form-data" noValidate>
            <input type="hidden" name="productId" value={product.id} />
            <input type="hidden" name="idempotencyKey" value={failure?.values.idempotencyKey ?? idempotencyKey} />
            <div className="form-grid">
              <div className="span-2">
                <Field name="amountWon" label={f.amount} inputMode="numeric" required failure={failure} hint={f.amountHint(formatWon(product.cap_won, locale), formatWon(product.availableWon, locale))} />
              </div>
              <div className="span-2">
                <TextAreaField name="purpose" label={f.purpose} hint={f.purposeHint} rows={3} required failure={failure} />
              </div>
              <div className="span-2">
                <Field name="storeAddress" label={f.storeAddress} required failure={failure} />
              </div>
              <Field name="landlordName" label={f.landlordName} required failure={failure} />
              <Field name="leaseDepositWon" label={f.leaseDeposit} inputMode="numeric" required failure={failure} />
              <Field name="leaseStartsOn" label={f.leaseStartsOn} type="date" hint={f.dateHint} required failure={failure} />
              <Field name="leaseEndsOn" label={f.leaseEndsOn} type="date" hint={f.dateHint} required failure={failure} />
            </div>
            <fieldset className="card" style={{ boxShadow: "none" }}>
              <legend className="small" style={{ fontWeight: 700 }}>
                {f.documents}
              </legend>
              <div className="form-grid">
                {product.required_documents.map((docType) => (
                  <div key={docType} className="field">
                    <label htmlFor={`document_${docType}`}>{l.documentTypes[docType]}</label>
                    <input id={`document_${docType}`} name={`document_${docType}`} type="file" accept="application/pdf,image/jpeg,image/png,image/webp" />
                    {failure?.fieldErrors[`document_${docType}`] ? (
                      <p className="field-error">{failure.fieldErrors[`document_${docType}`]?.map((k) => m.errors[k]).join(" ")}</p>
                    ) : null}
                  </div>
                ))}
              </div>
              <p className="field-hint">{f.file}</p>
            </fieldset>
            <SubmitButton>{l.submit}</SubmitButton>
          </AppForm>
        </div>
        <aside className="card" style={{ alignSelf: "start" }}>
          <h2>{l.productSummary}</h2>
          <h3>{product.name}</h3>
          <p className="muted small">{product.fund_name}</p>
          <dl className="facts" data-testid="product-terms">
            <dt>{m.fund.cap}</dt>
            <dd>{formatWon(product.cap_won, locale)}</dd>
            <dt>{m.fund.rate}</dt>
            <dd>{percent(product.rate_bp)}</dd>
            <dt>{l.facts.penaltyRate}</dt>
            <dd>{percent(product.rate_bp + product.penalty_bp)}</dd>
            <dt>{m.fund.term}</dt>
            <dd>{m.fund.months(product.term_months)}</dd>
            <dt>{m.fund.method}</dt>
            <dd>{m.fund.methods[product.repayment_method]}</dd>
            <dt>{l.facts.grace}</dt>
            <dd>{l.facts.graceMonths(product.grace_months)}</dd>
            <dt>{l.available}</dt>
            <dd>{formatWon(product.availableWon, locale)}</dd>
          </dl>
        </aside>
      </div>
    </div>
  );
}
