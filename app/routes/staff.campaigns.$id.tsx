import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ConsultationList } from "../components/consultation-list";
import { listConsultations } from "../consulting/consulting.server";
import { z } from "zod";
import { hasStaffRole, idParam, requireStaff } from "../auth/guards.server";
import { offlineDonationSchema, reviewDecisionSchema } from "../campaigns/campaign";
import { campaignHostId, cancelCampaign, getCampaignForEditing, listOfflineDonations, recordOfflineDonation, reviewCampaign } from "../campaigns/campaigns.server";
import { processRefunds, requestRefund } from "../campaigns/settlement.server";
import { campaignMoney } from "../campaigns/totals.server";
import { stateBadgeClass } from "../components/campaign-card";
import { AppForm, Field, FormAlert, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { LedgerSeqLink } from "../components/ledger-entries";
import { Markdown } from "../components/markdown";
import { withNotice } from "../components/notice";
import { fileField, storeUpload } from "../files/files.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { listCampaignPledgesForStaff, pledgeCampaignId } from "../pledges/pledges.server";
import { formatDate, formatDateTime } from "../utils/dates";
import { optionalText, wholeNumber } from "../utils/fields";
import { formFailure, parseForm, type FormFailure } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";
import { newToken } from "../utils/tokens.server";

export const meta = titled((m) => m.staffCampaigns.title);

async function guard(args: LoaderFunctionArgs, roles: ("operator" | "auditor")[]) {
  const id = idParam(args.params.id);
  const hostId = await campaignHostId(args.context.services.db, id);
  if (hostId === null) throw notFound();
  const user = await requireStaff(args, hostId, roles);
  return { id, hostId, user };
}

export async function loader(args: LoaderFunctionArgs) {
  const { id, hostId, user } = await guard(args, ["operator", "auditor"]);
  const { db } = args.context.services;
  const campaign = await getCampaignForEditing(db, id);
  if (!campaign) throw notFound();
  const [money, pledges, offline, consultations] = await Promise.all([
    campaignMoney(db, [id]),
    listCampaignPledgesForStaff(db, id),
    listOfflineDonations(db, id),
    listConsultations(db, id),
  ]);
  return json({ campaign, money: money.get(id), pledges, offline, consultations, canAct: hasStaffRole(user, hostId, ["operator"]), offlineKey: newToken() });
}

const intentSchema = z.object({ intent: z.enum(["review", "offline", "refund", "cancel"], { error: "invalid" }) });
const refundSchema = z.object({ pledgeId: wholeNumber(1, Number.MAX_SAFE_INTEGER), reason: optionalText(200) });

export async function action(args: ActionFunctionArgs) {
  const { id, hostId, user } = await guard(args, ["operator"]);
  const services = args.context.services;
  const formData = await args.request.formData();
  const intent = parseForm(intentSchema, formData);
  if (!intent.ok) return invalid(intent);
  const here = `/staff/campaigns/${id}`;
  try {
    switch (intent.data.intent) {
      case "review": {
        const parsed = parseForm(reviewDecisionSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await reviewCampaign(services, { campaignId: id, reviewerId: user.id, decision: parsed.data.decision, comment: parsed.data.comment });
        return redirect(withNotice(here, "campaignReviewed"));
      }
      case "offline": {
        const parsed = parseForm(offlineDonationSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        const evidence = fileField(formData, "evidence");
        const stored = evidence ? await storeUpload(services.db, services.fileStore, evidence, "document", { purpose: "offline_evidence", hostId, uploadedBy: user.id }, "evidence") : null;
        await recordOfflineDonation(services, { campaignId: id, operatorId: user.id, ...parsed.data, evidenceFileId: stored?.id ?? null });
        return redirect(withNotice(here, "offlineRecorded"));
      }
      case "refund": {
        const parsed = parseForm(refundSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        if ((await pledgeCampaignId(services.db, parsed.data.pledgeId)) !== id) throw notFound();
        const requested = await requestRefund(services, parsed.data.pledgeId, parsed.data.reason || "operator");
        if (requested !== "requested") return invalid(formFailure(formData, requested === "exceedsEscrow" ? "refundExceedsEscrow" : "pledgeNotRefundable"), 409);
        await processRefunds(services);
        return redirect(withNotice(here, "refundRequested"));
      }
      case "cancel":
        await cancelCampaign(services, id);
        await processRefunds(services);
        return redirect(withNotice(here, "campaignCancelled"));
    }
  } catch (error) {
    return refusal(error, formData);
  }
}

function failureFor(failure: FormFailure | null, intent: string): FormFailure | null {
  return failure?.values.intent === intent ? failure : null;
}

export default function StaffCampaign() {
  const { campaign, money, pledges, offline, consultations, canAct, offlineKey } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const s = m.staffCampaigns;
  const c = m.campaigns;
  const locale = useLocale();
  const budgetTotal = campaign.budget_lines.reduce((sum, line) => sum + line.amount_won, 0);
  return (
    <div className="container page">
      <header className="page-header">
        <p>
          <Link to="/staff/campaigns">← {s.title}</Link>
        </p>
        <span className={stateBadgeClass(campaign.state)} data-testid="campaign-state">
          {m.common.campaignStates[campaign.state]}
        </span>
        <h1 style={{ marginTop: 10 }}>{campaign.title}</h1>
        <p>
          {campaign.enterprise_name} · {formatDate(campaign.starts_on, locale)} – {formatDate(campaign.ends_on, locale)} · {c.goal} {formatWon(campaign.goal_won, locale)} ·{" "}
          {m.common.fundingModels[campaign.funding_model]}
        </p>
      </header>
      <FormAlert failure={failureFor(failure, "refund") ?? failureFor(failure, "cancel")} />
      <div className="two-col">
        <div className="stack">
          <section className="card">
            <h2>{c.story}</h2>
            <p className="lead">{campaign.summary}</p>
            <Markdown source={campaign.story_md} />
          </section>
          <section className="card">
            <h2>{c.budget}</h2>
            <table>
              <tbody>
                {campaign.budget_lines.map((line) => (
                  <tr key={line.id}>
                    <td>{line.name}</td>
                    <td className="num">{formatWon(line.amount_won, locale)}</td>
                  </tr>
                ))}
                <tr>
                  <th>{c.budgetTotal(formatWon(budgetTotal, locale), formatWon(campaign.goal_won, locale))}</th>
                  <th />
                </tr>
              </tbody>
            </table>
            <h3 style={{ marginTop: 16 }}>{c.rewards}</h3>
            <ul>
              {campaign.rewards.map((reward) => (
                <li key={reward.id}>
                  {reward.title} · {c.rewardMin(formatWon(reward.min_amount_won, locale))} · {reward.quantity_limit ?? "∞"} ({reward.claimed_count})
                </li>
              ))}
            </ul>
          </section>
          <section className="card table-wrap" tabIndex={0} role="region" aria-label={s.pledgesTitle}>
            <h2>{s.pledgesTitle}</h2>
            <table data-testid="staff-pledges">
              <thead>
                <tr>
                  <th>{s.backer}</th>
                  <th className="num">{s.amount}</th>
                  <th>{s.state}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {pledges.map((pledge) => (
                  <tr key={pledge.id}>
                    <td>
                      {pledge.backer_kind === "company" ? pledge.company_name : pledge.display_name}
                      <div className="muted small">{pledge.email}</div>
                    </td>
                    <td className="num">{formatWon(pledge.amount_won, locale)}</td>
                    <td className="small">{m.pledges.states[pledge.state]}</td>
                    <td>
                      {canAct && pledge.state === "collected" && !pledge.refund_requested_at ? (
                        <AppForm className="inline-form">
                          <input type="hidden" name="intent" value="refund" />
                          <input type="hidden" name="pledgeId" value={pledge.id} />
                          <input type="hidden" name="reason" value="operator" />
                          <button type="submit" className="button button-danger button-small">
                            {s.refund}
                          </button>
                        </AppForm>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
        <aside className="stack">
          {canAct && campaign.state === "in_review" ? (
            <section className="card">
              <h2>{s.review}</h2>
              <FormAlert failure={failureFor(failure, "review")} />
              <AppForm className="form" noValidate>
                <input type="hidden" name="intent" value="review" />
                <TextAreaField name="comment" label={s.comment} rows={5} failure={failureFor(failure, "review")} />
                <div className="button-row">
                  <SubmitButton name="decision" value="approve">
                    {s.approve}
                  </SubmitButton>
                  <SubmitButton name="decision" value="request_changes" variant="secondary">
                    {s.requestChanges}
                  </SubmitButton>
                </div>
              </AppForm>
            </section>
          ) : null}
          <section className="card">
            <h2>{c.moneyTitle}</h2>
            <dl className="facts">
              <dt>{c.raisedOnline}</dt>
              <dd>{formatWon(money?.onlineWon ?? 0, locale)}</dd>
              <dt>{c.raisedOffline}</dt>
              <dd>{formatWon(money?.offlineWon ?? 0, locale)}</dd>
              <dt>{c.fees}</dt>
              <dd>{formatWon(money?.feesWon ?? 0, locale)}</dd>
              <dt>{c.refunded}</dt>
              <dd>{formatWon(money?.refundedWon ?? 0, locale)}</dd>
              <dt>{c.escrow}</dt>
              <dd>{formatWon(money?.escrowWon ?? 0, locale)}</dd>
            </dl>
          </section>
          {canAct && ["live", "succeeded", "approved"].includes(campaign.state) ? (
            <section className="card">
              <h2>{s.offlineTitle}</h2>
              <FormAlert failure={failureFor(failure, "offline")} />
              <AppForm className="form" encType="multipart/form-data" noValidate>
                <input type="hidden" name="intent" value="offline" />
                <input type="hidden" name="idempotencyKey" value={failure?.values.idempotencyKey ?? offlineKey} />
                <Field name="source" label={s.offlineSource} required failure={failureFor(failure, "offline")} />
                <Field name="amount" label={s.offlineAmount} inputMode="numeric" required failure={failureFor(failure, "offline")} />
                <Field name="receivedOn" type="date" label={s.offlineDate} required failure={failureFor(failure, "offline")} />
                <Field name="evidence" type="file" label={s.offlineEvidence} failure={failureFor(failure, "offline")} />
                <SubmitButton>{s.record}</SubmitButton>
              </AppForm>
              {offline.length > 0 ? (
                <>
                  <h3 style={{ marginTop: 16 }}>{s.offlineList}</h3>
                  <ul className="small">
                    {offline.map((donation) => (
                      <li key={donation.id}>
                        {formatDate(donation.received_on, locale)} · {donation.source} · {formatWon(donation.amount_won, locale)} · <LedgerSeqLink seq={donation.ledger_seq} />
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </section>
          ) : null}
          {canAct && ["draft", "in_review", "changes_requested", "approved", "live"].includes(campaign.state) ? (
            <section className="card">
              <h2>{s.cancelCampaign}</h2>
              <p className="muted small">{s.cancelCampaignHelp}</p>
              <AppForm>
                <input type="hidden" name="intent" value="cancel" />
                <SubmitButton variant="danger">{s.cancelCampaign}</SubmitButton>
              </AppForm>
            </section>
          ) : null}
          {consultations.length > 0 ? (
            <section className="card">
              <h2>{m.round.commentsTitle}</h2>
              <ConsultationList consultations={consultations} />
            </section>
          ) : null}
          {campaign.reviews.length > 0 ? (
            <section className="card">
              <h2>{c.reviewHistory}</h2>
              {campaign.reviews.map((review) => (
                <p key={review.id} className="small">
                  <strong>{c.reviewDecision[review.decision]}</strong> · {review.reviewer} · {formatDateTime(review.created_at, locale)}
                  {review.comment ? <span style={{ display: "block", whiteSpace: "pre-wrap" }}>{review.comment}</span> : null}
                </p>
              ))}
            </section>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
