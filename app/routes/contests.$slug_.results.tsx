import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Bars, Stat } from "../components/bars";
import { LedgerEntriesTable, LedgerPager } from "../components/ledger-entries";
import { stateBadgeClass } from "../components/campaign-card";
import { getPublishedContest } from "../contests/contests.server";
import { getRoundResults } from "../contests/results.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { campaignEscrow, grantEscrow } from "../ledger/accounts";
import { CoursesTable, FunnelSummary, ScreeningFunnelCard, SelectedEnterprises } from "../components/screening-parts";
import { selectsByScreening, takesPeople } from "../contests/screening";
import { getScreeningCallResults } from "../contests/screening.server";
import { EMPTY_FILTER, ledgerSearch, parseLedgerQuery } from "../ledger/ledger-query";
import { getAccountActivity } from "../ledger/public-ledger.server";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon, formatWonShort, percentOf } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => (data ? `${data.screening ? m.screening.resultsTitle : m.results.title} · ${data.contest.title}` : m.results.title));

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { db } = context.services;
  const contest = await getPublishedContest(db, params.slug ?? "");
  if (!contest) throw notFound();
  const { cursor } = parseLedgerQuery(new URL(request.url).searchParams);
  if (selectsByScreening(contest.kind)) {
    const screening = await getScreeningCallResults(db, contest);
    // A grant call's money passes through its awards' escrow accounts: awarded in, paid out.
    const activity = await getAccountActivity(
      db,
      screening.awards.map((a) => grantEscrow(a.id).code),
      { cursor, limit: 20 },
    );
    return json({ contest, screening, results: null, entries: activity.page });
  }
  const results = await getRoundResults(db, contest.id);
  // Every won of the round passes through its campaigns' escrow accounts: in, fees, refunds, out.
  const activity = await getAccountActivity(
    db,
    results.campaigns.map((c) => campaignEscrow(c.id).code),
    { cursor, limit: 20 },
  );
  return json({ contest, screening: null, results, entries: activity.page });
}

export default function ResultsPage() {
  const { screening } = useLoaderData<typeof loader>();
  return screening ? <ScreeningResults /> : <RoundResults />;
}

/** A call decided by screening: the funnel, who was selected, and the grants paid. */
function ScreeningResults() {
  const { contest, screening, entries } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const s = m.screening;
  if (!screening) return null;
  const people = takesPeople(contest.kind);
  const count = people ? s.people : s.count;
  const awarded = screening.awards.reduce((sum, a) => sum + a.amount_won, 0);
  const paid = screening.awards.reduce((sum, a) => sum + a.spentWon, 0);
  return (
    <div className="container page">
      <header className="page-header page-header-row">
        <div>
          <p className="muted small">
            <Link to={`/contests/${contest.slug}`}>{contest.title}</Link> · <Link to={`/hosts/${contest.host_key}`}>{contest.host_name}</Link>
          </p>
          <h1>{s.resultsTitle}</h1>
          <p className="lead" data-testid="screening-outcome">
            <FunnelSummary funnel={screening.funnel} people={people} />
          </p>
        </div>
        <div className="button-row">
          <a href={`/contests/${contest.slug}/results.csv`} className="button button-secondary button-small" download>
            {m.results.csv}
          </a>
        </div>
      </header>
      <p className="muted">{s.resultsIntro}</p>
      <div className="stats">
        <Stat label={s.applied} value={count(screening.funnel.applicants)} testId="screening-applicants" />
        <Stat label={s.selected} value={count(screening.funnel.selected)} testId="screening-selected" />
        {screening.awards.length > 0 ? <Stat label={s.awarded} value={formatWon(awarded, locale)} testId="screening-awarded" /> : null}
        {screening.awards.length > 0 ? <Stat label={s.paid} value={formatWon(paid, locale)} testId="screening-paid" /> : null}
      </div>
      <div className="stack section">
        <ScreeningFunnelCard funnel={screening.funnel} people={people} />
        {screening.selected.length > 0 ? <SelectedEnterprises selected={screening.selected} awards={screening.awards} /> : null}
        {people ? <CoursesTable courses={screening.courses} /> : null}
        {screening.awards.length > 0 ? (
          <section className="card table-wrap" id="ledger">
            <h2>{s.ledgerEntries}</h2>
            <LedgerEntriesTable entries={entries.entries} emptyText={m.ledger.noMatches} />
            <LedgerPager page={entries} href={(cursor) => `/contests/${contest.slug}/results${ledgerSearch(EMPTY_FILTER, cursor ?? {})}#ledger`} />
          </section>
        ) : null}
      </div>
    </div>
  );
}

