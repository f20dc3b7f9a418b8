import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { hasStaffRole, membershipOf, optionalUser, requireUser } from "../auth/guards.server";
import { isPublic } from "../campaigns/campaign-state";
import { campaignHostId } from "../campaigns/campaigns.server";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { canSpend, disbursementDecisionSchema, disbursementRequestSchema, explanationSchema } from "../disbursements/disbursement";
import {
  approveDisbursement,
  getSpending,
  getThreshold,
  publishRedactedReceipt,
  rejectDisbursement,
  requestDisbursement,
  saveLineExplanation,
} from "../disbursements/disbursements.server";
import { fileField } from "../files/files.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDateTime } from "../utils/dates";
import { wholeNumber } from "../utils/fields";
import { formFailure, parseForm, type FormFailure } from "../utils/forms";
import { forbidden, invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";
import { newToken } from "../utils/tokens.server";

export const meta = titled<typeof loader>((m, data) => `${m.spending.title} · ${data?.campaign.title ?? ""}`);

async function load(args: LoaderFunctionArgs) {
  const { db } = args.context.services;
  const campaign = await db
    .selectFrom("campaigns")
    .select(["id", "slug", "title", "state", "funding_model", "enterprise_id"])
    .where("slug", "=", args.params.slug ?? "")
    .executeTakeFirst();
  if (!campaign || !isPublic(campaign.state)) throw notFound();
  const hostId = (await campaignHostId(db, campaign.id)) ?? 0;
  const user = await optionalUser(args);
  const member = membershipOf(user, campaign.enterprise_id) !== null;
  const operator = hasStaffRole(user, hostId, ["operator"]);
  const insider = member || operator || hasStaffRole(user, hostId, ["auditor"]) || (user?.isPlatformAdmin ?? false);
  return { campaign, hostId, user, member, operator, insider };
}

export async function loader(args: LoaderFunctionArgs) {
  const { campaign, member, operator, insider } = await load(args);
  const { db } = args.context.services;
  const [spending, threshold] = await Promise.all([getSpending(db, campaign.id, { insider }), getThreshold(db)]);
  return json({
    campaign: { slug: campaign.slug, title: campaign.title },
    spending,
    threshold,
    can: { request: member && canSpend(campaign.state, campaign.funding_model), decide: operator, deliver: operator && canSpend(campaign.state, campaign.funding_model), insider, explain: member },
    formKey: newToken(),
  });
}

const intentSchema = z.object({ intent: z.enum(["request", "explain", "decide", "deliver", "publish"], { error: "invalid" }) });
const publishSchema = z.object({ receiptId: wholeNumber(1, Number.MAX_SAFE_INTEGER) });

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const { campaign, hostId, member, operator } = await load(args);
  const services = args.context.services;
  const formData = await args.request.formData();
  const intent = parseForm(intentSchema, formData);
  if (!intent.ok) return invalid(intent);
  const here = `/campaigns/${campaign.slug}/spending`;
  try {
    switch (intent.data.intent) {
      case "request":
      case "deliver": {
        const delivery = intent.data.intent === "deliver";
        if (delivery ? !operator : !member) throw forbidden();
        const parsed = parseForm(disbursementRequestSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const receipts = formData.getAll("receipts").filter((v): v is File => v instanceof File && v.size > 0);
        await requestDisbursement(services, { ...parsed.data, campaignId: campaign.id, requestedBy: user.id, kind: delivery ? "delivery" : "expense", receipts });
        return redirect(withNotice(here, "disbursementRequested"));
      }
      case "explain": {
        if (!member) throw forbidden();
        const parsed = parseForm(explanationSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await saveLineExplanation(services.db, campaign.id, parsed.data.budgetLineId, parsed.data.explanation);
        return redirect(withNotice(here, "saved"));
      }
      case "decide": {
        if (!operator) throw forbidden();
        const parsed = parseForm(disbursementDecisionSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const owned = await services.db.selectFrom("disbursements").select("id").where("id", "=", parsed.data.disbursementId).where("campaign_id", "=", campaign.id).executeTakeFirst();
        if (!owned) throw notFound();
        if (parsed.data.decision === "reject") {
          await rejectDisbursement(services, { disbursementId: owned.id, operatorId: user.id, reason: parsed.data.reason });
          return redirect(withNotice(here, "disbursementRejected"));
        }
        const { paid } = await approveDisbursement(services, { disbursementId: owned.id, approverId: user.id });
        return redirect(withNotice(here, paid ? "disbursementPaid" : "disbursementApproved"));
      }
      case "publish": {
        if (!operator) throw forbidden();
        const parsed = parseForm(publishSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const file = fileField(formData, "redacted");
        if (!file) return invalid(formFailure(formData, "fileRequired", "redacted"));
        const receipt = await services.db
          .selectFrom("disbursement_receipts")
          .innerJoin("disbursements", "disbursements.id", "disbursement_receipts.disbursement_id")
          .select("disbursement_receipts.id")
          .where("disbursement_receipts.id", "=", parsed.data.receiptId)
          .where("disbursements.campaign_id", "=", campaign.id)
          .executeTakeFirst();
        if (!receipt) throw notFound();
        await publishRedactedReceipt(services, { receiptId: receipt.id, operatorId: user.id, hostId, file });
        return redirect(withNotice(here, "saved"));
      }
    }
  } catch (error) {
    return refusal(error, formData);
  }
}

function failureFor(failure: FormFailure | null, intent: string): FormFailure | null {
  return failure?.values.intent === intent ? failure : null;
}

export default function Spending() {
  const { campaign, spending, threshold, can, formKey } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const s = m.spending;
  const locale = useLocale();
  const paid = spending.disbursements.filter((d) => d.state === "paid");
  const open = spending.disbursements.filter((d) => d.state === "requested");
  const max = Math.max(1, ...spending.plan.rows.map((r) => Math.max(r.amountWon, r.spentWon)));
  const lineOptions = spending.plan.rows.map((r) => ({ value: String(r.id), label: `${r.name} (${formatWon(r.amountWon, locale)})` }));
  return (
    <div className="container page">
      <header className="page-header">
        <p>
          <Link to={`/campaigns/${campaign.slug}`}>← {campaign.title}</Link>
        </p>
        <h1>{s.title}</h1>
        <p>{s.intro}</p>
      </header>
      <FormAlert failure={failureFor(failure, "decide") ?? failureFor(failure, "publish") ?? failureFor(failure, "explain")} />
      <section className="card">
        <h2>{s.budgetVsActual}</h2>
        <div className="bars" data-testid="budget-vs-actual">
          {spending.plan.rows.map((row) => (
            <div key={row.id} className="bar-row">
              <div className="bar-label">
                <strong>{row.name}</strong>
                <span className="muted small">
                  {s.spent} {formatWon(row.spentWon, locale)} / {s.planned} {formatWon(row.amountWon, locale)} ({row.percent}%)
                </span>
              </div>
              <div className="bar-track" aria-hidden="true">
                <div className="bar-plan" style={{ width: `${(row.amountWon * 100) / max}%` }} />
                <div className={row.spentWon > row.amountWon ? "bar-spent bar-over" : "bar-spent"} style={{ width: `${(row.spentWon * 100) / max}%` }} />
              </div>
              <div className="small">
                {s.variance}: {row.varianceWon > 0 ? "+" : ""}
                {formatWon(row.varianceWon, locale)}
                {row.explanation ? <span className="muted"> · {row.explanation}</span> : null}
              </div>
              {can.explain ? (
                <AppForm className="inline-explain">
                  <input type="hidden" name="intent" value="explain" />
                  <input type="hidden" name="budgetLineId" value={row.id} />
                  <input name="explanation" aria-label={`${s.explanation} ${row.name}`} defaultValue={row.explanation} placeholder={s.explanation} />
                  <button type="submit" className="button button-ghost button-small">
                    {s.explain}
                  </button>
                </AppForm>
              ) : null}
            </div>
          ))}
        </div>
        <p className="small" style={{ marginTop: 12 }}>
          {s.total}: {s.spent} {formatWon(spending.plan.spentWon, locale)} / {s.planned} {formatWon(spending.plan.plannedWon, locale)} ·{" "}
          <a href={`/api/v1/campaigns/${campaign.slug}/budget.csv`} download>
            CSV
          </a>{" "}
          · <a href={`/api/v1/campaigns/${campaign.slug}`}>JSON</a>
        </p>
      </section>

      {can.insider ? (
        <section className="card section">
          <h2>{s.requests}</h2>
          {open.length === 0 ? <p className="muted">{s.noRequests}</p> : null}
          <div className="stack" data-testid="open-requests">
            {open.map((d) => (
              <article key={d.id} className="reward">
                <div className="reward-head">
                  <strong>
                    {m.spending.kinds[d.kind]} · {d.line_name} · {formatWon(d.amount_won, locale)}
                  </strong>
                  <span className="badge badge-warning">{s.approvals(d.approvals, d.required_approvals)}</span>
                </div>
                <div>
                  {d.payee} — {d.description}
                </div>
                <div className="muted small">{formatDateTime(d.created_at, locale)}</div>
                <ul className="small">
                  {d.receipts.map((r) => (
                    <li key={r.id}>
                      {r.originalId ? <a href={`/files/${r.originalId}`}>{r.name}</a> : r.name} <span className="muted">({s.private})</span>
                    </li>
                  ))}
                </ul>
                {can.decide ? (
                  <AppForm className="form" style={{ marginTop: 8 }}>
                    <input type="hidden" name="intent" value="decide" />
                    <input type="hidden" name="disbursementId" value={d.id} />
                    <input name="reason" aria-label={s.rejectReason} placeholder={s.rejectReason} className="text-input" />
                    <div className="button-row">
                      <SubmitButton name="decision" value="approve">
                        {s.approve}
                      </SubmitButton>
                      <SubmitButton name="decision" value="reject" variant="danger">
                        {s.reject}
                      </SubmitButton>
                    </div>
                  </AppForm>
                ) : null}
              </article>
            ))}
          </div>
        </section>
      ) : null}

      <section className="card section table-wrap">
        <h2>{s.paid}</h2>
        {paid.length === 0 ? (
          <p className="muted">{s.none}</p>
        ) : (
          <table data-testid="paid-disbursements">
            <thead>
              <tr>
                <th>{s.date}</th>
                <th>{s.line}</th>
                <th>{s.payee}</th>
                <th className="num">{s.amount}</th>
                <th>{s.receipts}</th>
                <th>{s.ledgerSeq}</th>
              </tr>
            </thead>
            <tbody>
              {paid.map((d) => (
                <tr key={d.id}>
                  <td className="small">{formatDateTime(d.paid_at, locale)}</td>
                  <td>
                    {d.line_name}
                    <div className="muted small">{d.description}</div>
                  </td>
                  <td>{d.payee}</td>
                  <td className="num">{formatWon(d.amount_won, locale)}</td>
                  <td className="small">
                    {d.receipts.map((r) => (
                      <div key={r.id}>
                        {r.redactedId ? <a href={`/files/${r.redactedId}`}>{s.redacted}</a> : null}
                        {r.originalId ? (
                          <>
                            {" "}
                            <a href={`/files/${r.originalId}`} className="muted">
                              {s.private}
                            </a>
                          </>
                        ) : null}
                        {can.decide && !r.redactedId ? (
                          <AppForm encType="multipart/form-data" className="inline-form">
                            <input type="hidden" name="intent" value="publish" />
                            <input type="hidden" name="receiptId" value={r.id} />
                            <input type="file" name="redacted" aria-label={s.publishRedacted} />
                            <button type="submit" className="button button-ghost button-small">
                              {s.publishRedacted}
                            </button>
                          </AppForm>
                        ) : null}
                      </div>
                    ))}
                  </td>
                  <td className="num">
                    <Link to={`/ledger?from=${d.ledger_seq}`}>#{d.ledger_seq}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {can.request ? (
        <section className="card section" style={{ maxWidth: 720 }}>
          <h2>{s.requestTitle}</h2>
          <p className="muted">{s.requestIntro(formatWon(threshold, locale))}</p>
          <FormAlert failure={failureFor(failure, "request")} />
          <AppForm className="form" encType="multipart/form-data" noValidate>
            <input type="hidden" name="intent" value="request" />
            <input type="hidden" name="idempotencyKey" value={failureFor(failure, "request")?.values.idempotencyKey ?? formKey} />
            <SelectField name="budgetLineId" label={s.line} required options={lineOptions} placeholder="—" failure={failureFor(failure, "request")} />
            <div className="form-grid">
              <Field name="amount" label={s.amount} inputMode="numeric" required failure={failureFor(failure, "request")} />
              <Field name="payee" label={s.payee} required failure={failureFor(failure, "request")} />
            </div>
            <TextAreaField name="description" label={s.description} rows={3} required failure={failureFor(failure, "request")} />
            <div className="field">
              <label htmlFor="receipt-files">{s.receiptFiles}</label>
              <input id="receipt-files" type="file" name="receipts" multiple accept="application/pdf,image/jpeg,image/png,image/webp" />
              {failureFor(failure, "request")?.fieldErrors.receipts ? (
                <p className="field-error">{failureFor(failure, "request")?.fieldErrors.receipts?.map((k) => m.errors[k]).join(" ")}</p>
              ) : null}
            </div>
            <SubmitButton>{s.submitRequest}</SubmitButton>
          </AppForm>
        </section>
      ) : null}

      {can.deliver ? (
        <section className="card section" style={{ maxWidth: 720 }}>
          <h2>{s.deliveryTitle}</h2>
          <p className="muted">{s.deliveryIntro}</p>
          <FormAlert failure={failureFor(failure, "deliver")} />
          <AppForm className="form" encType="multipart/form-data" noValidate>
            <input type="hidden" name="intent" value="deliver" />
            <input type="hidden" name="idempotencyKey" value={failureFor(failure, "deliver")?.values.idempotencyKey ?? `d${formKey}`} />
            <SelectField name="budgetLineId" label={s.line} required options={lineOptions} placeholder="—" failure={failureFor(failure, "deliver")} />
            <div className="form-grid">
              <Field name="amount" label={s.amount} inputMode="numeric" required failure={failureFor(failure, "deliver")} />
              <Field name="payee" label={s.payee} required failure={failureFor(failure, "deliver")} />
            </div>
            <TextAreaField name="description" label={s.description} rows={2} required failure={failureFor(failure, "deliver")} />
            <SubmitButton variant="secondary">{s.recordDelivery}</SubmitButton>
          </AppForm>
        </section>
      ) : null}
    </div>
  );
}
