import type { ReactNode } from "react";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDateTime } from "../utils/dates";
import type { FormFailure } from "../utils/forms";
import { formatWon } from "../utils/money";
import { FormErrorList } from "./contest-parts";
import { LedgerSeqLink } from "./ledger-entries";
import { AppForm, Field, FormAlert, SelectField, SubmitButton, TextAreaField } from "./form";

// The four-eyes disbursement pieces shared by a campaign's spending page and a grant award's
// page: plan vs spent, open requests with approve/reject, paid payments with receipts, and the
// request form. The actions behind them are the same (app/disbursements).

export interface DisbursementView {
  id: number;
  kind: "expense" | "delivery";
  payee: string;
  description: string;
  amount_won: number;
  required_approvals: number;
  approvals: number;
  created_at: string;
  paid_at: string | null;
  ledger_seq: number | null;
  line_name: string;
  receipts: {
    id: number;
    name: string;
    originalId: string | null;
    redactedId: string | null;
  }[];
}

export interface PlanRow {
  key: string | number;
  name: string;
  plannedWon: number;
  spentWon: number;
  explanation?: string;
}

/** Planned vs spent per line (budget line or expense category), as bars. */
export function PlanBars({ rows, testId, extra }: { rows: PlanRow[]; testId: string; extra?: (row: PlanRow) => ReactNode }) {
  const s = useMessages().spending;
  const locale = useLocale();
  const max = Math.max(1, ...rows.map((r) => Math.max(r.plannedWon, r.spentWon)));
  return (
    <div className="budget-bars" data-testid={testId}>
      {rows.map((row) => {
        const variance = row.spentWon - row.plannedWon;
        const percent = row.plannedWon > 0 ? Math.floor((row.spentWon * 100) / row.plannedWon) : 0;
        return (
          <div key={row.key}>
            <div className="budget-label">
              <strong>{row.name}</strong>
              <span className="muted small">
                {s.spent} {formatWon(row.spentWon, locale)} / {s.planned} {formatWon(row.plannedWon, locale)} ({percent}%)
              </span>
            </div>
            <div className="budget-track" aria-hidden="true">
              <div className="bar-plan" style={{ width: `${(row.plannedWon * 100) / max}%` }} />
              <div className={row.spentWon > row.plannedWon ? "bar-spent bar-over" : "bar-spent"} style={{ width: `${(row.spentWon * 100) / max}%` }} />
            </div>
            <div className="small">
              {s.variance}: {variance > 0 ? "+" : ""}
              {formatWon(variance, locale)}
              {row.explanation ? <span className="muted"> · {row.explanation}</span> : null}
            </div>
            {extra ? extra(row) : null}
          </div>
        );
      })}
    </div>
  );
}

/** Requests waiting for approval; operators see approve / reject. */
export function OpenRequests({ requests, canDecide, failure }: { requests: DisbursementView[]; canDecide: boolean; failure: FormFailure | null }) {
  const m = useMessages();
  const s = m.spending;
  const locale = useLocale();
  return (
    <section className="card section">
      <h2>{s.requests}</h2>
      <FormAlert failure={failure} />
      <FormErrorList failure={failure} />
      {requests.length === 0 ? <p className="muted">{s.noRequests}</p> : null}
      <div className="stack" data-testid="open-requests">
        {requests.map((d) => (
          <article key={d.id} className="reward">
            <div className="reward-head">
              <strong>
                {s.kinds[d.kind]} · {d.line_name} · {formatWon(d.amount_won, locale)}
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
            {canDecide ? (
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
  );
}

/** Paid disbursements with their receipts and ledger entries; operators may publish redacted copies. */
export function PaidDisbursements({ paid, canPublish, lineLabel }: { paid: DisbursementView[]; canPublish: boolean; lineLabel: string }) {
  const s = useMessages().spending;
  const locale = useLocale();
  return (
    <section className="card section">
      <h2>{s.paid}</h2>
      {paid.length === 0 ? (
        <p className="muted">{s.none}</p>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={s.paid}>
          {/* Wide enough to read on a phone; the wrapper scrolls sideways. */}
          <table data-testid="paid-disbursements" style={{ minWidth: 640 }}>
            <thead>
              <tr>
                <th>{s.date}</th>
                <th>{lineLabel}</th>
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
                        {canPublish && !r.redactedId ? (
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
                    <LedgerSeqLink seq={d.ledger_seq} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The request form: what it is for (a budget line or an expense category), amount, payee, receipts. */
export function DisbursementRequestForm({
  intent,
  idempotencyKey,
  failure,
  target,
  withReceipts,
  submitLabel,
  variant = "primary",
  descriptionRows = 3,
}: {
  intent: string;
  idempotencyKey: string;
  failure: FormFailure | null;
  target: {
    name: string;
    label: string;
    options: { value: string; label: string }[];
  };
  withReceipts: boolean;
  submitLabel: string;
  variant?: "primary" | "secondary";
  descriptionRows?: number;
}) {
  const m = useMessages();
  const s = m.spending;
  return (
    <>
      <FormAlert failure={failure} />
      <AppForm className="form" encType="multipart/form-data" noValidate>
        <input type="hidden" name="intent" value={intent} />
        <input type="hidden" name="idempotencyKey" value={failure?.values.idempotencyKey ?? idempotencyKey} />
        <SelectField name={target.name} label={target.label} required options={target.options} placeholder="—" failure={failure} />
        <div className="form-grid">
          <Field name="amount" label={s.amount} inputMode="numeric" required failure={failure} />
          <Field name="payee" label={s.payee} required failure={failure} />
        </div>
        <TextAreaField name="description" label={s.description} rows={descriptionRows} required failure={failure} />
        {withReceipts ? (
          <div className="field">
            <label htmlFor={`${intent}-receipt-files`}>{s.receiptFiles}</label>
            <input id={`${intent}-receipt-files`} type="file" name="receipts" multiple accept="application/pdf,image/jpeg,image/png,image/webp" />
            {failure?.fieldErrors.receipts ? <p className="field-error">{failure.fieldErrors.receipts.map((k) => m.errors[k]).join(" ")}</p> : null}
          </div>
        ) : null}
        <SubmitButton variant={variant}>{submitLabel}</SubmitButton>
      </AppForm>
    </>
  );
}
