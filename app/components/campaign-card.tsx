import { Link } from "@remix-run/react";
import type { SerializeFrom } from "@remix-run/node";
import type { CampaignCard as CampaignCardData } from "../campaigns/campaign-cards.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { daysLeft } from "../utils/dates";
import { formatWon, formatWonShort, percentOf } from "../utils/money";
import type { EnterpriseType } from "../../db/types";

export function ProgressBar({ raisedWon, goalWon }: { raisedWon: number; goalWon: number }) {
  const m = useMessages();
  const percent = percentOf(raisedWon, goalWon);
  return (
    <div className="progress" role="progressbar" aria-label={m.campaigns.progressLabel} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.min(percent, 100)} aria-valuetext={`${percent}%`}>
      <div className="progress-bar" style={{ width: `${Math.min(percent, 100)}%` }} />
    </div>
  );
}

export function stateBadgeClass(state: string): string {
  if (state === "live") return "badge badge-live";
  if (state === "succeeded") return "badge badge-success";
  if (state === "failed" || state === "cancelled") return "badge";
  return "badge badge-warning";
}

export function CampaignCard({ campaign, today }: { campaign: SerializeFrom<CampaignCardData>; today: string }) {
  const m = useMessages();
  const locale = useLocale();
  const towardGoal = campaign.raisedWon + campaign.pledgedWon;
  const percent = percentOf(towardGoal, campaign.goalWon);
  return (
    <Link to={`/campaigns/${campaign.slug}`} className="campaign-card" data-testid="campaign-card">
      <div className="card-cover">
        {campaign.coverPublicId ? <img src={`/files/${campaign.coverPublicId}`} alt="" loading="lazy" /> : <div className="cover-placeholder" aria-hidden="true">{campaign.title.slice(0, 1)}</div>}
      </div>
      <div className="campaign-meta">
        <span className={stateBadgeClass(campaign.state)}>{m.common.campaignStates[campaign.state]}</span>
        <span>{m.common.enterpriseTypes[campaign.enterpriseType as EnterpriseType]}</span>
        <span>· {campaign.district}</span>
      </div>
      <h3>{campaign.title}</h3>
      <p className="muted small">{campaign.enterpriseName}</p>
      <ProgressBar raisedWon={towardGoal} goalWon={campaign.goalWon} />
      <div className="progress-figures">
        <span>
          <strong>{formatWon(towardGoal, locale)}</strong> <span className="percent">{m.home.percent(percent)}</span>
        </span>
        <span className="muted small">
          {campaign.state === "live" ? m.home.daysLeft(daysLeft(today, campaign.endsOn)) : m.home.ended}
        </span>
      </div>
      <p className="muted small" style={{ margin: 0 }}>
        {m.home.goal} {formatWonShort(campaign.goalWon, locale)}
      </p>
    </Link>
  );
}
