import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { hasStaffRole, requireUser } from "../auth/guards.server";
import { campaignHostId } from "../campaigns/campaigns.server";
import { stateBadgeClass } from "../components/campaign-card";
import { ConsultationList } from "../components/consultation-list";
import { AppForm, FormAlert, SelectField, SubmitButton, TextAreaField, useFormFailure } from "../components/form";
import { Markdown } from "../components/markdown";
import { withNotice } from "../components/notice";
import { CONSULTATION_TOPICS, consultationSchema, isOpenForConsulting } from "../consulting/consulting";
import { getCampaignForConsultant, isAssignedConsultant, listConsultations, postConsultation } from "../consulting/consulting.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate } from "../utils/dates";
import { parseForm } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => `${m.round.consultingTitle} · ${data?.campaign.title ?? ""}`);

/** Only a consultant assigned to the campaign who still holds the role at its host; anyone else gets a 404. */
async function loadAssigned(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const { db } = args.context.services;
  const campaign = await getCampaignForConsultant(db, args.params.slug ?? "");
  if (!campaign) throw notFound();
  const hostId = await campaignHostId(db, campaign.id);
  if (hostId === null || !hasStaffRole(user, hostId, ["consultant"]) || !(await isAssignedConsultant(db, campaign.id, user.id))) throw notFound();
  return { user, campaign };
}

export async function loader(args: LoaderFunctionArgs) {
  const { campaign } = await loadAssigned(args);
  const consultations = await listConsultations(args.context.services.db, campaign.id);
  return json({ campaign, consultations, open: isOpenForConsulting(campaign.state) });
}

export async function action(args: ActionFunctionArgs) {
  const { user, campaign } = await loadAssigned(args);
  const formData = await args.request.formData();
  const parsed = parseForm(consultationSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  try {
    await postConsultation(args.context.services, { campaignId: campaign.id, consultantId: user.id, ...parsed.data });
  } catch (error) {
    return refusal(error, formData);
  }
  return redirect(withNotice(`/consulting/${campaign.slug}`, parsed.data.requestsChanges ? "consultationChangesRequested" : "consultationPosted"));
}

export default function ConsultingCampaign() {
  const { campaign, consultations, open } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const r = m.round;
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <p>
          <Link to="/consulting">← {r.consultingTitle}</Link>
        </p>
        <span className={stateBadgeClass(campaign.state)} data-testid="campaign-state">
          {m.common.campaignStates[campaign.state]}
        </span>
        <h1 style={{ marginTop: 10 }}>{campaign.title}</h1>
        <p className="muted">
          {campaign.enterprise_name}
          {campaign.contest_title ? ` · ${campaign.contest_title}` : ""}
        </p>
      </header>
      <div className="two-col">
        <section className="card">
          <h2>{r.draft}</h2>
          <dl className="facts">
            <dt>{r.goal}</dt>
            <dd>{formatWon(campaign.goal_won, locale)}</dd>
            <dt>{r.period}</dt>
            <dd>
              {formatDate(campaign.starts_on, locale)} – {formatDate(campaign.ends_on, locale)}
            </dd>
          </dl>
          {campaign.summary ? <p>{campaign.summary}</p> : null}
          <Markdown source={campaign.story_md} />
          <h3>{r.budget}</h3>
          <ul className="plain-list">
            {campaign.budget_lines.map((line) => (
              <li key={line.id} className="row-between">
                <span>{line.name}</span>
                <span>{formatWon(line.amount_won, locale)}</span>
              </li>
            ))}
          </ul>
          <h3>{r.rewards}</h3>
          {campaign.rewards.length === 0 ? <p className="muted">{r.noRewards}</p> : null}
          <ul className="plain-list" data-testid="draft-rewards">
            {campaign.rewards.map((reward) => (
              <li key={reward.id}>
                <strong>{reward.title}</strong> · {r.rewardFrom(formatWon(reward.min_amount_won, locale))}
                {reward.quantity_limit !== null ? ` · ${r.limited(reward.quantity_limit)}` : ""}
              </li>
            ))}
          </ul>
        </section>
        <div className="stack">
          <section className="card">
            <h2>{r.commentsTitle}</h2>
            <ConsultationList consultations={consultations} />
          </section>
          <section className="card">
            {open ? (
              <>
                <FormAlert failure={failure} />
                <AppForm className="form" noValidate key={consultations.length}>
                  <SelectField name="topic" label={r.topic} required failure={failure} defaultValue="direction" options={CONSULTATION_TOPICS.map((t) => ({ value: t, label: r.topics[t] }))} />
                  <TextAreaField name="body" label={r.body} rows={5} required failure={failure} />
                  <label className="inline-check">
                    <input type="checkbox" name="requestsChanges" defaultChecked={failure?.values.requestsChanges === "on"} /> {r.requestsChanges}
                  </label>
                  <SubmitButton>{r.post}</SubmitButton>
                </AppForm>
              </>
            ) : (
              <>
                <FormAlert failure={failure} />
                <p className="muted">{r.closed}</p>
              </>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}
