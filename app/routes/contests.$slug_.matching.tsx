import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PoolStats, RulesFacts } from "../components/matching-parts";
import { getPublishedContest } from "../contests/contests.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { getPool, roundCampaignMatches } from "../matching/matching.server";
import { formatDateTime } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => (data ? m.matching.publicTitle(data.contest.title) : m.matching.title));

export async function loader(args: LoaderFunctionArgs) {
  const { db } = args.context.services;
  const contest = await getPublishedContest(db, args.params.slug ?? "");
  if (!contest) throw notFound();
  const pool = await getPool(db, contest.id);
  const campaigns = pool ? await roundCampaignMatches(db, contest.id) : [];
  return json(
    { contest: { id: contest.id, slug: contest.slug, title: contest.title, host_name: contest.host_name }, pool, campaigns },
    { headers: { "Cache-Control": "public, max-age=30" } },
  );
}

export default function ContestMatchingPage() {
  const { contest, pool, campaigns } = useLoaderData<typeof loader>();
  const m = useMessages();
  const x = m.matching;
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <p className="small">
          <Link to={`/contests/${contest.slug}`}>← {contest.title}</Link>
        </p>
        <h1>{x.publicTitle(contest.title)}</h1>
        <p className="muted">{x.intro}</p>
      </header>
      {!pool ? (
        <p className="alert alert-info">{x.noPool}</p>
      ) : (
        <div className="stack">
          <section className="card">
            <div className="row-between">
              <h2 data-testid="sponsor">
                {x.sponsor}: {pool.sponsor_name} <span className="badge">{x.sponsorKinds[pool.sponsor_kind]}</span>
              </h2>
              <span className={pool.closed_at ? "badge" : "badge badge-live"}>{pool.closed_at ? x.closedOn(formatDateTime(pool.closed_at, locale)) : x.openBadge}</span>
            </div>
            <PoolStats figures={pool.figures} />
            <p className="small" style={{ marginTop: 12 }}>
              <Link to={`/ledger?account=${encodeURIComponent(`pool:${pool.id}`)}`}>{x.ledgerLink} →</Link>
            </p>
          </section>
          <div className="two-col">
            <section className="card" data-testid="rule-versions">
              <h2>{x.rulesTitle}</h2>
              <p className="muted small">{x.rulesIntro}</p>
              {pool.versions.length === 0 ? <p className="alert alert-info">{x.noRules}</p> : null}
              {pool.versions.map((v, i) => (
                <article key={v.version} style={{ marginTop: 16 }}>
                  <h3>
                    {x.version(v.version)} {i === 0 ? <span className="badge badge-brand">{x.current}</span> : null}
                  </h3>
                  <p className="muted small">
                    {x.publishedAt} {formatDateTime(v.published_at, locale)}
                  </p>
                  <RulesFacts rules={v.rules} />
                </article>
              ))}
            </section>
            <section className="card">
              <h2>{x.campaignsTitle}</h2>
              {campaigns.length === 0 ? (
                <p className="muted">{x.noCampaigns}</p>
              ) : (
                <div className="table-wrap" tabIndex={0} role="region" aria-label={x.campaignsTitle}>
                  <table>
                    <thead>
                      <tr>
                        <th>{x.campaign}</th>
                        <th className="num">{x.matched}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {campaigns.map((c) => (
                        <tr key={c.id} data-testid="round-campaign">
                          <td>
                            <Link to={`/campaigns/${c.slug}`}>{c.title}</Link> <span className="muted small">· {m.common.campaignStates[c.state]}</span>
                          </td>
                          <td className="num">{formatWon(c.matching.matchedWon, locale)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </section>
          </div>
        </div>
      )}
    </div>
  );
}
