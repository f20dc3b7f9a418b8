import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { optionalUser } from "../auth/guards.server";
import { Bars, Stat } from "../components/bars";
import { percent } from "../components/loan-parts";
import { fundOverview, getFundBySlug, listContributions, listGrants } from "../fund/fund.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { listCurrentProducts } from "../loans/products.server";
import { formatDate } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";
import { formatWon, formatWonShort } from "../utils/money";

export const meta = titled<typeof loader>((m, data) => data?.fund.name ?? m.fund.indexTitle);

export async function loader(args: LoaderFunctionArgs) {
  const { db } = args.context.services;
  const fund = await getFundBySlug(db, args.params.slug ?? "");
  if (!fund) throw notFound();
  const [user, products, overview, contributions, grants] = await Promise.all([
    optionalUser(args),
    listCurrentProducts(db, fund.id),
    fundOverview(db, fund.id),
    listContributions(db, fund.id),
    listGrants(db, fund.id),
  ]);
  // Only the public facts of sources and grants: no evidence files, no notes.
  return json({
    fund: { id: fund.id, slug: fund.slug, name: fund.name, description: fund.description, expected_effects: fund.expected_effects, host_name: fund.host_name },
    products,
    overview,
    contributions: contributions.slice(0, 10).map((c) => ({ id: c.id, contributor: c.contributor, kind: c.kind, amount_won: c.amount_won, received_on: c.received_on, ledger_seq: c.ledger_seq })),
    grants: grants.slice(0, 20).map((g) => ({ id: g.id, category: g.category, recipient: g.recipient, area: g.area, purpose: g.purpose, expected_effect: g.expected_effect, amount_won: g.amount_won, granted_on: g.granted_on })),
    applyAs: (user?.memberships ?? []).filter((m) => products.some((p) => p.eligible_types.includes(m.enterpriseType))).map((m) => ({ id: m.enterpriseId, name: m.enterpriseName })),
    loggedIn: user !== null,
  });
}

