import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { EnterpriseType } from "../../db/types";
import { membershipOf, optionalUser } from "../auth/guards.server";
import { getPublicCampaign } from "../campaigns/campaign-page.server";
import { canSpend } from "../disbursements/disbursement";
import { getReport } from "../disbursements/disbursements.server";
import { ProgressBar, stateBadgeClass } from "../components/campaign-card";
import { Markdown } from "../components/markdown";
import { CampaignMatchingCard } from "../components/matching-parts";
import { campaignPoolPanel } from "../matching/matching.server";
import { ShareLink } from "../components/share-link";
import { useLocale, useMessages } from "../i18n/use-messages";
import { rewardRemaining } from "../pledges/pledge";
import { daysLeft, formatDate, formatDateTime, seoulDate } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon, percentOf } from "../utils/money";
import { publicReader } from "../server/public-reads.server";

export const meta = titled<typeof loader>((m, data) => data?.campaign.title ?? m.campaigns.indexTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { clock, origin } = args.context.services;
  const db = await publicReader(args);
  const campaign = await getPublicCampaign(db, args.params.slug ?? "");
  if (!campaign) throw notFound();
  const [report, user, matching] = await Promise.all([getReport(db, campaign.id), optionalUser(args), campaignPoolPanel(db, campaign.id, clock.now())]);
  const member = membershipOf(user, campaign.enterprise_id) !== null;
  return json({
    campaign,
    report,
    matching,
    canReport: member && canSpend(campaign.state, campaign.funding_model),
    today: seoulDate(clock.now()),
    url: `${origin}/campaigns/${campaign.slug}`,
  });
}

