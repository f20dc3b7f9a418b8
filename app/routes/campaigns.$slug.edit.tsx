import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireEnterpriseMember } from "../auth/guards.server";
import { budgetLineSchema, campaignBasicsSchema, campaignUpdateSchema, positionSchema, rewardSchema } from "../campaigns/campaign";
import { isEditable } from "../campaigns/campaign-state";
import {
  addBudgetLine,
  addReward,
  findCampaignIdBySlug,
  getCampaignForEditing,
  postCampaignUpdate,
  removeBudgetLine,
  removeReward,
  setCampaignCover,
  submitForReview,
  updateCampaignBasics,
} from "../campaigns/campaigns.server";
import { stateBadgeClass } from "../components/campaign-card";
import { CampaignBasicsForm } from "../components/campaign-basics-form";
import { ConsultationList } from "../components/consultation-list";
import { listConsultations } from "../consulting/consulting.server";
import { AppForm, Field, FormAlert, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { fileField, storeUpload } from "../files/files.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { enterpriseHostId } from "../orgs/enterprises.server";
import { formatDate, formatDateTime } from "../utils/dates";
import { formFailure, parseForm, type FormFailure } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.campaigns.editTitle);

async function loadOwnCampaign(args: LoaderFunctionArgs) {
  const campaign = await findCampaignIdBySlug(args.context.services.db, args.params.slug ?? "");
  if (!campaign) throw notFound();
  const user = await requireEnterpriseMember(args, campaign.enterprise_id);
  return { campaign, user };
}

export async function loader(args: LoaderFunctionArgs) {
  const { campaign } = await loadOwnCampaign(args);
  const detail = await getCampaignForEditing(args.context.services.db, campaign.id);
  if (!detail) throw notFound();
  const consultations = await listConsultations(args.context.services.db, campaign.id);
  return json({ campaign: detail, consultations });
}

const intentSchema = z.object({ intent: z.enum(["basics", "cover", "addLine", "removeLine", "addReward", "removeReward", "submit", "update"], { error: "invalid" }) });

