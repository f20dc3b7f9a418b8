import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { idParam, membershipOf } from "../auth/guards.server";
import { ApplicationFacts } from "../components/application-facts";
import { AppForm, Field, FormAlert, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { DocumentChecklistItem } from "../components/loan-parts";
import { withNotice } from "../components/notice";
import { requireFundStaff } from "../fund/fund-access.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import {
  castVote,
  closeCommittee,
  closeCommitteeWithoutQuorum,
  committeeSeats,
  declareConflict,
  eligibleVotes,
  getApplication,
  listApplicationDocuments,
  listConflicts,
  listVotes,
  rejectApplicationDocument,
  reviewDocuments,
  startReview,
} from "../loans/applications.server";
import { documentChecklist, documentRejectionSchema, reviewBlockers } from "../loans/documents";
import { conflictSchema, contractSchema, decisionNoteSchema, noQuorumSchema, quorumReachable, reviewSchema, voteSchema } from "../loans/loans";
import { contractLoan } from "../loans/loans.server";
import { formatDateTime, seoulDate } from "../utils/dates";
import { formFailure, parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => (data ? m.loans.applicationTitle(data.app.id) : m.loans.applicationsTitle));

async function load(args: LoaderFunctionArgs, access: "read" | "write") {
  const staff = await requireFundStaff(args, access);
  const app = await getApplication(args.context.services.db, idParam(args.params.applicationId));
  if (!app || app.fund_id !== staff.fund.id) throw notFound();
  return { ...staff, app };
}

export async function loader(args: LoaderFunctionArgs) {
  const { user, fund, app, canWrite } = await load(args, "read");
  const { db, clock } = args.context.services;
  const [documents, votes, conflicts, counted, seats] = await Promise.all([
    listApplicationDocuments(db, app.id),
    listVotes(db, app.id),
    listConflicts(db, app.id),
    eligibleVotes(db, app.id),
    committeeSeats(db, app.id),
  ]);
  const checklist = documentChecklist(app.required_documents, documents);
  return json({
    fundId: fund.id,
    app,
    documents,
    votes,
    conflicts,
    tally: { approve: counted.filter((v) => v === "approve").length, reject: counted.filter((v) => v === "reject").length },
    checklist,
    blockers: reviewBlockers(checklist),
    seats,
    quorumLost: app.state === "committee" && app.committee_quorum !== null && !quorumReachable(seats, app.committee_quorum),
    canWrite,
    me: {
      isMember: membershipOf(user, app.enterprise_id) !== null || app.submitted_by === user.id,
      vote: votes.find((v) => v.voter_id === user.id)?.vote ?? null,
      recused: conflicts.some((c) => c.user_id === user.id),
    },
    today: seoulDate(clock.now()),
  });
}

