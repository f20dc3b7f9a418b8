import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { LedgerEntriesTable, LedgerPager } from "../components/ledger-entries";
import { useLocale, useMessages } from "../i18n/use-messages";
import { latestCheckpointSummary } from "../ledger/checkpoints.server";
import { getLedgerHead } from "../ledger/ledger.server";
import { getSequencingStatus } from "../ledger/sequencer.server";
import { isFiltered, ledgerSearch, parseLedgerQuery } from "../ledger/ledger-query";
import { listKinds, listLedgerEntries } from "../ledger/public-ledger.server";
import { formatDateTime } from "../utils/dates";
import { titled } from "../utils/meta";
import { publicReader } from "../server/public-reads.server";

export const meta = titled((m) => m.ledger.title);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const db = await publicReader({ request, context });
  const params = new URL(request.url).searchParams;
  const query = parseLedgerQuery(params);
  // What the visitor typed, kept in the form even when it was not applied, so it can be corrected.
  const typed = Object.fromEntries((["kind", "account", "from", "to"] as const).map((name) => [name, params.get(name)?.slice(0, 200) ?? ""])) as Record<"kind" | "account" | "from" | "to", string>;
  const [head, sequencing, page, kinds, checkpoint] = await Promise.all([
    getLedgerHead(db),
    getSequencingStatus(db),
    listLedgerEntries(db, query.filter, query.cursor),
    listKinds(db),
    latestCheckpointSummary(db),
  ]);
  const hasErrors = Object.keys(query.errors).length > 0;
  return json(
    {
      head,
      waiting: sequencing.waiting,
      page,
      kinds,
      filter: query.filter,
      typed,
      errors: query.errors,
      checkpoint: checkpoint ? { size: checkpoint.tree_size, signedAt: checkpoint.signed_at.toISOString() } : null,
    },
    { status: hasErrors ? 400 : 200 },
  );
}

export default function LedgerPage() {
  const { head, waiting, page, kinds, filter, typed, errors, checkpoint } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const f = m.ledger.filters;
  const labels: Record<keyof typeof errors, string> = { kind: f.kind, account: f.account, from: f.from, to: f.to, before: m.ledger.seq, after: m.ledger.seq };
  const invalid = (field: keyof typeof errors) => (errors[field] ? true : undefined);
  return (
    <>
      <header className="page-header">
        <h1>{m.ledger.title}</h1>
        <p>{m.ledger.intro}</p>
      </header>
      <section className="card ledger-head">
        <dl className="facts">
          <dt>{m.ledger.entries}</dt>
          <dd>
            <span data-testid="ledger-size">{head.seq.toLocaleString("ko-KR")}</span>
            {waiting > 0 ? (
              <div className="muted small" data-testid="ledger-waiting" title={m.ledger.recordingHelp}>
                {m.ledger.waiting(waiting)}
              </div>
            ) : null}
          </dd>
          <dt>{m.ledger.chainHash}</dt>
          <dd>
            <code className="hash hash-full" data-testid="ledger-head-hash">
              {head.chainHash}
            </code>
          </dd>
          <dt>{m.ledger.latestCheckpoint}</dt>
          <dd>
            {checkpoint ? (
              <Link to="/ledger/checkpoints">{m.ledger.checkpointLine(checkpoint.size.toLocaleString("ko-KR"), formatDateTime(checkpoint.signedAt, locale))}</Link>
            ) : (
              <span className="muted">{m.ledger.noCheckpointYet}</span>
            )}
          </dd>
        </dl>
      </section>

      <section className="section">
        <h2 className="visually-hidden">{f.title}</h2>
        <Form method="get" className="filter-bar ledger-filters" data-testid="ledger-filter">
          <label>
            {f.kind}
            <select name="kind" defaultValue={filter.kind ?? ""} aria-invalid={invalid("kind")}>
              <option value="">{f.allKinds}</option>
              {kinds.map((kind) => (
                <option key={kind} value={kind}>
                  {m.ledger.kindNames[kind] ?? kind}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            {f.account}
            <input name="account" defaultValue={typed.account} placeholder="campaign:12" spellCheck={false} autoCapitalize="none" aria-describedby="account-hint" aria-invalid={invalid("account")} />
          </label>
          <label>
            {f.from}
            <input name="from" type="date" defaultValue={typed.from} aria-invalid={invalid("from")} />
          </label>
          <label>
            {f.to}
            <input name="to" type="date" defaultValue={typed.to} aria-invalid={invalid("to")} />
          </label>
          <div className="button-row">
            <button type="submit" className="button button-primary">
              {f.apply}
            </button>
            {isFiltered(filter) ? (
              <Link to="/ledger" className="button button-ghost">
                {f.reset}
              </Link>
            ) : null}
          </div>
          <p id="account-hint" className="field-hint full-row">
            {f.accountHint}
          </p>
        </Form>
        {Object.keys(errors).length > 0 ? (
          <div className="alert alert-error" role="alert" data-testid="filter-errors">
            {f.ignored}
            <ul className="error-list">
              {(Object.entries(errors) as [keyof typeof errors, keyof typeof m.errors][]).map(([field, key]) => (
                <li key={field} data-testid={`filter-error-${field}`}>
                  <strong>{labels[field]}</strong>: {m.errors[key]}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {page.noSuchAccount ? (
          <div className="alert alert-info" role="status" data-testid="no-such-account">
            {f.noSuchAccount}
          </div>
        ) : null}
      </section>

      <section className="card table-wrap" tabIndex={0} role="region" aria-label={m.ledger.nav.entries}>
        <LedgerEntriesTable entries={page.entries} emptyText={head.seq === 0 ? m.ledger.empty : m.ledger.noMatches} />
        <LedgerPager page={page} href={(cursor) => `/ledger${ledgerSearch(filter, cursor ?? {})}`} />
      </section>

      <section className="section card">
        <h2>{m.ledger.downloads.title}</h2>
        <p className="muted small">{m.ledger.downloads.hint}</p>
        <div className="button-row">
          <a className="button button-secondary" href={`/ledger.csv${ledgerSearch(filter)}`} download data-testid="download-csv">
            {m.ledger.downloads.csv}
          </a>
          <a className="button button-secondary" href="/api/v1/ledger/entries.ndjson" download="ledger.ndjson">
            {m.ledger.downloads.ndjson}
          </a>
          <a className="button button-secondary" href="/api/v1/ledger/checkpoints" download="checkpoints.json">
            {m.ledger.downloads.checkpoints}
          </a>
        </div>
      </section>
    </>
  );
}
