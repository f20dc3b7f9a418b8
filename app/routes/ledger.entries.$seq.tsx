import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { accountHref, accountName, kindLabel, SignedWon } from "../components/ledger-entries";
import { useLocale, useMessages } from "../i18n/use-messages";
import { getLedgerHead } from "../ledger/ledger.server";
import { parseSeq } from "../ledger/ledger-query";
import { getEntryDetail } from "../ledger/public-ledger.server";
import { formatDateTime } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => (data ? m.ledger.entry.title(data.entry.seq) : m.ledger.title));

export async function loader({ params, context }: LoaderFunctionArgs) {
  const seq = parseSeq(params.seq);
  if (typeof seq !== "number") throw notFound();
  const entry = await getEntryDetail(context.services.db, seq);
  if (!entry) throw notFound();
  const head = await getLedgerHead(context.services.db);
  return json({ entry, headSeq: head.seq });
}

export default function EntryPage() {
  const { entry, headSeq } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const e = m.ledger.entry;
  return (
    <>
      <header className="page-header">
        <p className="eyebrow">
          <span className="kind-chip">{kindLabel(entry.kind, m)}</span> · {formatDateTime(entry.occurredAt, locale)}
        </p>
        <h1 data-testid="entry-title">{e.title(entry.seq)}</h1>
        {entry.memo ? <p>{entry.memo}</p> : null}
      </header>
      <div className="two-col">
        <section className="card">
          <h2>{m.ledger.lines}</h2>
          <ul className="ledger-lines ledger-lines-large">
            {entry.lines.map((line) => (
              <li key={line.account}>
                <Link to={accountHref(line.account)} className="account-link">
                  {accountName(line, locale)}
                </Link>
                <code className="account-code">{line.account}</code>
                <SignedWon amountWon={line.amountWon} />
              </li>
            ))}
          </ul>
          {Object.keys(entry.refs).length > 0 ? (
            <>
              <h3 className="section-gap">{e.refs}</h3>
              <dl className="facts refs">
                {Object.entries(entry.refs).map(([key, value]) => (
                  <div key={key} className="fact-row">
                    <dt>{key === "backer" ? e.backer : key}</dt>
                    <dd>
                      <code className={key === "backer" ? "hash hash-full" : undefined}>{String(value)}</code>
                    </dd>
                  </div>
                ))}
              </dl>
            </>
          ) : null}
        </section>
        <aside className="card stack align-start">
          <p className="small" data-testid="entry-checkpoint">
            {entry.checkpoint ? (
              <Link to="/ledger/checkpoints">{e.coveredBy(entry.checkpoint.size.toLocaleString("ko-KR"), formatDateTime(entry.checkpoint.signedAt, locale))}</Link>
            ) : (
              e.notYetCovered
            )}
          </p>
          <p className="small">
            <Link to="/ledger/verify">{m.ledger.verify.title} →</Link>
          </p>
        </aside>
      </div>
      <section className="section card stack">
        <div>
          <h3>{e.canonical}</h3>
          <pre className="code-block" data-testid="entry-canonical">
            {entry.canonical}
          </pre>
        </div>
        <div>
          <h3>{e.leafHash}</h3>
          <code className="hash hash-full">{entry.leafHash}</code>
        </div>
        <div>
          <h3>{e.previousChainHash}</h3>
          <code className="hash hash-full">{entry.previousChainHash}</code>
        </div>
        <div>
          <h3>{e.chainHash}</h3>
          <code className="hash hash-full" data-testid="entry-chain-hash">
            {entry.chainHash}
          </code>
        </div>
      </section>
      <nav className="pager section">
        {entry.seq > 1 ? (
          <Link className="button button-secondary button-small" to={`/ledger/entries/${entry.seq - 1}`}>
            ← #{entry.seq - 1}
          </Link>
        ) : (
          <span />
        )}
        {entry.seq < headSeq ? (
          <Link className="button button-secondary button-small" to={`/ledger/entries/${entry.seq + 1}`}>
            #{entry.seq + 1} →
          </Link>
        ) : null}
      </nav>
    </>
  );
}
