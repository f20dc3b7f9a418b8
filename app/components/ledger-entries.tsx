import { Link, useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import type { Locale } from "../i18n/locale";
import type { Messages } from "../i18n/messages";
import { useLocale, useMessages } from "../i18n/use-messages";
import type { LedgerEntryView, LedgerPage } from "../ledger/public-ledger.server";
import { formatDateTime } from "../utils/dates";
import { formatWon } from "../utils/money";

export function kindLabel(kind: string, m: Messages): string {
  return m.ledger.kindNames[kind] ?? kind;
}

export function accountName(line: { nameKo: string; nameEn: string }, locale: Locale): string {
  return locale === "ko" ? line.nameKo : line.nameEn;
}

export function accountHref(code: string): string {
  return `/ledger/accounts/${encodeURIComponent(code)}`;
}

export function SignedWon({ amountWon }: { amountWon: number }) {
  const locale = useLocale();
  const sign = amountWon > 0 ? "+" : amountWon < 0 ? "−" : "";
  return (
    <span className={`amount ${amountWon < 0 ? "amount-out" : "amount-in"}`}>
      {sign}
      {formatWon(Math.abs(amountWon), locale)}
    </span>
  );
}

/** A business record's ledger entry: its seq, linked, or "recording" until the sequencer numbers it. */
export function LedgerSeqLink({ seq }: { seq: number | null }) {
  const m = useMessages();
  if (seq === null) {
    return (
      <span className="muted" title={m.ledger.recordingHelp} data-testid="ledger-recording">
        {m.ledger.recording}
      </span>
    );
  }
  return <Link to={`/ledger/entries/${seq}`}>#{seq.toLocaleString("ko-KR")}</Link>;
}

/** How long a page showing its own entries being recorded keeps asking again, once a second. */
const RECORDING_REFRESHES = 30;

/**
 * A backer's entries that are written but wait for their seq: "recording", until the sequencer
 * numbers them (one batch, normally under a second). With `refresh`, the page's loaders run again
 * each second until they have their seq, so the seq and hash appear without a reload.
 */
export function RecordingNotice({ waiting, refresh = false }: { waiting: number; refresh?: boolean }) {
  const m = useMessages();
  const revalidator = useRevalidator();
  const refreshes = useRef(0);
  useEffect(() => {
    if (!refresh || waiting === 0 || refreshes.current >= RECORDING_REFRESHES) return;
    const timer = setTimeout(() => {
      refreshes.current += 1;
      revalidator.revalidate();
    }, 1000);
    return () => clearTimeout(timer);
  }, [refresh, waiting, revalidator]);
  if (waiting === 0) return null;
  return (
    <p className="alert alert-info" role="status" data-testid="ledger-recording-count">
      {m.ledger.recordingYours(waiting)}
    </p>
  );
}

/** Journal entries: seq, time, kind, every line with its account's name, and the chain hash. */
export function LedgerEntriesTable({ entries, emptyText }: { entries: readonly LedgerEntryView[]; emptyText: string }) {
  const m = useMessages();
  const locale = useLocale();
  if (entries.length === 0) {
    return (
      <p className="muted" data-testid="ledger-empty">
        {emptyText}
      </p>
    );
  }
  return (
    <table className="ledger-table" data-testid="ledger-entries">
      <thead>
        <tr>
          <th className="num">{m.ledger.seq}</th>
          <th>{m.ledger.time}</th>
          <th>{m.ledger.kind}</th>
          <th>{m.ledger.lines}</th>
          <th>{m.ledger.hash}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.seq} data-testid="ledger-entry" data-seq={entry.seq}>
            <td className="num" data-label={m.ledger.seq}>
              <Link to={`/ledger/entries/${entry.seq}`} className="seq-link">
                #{entry.seq.toLocaleString("ko-KR")}
              </Link>
            </td>
            <td className="small nowrap" data-label={m.ledger.time}>
              {formatDateTime(entry.occurredAt, locale)}
            </td>
            <td data-label={m.ledger.kind}>
              <span className="kind-chip">{kindLabel(entry.kind, m)}</span>
              {entry.memo ? <div className="muted small">{entry.memo}</div> : null}
            </td>
            <td data-label={m.ledger.lines}>
              <ul className="ledger-lines">
                {entry.lines.map((line) => (
                  <li key={line.account}>
                    <Link to={accountHref(line.account)} className="account-link" title={line.account}>
                      {accountName(line, locale)}
                    </Link>
                    <code className="account-code">{line.account}</code>
                    <SignedWon amountWon={line.amountWon} />
                  </li>
                ))}
              </ul>
            </td>
            <td data-label={m.ledger.hash}>
              <code className="hash" title={entry.chainHash}>
                {entry.chainHash.slice(0, 12)}…
              </code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Newer / older links for a keyset page; `href` builds the URL for a cursor. */
export function LedgerPager({ page, href }: { page: Pick<LedgerPage, "newer" | "older">; href: (cursor: { before?: number; after?: number } | null) => string }) {
  const m = useMessages();
  if (page.newer === null && page.older === null) return null;
  return (
    <nav className="pager" aria-label="pages" data-testid="ledger-pager">
      {page.newer !== null ? (
        <>
          <Link to={href(null)} className="button button-ghost button-small">
            {m.ledger.pages.newest}
          </Link>
          <Link to={href({ after: page.newer })} className="button button-secondary button-small" data-testid="page-newer" rel="prev">
            {m.ledger.pages.newer}
          </Link>
        </>
      ) : (
        <span />
      )}
      {page.older !== null ? (
        <Link to={href({ before: page.older })} className="button button-secondary button-small" data-testid="page-older" rel="next">
          {m.ledger.pages.older}
        </Link>
      ) : null}
    </nav>
  );
}