export default function CampaignPage() {
  const { campaign, report, matching, canReport, today, url } = useLoaderData<typeof loader>();
  const m = useMessages();
  const c = m.campaigns;
  const locale = useLocale();
  const money = campaign.money ?? { onlineWon: 0, offlineWon: 0, refundedWon: 0, feesWon: 0, escrowWon: 0, raisedWon: 0 };
  const stats = campaign.stats ?? { pledgedWon: 0, individuals: 0, companies: 0 };
  const towardGoal = money.raisedWon + stats.pledgedWon;
  const open = campaign.state === "live" && today >= campaign.starts_on && today <= campaign.ends_on;
  return (
    <div className="container page">
      <header className="campaign-hero">
        <div className="campaign-cover">
          {campaign.cover_public_id ? <img src={`/files/${campaign.cover_public_id}`} alt="" /> : <div className="cover-placeholder" aria-hidden="true">{campaign.title.slice(0, 1)}</div>}
        </div>
        <div>
          <div className="campaign-meta">
            <span className={stateBadgeClass(campaign.state)} data-testid="campaign-state">
              {m.common.campaignStates[campaign.state]}
            </span>
            <span className="badge">{m.common.enterpriseTypes[campaign.enterprise_type as EnterpriseType]}</span>
            {campaign.contest_slug ? <Link to={`/contests/${campaign.contest_slug}`}>{campaign.contest_title}</Link> : null}
            {campaign.series_slug && campaign.series_round ? (
              <Link to={`/series/${campaign.series_slug}`}>
                {campaign.series_cause} · {c.round(campaign.series_round)}
              </Link>
            ) : null}
          </div>
          <h1 style={{ marginTop: 10 }}>{campaign.title}</h1>
          <p className="lead">{campaign.summary}</p>
          <p>
            <Link to={`/enterprises/${campaign.enterprise_id}`}>{campaign.enterprise_name}</Link> <span className="muted">· {campaign.district}</span>
          </p>
        </div>
      </header>

      <div className="two-col campaign-body">
        <div className="stack">
          {report ? (
            <section className="card" data-testid="results-report">
              <h2>{m.spending.reportTitle}</h2>
              <h3>{m.spending.reportProgress}</h3>
              <Markdown source={report.progress} />
              {report.impressions ? (
                <>
                  <h3>{m.spending.reportImpressions}</h3>
                  <Markdown source={report.impressions} />
                </>
              ) : null}
              {report.follow_up ? (
                <>
                  <h3>{m.spending.reportFollowUp}</h3>
                  <Markdown source={report.follow_up} />
                </>
              ) : null}
              {report.photos.length > 0 ? (
                <div className="photo-grid">
                  {report.photos.map((photo) => (
                    <img key={photo.id} src={`/files/${photo.public_id}`} alt={photo.caption} loading="lazy" />
                  ))}
                </div>
              ) : null}
            </section>
          ) : null}
          {canReport ? (
            <Link to="report" className="button button-secondary">
              {m.spending.reportTitle}
            </Link>
          ) : null}
          <section className="card">
            <h2>{c.story}</h2>
            <Markdown source={campaign.story_md || campaign.summary} />
          </section>
          {campaign.budget_lines.length > 0 ? (
            <section className="card">
              <h2>{c.budget}</h2>
              <div className="table-wrap" tabIndex={0} role="region" aria-label={c.budget}>
                <table>
                  <tbody>
                    {campaign.budget_lines.map((line) => (
                      <tr key={line.id}>
                        <td>
                          {line.name} {line.required ? <span className="badge">{c.budgetRequired}</span> : null}
                        </td>
                        <td className="num">{formatWon(line.amount_won, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}
          <section className="card">
            <h2>{c.updates}</h2>
            {campaign.updates.length === 0 ? <p className="muted">{c.noUpdates}</p> : null}
            {campaign.updates.map((update) => (
              <article key={update.id} className="update">
                <h3>{update.title}</h3>
                <p className="muted small">{formatDateTime(update.created_at, locale)}</p>
                <Markdown source={update.body_md} />
              </article>
            ))}
          </section>
          <section className="card">
            <h2>
              {c.backers} <span className="muted small">{c.backersCount(stats.individuals, stats.companies)}</span>
            </h2>
            {campaign.backers.length === 0 ? <p className="muted">{c.noBackers}</p> : null}
            <ul className="backer-list" data-testid="backers">
              {campaign.backers.map((backer) => (
                <li key={backer.id}>
                  <strong>{backer.name ?? c.anonymous}</strong> {backer.company ? <span className="badge">{c.companyBacker}</span> : null}
                  {backer.message ? <div className="muted small">“{backer.message}”</div> : null}
                </li>
              ))}
            </ul>
          </section>
        </div>

        <aside className="stack campaign-aside">
          <section className="card">
            <div className="muted small">{c.raised}</div>
            <div className="big-figure" data-testid="raised">
              {formatWon(money.raisedWon, locale)}
            </div>
            {stats.pledgedWon > 0 ? (
              <p className="small" title={c.pledgedHelp} data-testid="pledged">
                + {c.pledged} <strong>{formatWon(stats.pledgedWon, locale)}</strong>
              </p>
            ) : null}
            <ProgressBar raisedWon={towardGoal} goalWon={campaign.goal_won} />
            <div className="progress-figures" style={{ marginTop: 8 }}>
              <span className="percent" data-testid="percent">
                {percentOf(towardGoal, campaign.goal_won)}%
              </span>
              <span className="muted small">
                {campaign.state === "live" ? c.daysLeft(daysLeft(today, campaign.ends_on)) : campaign.state === "approved" ? c.startsIn(formatDate(campaign.starts_on, locale)) : c.ended}
              </span>
            </div>
            <dl className="facts" style={{ marginTop: 12 }}>
              <dt>{c.goal}</dt>
              <dd>{formatWon(campaign.goal_won, locale)}</dd>
              <dt>{c.backers}</dt>
              <dd data-testid="backer-count">{c.backersCount(stats.individuals, stats.companies)}</dd>
              <dt>{c.period}</dt>
              <dd>
                {formatDate(campaign.starts_on, locale)} – {formatDate(campaign.ends_on, locale)}
              </dd>
              <dt>{c.fundingModel}</dt>
              <dd>{m.common.fundingModels[campaign.funding_model]}</dd>
            </dl>
            <p className="muted small">{c.fundingModelHelp[campaign.funding_model]}</p>
            {open ? (
              <Link to="pledge" className="button button-primary button-block" data-testid="back-this">
                {c.backThis}
              </Link>
            ) : (
              <p className="muted small">{c.notOpen}</p>
            )}
          </section>
          {matching ? <CampaignMatchingCard panel={matching} backedWon={towardGoal} /> : null}
          {campaign.rewards.length > 0 ? (
            <section className="card">
              <h2>{c.rewards}</h2>
              <div className="stack">
                {campaign.rewards.map((reward) => {
                  const remaining = rewardRemaining(reward.quantity_limit, reward.claimed_count);
                  return (
                    <div key={reward.id} className="reward" data-testid="reward">
                      <div className="reward-head">
                        <strong>{c.rewardMin(formatWon(reward.min_amount_won, locale))}</strong>
                        <span className={remaining === 0 ? "badge" : "badge badge-brand"}>
                          {remaining === null ? c.rewardUnlimited : remaining === 0 ? c.rewardSoldOut : c.rewardRemaining(remaining)}
                        </span>
                      </div>
                      <div>{reward.title}</div>
                      {reward.description ? <div className="muted small">{reward.description}</div> : null}
                      {reward.delivery_month ? <div className="muted small">{c.rewardDelivery(reward.delivery_month)}</div> : null}
                      {open && remaining !== 0 ? (
                        <Link to={`pledge?reward=${reward.id}`} className="small">
                          {c.backThis} →
                        </Link>
                      ) : null}
                    </div>
                  );
                })}
              </div>
            </section>
          ) : null}
          <section className="card">
            <h2>{c.moneyTitle}</h2>
            <dl className="facts">
              <dt>{c.raisedOnline}</dt>
              <dd>{formatWon(money.onlineWon, locale)}</dd>
              <dt>{c.raisedOffline}</dt>
              <dd data-testid="offline">{formatWon(money.offlineWon, locale)}</dd>
              <dt>{c.fees}</dt>
              <dd>{formatWon(money.feesWon, locale)}</dd>
              <dt>{c.refunded}</dt>
              <dd>{formatWon(money.refundedWon, locale)}</dd>
              <dt>{c.escrow}</dt>
              <dd>{formatWon(money.escrowWon, locale)}</dd>
            </dl>
            {campaign.offline.length > 0 ? (
              <ul className="small">
                {campaign.offline.map((donation) => (
                  <li key={donation.id}>
                    {formatDate(donation.received_on, locale)} · {donation.source} · {formatWon(donation.amount_won, locale)}
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="stack small">
              <Link to="spending" data-testid="spending-link">
                {m.spending.viewSpending} →
              </Link>
              <Link to={`/ledger?account=campaign:${campaign.id}`}>{c.ledgerLink} →</Link>
              <div>
                <a href={`/api/v1/campaigns/${campaign.slug}/summary.csv`} download data-testid="summary-csv">
                  CSV
                </a>{" "}
                · <a href={`/api/v1/campaigns/${campaign.slug}`}>JSON</a>
              </div>
            </div>
          </section>
          <section className="card">
            <ShareLink url={url} />
          </section>
        </aside>
      </div>
    </div>
  );
}