function RoundResults() {
  const { contest, results, entries } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const r = m.results;
  if (!results) return null;
  const { totals, campaigns } = results;
  const won = (amount: number) => formatWon(amount, locale);
  return (
    <div className="container page">
      <header className="page-header page-header-row">
        <div>
          <p className="muted small">
            <Link to={`/contests/${contest.slug}`}>{contest.title}</Link> · {contest.host_name}
          </p>
          <h1>{r.title}</h1>
          <p className="lead" data-testid="round-outcome">
            {r.outcome(totals.succeeded, totals.people, won(totals.raisedWon))}
          </p>
        </div>
        <div className="button-row">
          <a href={`/contests/${contest.slug}/results.csv`} className="button button-secondary button-small" download>
            {r.csv}
          </a>
          <Link to={`/contests/${contest.slug}/report`} className="button button-secondary button-small">
            {r.programmeReport}
          </Link>
        </div>
      </header>
      <p className="muted">{r.intro}</p>

      {campaigns.length === 0 ? (
        <section className="card">
          <p className="muted">{r.none}</p>
        </section>
      ) : (
        <>
          <div className="stats">
            <Stat
              label={r.organisations}
              value={String(totals.succeeded)}
              hint={`${r.organisationsHint(totals.succeeded, totals.campaigns)}${totals.successRatePct === null ? "" : ` · ${r.successRate(totals.successRatePct)}`}`}
              testId="round-succeeded"
            />
            <Stat label={r.people} value={totals.people.toLocaleString(locale === "ko" ? "ko-KR" : "en-GB")} hint={r.peopleHint(totals.individuals, totals.companies)} testId="round-people" />
            <Stat label={r.raised} value={won(totals.raisedWon)} hint={r.raisedHint(won(totals.onlineWon), won(totals.offlineWon))} testId="round-raised" />
            {totals.matchedWon > 0 ? <Stat label={r.matched} value={won(totals.matchedWon)} testId="round-matched" /> : null}
            <Stat label={r.delivered} value={won(totals.deliveredWon + totals.spentWon)} hint={r.deliveredHint(won(totals.deliveredWon), won(totals.spentWon))} testId="round-delivered" />
          </div>

          <div className="two-col section">
            <section className="card">
              <h2>{r.byCampaign}</h2>
              <Bars
                testId="round-by-campaign"
                bars={campaigns.map((c) => ({
                  key: c.slug,
                  label: c.title,
                  value: c.raisedWon,
                  display: `${formatWonShort(c.raisedWon, locale)} · ${percentOf(c.raisedWon, c.goalWon)}%`,
                  tone: c.state === "succeeded" ? "brand" : c.state === "failed" ? "muted" : "warning",
                }))}
              />
            </section>
            <div className="stack">
              <section className="card">
                <h2>{r.backersSplit}</h2>
                <Bars
                  testId="round-backers"
                  bars={[
                    { key: "individuals", label: r.individuals, value: totals.individuals, display: totals.individuals.toLocaleString() },
                    { key: "companies", label: r.companies, value: totals.companies, display: totals.companies.toLocaleString(), tone: "warning" },
                  ]}
                />
              </section>
              <section className="card">
                <h2>{r.moneySplit}</h2>
                <Bars
                  testId="round-money"
                  bars={[
                    { key: "online", label: r.online, value: totals.onlineWon, display: formatWonShort(totals.onlineWon, locale) },
                    { key: "offline", label: r.offline, value: totals.offlineWon, display: formatWonShort(totals.offlineWon, locale), tone: "warning" },
                    ...(totals.matchedWon > 0 ? [{ key: "matched", label: r.matched, value: totals.matchedWon, display: formatWonShort(totals.matchedWon, locale), tone: "muted" as const }] : []),
                  ]}
                />
              </section>
            </div>
          </div>

          <section className="card section table-wrap" tabIndex={0} role="region" aria-label={r.table}>
            <h2>{r.table}</h2>
            <table data-testid="round-table">
              <thead>
                <tr>
                  <th>{r.project}</th>
                  <th>{r.state}</th>
                  <th className="num">{r.goal}</th>
                  <th className="num">{r.raisedColumn}</th>
                  <th className="num">{r.percent}</th>
                  <th>{r.backers}</th>
                  <th className="num">{r.deliveredColumn}</th>
                  <th className="num">{r.spentColumn}</th>
                  <th>{r.report}</th>
                </tr>
              </thead>
              <tbody>
                {campaigns.map((c) => (
                  <tr key={c.id} data-testid="round-campaign" data-slug={c.slug}>
                    <td className="cell-title">
                      <Link to={`/campaigns/${c.slug}`}>{c.title}</Link>
                      <div className="muted small">
                        {c.enterpriseName} · {m.common.enterpriseTypes[c.enterpriseType]}
                      </div>
                    </td>
                    <td>
                      <span className={stateBadgeClass(c.state)}>{m.common.campaignStates[c.state]}</span>
                    </td>
                    <td className="num">{won(c.goalWon)}</td>
                    <td className="num">
                      {won(c.raisedWon)}
                      {c.offlineWon > 0 ? (
                        <div className="muted small">
                          {r.online} {won(c.onlineWon - c.refundedWon)}
                          <br />
                          {r.offline} {won(c.offlineWon)}
                        </div>
                      ) : null}
                    </td>
                    <td className="num">{percentOf(c.raisedWon, c.goalWon)}%</td>
                    <td className="small nowrap">
                      {c.individuals + c.companies === 0 ? (
                        "—"
                      ) : (
                        <>
                          {r.individuals} {c.individuals}
                          <br />
                          {r.companies} {c.companies}
                        </>
                      )}
                    </td>
                    <td className="num">{c.deliveredWon > 0 ? won(c.deliveredWon) : "—"}</td>
                    <td className="num">{c.spentWon > 0 ? won(c.spentWon) : "—"}</td>
                    <td className="small">
                      {c.hasReport ? <Link to={`/campaigns/${c.slug}/report`}>{r.reportLink}</Link> : <span className="muted">{r.noReport}</span>}
                      {c.deliveredWon + c.spentWon > 0 ? (
                        <>
                          {" · "}
                          <Link to={`/campaigns/${c.slug}/spending`}>{r.spendingLink}</Link>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted small">{r.ledgerNote}</p>
          </section>

          <section className="card section table-wrap" tabIndex={0} role="region" aria-label={r.ledgerEntries} id="ledger">
            <h2>{r.ledgerEntries}</h2>
            <LedgerEntriesTable entries={entries.entries} emptyText={m.ledger.noMatches} />
            <LedgerPager page={entries} href={(cursor) => `/contests/${contest.slug}/results${ledgerSearch(EMPTY_FILTER, cursor ?? {})}#ledger`} />
          </section>
        </>
      )}
    </div>
  );
}
