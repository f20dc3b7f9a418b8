import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { LedgerEntriesTable, RecordingNotice } from "../components/ledger-entries";
import { LedgerProofs } from "../components/ledger-proofs";
import { withNotice } from "../components/notice";
import { useLocale, useMessages } from "../i18n/use-messages";
import { findBackerRecord } from "../ledger/proofs.server";
import { matchOfPledge } from "../matching/matching.server";
import { declineMessage } from "../payments/methods";
import { canCancel, HOLD_EXPIRED } from "../pledges/pledge";
import { cancelPledge } from "../pledges/pledges.server";
import { requireOwnPledge } from "../pledges/access.server";
import { formatDateTime, seoulDate } from "../utils/dates";
import { refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.pledges.receiptTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { pledge } = await requireOwnPledge(args);
  const { db, env, clock } = args.context.services;
  const today = seoulDate(clock.now());
  const [match, ledger] = await Promise.all([matchOfPledge(db, pledge.id), findBackerRecord(db, env, pledge.receipt_secret)]);
  return json({
    match,
    ledger,
    pledge: {
      publicId: pledge.public_id,
      amount: pledge.amount_won,
      kind: pledge.kind,
      state: pledge.state,
      methodType: pledge.payment_method_type,
      cardLast4: pledge.card_last4,
      // Why the last payment attempt failed, while the backer can still act on it.
      lastError: pledge.last_error && (pledge.state === "pending_authorization" || pledge.state === "collection_failed") ? declineMessage(pledge.last_error) : null,
      holdExpired: pledge.state === "cancelled" && pledge.last_error === HOLD_EXPIRED,
      receiptCode: pledge.receipt_secret,
      rewardTitle: pledge.reward_title,
      createdAt: pledge.created_at,
      campaignTitle: pledge.campaign_title,
      campaignSlug: pledge.campaign_slug,
      fee: pledge.fee_won,
    },
    cancellable: canCancel(pledge.state, pledge.campaign_state, today, pledge.ends_on),
  });
}

export async function action(args: ActionFunctionArgs) {
  const { user, pledge } = await requireOwnPledge(args);
  const formData = await args.request.formData();
  try {
    await cancelPledge(args.context.services, user.id, pledge.public_id);
  } catch (error) {
    return refusal(error, formData);
  }
  return redirect(withNotice(`/pledges/${pledge.public_id}`, "pledgeCancelled"));
}

export default function Receipt() {
  const { pledge, match, ledger, cancellable } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const p = m.pledges;
  const locale = useLocale();
  return (
    <div className="container page">
      <div className="card" style={{ maxWidth: 640, margin: "0 auto" }}>
        <p>
          <Link to={`/campaigns/${pledge.campaignSlug}`}>← {pledge.campaignTitle}</Link>
        </p>
        <h1>{p.receiptTitle}</h1>
        <FormAlert failure={failure} />
        {pledge.holdExpired ? (
          <div className="alert alert-info" role="status" data-testid="hold-expired">
            {p.holdExpired}
          </div>
        ) : null}
        <dl className="facts">
          <dt>{m.campaigns.state}</dt>
          <dd data-testid="pledge-state">{p.states[pledge.state]}</dd>
          <dt>{p.amount}</dt>
          <dd>{formatWon(pledge.amount, locale)}</dd>
          <dt>{p.kind}</dt>
          <dd>{p.kinds[pledge.kind]}</dd>
          {pledge.rewardTitle ? (
            <>
              <dt>{p.reward}</dt>
              <dd>{pledge.rewardTitle}</dd>
            </>
          ) : null}
          {pledge.methodType ? (
            <>
              <dt>{m.payments.chooseMethod}</dt>
              <dd data-testid="pledge-method">{m.payments.methodLine(m.payments.methods[pledge.methodType], pledge.cardLast4)}</dd>
            </>
          ) : null}
          {match ? (
            <>
              <dt>{m.matching.pledgeMatch}</dt>
              <dd data-testid="pledge-match">
                <strong>{formatWon(match.amount_won, locale)}</strong> · {m.matching.pledgeMatchState[match.state]}
                <div className="muted small">
                  <Link to={`/contests/${match.contest_slug}/matching`}>{m.matching.pledgeMatchDetail(match.sponsor_name, match.rules_version)}</Link>
                </div>
              </dd>
            </>
          ) : null}
          <dt>{p.createdAt}</dt>
          <dd>{formatDateTime(pledge.createdAt, locale)}</dd>
          {pledge.lastError ? (
            <>
              <dt>{p.lastError}</dt>
              <dd>{m.errors[pledge.lastError]}</dd>
            </>
          ) : null}
        </dl>
        <h2 style={{ marginTop: 24 }}>{p.receiptCode}</h2>
        <p className="receipt-code" data-testid="receipt-code">
          {pledge.receiptCode}
        </p>
        <p className="muted small">{p.receiptCodeHelp}</p>
        <div className="button-row">
          {/* Posted, not linked: the code must stay out of URLs, history and Referer headers. */}
          <AppForm action="/ledger/find" reloadDocument>
            <input type="hidden" name="code" value={pledge.receiptCode} />
            <button type="submit" className="button button-secondary">
              {p.findInLedger}
            </button>
          </AppForm>
          {pledge.state === "pending_authorization" || pledge.state === "collection_failed" ? (
            <Link to="pay" className="button button-primary">
              {pledge.state === "collection_failed" ? p.fixCard : p.payTitle}
            </Link>
          ) : null}
        </div>
        <h2 style={{ marginTop: 24 }}>{p.inLedger}</h2>
        <RecordingNotice waiting={ledger.waiting} refresh />
        {ledger.entries.length > 0 ? (
          <LedgerEntriesTable entries={ledger.entries} emptyText={m.ledger.find.none} />
        ) : ledger.waiting === 0 ? (
          <p className="muted small" data-testid="receipt-no-entries">
            {m.ledger.find.none} {m.ledger.find.noneHint}
          </p>
        ) : null}
        {cancellable ? (
          <AppForm style={{ marginTop: 24 }}>
            <p className="muted small">{p.cancelConfirm}</p>
            <SubmitButton variant="danger">{p.cancel}</SubmitButton>
          </AppForm>
        ) : null}
      </div>
      <div style={{ maxWidth: 640, margin: "0 auto" }}>
        <LedgerProofs seqs={ledger.entries.map((e) => e.seq)} proofs={ledger.proofs} checkpointMinutes={ledger.checkpointMinutes} />
      </div>
    </div>
  );
}
