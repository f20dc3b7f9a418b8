import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PUBLIC_CAMPAIGN_STATES } from "../campaigns/campaign-cards.server";
import { campaignMoney } from "../campaigns/totals.server";
import { ProgressBar, stateBadgeClass } from "../components/campaign-card";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon, percentOf } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => data?.campaign.title ?? m.campaigns.indexTitle);

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { db } = context.services;
  const campaign = await db
    .selectFrom("campaigns")
    .innerJoin("enterprises", "enterprises.id", "campaigns.enterprise_id")
    .leftJoin("contests", "contests.id", "campaigns.contest_id")
    .select([
      "campaigns.id",
      "campaigns.title",
      "campaigns.summary",
      "campaigns.story_md",
      "campaigns.state",
      "campaigns.goal_won",
      "campaigns.funding_model",
      "campaigns.starts_on",
      "campaigns.ends_on",
      "campaigns.series_round",
      "enterprises.id as enterprise_id",
      "enterprises.name as enterprise_name",
      "contests.slug as contest_slug",
      "contests.title as contest_title",
    ])
    .where("campaigns.slug", "=", params.slug ?? "")
    .where("campaigns.state", "in", PUBLIC_CAMPAIGN_STATES)
    .executeTakeFirst();
  if (!campaign) throw notFound();
  const raised = (await campaignMoney(db, [campaign.id])).get(campaign.id)?.raisedWon ?? 0;
  return json({ campaign, raised });
}

export default function CampaignPage() {
  const { campaign, raised } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <div className="campaign-meta">
          <span className={stateBadgeClass(campaign.state)}>{m.common.campaignStates[campaign.state]}</span>
          {campaign.contest_slug ? <Link to={`/contests/${campaign.contest_slug}`}>{campaign.contest_title}</Link> : null}
        </div>
        <h1 style={{ marginTop: 10 }}>{campaign.title}</h1>
        <p>
          <Link to={`/enterprises/${campaign.enterprise_id}`}>{campaign.enterprise_name}</Link>
        </p>
      </header>
      <div className="two-col">
        <section className="card">
          <h2>{m.campaigns.story}</h2>
          <p style={{ whiteSpace: "pre-wrap" }}>{campaign.story_md || campaign.summary}</p>
        </section>
        <aside className="card stack">
          <div>
            <div className="muted small">{m.campaigns.raised}</div>
            <div style={{ fontSize: "1.6rem", fontWeight: 800 }} data-testid="raised">
              {formatWon(raised, locale)}
            </div>
            <div className="percent">{percentOf(raised, campaign.goal_won)}%</div>
          </div>
          <ProgressBar raisedWon={raised} goalWon={campaign.goal_won} />
          <dl className="facts">
            <dt>{m.campaigns.goal}</dt>
            <dd>{formatWon(campaign.goal_won, locale)}</dd>
            <dt>{m.campaigns.period}</dt>
            <dd>
              {formatDate(campaign.starts_on, locale)} – {formatDate(campaign.ends_on, locale)}
            </dd>
            <dt>{m.campaigns.fundingModel}</dt>
            <dd>{m.common.fundingModels[campaign.funding_model]}</dd>
          </dl>
        </aside>
      </div>
    </div>
  );
}
