import type { ReactNode } from "react";
import type { LoanApplicationState, LoanDocumentType, LoanState } from "../../db/types";
import { useLocale, useMessages } from "../i18n/use-messages";
import type { InstalmentState } from "../loans/servicing";
import type { DocumentStatus } from "../loans/documents";
import { formatDate, formatDateTime } from "../utils/dates";
import { formatWon } from "../utils/money";

const loanTone: Record<LoanState, string> = {
  contracted: "badge",
  disbursed: "badge badge-brand",
  repaying: "badge badge-brand",
  delinquent: "badge badge-live",
  defaulted: "badge badge-live",
  written_off: "badge",
  closed: "badge badge-success",
};

const applicationTone: Record<LoanApplicationState, string> = {
  submitted: "badge badge-warning",
  in_review: "badge badge-warning",
  committee: "badge badge-warning",
  approved: "badge badge-success",
  rejected: "badge badge-live",
  contracted: "badge badge-brand",
  closed_no_quorum: "badge",
};

export function LoanStateBadge({ state }: { state: LoanState }) {
  const m = useMessages();
  return (
    <span className={loanTone[state]} data-testid="loan-state">
      {m.loans.loanStates[state]}
    </span>
  );
}

export function ApplicationStateBadge({ state }: { state: LoanApplicationState }) {
  const m = useMessages();
  return (
    <span className={applicationTone[state]} data-testid="application-state">
      {m.loans.applicationStates[state]}
    </span>
  );
}

type InstalmentStatus = "paid" | "partial" | "overdue" | "due";

function statusOf(i: InstalmentState, today: string): InstalmentStatus {
  if (i.paidOffOn !== null) return "paid";
  if (i.dueDate < today) return "overdue";
  return i.principalPaidWon + i.interestPaidWon > 0 ? "partial" : "due";
}

const statusTone: Record<InstalmentStatus, string> = { paid: "badge badge-success", partial: "badge badge-warning", overdue: "badge badge-live", due: "badge" };

function scheduleRows(instalments: InstalmentState[], penalties: Record<number, number>, today: string) {
  let balance = instalments.reduce((s, i) => s + i.principalDueWon, 0);
  const totals = { principal: 0, interest: 0, penalty: 0, paid: 0 };
  const rows = instalments.map((i) => {
    balance -= i.principalDueWon;
    const penalty = penalties[i.number] ?? i.penaltyAccruedWon;
    const paid = i.principalPaidWon + i.interestPaidWon + i.penaltyPaidWon;
    totals.principal += i.principalDueWon;
    totals.interest += i.interestDueWon;
    totals.penalty += penalty;
    totals.paid += paid;
    return { i, balance, penalty, paid, status: statusOf(i, today) };
  });
  return { rows, totals };
}

