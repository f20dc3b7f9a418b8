import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCampaignCards } from "../campaigns/campaign-cards.server";
import { CampaignCard } from "../components/campaign-card";
import { StageTimeline } from "../components/timeline";
import { listPublishedContests } from "../contests/contests.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { listCurrentProductsOfAllFunds } from "../loans/products.server";
import { seoulDate } from "../utils/dates";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.common.tagline);

export async function loader({ context }: LoaderFunctionArgs) {
  const { db, clock } = context.services;
  const [live, past, contests, products] = await Promise.all([
    listCampaignCards(db, { states: ["live"], limit: 6 }),
    listCampaignCards(db, { states: ["succeeded", "failed"], limit: 6 }),
    listPublishedContests(db),
    listCurrentProductsOfAllFunds(db),
  ]);
  return json({ live, past, contests, products, today: seoulDate(clock.now()) });
}

export default function Home() {
  const { live, past, contests, products, today } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  return (
    <>
      <section className="hero">
        <div className="container">
          <h1>{m.home.heroTitle}</h1>
          <p>{m.home.heroBody}</p>
          <div className="button-row">
            <Link to="/campaigns" className="button button-primary" style={{ background: "#fff", color: "#0f766e" }}>
              {m.home.heroCta}
            </Link>
            <Link to="/ledger" className="button button-secondary">
              {m.home.heroSecondary}
            </Link>
          </div>
        </div>
      </section>

      <div className="container">
        <section className="section">
          <div className="section-title">
            <h2>{m.home.liveCampaigns}</h2>
            <Link to="/campaigns">{m.common.actions.more} →</Link>
          </div>
          {live.length === 0 ? (
            <p className="muted">{m.home.noLive}</p>
          ) : (
            <div className="grid" data-testid="live-campaigns">
              {live.map((c) => (
                <CampaignCard key={c.id} campaign={c} today={today} />
              ))}
            </div>
          )}
        </section>

        <section className="section">
          <div className="section-title">
            <h2>{m.home.contests}</h2>
            <Link to="/contests">{m.common.actions.more} →</Link>
          </div>
          <div className="grid" data-testid="contests">
            {contests.map((contest) => (
              <article key={contest.id} className="card">
                <span className="badge badge-brand">{m.contests.kinds[contest.kind]}</span>
                <h3 style={{ marginTop: 10 }}>
                  <Link to={`/contests/${contest.slug}`}>{contest.title}</Link>
                </h3>
                <p className="muted small">{contest.host_name}</p>
                <StageTimeline stages={contest.stages} />
              </article>
            ))}
          </div>
        </section>

        <section className="section">
          <div className="section-title">
            <h2>{m.home.recentCampaigns}</h2>
          </div>
          <div className="grid">
            {past.map((c) => (
              <CampaignCard key={c.id} campaign={c} today={today} />
            ))}
          </div>
        </section>

        <section className="section two-col">
          <div className="card">
            <h2>{m.home.ledgerTitle}</h2>
            <p className="muted">{m.home.ledgerBody}</p>
            <Link to="/ledger" className="button button-secondary">
              {m.home.heroSecondary}
            </Link>
          </div>
          <div className="card">
            <h2>{m.home.fundTitle}</h2>
            <p className="muted">{m.home.fundBody}</p>
            <ul>
              {products.map((p) => (
                <li key={p.name}>
                  <Link to={`/fund/${p.fund_slug}`}>{p.fund_name}</Link> —{" "}
                  {m.home.fundProduct(p.name, formatWon(p.cap_won, locale), `${(p.rate_bp / 100).toFixed(2).replace(/\.?0+$/, "")}%`)}
                </li>
              ))}
            </ul>
          </div>
        </section>
      </div>
    </>
  );
}
