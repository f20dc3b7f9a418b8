import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { listCampaignCards, PUBLIC_CAMPAIGN_STATES } from "../campaigns/campaign-cards.server";
import { CampaignCard } from "../components/campaign-card";
import { StageTimeline } from "../components/timeline";
import { getPublishedContest } from "../contests/contests.server";
import { useMessages } from "../i18n/use-messages";
import { seoulDate } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => data?.contest.title ?? m.contests.indexTitle);

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { db, clock } = context.services;
  const contest = await getPublishedContest(db, params.slug ?? "");
  if (!contest) throw notFound();
  const campaigns = await listCampaignCards(db, { contestId: contest.id, states: PUBLIC_CAMPAIGN_STATES, limit: 100 });
  return json({ contest, campaigns, today: seoulDate(clock.now()) });
}

export default function ContestPage() {
  const { contest, campaigns, today } = useLoaderData<typeof loader>();
  const m = useMessages();
  return (
    <div className="container page">
      <header className="page-header">
        <span className="badge badge-brand">{m.contests.kinds[contest.kind]}</span>
        <h1 style={{ marginTop: 10 }}>{contest.title}</h1>
        <p>
          {m.contests.host}: {contest.host_name}
          {contest.select_count ? ` · ${m.contests.selectCount(contest.select_count)}` : ""}
        </p>
      </header>
      <div className="two-col">
        <section>
          {contest.purpose ? (
            <div className="card">
              <h2>{m.contests.purpose}</h2>
              <p>{contest.purpose}</p>
            </div>
          ) : null}
          <h2 className="section">{m.contests.campaigns}</h2>
          {campaigns.length === 0 ? <p className="muted">{m.contests.noCampaigns}</p> : null}
          <div className="grid">
            {campaigns.map((c) => (
              <CampaignCard key={c.id} campaign={c} today={today} />
            ))}
          </div>
        </section>
        <aside className="card">
          <h2>{m.contests.timeline}</h2>
          <StageTimeline stages={contest.stages} />
        </aside>
      </div>
    </div>
  );
}
