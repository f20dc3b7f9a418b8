import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useLocale, useMessages } from "../i18n/use-messages";
import { getLedgerHead } from "../ledger/ledger.server";
import { formatDateTime } from "../utils/dates";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.ledger.title);

export async function loader({ context }: LoaderFunctionArgs) {
  const { db } = context.services;
  const head = await getLedgerHead(db);
  const entries = await db
    .selectFrom("journal_entries")
    .select(["seq", "kind", "occurred_at", "canonical", "chain_hash"])
    .orderBy("seq", "desc")
    .limit(50)
    .execute();
  return json({
    head,
    entries: entries.map((e) => {
      const parsed = JSON.parse(e.canonical) as { memo: string; lines: { account: string; amount_won: number }[] };
      return { seq: e.seq, kind: e.kind, occurredAt: e.occurred_at, memo: parsed.memo, lines: parsed.lines, hash: e.chain_hash.toString("hex") };
    }),
  });
}

export default function LedgerPage() {
  const { head, entries } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.ledger.title}</h1>
        <p>{m.ledger.intro}</p>
      </header>
      <section className="card">
        <dl className="facts">
          <dt>{m.ledger.entries}</dt>
          <dd data-testid="ledger-size">{head.seq.toLocaleString("ko-KR")}</dd>
          <dt>{m.ledger.chainHash}</dt>
          <dd style={{ fontFamily: "monospace", fontSize: "0.85rem", wordBreak: "break-all" }}>{head.chainHash}</dd>
        </dl>
        <p style={{ marginTop: 12 }}>
          <Link to="/ledger/verify">{m.ledger.verifyTitle} →</Link>
        </p>
      </section>
      <section className="section card table-wrap">
        {entries.length === 0 ? (
          <p className="muted">{m.ledger.empty}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>{m.ledger.seq}</th>
                <th>{m.ledger.time}</th>
                <th>{m.ledger.kind}</th>
                <th>{m.ledger.lines}</th>
                <th>{m.ledger.hash}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq}>
                  <td className="num">{e.seq}</td>
                  <td className="small">{formatDateTime(e.occurredAt, locale)}</td>
                  <td>
                    <code>{e.kind}</code>
                    {e.memo ? <div className="muted small">{e.memo}</div> : null}
                  </td>
                  <td className="small">
                    {e.lines.map((l) => (
                      <div key={l.account}>
                        <code>{l.account}</code> {formatWon(l.amount_won, locale)}
                      </div>
                    ))}
                  </td>
                  <td className="small" style={{ fontFamily: "monospace" }}>
                    {e.hash.slice(0, 12)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
