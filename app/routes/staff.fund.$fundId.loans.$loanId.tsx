import { randomUUID } from "node:crypto";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { idParam } from "../auth/guards.server";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { ScheduleTable } from "../components/loan-parts";
import { LoanSummary, RepaymentsTable } from "../components/loan-summary";
import { withNotice } from "../components/notice";
import { requireFundStaff } from "../fund/fund-access.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { loanView } from "../loans/loan-view.server";
import { disbursementSchema, extensionSchema, reasonSchema, repaymentSchema } from "../loans/loans";
import { declareDefault, disburseLoan, extendLoan, getLoan, recordRepayment } from "../loans/loans.server";
import { recoverySchema } from "../loans/recoveries";
import { listRecoveries, recordRecovery } from "../loans/recoveries.server";
import { listWriteOffRequests, requestWriteOff } from "../loans/write-offs.server";
import { formatDate, formatDateTime, seoulDate } from "../utils/dates";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => (data ? m.loans.loanTitle(data.view.loan.id) : m.loans.staffTitle));

export async function loader(args: LoaderFunctionArgs) {
  const { fund, canWrite } = await requireFundStaff(args, "read");
  const { db, clock } = args.context.services;
  const today = seoulDate(clock.now());
  const view = await loanView(db, idParam(args.params.loanId), today);
  if (!view || view.loan.fund_id !== fund.id) throw notFound();
  const [writeOffs, recoveries] = await Promise.all([listWriteOffRequests(db, { fundId: fund.id, loanId: view.loan.id }, { decidedLimit: 0 }), listRecoveries(db, view.loan.id)]);
  return json({ fundId: fund.id, view, today, canWrite, repaymentKey: randomUUID(), recoveryKey: randomUUID(), pendingWriteOff: writeOffs.open[0] ?? null, recoveries });
}

