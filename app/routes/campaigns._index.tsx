import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { listCampaignCards, PUBLIC_CAMPAIGN_STATES } from "../campaigns/campaign-cards.server";
import { CampaignCard } from "../components/campaign-card";
import { useMessages } from "../i18n/use-messages";
import { seoulDate } from "../utils/dates";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.campaigns.indexTitle);

export async function loader({ context }: LoaderFunctionArgs) {
  const { db, clock } = context.services;
  const campaigns = await listCampaignCards(db, { states: PUBLIC_CAMPAIGN_STATES, limit: 60 });
  return json({ campaigns, today: seoulDate(clock.now()) });
}

export default function Campaigns() {
  const { campaigns, today } = useLoaderData<typeof loader>();
  const m = useMessages();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.campaigns.indexTitle}</h1>
        <p>{m.campaigns.indexIntro}</p>
      </header>
      {campaigns.length === 0 ? <p className="muted">{m.campaigns.empty}</p> : null}
      <div className="grid">
        {campaigns.map((c) => (
          <CampaignCard key={c.id} campaign={c} today={today} />
        ))}
      </div>
    </div>
  );
}