export default function FundPage() {
  const { fund, products, overview, contributions, grants, applyAs, loggedIn } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const f = m.fund;
  const l = m.loans;
  const uses = [
    { key: "loans", label: f.loansUse, value: overview.loansDisbursedWon, display: formatWonShort(overview.loansDisbursedWon, locale) },
    ...overview.grants.map((g) => ({ key: g.category, label: l.grantCategories[g.category], value: g.amountWon, display: formatWonShort(g.amountWon, locale), tone: "warning" as const })),
  ];
  return (
    <div className="container page">
      <header className="page-header page-header-row">
        <div>
          <h1>{fund.name}</h1>
          <p>
            {f.host}: {fund.host_name}
          </p>
        </div>
        <Link to="/ledger" className="button button-secondary button-small">
          {f.ledgerLink}
        </Link>
      </header>

      <div className="stats">
        <Stat label={f.balance} value={formatWon(overview.balanceWon, locale)} testId="fund-balance" />
        <Stat label={f.available} value={formatWon(overview.availableWon, locale)} />
        <Stat label={f.sourcesTotal} value={formatWon(overview.sourcesTotalWon, locale)} />
        <Stat label={f.outstanding} value={formatWon(overview.outstandingWon, locale)} hint={`${f.repaid} ${formatWon(overview.repaidPrincipalWon, locale)}`} />
        <Stat label={f.enterprisesSupported} value={f.enterprisesCount(overview.enterprisesSupported)} hint={`${f.interestIncome} ${formatWon(overview.interestIncomeWon, locale)}`} />
      </div>

      <div className="two-col section">
        <div className="stack">
          <section className="card">
            <h2>{f.usesTitle}</h2>
            <p className="muted small">{f.usesIntro}</p>
            <Bars bars={uses} testId="fund-uses" />
          </section>

          <section className="card">
            <h2>{f.areasTitle}</h2>
            <p className="muted small">{f.areasIntro}</p>
            {overview.areas.length === 0 ? (
              <p className="muted">{l.noneYet}</p>
            ) : (
              <Bars
                testId="fund-areas"
                bars={overview.areas.map((a) => ({
                  key: a.area,
                  label: a.area,
                  value: a.loansWon + a.grantsWon,
                  display: formatWonShort(a.loansWon + a.grantsWon, locale),
                }))}
              />
            )}
          </section>

          <section className="card">
            <h2>{f.effectsTitle}</h2>
            {fund.expected_effects ? <p className="effects">{fund.expected_effects}</p> : <p className="muted">{fund.description}</p>}
            {grants.some((g) => g.expected_effect) ? (
              <ul className="small">
                {grants
                  .filter((g) => g.expected_effect)
                  .map((g) => (
                    <li key={g.id}>
                      <strong>{l.grantCategories[g.category]}</strong> · {g.expected_effect}
                    </li>
                  ))}
              </ul>
            ) : null}
          </section>

          <section className="card table-wrap" tabIndex={0} role="region" aria-label={f.recentGrants}>
            <h2>{f.recentGrants}</h2>
            {grants.length === 0 ? (
              <p className="muted">{l.noneYet}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>{l.date}</th>
                    <th>{l.grantFields.category}</th>
                    <th>{l.grantFields.recipient}</th>
                    <th>{l.grantFields.area}</th>
                    <th className="num">{l.amountCol}</th>
                  </tr>
                </thead>
                <tbody>
                  {grants.map((g) => (
                    <tr key={g.id}>
                      <td className="small nowrap">{formatDate(g.granted_on, locale)}</td>
                      <td>{l.grantCategories[g.category]}</td>
                      <td>
                        {g.recipient}
                        <div className="muted small">{g.purpose}</div>
                      </td>
                      <td>{g.area}</td>
                      <td className="num">{formatWon(g.amount_won, locale)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>

        <aside className="stack">
          <section className="card">
            <h2>{f.products}</h2>
            {products.map((p) => (
              <article key={p.id} data-testid="loan-product">
                <h3>
                  {p.name} <span className="badge">{f.version(p.version)}</span>
                </h3>
                <p className="muted small">{p.purpose}</p>
                <dl className="facts">
                  <dt>{f.cap}</dt>
                  <dd>{formatWon(p.cap_won, locale)}</dd>
                  <dt>{f.rate}</dt>
                  <dd>{percent(p.rate_bp)}</dd>
                  <dt>{f.term}</dt>
                  <dd>{f.months(p.term_months)}</dd>
                  <dt>{f.method}</dt>
                  <dd>{f.methods[p.repayment_method]}</dd>
                  <dt>{f.grace}</dt>
                  <dd>{l.facts.graceMonths(p.grace_months)}</dd>
                  <dt>{f.penalty}</dt>
                  <dd>{f.penaltyValue(p.penalty_bp)}</dd>
                  <dt>{f.eligible}</dt>
                  <dd>{p.eligible_types.map((t) => m.common.enterpriseTypes[t]).join(", ")}</dd>
                  <dt>{f.documents}</dt>
                  <dd className="small">{p.required_documents.map((d) => l.documentTypes[d]).join(", ")}</dd>
                </dl>
                <p className="muted small" style={{ marginTop: 12 }}>
                  {f.applyNote}
                </p>
                <div className="button-row">
                  {applyAs.map((e) => (
                    <Link key={e.id} to={`/enterprises/${e.id}/loans/new?product=${p.id}`} className="button button-primary" data-testid="apply-link">
                      {applyAs.length > 1 ? f.applyAs(e.name) : f.applyCta}
                    </Link>
                  ))}
                  {!loggedIn ? (
                    <Link to={`/login?next=${encodeURIComponent(`/fund/${fund.slug}`)}`} className="button button-secondary">
                      {f.applyLogin}
                    </Link>
                  ) : null}
                </div>
              </article>
            ))}
          </section>

          <section className="card">
            <h2>{f.sourcesTitle}</h2>
            <Bars
              bars={overview.sources.filter((s) => s.amountWon > 0).map((s) => ({ key: s.kind, label: l.contributionKinds[s.kind], value: s.amountWon, display: formatWonShort(s.amountWon, locale) }))}
            />
            <h3 style={{ marginTop: 16 }}>{f.recentSources}</h3>
            <ul className="source-list small" data-testid="fund-sources">
              {contributions.map((c) => (
                <li key={c.id}>
                  <span>
                    {c.contributor}
                    <span className="muted"> · {formatDate(c.received_on, locale)}</span>
                  </span>
                  <strong className="nowrap">{formatWon(c.amount_won, locale)}</strong>
                </li>
              ))}
            </ul>
          </section>
        </aside>
      </div>
    </div>
  );
}
