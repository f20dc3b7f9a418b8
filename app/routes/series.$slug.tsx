import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCampaignCards, PUBLIC_CAMPAIGN_STATES } from "../campaigns/campaign-cards.server";
import { getSeriesBySlug } from "../campaigns/series.server";
import { distinctBackers } from "../campaigns/totals.server";
import { CampaignCard } from "../components/campaign-card";
import { useLocale, useMessages } from "../i18n/use-messages";
import { seoulDate } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => data?.series.cause ?? m.campaigns.seriesTitle);

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { db, clock } = context.services;
  const series = await getSeriesBySlug(db, params.slug ?? "");
  if (!series) throw notFound();
  const rounds = await listCampaignCards(db, { seriesId: series.id, states: PUBLIC_CAMPAIGN_STATES, limit: 100 });
  rounds.sort((a, b) => (a.seriesRound ?? 0) - (b.seriesRound ?? 0));
  const backers = await distinctBackers(
    db,
    rounds.map((r) => r.id),
  );
  return json({ series, rounds, total: rounds.reduce((sum, r) => sum + r.raisedWon, 0), backers, today: seoulDate(clock.now()) });
}

export default function SeriesPage() {
  const { series, rounds, total, backers, today } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <span className="badge badge-brand">{m.campaigns.seriesTitle}</span>
        <h1 style={{ marginTop: 10 }}>{series.cause}</h1>
        <p>
          <Link to={`/enterprises/${series.enterprise_id}`}>{series.enterprise_name}</Link> · {m.campaigns.seriesRounds(rounds.length)}
        </p>
      </header>
      <section className="card" style={{ marginBottom: 24 }}>
        <div className="muted small">{m.campaigns.seriesTotal}</div>
        <div className="big-figure" data-testid="series-total">
          {formatWon(total, locale)}
        </div>
        <p className="small">
          {m.campaigns.seriesBackers}: {m.campaigns.backersCount(backers.individuals, backers.companies)}
        </p>
        {series.description ? <p className="muted">{series.description}</p> : null}
      </section>
      <div className="grid">
        {rounds.map((round) => (
          <div key={round.id}>
            <h2 className="small muted">{round.seriesRound ? m.campaigns.round(round.seriesRound) : ""}</h2>
            <CampaignCard campaign={round} today={today} />
          </div>
        ))}
      </div>
    </div>
  );
}