export async function action(args: ActionFunctionArgs) {
  const { campaign, user } = await loadOwnCampaign(args);
  const { db, clock, fileStore } = args.context.services;
  const formData = await args.request.formData();
  const intent = parseForm(intentSchema, formData);
  if (!intent.ok) return invalid(intent);
  const here = `/campaigns/${args.params.slug}/edit`;
  const now = clock.now();
  try {
    switch (intent.data.intent) {
      case "basics": {
        const parsed = parseForm(campaignBasicsSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await updateCampaignBasics(db, campaign.id, parsed.data, now);
        return redirect(withNotice(here, "saved"));
      }
      case "cover": {
        const file = fileField(formData, "cover");
        if (!file) return invalid(formFailure(formData, "fileRequired", "cover"));
        const hostId = await enterpriseHostId(db, campaign.enterprise_id);
        const stored = await storeUpload(db, fileStore, file, "image", { purpose: "campaign_cover", enterpriseId: campaign.enterprise_id, hostId, uploadedBy: user.id }, "cover");
        await setCampaignCover(db, campaign.id, stored.id, now);
        return redirect(withNotice(here, "saved"));
      }
      case "addLine": {
        const parsed = parseForm(budgetLineSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await addBudgetLine(db, campaign.id, parsed.data);
        return redirect(here);
      }
      case "removeLine": {
        const parsed = parseForm(positionSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await removeBudgetLine(db, campaign.id, parsed.data.id);
        return redirect(here);
      }
      case "addReward": {
        const parsed = parseForm(rewardSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await addReward(db, campaign.id, parsed.data);
        return redirect(here);
      }
      case "removeReward": {
        const parsed = parseForm(positionSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        await removeReward(db, campaign.id, parsed.data.id);
        return redirect(here);
      }
      case "submit":
        await submitForReview(db, campaign.id, now);
        return redirect(withNotice(here, "campaignSubmitted"));
      case "update": {
        const parsed = parseForm(campaignUpdateSchema, formData);
        if (!parsed.ok) return invalid(parsed);
        if (isEditable(campaign.state) || campaign.state === "in_review") return invalid(formFailure(formData, "campaignNotEditable"), 409);
        await postCampaignUpdate(db, { campaignId: campaign.id, authorId: user.id, title: parsed.data.title, body: parsed.data.body, now });
        return redirect(withNotice(`/campaigns/${args.params.slug}`, "updatePosted"));
      }
    }
  } catch (error) {
    return refusal(error, formData);
  }
}

function failureFor(failure: FormFailure | null, intent: string): FormFailure | null {
  return failure?.values.intent === intent ? failure : null;
}

export default function EditCampaign() {
  const { campaign, consultations } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const c = m.campaigns;
  const f = c.fields;
  const locale = useLocale();
  const editable = isEditable(campaign.state);
  const budgetTotal = campaign.budget_lines.reduce((sum, line) => sum + line.amount_won, 0);
  const submitFailure = failureFor(failure, "submit");
  return (
    <div className="container page">
      <header className="page-header page-header-row">
        <div>
          <p>
            <Link to={`/enterprises/${campaign.enterprise_id}`}>← {campaign.enterprise_name}</Link>
          </p>
          <span className={stateBadgeClass(campaign.state)} data-testid="campaign-state">
            {m.common.campaignStates[campaign.state]}
          </span>
          <h1 style={{ marginTop: 10 }}>{campaign.title}</h1>
        </div>
        {!editable && campaign.state !== "in_review" ? (
          <Link to={`/campaigns/${campaign.slug}`} className="button button-secondary">
            {c.preview}
          </Link>
        ) : null}
      </header>
      {campaign.state === "in_review" ? <div className="alert alert-info">{c.submitted}</div> : null}
      {campaign.state === "approved" ? <div className="alert alert-success">{c.approvedNotice(formatDate(campaign.starts_on, locale))}</div> : null}

      {consultations.length > 0 ? (
        <section className="card" style={{ marginBottom: 20 }}>
          <h2>{m.round.commentsTitle}</h2>
          <p className="muted small">{m.round.editorCommentsIntro}</p>
          <ConsultationList consultations={consultations} />
        </section>
      ) : null}

      {campaign.reviews.length > 0 ? (
        <section className="card" style={{ marginBottom: 20 }}>
          <h2>{c.reviewHistory}</h2>
          <div className="stack" data-testid="reviews">
            {campaign.reviews.map((review) => (
              <div key={review.id}>
                <span className={review.decision === "approved" ? "badge badge-success" : "badge badge-warning"}>{c.reviewDecision[review.decision]}</span>{" "}
                <span className="muted small">
                  {review.reviewer} · {formatDateTime(review.created_at, locale)}
                </span>
                {review.comment ? <p style={{ whiteSpace: "pre-wrap", marginTop: 6 }}>{review.comment}</p> : null}
              </div>
            ))}
          </div>
        </section>
      ) : null}

      {editable ? (
        <div className="two-col">
          <section className="card">
            <h2>{c.basics}</h2>
            <CampaignBasicsForm failure={failureFor(failure, "basics")} initial={campaign} submitLabel={c.saveBasics} />
          </section>
          <div className="stack">
            <section className="card">
              <h2>{f.cover}</h2>
              {campaign.cover_public_id ? <img src={`/files/${campaign.cover_public_id}`} alt="" style={{ width: "100%", borderRadius: 10, marginBottom: 12 }} /> : null}
              <FormAlert failure={failureFor(failure, "cover")} />
              <AppForm className="form" encType="multipart/form-data" noValidate>
                <input type="hidden" name="intent" value="cover" />
                <Field name="cover" type="file" label={f.cover} hint={f.coverHint} required failure={failureFor(failure, "cover")} />
                <SubmitButton variant="secondary">{c.uploadCover}</SubmitButton>
              </AppForm>
            </section>

            <section className="card">
              <h2>{c.budget}</h2>
              <ul className="plain-list" data-testid="budget-lines">
                {campaign.budget_lines.map((line) => (
                  <li key={line.id} className="row-between">
                    <span>
                      {line.name} {line.required ? <span className="badge">{c.budgetRequired}</span> : null}
                    </span>
                    <span className="row-gap">
                      {formatWon(line.amount_won, locale)}
                      <AppForm className="inline-form">
                        <input type="hidden" name="intent" value="removeLine" />
                        <input type="hidden" name="id" value={String(line.id)} />
                        <button type="submit" className="link-button" aria-label={`${c.remove} ${line.name}`}>
                          ✕
                        </button>
                      </AppForm>
                    </span>
                  </li>
                ))}
              </ul>
              <p className={budgetTotal === campaign.goal_won ? "small ok-text" : "small warn-text"} data-testid="budget-total">
                {c.budgetTotal(formatWon(budgetTotal, locale), formatWon(campaign.goal_won, locale))} — {budgetTotal === campaign.goal_won ? c.budgetMatches : c.budgetDiffers}
              </p>
              <FormAlert failure={failureFor(failure, "addLine")} />
              <AppForm className="form" noValidate key={`line-${campaign.budget_lines.length}`}>
                <input type="hidden" name="intent" value="addLine" />
                <div className="form-grid">
                  <Field name="name" label={f.lineName} required failure={failureFor(failure, "addLine")} />
                  <Field name="amount" label={f.lineAmount} inputMode="numeric" required failure={failureFor(failure, "addLine")} />
                </div>
                <label className="inline-check">
                  <input type="checkbox" name="required" defaultChecked /> {f.lineRequired}
                </label>
                <SubmitButton variant="secondary">{c.addLine}</SubmitButton>
              </AppForm>
            </section>

            <section className="card">
              <h2>{c.rewards}</h2>
              <ul className="plain-list" data-testid="rewards">
                {campaign.rewards.map((reward) => (
                  <li key={reward.id} className="row-between">
                    <span>
                      <strong>{reward.title}</strong> · {c.rewardMin(formatWon(reward.min_amount_won, locale))}
                      {reward.quantity_limit !== null ? ` · ${c.rewardLimit(reward.quantity_limit)}` : ""}
                    </span>
                    <AppForm className="inline-form">
                      <input type="hidden" name="intent" value="removeReward" />
                      <input type="hidden" name="id" value={String(reward.id)} />
                      <button type="submit" className="link-button" aria-label={`${c.remove} ${reward.title}`}>
                        ✕
                      </button>
                    </AppForm>
                  </li>
                ))}
              </ul>
              <FormAlert failure={failureFor(failure, "addReward")} />
              <AppForm className="form" noValidate key={`reward-${campaign.rewards.length}`}>
                <input type="hidden" name="intent" value="addReward" />
                <Field name="title" label={f.rewardTitle} required failure={failureFor(failure, "addReward")} />
                <Field name="description" label={f.rewardDescription} failure={failureFor(failure, "addReward")} />
                <div className="form-grid">
                  <Field name="minAmount" label={f.rewardMin} inputMode="numeric" required failure={failureFor(failure, "addReward")} />
                  <Field name="quantityLimit" label={f.rewardQuantity} inputMode="numeric" failure={failureFor(failure, "addReward")} />
                  <Field name="deliveryMonth" label={f.rewardDelivery} placeholder="2027-03" failure={failureFor(failure, "addReward")} />
                </div>
                <SubmitButton variant="secondary">{c.addReward}</SubmitButton>
              </AppForm>
            </section>

            <section className="card">
              <FormAlert failure={submitFailure} />
              <AppForm>
                <input type="hidden" name="intent" value="submit" />
                <SubmitButton>{c.submit}</SubmitButton>
              </AppForm>
            </section>
          </div>
        </div>
      ) : campaign.state !== "in_review" ? (
        <section className="card" style={{ maxWidth: 760 }}>
          <h2>{c.postUpdate}</h2>
          <FormAlert failure={failureFor(failure, "update")} />
          <AppForm className="form" noValidate>
            <input type="hidden" name="intent" value="update" />
            <Field name="title" label={c.updateTitle} required failure={failureFor(failure, "update")} />
            <TextAreaField name="body" label={c.updateBody} rows={6} required failure={failureFor(failure, "update")} />
            <SubmitButton>{c.publish}</SubmitButton>
          </AppForm>
        </section>
      ) : null}
    </div>
  );
}
