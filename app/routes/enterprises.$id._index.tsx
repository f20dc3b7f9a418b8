import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCampaignCards, PUBLIC_CAMPAIGN_STATES } from "../campaigns/campaign-cards.server";
import { listEnterpriseCampaigns } from "../campaigns/campaigns.server";
import { idParam, membershipOf, optionalUser } from "../auth/guards.server";
import { CampaignCard, stateBadgeClass } from "../components/campaign-card";
import { useLocale, useMessages } from "../i18n/use-messages";
import { getEnterprise } from "../orgs/enterprises.server";
import { canSeeUnverifiedEnterprise } from "../orgs/visibility.server";
import { formatDate, seoulDate } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { listEnterpriseAwards } from "../grants/awards.server";
import { formatWon } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => data?.enterprise.name ?? m.enterprises.directoryTitle);

export async function loader(args: LoaderFunctionArgs) {
  const id = idParam(args.params.id);
  const { db, clock } = args.context.services;
  const [user, enterprise] = await Promise.all([optionalUser(args), getEnterprise(db, id)]);
  if (!enterprise) throw notFound();
  if (enterprise.status !== "verified" && !canSeeUnverifiedEnterprise(user, enterprise)) throw notFound();
  const membership = membershipOf(user, id);
  const campaigns = await listCampaignCards(db, { enterpriseId: id, states: PUBLIC_CAMPAIGN_STATES, limit: 50 });
  // Members also see their drafts and campaigns in review, with the way to edit them.
  const own = membership ? await listEnterpriseCampaigns(db, id) : [];
  const grants = await listEnterpriseAwards(db, [id]);
  return json({
    enterprise,
    campaigns,
    grants,
    own,
    myRole: membershipOf(user, id)?.role ?? null,
    today: seoulDate(clock.now()),
  });
}

export default function EnterprisePage() {
  const { enterprise, campaigns, grants, own, myRole, today } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const e = m.enterprises;
  return (
    <div className="container page">
      <header className="page-header page-header-row">
        <div>
          <div className="campaign-meta">
            <span className="badge badge-brand">{m.common.enterpriseTypes[enterprise.type]}</span>
            <span className={enterprise.status === "verified" ? "badge badge-success" : "badge badge-warning"} data-testid="enterprise-status">
              {e.status[enterprise.status]}
            </span>
          </div>
          <h1 style={{ marginTop: 10 }}>{enterprise.name}</h1>
          <p>{enterprise.business}</p>
        </div>
        {myRole ? (
          <div className="button-row">
            <Link to="loans" className="button button-secondary" data-testid="enterprise-loans">
              {m.loans.myLoansTitle}
            </Link>
            {myRole === "owner" ? (
              <>
            <Link to="edit" className="button button-secondary" data-testid="edit-enterprise">
              {e.edit}
            </Link>
            <Link to="members" className="button button-secondary">
              {e.manageMembers}
            </Link>
              </>
            ) : null}
          </div>
        ) : null}
      </header>
      {enterprise.status === "pending" && myRole ? <div className="alert alert-info">{e.pendingNotice}</div> : null}
      {enterprise.status === "rejected" && myRole ? <div className="alert alert-error">{e.rejectedNotice(enterprise.review_note ?? "")}</div> : null}
      {grants.length > 0 ? (
        <section className="card" style={{ marginBottom: 20 }} data-testid="enterprise-grants">
          <h2>{m.round.grantsTitle}</h2>
          <ul className="plain-list">
            {grants.map((g) => (
              <li key={g.id} className="row-between">
                <Link to={`/grants/${g.id}`}>{g.contest_title}</Link>
                <span>{formatWon(g.amount_won, locale)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="two-col">
        <section className="card">
          <dl className="facts">
            <dt>{e.fields.representative}</dt>
            <dd>{enterprise.representative}</dd>
            <dt>{e.fields.district}</dt>
            <dd>{enterprise.district}</dd>
            <dt>{e.fields.employees}</dt>
            <dd>{e.employeesLine(enterprise.employees, enterprise.vulnerable_employees)}</dd>
            {enterprise.certified_on ? (
              <>
                <dt>{e.fields.certifiedOn}</dt>
                <dd>{formatDate(enterprise.certified_on, locale)}</dd>
              </>
            ) : null}
            {enterprise.registration_number ? (
              <>
                <dt>{e.fields.registrationNumber}</dt>
                <dd>{enterprise.registration_number}</dd>
              </>
            ) : null}
            <dt>{e.verifiedBy}</dt>
            <dd>{enterprise.host_name}</dd>
            {myRole ? (
              <>
                <dt>{e.yourRole}</dt>
                <dd>{m.common.memberRoles[myRole]}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <section>
          {myRole ? (
            <div className="card" style={{ marginBottom: 16 }}>
              <div className="section-title" style={{ marginBottom: 8 }}>
                <h2>{m.campaigns.myCampaigns}</h2>
                {enterprise.status === "verified" ? (
                  <Link to="campaigns/new" className="button button-primary button-small" data-testid="new-campaign">
                    {m.campaigns.newCampaign}
                  </Link>
                ) : null}
              </div>
              <ul className="plain-list" data-testid="own-campaigns">
                {own.map((campaign) => (
                  <li key={campaign.slug} className="row-between">
                    <Link to={`/campaigns/${campaign.slug}/edit`}>{campaign.title}</Link>
                    <span className={stateBadgeClass(campaign.state)}>{m.common.campaignStates[campaign.state]}</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <h2>{e.campaigns}</h2>
          <div className="stack">
            {campaigns.map((c) => (
              <CampaignCard key={c.id} campaign={c} today={today} />
            ))}
            {campaigns.length === 0 ? <p className="muted">{m.common.none}</p> : null}
          </div>
        </section>
      </div>
    </div>
  );
}
