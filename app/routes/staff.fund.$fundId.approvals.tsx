import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { AppForm, FormAlert, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { fundApprovals } from "../fund/approvals.server";
import { requestDecisionSchema } from "../fund/four-eyes";
import { requireFundStaff } from "../fund/fund-access.server";
import { approveFundGrant, declineFundGrant } from "../fund/grant-requests.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { approveWriteOff, declineWriteOff } from "../loans/write-offs.server";
import { formatDate, formatDateTime, seoulDate } from "../utils/dates";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.loans.approvals.title);

export async function loader(args: LoaderFunctionArgs) {
  const { user, fund, canWrite } = await requireFundStaff(args, "read");
  return json({ fundId: fund.id, me: user.id, canWrite, approvals: await fundApprovals(args.context.services.db, fund.id) });
}

export async function action(args: ActionFunctionArgs) {
  const { user, fund } = await requireFundStaff(args, "write");
  const { db, clock, origin } = args.context.services;
  const formData = await args.request.formData();
  const intent = formData.get("intent");
  if (intent !== "grant" && intent !== "write_off") return invalid(formFailure(formData, "invalid"), 400);
  const parsed = parseForm(requestDecisionSchema, formData);
  // Which request and which button are not typed by anyone: a bad one is a bad request, not a field to fix.
  if (!parsed.ok) return parsed.fieldErrors.requestId || parsed.fieldErrors.decision ? invalid(formFailure(formData, "invalid"), 400) : invalid(parsed);
  const { requestId, decision, note } = parsed.data;
  const now = clock.now();
  const here = `/staff/fund/${fund.id}/approvals`;
  try {
    if (intent === "grant") {
      const decided = { fundId: fund.id, requestId, deciderId: user.id, note, now };
      if (decision === "approve") {
        const result = await approveFundGrant(db, decided);
        return redirect(withNotice(here, result.duplicate ? "grantAlreadyApproved" : "grantApproved"));
      }
      await declineFundGrant(db, decided);
      return redirect(withNotice(here, "grantDeclined"));
    }
    const decided = { fundId: fund.id, requestId, deciderId: user.id, note, today: seoulDate(now), now, origin };
    if (decision === "approve") {
      const result = await approveWriteOff(db, decided);
      return redirect(withNotice(here, result.duplicate ? "writeOffAlreadyApproved" : "writeOffApproved"));
    }
    await declineWriteOff(db, decided);
    return redirect(withNotice(here, "writeOffDeclined"));
  } catch (error) {
    return refusal(error, formData);
  }
}

type Failure = ReturnType<typeof useFormFailure>;

function DecisionForm({ intent, requestId, failure }: { intent: "grant" | "write_off"; requestId: number; failure: Failure }) {
  const m = useMessages();
  const a = m.loans.approvals;
  // The refusal itself shows at the top of the page; the field's own error shows here.
  const mine = failure?.values.intent === intent && failure.values.requestId === String(requestId) ? failure : null;
  // Post to the bare path, so a notice from the last step never shows beside a new error.
  const action = useLocation().pathname;
  return (
    <AppForm action={action} className="form subform" noValidate data-testid={`decide-${intent}-${requestId}`}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="requestId" value={requestId} />
      <TextAreaField name="note" label={a.note} rows={2} failure={mine} />
      <div className="button-row">
        <SubmitButton name="decision" value="approve">
          {a.approve}
        </SubmitButton>
        <SubmitButton name="decision" value="decline" variant="danger">
          {a.decline}
        </SubmitButton>
      </div>
    </AppForm>
  );
}

