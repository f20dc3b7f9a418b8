import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { optionalUser, requireUser } from "../auth/guards.server";
import { listCampaignCards, PUBLIC_CAMPAIGN_STATES } from "../campaigns/campaign-cards.server";
import { CampaignCard } from "../components/campaign-card";
import { formatScore } from "../components/contest-parts";
import { AppForm, FormAlert, SubmitButton, useFormFailure } from "../components/form";
import { withNotice } from "../components/notice";
import { StageTimeline } from "../components/timeline";
import { windowState } from "../contests/applications.server";
import { registrationClosesAt } from "../contests/contests";
import { getPublicContestDetails, getPublishedContest, listApplicationsOfEnterprises, listUserEventRegistrations } from "../contests/contests.server";
import { listRanking } from "../contests/jury.server";
import { getPool } from "../matching/matching.server";
import { cancelRegistration, findEvent, registerForEvent } from "../contests/setup.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate, formatDateTime, seoulDate } from "../utils/dates";
import { formatWon } from "../utils/money";
import { formFailure } from "../utils/forms";
import { invalid, notFound, refusal } from "../utils/http.server";
import { titled } from "../utils/meta";
import { GrantAwardsSection } from "../components/grant-awards";
import { listContestAwards } from "../grants/awards.server";
import { CoursesTable, ScreeningFunnelCard, SelectedList } from "../components/screening-parts";
import { selectsByScreening, takesPeople } from "../contests/screening";
import { getScreeningCallResults } from "../contests/screening.server";

export const meta = titled<typeof loader>((m, data) => data?.contest.title ?? m.contests.indexTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { params, context } = args;
  const { db, clock } = context.services;
  const contest = await getPublishedContest(db, params.slug ?? "");
  if (!contest) throw notFound();
  const now = clock.now();
  const user = await optionalUser(args);
  const [campaigns, details] = await Promise.all([
    listCampaignCards(db, { contestId: contest.id, states: PUBLIC_CAMPAIGN_STATES, limit: 100 }),
    getPublicContestDetails(db, contest.id),
  ]);
  const pool = await getPool(db, contest.id);
  const matchingPool = pool ? { sponsorName: pool.sponsor_name, figures: pool.figures, closed: pool.closed_at !== null } : null;
  const ranking = details.rules.selected_at ? await listRanking(db, contest.id) : [];
  const screened = selectsByScreening(contest.kind) ? await getScreeningCallResults(db, contest) : null;
  const awards = screened ? screened.awards : details.grant ? await listContestAwards(db, contest.id) : [];
  const registered = user ? await listUserEventRegistrations(db, user.id, details.events.map((e) => e.id)) : [];
  const mine = user ? await listApplicationsOfEnterprises(db, contest.id, user.memberships.map((mb) => mb.enterpriseId)) : [];
  const events = details.events.map((e) => ({ ...e, registered: registered.includes(e.id), open: now < registrationClosesAt(new Date(e.starts_at)) }));
  return json({
    contest,
    campaigns,
    today: seoulDate(now),
    rules: details.rules,
    grant: details.grant,
    awards,
    events,
    ranking,
    window: windowState(details.rules, now),
    myApplication: mine[0] ?? null,
    signedIn: user !== null,
    matchingPool,
    screened,
  });
}

export async function action(args: ActionFunctionArgs) {
  const user = await requireUser(args);
  const { db, clock } = args.context.services;
  const contest = await getPublishedContest(db, args.params.slug ?? "");
  if (!contest) throw notFound();
  const formData = await args.request.formData();
  const eventId = Number(formData.get("eventId"));
  const event = Number.isSafeInteger(eventId) && eventId > 0 ? await findEvent(db, eventId) : undefined;
  if (!event || event.contest_id !== contest.id) return invalid(formFailure(formData, "invalidChoice"), 404);
  const here = `/contests/${contest.slug}`;
  try {
    if (formData.get("intent") === "cancel") {
      await cancelRegistration(db, event.id, user.id);
      return redirect(withNotice(here, "eventCancelled"));
    }
    await registerForEvent(db, event.id, user.id, clock.now());
    return redirect(withNotice(here, "eventRegistered"));
  } catch (error) {
    return refusal(error, formData);
  }
}