/** The repayment schedule: what each instalment asks, what was paid, and its penalty as of today. */
export function ScheduleTable({ instalments, penalties, today }: { instalments: InstalmentState[]; penalties: Record<number, number>; today: string }) {
  const m = useMessages();
  const locale = useLocale();
  const c = m.loans.scheduleColumns;
  const { rows, totals } = scheduleRows(instalments, penalties, today);
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={m.loans.schedule}>
      <table className="schedule" data-testid="schedule">
        <thead>
          <tr>
            <th className="num">{c.number}</th>
            <th>{c.dueDate}</th>
            <th className="num">{c.days}</th>
            <th className="num">{c.principal}</th>
            <th className="num">{c.interest}</th>
            <th className="num">{c.penalty}</th>
            <th className="num">{c.total}</th>
            <th className="num">{c.paid}</th>
            <th className="num">{c.balance}</th>
            <th>{c.status}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ i, balance: after, penalty, paid, status }) => (
            <tr key={i.number} data-testid="instalment" data-status={status} className={status === "overdue" ? "row-overdue" : undefined}>
              <td className="num">{i.number}</td>
              <td>
                {formatDate(i.dueDate, locale)}
                {i.kind === "prepayment" ? <span className="badge" style={{ marginLeft: 6 }}>{m.loans.instalmentKinds.prepayment}</span> : null}
              </td>
              <td className="num">{daysOf(i)}</td>
              <td className="num">{formatWon(i.principalDueWon, locale)}</td>
              <td className="num">{formatWon(i.interestDueWon, locale)}</td>
              <td className="num">{penalty > 0 ? formatWon(penalty, locale) : "—"}</td>
              <td className="num">{formatWon(i.principalDueWon + i.interestDueWon + penalty, locale)}</td>
              <td className="num">{paid > 0 ? formatWon(paid, locale) : "—"}</td>
              <td className="num">{formatWon(after, locale)}</td>
              <td>
                <span className={statusTone[status]}>{m.loans.instalmentStatus[status]}</span>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th colSpan={3}>{m.loans.totals}</th>
            <th className="num">{formatWon(totals.principal, locale)}</th>
            <th className="num">{formatWon(totals.interest, locale)}</th>
            <th className="num">{formatWon(totals.penalty, locale)}</th>
            <th className="num">{formatWon(totals.principal + totals.interest + totals.penalty, locale)}</th>
            <th className="num">{formatWon(totals.paid, locale)}</th>
            <th colSpan={2} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function daysOf(i: InstalmentState): number {
  return Math.round((Date.parse(`${i.dueDate}T00:00:00Z`) - Date.parse(`${i.periodStart}T00:00:00Z`)) / 86_400_000);
}

/** Rate in basis points as a percentage: 100 → "1.00%". */
export function percent(bp: number): string {
  return `${(bp / 100).toFixed(2)}%`;
}

interface ShownDocument {
  id: number;
  public_id: string;
  original_name: string;
  uploaded_at: string | Date;
  rejection_reason: string | null;
  rejected_by_name: string | null;
}

/**
 * One document type of an application, as the applicant and the fund's staff both see it: its
 * status, the current upload with any rejection, and the earlier uploads. `children` adds the
 * viewer's own actions (the staff's reject form).
 */
export function DocumentChecklistItem({ row, children }: { row: { docType: LoanDocumentType; required: boolean; status: DocumentStatus; current: ShownDocument | null; history: ShownDocument[] }; children?: ReactNode }) {
  const l = useMessages().loans;
  const locale = useLocale();
  const badge = row.status === "received" ? "badge badge-success" : row.status === "rejected" ? "badge badge-live" : "badge badge-warning";
  return (
    <li data-testid="document-row" data-doc-type={row.docType} data-status={row.status} style={{ display: "block" }}>
      <div className="page-header-row">
        <strong>{row.required ? l.documentTypes[row.docType] : `${l.documentTypes[row.docType]} (${l.documentOptional})`}</strong>
        <span className={badge}>{l.documentStatus[row.status]}</span>
      </div>
      {row.current ? (
        <div>
          <a href={`/files/${row.current.public_id}`}>{row.current.original_name}</a> <span className="muted">{formatDateTime(row.current.uploaded_at, locale)}</span>
        </div>
      ) : null}
      {row.current?.rejection_reason ? <div className="doc-rejection">{l.rejectionOf(row.current.rejected_by_name ?? "", row.current.rejection_reason)}</div> : null}
      {row.history.length > 0 ? (
        <details>
          <summary className="muted">
            {l.documentHistory} ({row.history.length})
          </summary>
          <ul className="small" data-testid="document-history">
            {row.history.map((d) => (
              <li key={d.id}>
                <a href={`/files/${d.public_id}`}>{d.original_name}</a> <span className="muted">{formatDateTime(d.uploaded_at, locale)}</span>
                {d.rejection_reason ? <div className="doc-rejection">{l.rejectionOf(d.rejected_by_name ?? "", d.rejection_reason)}</div> : null}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {children}
    </li>
  );
}
