import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { requireUser } from "../auth/guards.server";
import { getPublicCampaign } from "../campaigns/campaign-page.server";
import { findCampaignIdBySlug } from "../campaigns/campaigns.server";
import { AppForm, ChoiceCards, Field, FormAlert, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { MatchEstimate } from "../components/matching-parts";
import { matchEstimateContext } from "../matching/matching.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { maskName } from "../pledges/backer-names";
import { BACKER_KINDS, pledgeSchema, PLEDGE_KINDS, rewardRemaining } from "../pledges/pledge";
import { createPledge } from "../pledges/pledges.server";
import { seoulDate } from "../utils/dates";
import { parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { newToken } from "../utils/tokens.server";
import { formatWon } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => `${m.pledges.formTitle} · ${data?.campaign.title ?? ""}`);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const { db, clock } = args.context.services;
  const campaign = await getPublicCampaign(db, args.params.slug ?? "");
  if (!campaign) throw notFound();
  const today = seoulDate(clock.now());
  const matchEstimate = await matchEstimateContext(db, campaign.id, user.id, clock.now());
  return json({
    displayName: user.displayName,
    matchEstimate,
    campaign: {
      slug: campaign.slug,
      title: campaign.title,
      fundingModel: campaign.funding_model,
      open: campaign.state === "live" && today >= campaign.starts_on && today <= campaign.ends_on,
      rewards: campaign.rewards,
    },
    // One key per form shown: a resubmission of this form is the same pledge.
    idempotencyKey: newToken(),
  });
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const services = args.context.services;
  const campaign = await findCampaignIdBySlug(services.db, args.params.slug ?? "");
  if (!campaign) throw notFound();
  const formData = await args.request.formData();
  const parsed = parseForm(pledgeSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    const { publicId } = await createPledge(services, { backerId: user.id, campaignId: campaign.id, data: parsed.data });
    return redirect(`/pledges/${publicId}/pay`);
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function PledgeForm() {
  const { campaign, idempotencyKey, matchEstimate, displayName } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const [params] = useSearchParams();
  const m = useMessages();
  const p = m.pledges;
  const locale = useLocale();
  const chosenReward = failure?.values.rewardId ?? params.get("reward") ?? "";
  const chosenKind = failure?.values.kind ?? "sponsorship";
  const backerKind = failure?.values.backerKind ?? "individual";
  if (!campaign.open) {
    return (
      <div className="container page">
        <div className="card auth-card">
          <h1>{campaign.title}</h1>
          <div className="alert alert-info">{m.errors.campaignNotOpen}</div>
          <Link to={`/campaigns/${campaign.slug}`}>← {campaign.title}</Link>
        </div>
      </div>
    );
  }
  return (
    <div className="container page">
      <div className="card" style={{ maxWidth: 640, margin: "0 auto" }}>
        <p>
          <Link to={`/campaigns/${campaign.slug}`}>← {campaign.title}</Link>
        </p>
        <h1>{p.formTitle}</h1>
        <p className="muted">{m.campaigns.fundingModelHelp[campaign.fundingModel]}</p>
        <FormAlert failure={failure} />
        <AppForm className="form" noValidate>
          <input type="hidden" name="idempotencyKey" value={failure?.values.idempotencyKey ?? idempotencyKey} />
          {campaign.rewards.length > 0 ? (
            <ChoiceCards
              name="rewardId"
              legend={p.reward}
              failure={failure}
              defaultValue={chosenReward}
              options={[
                { value: "", label: p.noReward },
                ...campaign.rewards.map((reward) => {
                  const remaining = rewardRemaining(reward.quantity_limit, reward.claimed_count);
                  const soldOut = remaining === 0;
                  return {
                    value: String(reward.id),
                    disabled: soldOut,
                    label: (
                      <>
                        <strong>{reward.title}</strong> · {m.campaigns.rewardMin(formatWon(reward.min_amount_won, locale))}
                        {soldOut ? ` · ${m.campaigns.rewardSoldOut}` : remaining !== null ? ` · ${m.campaigns.rewardRemaining(remaining)}` : ""}
                      </>
                    ),
                    description: reward.description || undefined,
                  };
                }),
              ]}
            />
          ) : null}
          {matchEstimate ? (
            <MatchEstimate context={matchEstimate}>
              <Field name="amount" label={p.amount} hint={p.amountHint} inputMode="numeric" required failure={failure} />
            </MatchEstimate>
          ) : (
            <Field name="amount" label={p.amount} hint={p.amountHint} inputMode="numeric" required failure={failure} />
          )}
          <ChoiceCards name="kind" legend={p.kind} failure={failure} defaultValue={chosenKind} options={PLEDGE_KINDS.map((kind) => ({ value: kind, label: p.kinds[kind] }))} />
          <ChoiceCards name="backerKind" legend={p.backerKind} failure={failure} defaultValue={backerKind} options={BACKER_KINDS.map((kind) => ({ value: kind, label: p.backerKinds[kind] }))} />
          <div className="form-grid">
            <Field name="companyName" label={p.companyName} failure={failure} />
            <Field name="businessNumber" label={p.businessNumber} hint={m.enterprises.fields.registrationNumberHint} inputMode="numeric" failure={failure} />
          </div>
          <TextAreaField name="message" label={p.message} rows={3} failure={failure} />
          <ChoiceCards
            name="nameDisplay"
            legend={p.nameDisplay}
            hint={p.nameDisplayHint}
            failure={failure}
            defaultValue={failure?.values.nameDisplay ?? "masked"}
            options={[
              { value: "masked", label: p.nameDisplays.masked(maskName(displayName)) },
              { value: "full", label: p.nameDisplays.full(displayName) },
              { value: "anonymous", label: p.nameDisplays.anonymous },
            ]}
          />
          <SubmitButton>{p.continue}</SubmitButton>
        </AppForm>
      </div>
    </div>
  );
}