export default function FundApprovals() {
  const { fundId, me, canWrite, approvals } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const l = m.loans;
  const a = l.approvals;
  const { grants, writeOffs } = approvals;
  const decided = [
    ...grants.decided.map((r) => ({ key: `g${r.id}`, kind: a.grants, what: `${l.grantCategories[r.category]} · ${r.recipient}`, amountWon: r.amount_won, state: r.state, by: r.decided_by_name ?? "", at: r.decided_at, note: r.decision_note, seq: r.ledger_seq })),
    ...writeOffs.decided.map((r) => ({ key: `w${r.id}`, kind: a.writeOffs, what: `${l.loanTitle(r.loan_id)} · ${r.enterprise_name}`, amountWon: r.state === "approved" ? r.written_off_won : r.outstanding_won, state: r.state, by: r.decided_by_name ?? "", at: r.decided_at, note: r.decision_note, seq: r.state === "approved" ? r.written_off_seq : null })),
  ].sort((x, y) => String(y.at).localeCompare(String(x.at)));
  return (
    <>
      <p className="muted">{a.intro}</p>
      <FormAlert failure={failure} />
      <div className="two-col">
        <section className="card" data-testid="grant-requests">
          <h2>{a.grants}</h2>
          {grants.open.length === 0 ? <p className="muted">{a.none}</p> : null}
          <ul className="stack request-list">
            {grants.open.map((r) => (
              <li key={r.id} className="request" data-testid="grant-request">
                <div className="page-header-row">
                  <strong>{l.grantCategories[r.category]}</strong>
                  <strong className="num">{formatWon(r.amount_won, locale)}</strong>
                </div>
                <div>
                  {r.recipient} · {r.area} · {formatDate(r.granted_on, locale)}
                </div>
                <div className="muted small">{r.purpose}</div>
                {r.evidence_public_id ? (
                  <div className="small">
                    <a href={`/files/${r.evidence_public_id}`}>{r.evidence_name}</a>
                  </div>
                ) : null}
                <div className="muted small">{a.requestedBy(r.requested_by_name, formatDateTime(r.requested_at, locale))}</div>
                {canWrite ? r.requested_by === me ? <p className="muted small">{a.yourOwn}</p> : <DecisionForm intent="grant" requestId={r.id} failure={failure} /> : null}
              </li>
            ))}
          </ul>
        </section>
        <section className="card" data-testid="write-off-requests">
          <h2>{a.writeOffs}</h2>
          {writeOffs.open.length === 0 ? <p className="muted">{a.none}</p> : null}
          <ul className="stack request-list">
            {writeOffs.open.map((r) => (
              <li key={r.id} className="request" data-testid="write-off-request">
                <div className="page-header-row">
                  <Link to={`/staff/fund/${fundId}/loans/${r.loan_id}`}>
                    <strong>
                      {l.loanTitle(r.loan_id)} · {r.enterprise_name}
                    </strong>
                  </Link>
                  <span className="small">
                    {a.outstandingAtRequest} <strong>{formatWon(r.outstanding_won, locale)}</strong>
                  </span>
                </div>
                <div className="muted small">{r.reason}</div>
                <div className="muted small">{a.requestedBy(r.requested_by_name, formatDateTime(r.requested_at, locale))}</div>
                {canWrite ? r.requested_by === me ? <p className="muted small">{a.yourOwn}</p> : <DecisionForm intent="write_off" requestId={r.id} failure={failure} /> : null}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <section className="card section table-wrap" tabIndex={0} role="region" aria-label={a.decided}>
        <h2>{a.decided}</h2>
        {decided.length === 0 ? (
          <p className="muted">{l.noneYet}</p>
        ) : (
          <table data-testid="decided-requests">
            <thead>
              <tr>
                <th>{l.facts.decidedAt}</th>
                <th>{l.facts.decision}</th>
                <th />
                <th className="num">{l.amountCol}</th>
                <th>{l.facts.note}</th>
              </tr>
            </thead>
            <tbody>
              {decided.map((d) => (
                <tr key={d.key}>
                  <td className="small nowrap">{d.at ? a.decidedBy(d.by, formatDateTime(d.at, locale)) : null}</td>
                  <td>
                    <span className={d.state === "approved" ? "badge badge-success" : "badge badge-live"}>{a.states[d.state]}</span>
                  </td>
                  <td>
                    <div className="muted small">{d.kind}</div>
                    {d.what}
                  </td>
                  <td className="num">
                    {formatWon(d.amountWon, locale)}
                    {d.seq !== null ? <div className="muted small">{l.facts.ledgerEntry(d.seq)}</div> : null}
                  </td>
                  <td className="small">{d.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