export async function action(args: ActionFunctionArgs) {
  const { user, fund, app } = await load(args, "write");
  const { db, clock, origin } = args.context.services;
  const formData = await args.request.formData();
  const intent = formData.get("intent");
  const here = `/staff/fund/${fund.id}/applications/${app.id}`;
  const now = clock.now();
  try {
    switch (intent) {
      case "reject_document": {
        const parsed = parseForm(documentRejectionSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await rejectApplicationDocument(db, { applicationId: app.id, documentId: parsed.data.documentId, reviewerId: user.id, reason: parsed.data.reason, origin, now });
        return redirect(withNotice(here, "documentRejected"));
      }
      case "close_no_quorum": {
        const parsed = parseForm(noQuorumSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await closeCommitteeWithoutQuorum(db, { applicationId: app.id, deciderId: user.id, note: parsed.data.note, origin, now });
        return redirect(withNotice(here, "committeeClosedNoQuorum"));
      }
      case "take_review":
        await startReview(db, app.id, user.id, now);
        return redirect(withNotice(here, "reviewStarted"));
      case "review": {
        const parsed = parseForm(reviewSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const result = await reviewDocuments(db, { applicationId: app.id, reviewerId: user.id, ...parsed.data, origin, now });
        return redirect(withNotice(here, result === "committee" ? "sentToCommittee" : "applicationRejected"));
      }
      case "conflict": {
        const parsed = parseForm(conflictSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await declareConflict(db, { applicationId: app.id, userId: user.id, reason: parsed.data.reason, now });
        return redirect(withNotice(here, "conflictRecorded"));
      }
      case "vote": {
        const parsed = parseForm(voteSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await castVote(db, { applicationId: app.id, voterId: user.id, vote: parsed.data.vote, comment: parsed.data.comment, now });
        return redirect(withNotice(here, "voteRecorded"));
      }
      case "close": {
        const parsed = parseForm(decisionNoteSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await closeCommittee(db, { applicationId: app.id, deciderId: user.id, note: parsed.data.note, origin, now });
        return redirect(withNotice(here, "committeeDecided"));
      }
      case "contract": {
        const parsed = parseForm(contractSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const loanId = await contractLoan(db, { applicationId: app.id, userId: user.id, contractedOn: parsed.data.contractedOn, today: seoulDate(now), now });
        return redirect(withNotice(`/staff/fund/${fund.id}/loans/${loanId}`, "loanContracted"));
      }
      default:
        return invalid(formFailure(formData, "invalid"), 400);
    }
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function StaffApplication() {
  const { fundId, app, checklist, blockers, seats, quorumLost, votes, conflicts, tally, canWrite, me, today } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const l = m.loans;
  const c = l.committee;
  const failed = (intent: string) => (failure?.values.intent === intent ? failure : null);
  const mayAct = canWrite && !me.isMember;
  // Post to the bare path, so a notice from the last step never shows beside a new error.
  const action = useLocation().pathname;
  return (
    <>
      <p className="small">
        <Link to={`/staff/fund/${fundId}/applications`}>← {l.applicationsTitle}</Link>
      </p>
      <h2>{l.applicationTitle(app.id)}</h2>
      <FormAlert failure={failure} />
      {me.isMember ? <div className="alert alert-info">{c.memberNotice}</div> : null}
      <div className="two-col">
        <section className="card" style={{ alignSelf: "start" }}>
          <ApplicationFacts app={app} />
          {app.loan_id ? (
            <p style={{ marginTop: 16 }}>
              <Link to={`/staff/fund/${fundId}/loans/${app.loan_id}`} className="button button-primary">
                {l.loanTitle(app.loan_id)} →
              </Link>
            </p>
          ) : null}
        </section>
        <aside className="stack">
          <section className="card" data-testid="document-checklist">
            <h3>{l.fields.documents}</h3>
            <ul className="doc-list small" data-testid="documents">
              {checklist.map((row) => (
                <DocumentChecklistItem key={row.docType} row={row}>
                  {app.state === "in_review" && mayAct && row.current && row.status === "received" ? (
                    <details className="doc-reject" open={failure?.values.intent === "reject_document" && failure.values.documentId === String(row.current.id)}>
                      <summary className="small" data-testid={`open-reject-${row.docType}`}>
                        {l.rejectDocument.open}
                      </summary>
                      <AppForm action={action} className="form subform" noValidate data-testid={`reject-document-${row.docType}`}>
                        <input type="hidden" name="intent" value="reject_document" />
                        <input type="hidden" name="documentId" value={row.current.id} />
                        <Field name="reason" label={l.rejectDocument.reason} required failure={failure?.values.intent === "reject_document" && failure.values.documentId === String(row.current.id) ? failure : null} />
                        <SubmitButton variant="secondary">{l.rejectDocument.submit}</SubmitButton>
                      </AppForm>
                    </details>
                  ) : null}
                </DocumentChecklistItem>
              ))}
            </ul>
            {blockers.missing.length > 0 ? (
              <p className="problem-list" style={{ paddingLeft: 0 }}>
                {l.missingDocuments}: {blockers.missing.map((d) => l.documentTypes[d]).join(", ")}
              </p>
            ) : null}
            {blockers.rejected.length > 0 ? (
              <p className="problem-list" style={{ paddingLeft: 0 }} data-testid="rejected-documents">
                {l.rejectedDocuments}: {blockers.rejected.map((d) => l.documentTypes[d]).join(", ")}
              </p>
            ) : null}
          </section>

          {app.state === "submitted" ? (
            <section className="card">
              <h3>{l.review.title}</h3>
              <p className="muted small">{l.review.waiting}</p>
              {mayAct ? (
                <AppForm action={action}>
                  <input type="hidden" name="intent" value="take_review" />
                  <SubmitButton>{l.review.take}</SubmitButton>
                </AppForm>
              ) : null}
            </section>
          ) : null}

          {app.state === "in_review" && mayAct ? (
            <AppForm action={action} className="card form" noValidate data-testid="review-form">
              <h3>{l.review.title}</h3>
              <input type="hidden" name="intent" value="review" />
              <TextAreaField name="note" label={l.review.note} rows={3} failure={failed("review")} />
              <div className="button-row">
                <SubmitButton name="decision" value="pass">
                  {l.review.pass}
                </SubmitButton>
                <SubmitButton name="decision" value="reject" variant="danger">
                  {l.review.reject}
                </SubmitButton>
              </div>
            </AppForm>
          ) : null}

          {app.committee_opened_at ? (
            <section className="card" data-testid="committee">
              <h3>{c.title}</h3>
              {app.committee_quorum !== null && app.committee_majority_pct !== null ? <p className="muted small">{c.rule(app.committee_quorum, app.committee_majority_pct)}</p> : null}
              <p>
                <strong data-testid="tally">{c.tally(tally.approve, tally.reject)}</strong>
              </p>
              {app.state === "committee" ? (
                <p className="muted small" data-testid="seats">
                  {c.seats(seats.eligibleVotes, seats.stillToVote)}
                </p>
              ) : null}
              <ul className="doc-list small" data-testid="votes">
                {votes.map((v) => (
                  <li key={v.voter_id}>
                    <span>
                      {v.display_name} · <strong>{v.vote === "approve" ? c.approve : c.rejectVote}</strong>
                      {v.comment ? <span className="muted"> — {v.comment}</span> : null}
                    </span>
                    <span className="muted">{formatDateTime(v.voted_at, locale)}</span>
                  </li>
                ))}
              </ul>
              {conflicts.length > 0 ? (
                <>
                  <h4 className="small" style={{ marginTop: 12 }}>
                    {c.conflicts}
                  </h4>
                  <ul className="doc-list small">
                    {conflicts.map((x) => (
                      <li key={x.user_id}>
                        <span>
                          {x.display_name} — {x.reason}
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
              {me.vote ? <p className="muted small">{c.youVoted(me.vote === "approve" ? c.approve : c.rejectVote)}</p> : null}
              {me.recused ? <p className="muted small">{c.youRecused}</p> : null}
            </section>
          ) : null}

          {app.state === "committee" && mayAct && !me.vote && !me.recused ? (
            <AppForm action={action} className="card form" noValidate data-testid="vote-form">
              <h3>{c.vote}</h3>
              <input type="hidden" name="intent" value="vote" />
              <TextAreaField name="comment" label={c.comment} rows={2} failure={failed("vote")} />
              <label className="check-line">
                <input type="checkbox" name="noConflict" data-testid="no-conflict" />
                <span>{c.noConflict}</span>
              </label>
              {failed("vote")?.fieldErrors.noConflict ? <p className="field-error">{m.errors.noConflictRequired}</p> : null}
              <div className="button-row">
                <SubmitButton name="vote" value="approve">
                  {c.approve}
                </SubmitButton>
                <SubmitButton name="vote" value="reject" variant="danger">
                  {c.rejectVote}
                </SubmitButton>
              </div>
            </AppForm>
          ) : null}

          {["submitted", "in_review", "committee"].includes(app.state) && canWrite && !me.vote && !me.recused ? (
            <AppForm action={action} className="card form" noValidate data-testid="conflict-form">
              <h3>{c.conflict}</h3>
              <input type="hidden" name="intent" value="conflict" />
              <Field name="reason" label={c.conflictReason} required failure={failed("conflict")} />
              <SubmitButton variant="secondary">{c.declare}</SubmitButton>
            </AppForm>
          ) : null}

          {app.state === "committee" && mayAct ? (
            <AppForm action={action} className="card form" noValidate data-testid="close-form">
              <input type="hidden" name="intent" value="close" />
              <TextAreaField name="note" label={c.closeNote} rows={2} failure={failed("close")} />
              <SubmitButton variant="secondary">{c.close}</SubmitButton>
            </AppForm>
          ) : null}

          {quorumLost && mayAct && app.committee_quorum !== null ? (
            <AppForm action={action} className="card form" noValidate data-testid="no-quorum-form">
              <h3>{c.noQuorumTitle}</h3>
              <p className="muted small">{c.noQuorumIntro(app.committee_quorum)}</p>
              <input type="hidden" name="intent" value="close_no_quorum" />
              <TextAreaField name="note" label={c.noQuorumNote} rows={2} required failure={failed("close_no_quorum")} />
              <SubmitButton variant="danger">{c.noQuorumSubmit}</SubmitButton>
            </AppForm>
          ) : null}

          {app.state === "approved" && mayAct ? (
            <AppForm action={action} className="card form" noValidate data-testid="contract-form">
              <h3>{l.contract.title}</h3>
              <p className="muted small">{l.contract.intro}</p>
              <input type="hidden" name="intent" value="contract" />
              <Field name="contractedOn" label={l.contract.date} type="date" defaultValue={today} required failure={failed("contract")} />
              <SubmitButton>{l.contract.submit}</SubmitButton>
            </AppForm>
          ) : null}
        </aside>
      </div>
    </>
  );
}