export default function ContestPage() {
  const { contest, campaigns, today, rules, grant, awards, events, ranking, window, myApplication, signedIn, matchingPool, screened } = useLoaderData<typeof loader>();
  const failure = useFormFailure();
  const m = useMessages();
  const locale = useLocale();
  const w = m.contestWork;
  const people = takesPeople(contest.kind);
  return (
    <div className="container page">
      <header className="page-header">
        <span className="badge badge-brand">{m.contests.kinds[contest.kind]}</span>
        <h1 style={{ marginTop: 10 }}>{contest.title}</h1>
        <p>
          {m.contests.host}: <Link to={`/hosts/${contest.host_key}`}>{contest.host_name}</Link>
          {contest.select_count ? ` · ${people ? m.screening.selectPeople(contest.select_count) : m.contests.selectCount(contest.select_count)}` : ""}
          {rules.fields.length > 0 ? ` · ${rules.fields.join(", ")}` : ""}
        </p>
      </header>
      <div className="two-col">
        <section className="stack">
          {contest.purpose ? (
            <div className="card">
              <h2>{m.contests.purpose}</h2>
              <p>{contest.purpose}</p>
            </div>
          ) : null}

          {screened ? (
            <>
              <ScreeningFunnelCard funnel={screened.funnel} people={people} />
              {screened.selected.length > 0 ? <SelectedList selected={screened.selected} /> : null}
              {people ? <CoursesTable courses={screened.courses} /> : null}
              {screened.funnel.selectedOn ? (
                <p>
                  <Link to={`/contests/${contest.slug}/results`} className="button button-secondary button-small" data-testid="screening-results-link">
                    {m.screening.resultsLink}
                  </Link>
                </p>
              ) : null}
            </>
          ) : null}

          {ranking.length > 0 ? (
            <div className="card" data-testid="ranking">
              <h2>{w.rankingTitle}</h2>
              <div className="table-wrap" tabIndex={0} role="region" aria-label={w.rankingTitle}>
                <table>
                  <thead>
                    <tr>
                      <th>{w.rank}</th>
                      <th>{w.app.title}</th>
                      <th className="num hide-narrow">{w.juryScore}</th>
                      {rules.peer_weight_pct > 0 ? <th className="num hide-narrow">{w.peerScore}</th> : null}
                      <th className="num">{w.finalScore}</th>
                      <th>{w.outcome}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {ranking.map((r) => (
                      <tr key={r.id}>
                        <td>{r.rank}</td>
                        <td>
                          <strong>{r.title}</strong>
                          <div className="muted small">{r.enterprise_name}</div>
                        </td>
                        <td className="num hide-narrow">{formatScore(r.jury_score)}</td>
                        {rules.peer_weight_pct > 0 ? <td className="num hide-narrow">{formatScore(r.peer_score)}</td> : null}
                        <td className="num">{formatScore(r.final_score)}</td>
                        <td>{r.outcome ? <span className={`badge ${r.outcome === "selected" ? "badge-success" : ""}`}>{w.outcomes[r.outcome]}</span> : null}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          ) : null}

          {grant ? (
            <div className="card" data-testid="grant-rules">
              <h2>
                {w.grantTitle}: {grant.title}
              </h2>
              <dl className="facts">
                <div>
                  <dt>{w.grant.pool}</dt>
                  <dd>{formatWon(grant.pool_won, locale)}</dd>
                </div>
                <div>
                  <dt>{w.grant.cap}</dt>
                  <dd>{formatWon(grant.cap_per_awardee_won, locale)}</dd>
                </div>
                <div>
                  <dt>{w.grant.source}</dt>
                  <dd>{grant.funding_source}</dd>
                </div>
                {grant.period_from && grant.period_to ? (
                  <div>
                    <dt>{w.grant.period}</dt>
                    <dd>
                      {formatDate(grant.period_from, locale)} – {formatDate(grant.period_to, locale)}
                    </dd>
                  </div>
                ) : null}
              </dl>
              <p>
                <strong>{w.grant.expenses}</strong>: {grant.eligible_expenses.join(", ")}
              </p>
            </div>
          ) : null}
          {awards.length > 0 ? <GrantAwardsSection awards={awards} /> : null}

          <h2 className="section">{w.eventsTitle}</h2>
          <FormAlert failure={failure} />
          {events.length === 0 ? <p className="muted">{w.noEvents}</p> : null}
          <div className="grid">
            {events.map((ev) => {
              const left = ev.seats - ev.seats_taken;
              const deadline = new Date(new Date(registrationClosesAt(new Date(ev.starts_at))).getTime() - 1);
              return (
                <article key={ev.id} className="card" data-testid="event">
                  <span className="badge badge-brand">{w.eventKinds[ev.kind]}</span>
                  <h3 style={{ marginTop: 8 }}>{ev.title}</h3>
                  <p className="muted small">
                    {formatDateTime(ev.starts_at, locale)} · {ev.location}
                  </p>
                  <p className="small">
                    {w.event.seatsLeft(left, ev.seats)} · {w.event.deadline(formatDate(seoulDate(deadline), locale))}
                  </p>
                  {ev.registered ? (
                    <AppForm>
                      <input type="hidden" name="eventId" value={ev.id} />
                      <span className="badge badge-success">{w.event.registered}</span>{" "}
                      <button type="submit" name="intent" value="cancel" className="button button-ghost button-small">
                        {w.event.cancel}
                      </button>
                    </AppForm>
                  ) : !ev.open ? (
                    <span className="badge">{w.event.closed}</span>
                  ) : left <= 0 ? (
                    <span className="badge badge-warning">{w.event.full}</span>
                  ) : signedIn ? (
                    <AppForm>
                      <input type="hidden" name="eventId" value={ev.id} />
                      <SubmitButton name="intent" value="register">
                        {w.event.register}
                      </SubmitButton>
                    </AppForm>
                  ) : (
                    <Link to={`/login?next=${encodeURIComponent(`/contests/${contest.slug}`)}`} className="button button-secondary button-small">
                      {w.event.loginToRegister}
                    </Link>
                  )}
                </article>
              );
            })}
          </div>

          {screened ? null : (
            <>
              <div className="section page-header-row">
                <h2>{m.contests.campaigns}</h2>
                {campaigns.length > 0 ? (
                  <Link to={`/contests/${contest.slug}/results`} className="button button-secondary button-small" data-testid="round-results-link">
                    {m.results.link}
                  </Link>
                ) : null}
              </div>
              {campaigns.length === 0 ? <p className="muted">{m.contests.noCampaigns}</p> : null}
              <div className="grid">
                {campaigns.map((c) => (
                  <CampaignCard key={c.id} campaign={c} today={today} />
                ))}
              </div>
            </>
          )}
        </section>
        <aside className="stack">
          <div className="card" data-testid="apply-box">
            <h2>{w.eligibilityTitle}</h2>
            <ul className="plain-list">
              <li>{rules.eligible_regions.length > 0 ? rules.eligible_regions.join(", ") : w.anyRegion}</li>
              {people ? null : <li>{rules.eligible_types.length > 0 ? rules.eligible_types.map((t) => m.common.enterpriseTypes[t]).join(", ") : w.anyType}</li>}
              {rules.age_min !== null || rules.age_max !== null ? <li>{w.ageBand(rules.age_min, rules.age_max)}</li> : null}
            </ul>
            {rules.applications_open_on && rules.applications_close_on ? (
              <p>
                <strong>{w.window}</strong>: {formatDate(rules.applications_open_on, locale)} – {formatDate(rules.applications_close_on, locale)}{" "}
                <span className={`badge ${window === "open" ? "badge-live" : ""}`}>{w.windowStates[window]}</span>
              </p>
            ) : null}
            {people ? (
              <p className="small" data-testid="apply-through-centre">
                {m.screening.applyThroughCentre}
              </p>
            ) : myApplication ? (
              <Link to={`/applications/${myApplication.id}`} className="button button-secondary">
                {w.myApplication}
              </Link>
            ) : window === "open" || window === "notOpen" ? (
              <Link to={`/contests/${contest.slug}/apply`} className="button button-primary">
                {w.apply}
              </Link>
            ) : null}
          </div>
          {matchingPool ? (
            <div className="card" data-testid="matching-box">
              <h2>{m.matching.title}</h2>
              <p className="small">{m.matching.campaignCardBody(matchingPool.sponsorName)}</p>
              <dl className="facts">
                <dt>{m.matching.total}</dt>
                <dd>{formatWon(matchingPool.figures.totalWon, locale)}</dd>
                <dt>{m.matching.remaining}</dt>
                <dd>{formatWon(matchingPool.figures.remainingWon, locale)}</dd>
              </dl>
              <Link to={`/contests/${contest.slug}/matching`} className="small">
                {m.matching.rulesLink} →
              </Link>
            </div>
          ) : null}
          <div className="card">
            <h2>{m.contests.timeline}</h2>
            <StageTimeline stages={contest.stages} />
          </div>
        </aside>
      </div>
    </div>
  );
}
