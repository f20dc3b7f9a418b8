import { Link } from "@remix-run/react";
import { useLocale, useMessages } from "../i18n/use-messages";
import type { AccountActivity } from "../ledger/public-ledger.server";
import { formatWon } from "../utils/money";
import { accountHref, accountName, kindLabel, LedgerEntriesTable, LedgerPager, SignedWon } from "./ledger-entries";

/**
 * "Entries touching these accounts, with totals by kind": each account's balance and totals per
 * entry kind, then the entries newest first with keyset pages. Feed it getAccountActivity();
 * `pageHref` turns a cursor into this page's URL (keep the page's other parameters).
 */
export function AccountActivityPanel({
  activity,
  pageHref,
  title,
}: {
  activity: AccountActivity;
  pageHref: (cursor: { before?: number; after?: number } | null) => string;
  title?: string;
}) {
  const m = useMessages();
  const locale = useLocale();
  const a = m.ledger.account;
  return (
    <div className="stack" data-testid="account-activity">
      <div className="activity-accounts">
        {activity.accounts.map((account) => (
          <section key={account.code} className="card activity-account" data-testid="activity-account" data-code={account.code}>
            <header className="activity-account-head">
              <div>
                <h3>
                  <Link to={accountHref(account.code)}>{accountName(account, locale)}</Link>
                </h3>
                <code className="account-code">{account.code}</code>
              </div>
              <div className="activity-balance">
                <div className="muted small">{a.balance}</div>
                <strong data-testid="activity-balance">{formatWon(account.balanceWon, locale)}</strong>
              </div>
            </header>
            {account.totals.length === 0 ? (
              <p className="muted small">{a.noTotals}</p>
            ) : (
              <div className="table-wrap" tabIndex={0} role="region" aria-label={`${accountName(account, locale)} · ${a.totalsByKind}`}>
                <table className="totals-table" data-testid="kind-totals">
                  <thead>
                    <tr>
                      <th>{m.ledger.kind}</th>
                      <th className="num">{a.entriesCount}</th>
                      <th className="num">{a.moneyIn}</th>
                      <th className="num">{a.moneyOut}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {account.totals.map((total) => (
                      <tr key={total.kind} data-kind={total.kind}>
                        <td>
                          <Link to={`${accountHref(account.code)}?kind=${encodeURIComponent(total.kind)}`}>{kindLabel(total.kind, m)}</Link>
                        </td>
                        <td className="num">{total.entries.toLocaleString("ko-KR")}</td>
                        <td className="num">{total.inWon > 0 ? <SignedWon amountWon={total.inWon} /> : "–"}</td>
                        <td className="num">{total.outWon > 0 ? <SignedWon amountWon={-total.outWon} /> : "–"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        ))}
      </div>
      <section className="card table-wrap" tabIndex={0} role="region" aria-label={title ?? a.entriesTouching}>
        <h2>{title ?? a.entriesTouching}</h2>
        <LedgerEntriesTable entries={activity.page.entries} emptyText={m.ledger.noMatches} />
        <LedgerPager page={activity.page} href={pageHref} />
      </section>
    </div>
  );
}
