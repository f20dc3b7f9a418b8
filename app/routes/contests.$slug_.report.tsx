import { json, redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getPublishedContest } from "../contests/contests.server";
import { getRoundResults } from "../contests/results.server";
import { selectsByScreening } from "../contests/screening";
import { useLocale, useMessages } from "../i18n/use-messages";
import { getLedgerHead } from "../ledger/ledger.server";
import { formatDate, formatDateTime } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon, percentOf } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => (data ? m.results.reportTitle(data.contest.title) : m.results.title));

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { db, clock } = context.services;
  const contest = await getPublishedContest(db, params.slug ?? "");
  if (!contest) throw notFound();
  // A call decided by screening has no crowdfunding round to report: its results page is the record.
  if (selectsByScreening(contest.kind)) throw redirect(`/contests/${contest.slug}/results`);
  const head = await getLedgerHead(db);
  return json({ contest, results: await getRoundResults(db, contest.id), generatedAt: clock.now().toISOString(), ledgerSize: head.seq });
}

/** The programme report for the host's records: one printable page, the same figures as the results page. */
export default function ProgrammeReport() {
  const { contest, results, generatedAt, ledgerSize } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const r = m.results;
  const { totals, campaigns } = results;
  const won = (amount: number) => formatWon(amount, locale);
  const campaignWindow = contest.stages.find((s) => s.kind === "campaign_window");
  return (
    <div className="container page print-report">
      <div className="button-row no-print">
        <Link to={`/contests/${contest.slug}/results`} className="button button-secondary button-small">
          ← {r.title}
        </Link>
        <button type="button" className="button button-primary button-small" onClick={printPage}>
          {r.print}
        </button>
      </div>
      <header className="page-header">
        <h1 data-testid="report-title">{r.reportTitle(contest.title)}</h1>
        <p className="small">
          {r.reportHost}: {contest.host_name}
          {campaignWindow
            ? ` · ${r.reportPeriod}: ${formatDate(campaignWindow.starts_on, locale)}${campaignWindow.ends_on ? ` – ${formatDate(campaignWindow.ends_on, locale)}` : ""}`
            : ""}
        </p>
        <p className="muted small">
          {r.reportGenerated(formatDateTime(generatedAt, locale))} (#{ledgerSize})
        </p>
      </header>

      <section className="section">
        <h2>{r.summary}</h2>
        <p className="lead" data-testid="report-outcome">
          {r.outcome(totals.succeeded, totals.people, won(totals.raisedWon))}
        </p>
        <table className="report-table">
          <tbody>
            <tr>
              <th>{r.organisations}</th>
              <td>{r.organisationsHint(totals.succeeded, totals.campaigns)}</td>
            </tr>
            <tr>
              <th>{r.people}</th>
              <td>{r.peopleHint(totals.individuals, totals.companies)}</td>
            </tr>
            <tr>
              <th>{r.raised}</th>
              <td>
                {won(totals.raisedWon)} ({r.raisedHint(won(totals.onlineWon), won(totals.offlineWon))})
              </td>
            </tr>
            <tr>
              <th>{r.matched}</th>
              <td>{won(totals.matchedWon)}</td>
            </tr>
            <tr>
              <th>{r.delivered}</th>
              <td>{r.deliveredHint(won(totals.deliveredWon), won(totals.spentWon))}</td>
            </tr>
          </tbody>
        </table>
      </section>

      {contest.stages.length > 0 ? (
        <section className="section">
          <h2>{r.stages}</h2>
          <table className="report-table">
            <tbody>
              {contest.stages.map((stage) => (
                <tr key={stage.kind}>
                  <th>{m.common.stageKinds[stage.kind]}</th>
                  <td>
                    {formatDate(stage.starts_on, locale)}
                    {stage.ends_on ? ` – ${formatDate(stage.ends_on, locale)}` : ""}
                    {stage.note ? ` · ${stage.note}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="section">
        <h2>{r.table}</h2>
        <table className="report-table" data-testid="report-table">
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
            </tr>
          </thead>
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.id}>
                <td>
                  {c.title}
                  <div className="small">{c.enterpriseName}</div>
                </td>
                <td>{m.common.campaignStates[c.state]}</td>
                <td className="num">{won(c.goalWon)}</td>
                <td className="num">{won(c.raisedWon)}</td>
                <td className="num">{percentOf(c.raisedWon, c.goalWon)}%</td>
                <td className="small">{r.backersCell(c.individuals, c.companies)}</td>
                <td className="num">{won(c.deliveredWon)}</td>
                <td className="num">{won(c.spentWon)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small">{r.ledgerNote}</p>
      </section>
    </div>
  );
}

function printPage() {
  globalThis.print();
}
