import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireAnyStaff, staffHostIds } from "../auth/guards.server";
import { listCampaignsInReview } from "../campaigns/campaigns.server";
import { stateBadgeClass } from "../components/campaign-card";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate, formatDateTime } from "../utils/dates";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.staffCampaigns.title);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireAnyStaff(args, ["operator", "auditor"]);
  return json({ campaigns: await listCampaignsInReview(args.context.services.db, staffHostIds(user, ["operator", "auditor"])) });
}

export default function StaffCampaigns() {
  const { campaigns } = useLoaderData<typeof loader>();
  const m = useMessages();
  const s = m.staffCampaigns;
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{s.title}</h1>
        <p>{s.intro}</p>
      </header>
      {campaigns.length === 0 ? <p className="muted">{s.empty}</p> : null}
      <div className="card table-wrap" tabIndex={0} role="region" aria-label={s.title}>
        <table data-testid="staff-campaigns">
          <thead>
            <tr>
              <th>{m.campaigns.indexTitle}</th>
              <th>{m.campaigns.state}</th>
              <th className="num">{m.campaigns.goal}</th>
              <th>{m.campaigns.period}</th>
              <th>{s.submittedAt}</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.map((campaign) => (
              <tr key={campaign.id}>
                <td>
                  <Link to={`/staff/campaigns/${campaign.id}`}>{campaign.title}</Link>
                  <div className="muted small">{campaign.enterprise_name}</div>
                </td>
                <td>
                  <span className={stateBadgeClass(campaign.state)}>{m.common.campaignStates[campaign.state]}</span>
                </td>
                <td className="num">{formatWon(campaign.goal_won, locale)}</td>
                <td className="small">{formatDate(campaign.starts_on, locale)}</td>
                <td className="small">{formatDateTime(campaign.submitted_at, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