export async function action(args: ActionFunctionArgs) {
  const { user, fund } = await requireFundStaff(args, "write");
  const { db, clock, origin } = args.context.services;
  const loan = await getLoan(db, idParam(args.params.loanId));
  if (!loan || loan.fund_id !== fund.id) throw notFound();
  const formData = await args.request.formData();
  const now = clock.now();
  const today = seoulDate(now);
  const here = `/staff/fund/${fund.id}/loans/${loan.id}`;
  try {
    switch (formData.get("intent")) {
      case "disburse": {
        const parsed = parseForm(disbursementSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await disburseLoan(db, { loanId: loan.id, userId: user.id, disbursedOn: parsed.data.disbursedOn, reference: parsed.data.reference, today, now, origin });
        return redirect(withNotice(here, "loanDisbursed"));
      }
      case "repayment": {
        const parsed = parseForm(repaymentSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const result = await recordRepayment(db, {
          loanId: loan.id,
          kind: parsed.data.kind,
          method: "bank_transfer",
          amountWon: parsed.data.amountWon,
          paidOn: parsed.data.paidOn,
          externalReference: parsed.data.reference,
          idempotencyKey: parsed.data.idempotencyKey,
          recordedBy: user.id,
          today,
          now,
          origin,
        });
        return redirect(withNotice(here, result.duplicate ? "repaymentAlreadyRecorded" : "repaymentRecorded"));
      }
      case "extend": {
        const parsed = parseForm(extensionSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await extendLoan(db, { loanId: loan.id, months: parsed.data.months, reason: parsed.data.reason, userId: user.id, today, now, origin });
        return redirect(withNotice(here, "termExtended"));
      }
      case "default": {
        const parsed = parseForm(reasonSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await declareDefault(db, { loanId: loan.id, reason: parsed.data.reason, userId: user.id, today, now, origin });
        return redirect(withNotice(here, "loanDefaulted"));
      }
      case "write_off": {
        const parsed = parseForm(reasonSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const request = await requestWriteOff(db, { fundId: fund.id, loanId: loan.id, reason: parsed.data.reason, userId: user.id, today, now });
        return redirect(withNotice(here, request.duplicate ? "writeOffAlreadyRequested" : "writeOffRequested"));
      }
      case "recovery": {
        const parsed = parseForm(recoverySchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const result = await recordRecovery(db, { fundId: fund.id, loanId: loan.id, input: parsed.data, recordedBy: user.id, today, now });
        return redirect(withNotice(here, result.duplicate ? "recoveryAlreadyRecorded" : "recoveryRecorded"));
      }
      default:
        return invalid(formFailure(formData, "invalid"), 400);
    }
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function StaffLoan() {
  const { fundId, view, today, canWrite, repaymentKey, recoveryKey, pendingWriteOff, recoveries } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const l = m.loans;
  const { loan } = view;
  const failed = (intent: string) => (failure?.values.intent === intent ? failure : null);
  const serviced = ["disbursed", "repaying", "delinquent", "defaulted"].includes(loan.state);
  const recoveredWon = recoveries.reduce((sum, r) => sum + r.amount_won, 0);
  // Post to the bare path, so a notice from the last step never shows beside a new error.
  const action = useLocation().pathname;
  return (
    <>
      <p className="small">
        <Link to={`/staff/fund/${fundId}/applications/${loan.application_id}`}>← {l.applicationTitle(loan.application_id)}</Link>
      </p>
      <h2>
        {l.loanTitle(loan.id)} · {loan.enterprise_name}
      </h2>
      <FormAlert failure={failure} />
      <LoanSummary loan={loan} position={view.position} payoffWon={view.payoffWon} />

      {canWrite ? (
        <div className="action-grid section">
          {loan.state === "contracted" ? (
            <AppForm action={action} className="card form" noValidate data-testid="disburse-form">
              <h3>{l.disburse.title}</h3>
              <p className="muted small">{l.disburse.intro(loan.landlord_name)}</p>
              <input type="hidden" name="intent" value="disburse" />
              <Field name="disbursedOn" label={l.disburse.date} type="date" defaultValue={today} required failure={failed("disburse")} />
              <Field name="reference" label={l.disburse.reference} required failure={failed("disburse")} />
              <SubmitButton>{l.disburse.submit}</SubmitButton>
            </AppForm>
          ) : null}

          {serviced ? (
            <AppForm action={action} className="card form" noValidate data-testid="repayment-form">
              <h3>{l.repay.title}</h3>
              <p className="muted small">{l.repay.intro}</p>
              {view.position?.next ? (
                <p className="small">
                  {l.repay.dueNow}: <strong>{formatWon(view.position.next.amountWon, locale)}</strong> ({formatDate(view.position.next.dueDate, locale)})
                  {view.payoffWon !== null ? (
                    <>
                      <br />
                      {l.repay.payoffToday}: <strong>{formatWon(view.payoffWon, locale)}</strong>
                    </>
                  ) : null}
                </p>
              ) : null}
              <input type="hidden" name="intent" value="repayment" />
              <input type="hidden" name="idempotencyKey" value={failed("repayment")?.values.idempotencyKey ?? repaymentKey} />
              <SelectField
                name="kind"
                label={l.repay.kind}
                required
                failure={failed("repayment")}
                options={[
                  { value: "instalment", label: l.repaymentKinds.instalment },
                  { value: "prepayment", label: l.repaymentKinds.prepayment },
                ]}
              />
              <Field name="amountWon" label={l.repay.amount} inputMode="numeric" defaultValue={view.position?.next?.amountWon ?? null} required failure={failed("repayment")} />
              <Field name="paidOn" label={l.repay.paidOn} type="date" defaultValue={today} required failure={failed("repayment")} />
              <Field name="reference" label={l.repay.reference} required failure={failed("repayment")} />
              <SubmitButton>{l.repay.submit}</SubmitButton>
            </AppForm>
          ) : null}

          {["disbursed", "repaying", "delinquent", "defaulted"].includes(loan.state) ? (
            <details className="card decisions" open={failure !== null && ["extend", "default", "write_off"].includes(failure.values.intent ?? "")}>
              <summary>{l.decisions}</summary>
              <div className="stack" style={{ marginTop: 12 }}>
          {loan.state === "disbursed" || loan.state === "repaying" ? (
            <AppForm action={action} className="form subform" noValidate data-testid="extend-form">
              <h3>{l.extend.title}</h3>
              <input type="hidden" name="intent" value="extend" />
              <Field name="months" label={l.extend.months} inputMode="numeric" defaultValue="12" required failure={failed("extend")} />
              <Field name="reason" label={l.extend.reason} required failure={failed("extend")} />
              <SubmitButton variant="secondary">{l.extend.submit}</SubmitButton>
            </AppForm>
          ) : null}

          {["disbursed", "repaying", "delinquent"].includes(loan.state) ? (
            <AppForm action={action} className="form subform" noValidate data-testid="default-form">
              <h3>{l.defaultDecision.title}</h3>
              <input type="hidden" name="intent" value="default" />
              <TextAreaField name="reason" label={l.defaultDecision.reason} rows={2} required failure={failed("default")} />
              <SubmitButton variant="danger">{l.defaultDecision.submit}</SubmitButton>
            </AppForm>
          ) : null}

          {loan.state === "defaulted" && pendingWriteOff ? (
            <div className="alert alert-info" data-testid="write-off-pending">
              {l.writeOff.pending(pendingWriteOff.requested_by_name)} <Link to={`/staff/fund/${fundId}/approvals`}>{l.writeOff.toApprovals} →</Link>
            </div>
          ) : null}

          {loan.state === "defaulted" && !pendingWriteOff ? (
            <AppForm action={action} className="form subform" noValidate data-testid="write-off-form">
              <h3>{l.writeOff.title}</h3>
              <p className="muted small">{l.writeOff.intro}</p>
              <input type="hidden" name="intent" value="write_off" />
              <TextAreaField name="reason" label={l.writeOff.reason} rows={2} required failure={failed("write_off")} />
              <SubmitButton variant="danger">{l.writeOff.submit}</SubmitButton>
            </AppForm>
          ) : null}
              </div>
            </details>
          ) : null}
        </div>
      ) : null}

      {loan.state === "written_off" ? (
        <div className="action-grid section">
          <section className="card" data-testid="recoveries">
            <h3>{l.recovery.list}</h3>
            <p className="small">
              {l.recovery.recovered} <strong data-testid="recovered-total">{formatWon(recoveredWon, locale)}</strong> · {l.recovery.stillLost} <strong>{formatWon(loan.written_off_won - recoveredWon, locale)}</strong>
            </p>
            {recoveries.length === 0 ? (
              <p className="muted small">{l.recovery.none}</p>
            ) : (
              <ul className="doc-list small">
                {recoveries.map((r) => (
                  <li key={r.id} data-testid="recovery">
                    <span>
                      {formatDate(r.received_on, locale)} · <strong>{formatWon(r.amount_won, locale)}</strong> · {r.bank_reference}
                    </span>
                    <span className="muted">
                      {l.facts.ledgerEntry(r.ledger_seq)} · {r.recorded_by_name}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {canWrite && loan.written_off_won > recoveredWon ? (
            <AppForm action={action} className="card form" noValidate data-testid="recovery-form">
              <h3>{l.recovery.title}</h3>
              <p className="muted small">{l.recovery.intro}</p>
              <input type="hidden" name="intent" value="recovery" />
              <input type="hidden" name="idempotencyKey" value={failed("recovery")?.values.idempotencyKey ?? recoveryKey} />
              <Field name="amountWon" label={l.recovery.amount} inputMode="numeric" required failure={failed("recovery")} />
              <Field name="receivedOn" label={l.recovery.receivedOn} type="date" defaultValue={today} required failure={failed("recovery")} />
              <Field name="reference" label={l.recovery.reference} required failure={failed("recovery")} />
              <SubmitButton>{l.recovery.submit}</SubmitButton>
            </AppForm>
          ) : null}
        </div>
      ) : null}

      {view.instalments.length > 0 ? (
        <section className="card section">
          <h3>{l.schedule}</h3>
          <ScheduleTable instalments={view.instalments} penalties={view.penalties} today={today} />
        </section>
      ) : null}

      <section className="card section">
        <h3>{l.repayments}</h3>
        <RepaymentsTable repayments={view.repayments} showReference />
      </section>

      <section className="card section">
        <h3>{l.history}</h3>
        <ul className="timeline" data-testid="loan-events">
          {view.events.map((e) => (
            <li key={e.id}>
              <div className="when">
                {formatDate(e.effective_on, locale)} · {formatDateTime(e.occurred_at, locale)}
                {e.actor_name ? ` · ${e.actor_name}` : ""}
              </div>
              <strong>{l.eventKinds[e.kind]}</strong>
              {e.reason ? <div className="muted small">{e.reason}</div> : null}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
