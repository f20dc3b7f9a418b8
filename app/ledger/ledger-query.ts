import type { ErrorKey } from "../i18n/messages/errors";
import { isIsoDate } from "../utils/dates";

// The public ledger pages' query string: filters and a seq cursor. Bad values never fail the
// page: each is reported in the visitor's language and left out.

export interface LedgerFilter {
  kind: string | null;
  /** An exact account code, or a prefix at a ':' boundary ("campaign:12" = every account of campaign 12). */
  account: string | null;
  /** Asia/Seoul calendar dates, inclusive. */
  from: string | null;
  to: string | null;
}

export interface LedgerCursor {
  /** Entries with a smaller seq (older), newest first. */
  before: number | null;
  /** Entries with a larger seq (newer). */
  after: number | null;
}

export type LedgerQueryField = keyof LedgerFilter | keyof LedgerCursor;

export interface LedgerQuery {
  filter: LedgerFilter;
  cursor: LedgerCursor;
  errors: Partial<Record<LedgerQueryField, ErrorKey>>;
}

export const EMPTY_FILTER: LedgerFilter = { kind: null, account: null, from: null, to: null };

const KIND = /^[a-z_.]{2,60}$/;
const ACCOUNT = /^[a-z0-9][a-z0-9_:.-]{0,119}$/;
const SEQ = /^\d{1,15}$/;

export function parseSeq(value: string | null | undefined, min = 1): number | null | "invalid" {
  const trimmed = value?.trim() ?? "";
  if (trimmed === "") return null;
  if (!SEQ.test(trimmed)) return "invalid";
  const seq = Number(trimmed);
  return Number.isSafeInteger(seq) && seq >= min ? seq : "invalid";
}

export function parseLedgerQuery(params: URLSearchParams): LedgerQuery {
  const errors: LedgerQuery["errors"] = {};
  const text = (name: string) => params.get(name)?.trim().slice(0, 200) ?? "";

  const kindText = text("kind");
  const kind = kindText === "" ? null : KIND.test(kindText) ? kindText : null;
  if (kindText !== "" && kind === null) errors.kind = "invalidLedgerKind";

  const accountText = text("account").toLowerCase().replace(/:+$/, "");
  const account = accountText === "" ? null : ACCOUNT.test(accountText) ? accountText : null;
  if (accountText !== "" && account === null) errors.account = "invalidAccountCode";

  const date = (name: "from" | "to") => {
    const value = text(name);
    if (value === "") return null;
    if (isIsoDate(value)) return value;
    errors[name] = "invalidFilterDate";
    return null;
  };
  const from = date("from");
  let to = date("to");
  if (from && to && to < from) {
    errors.to = "dateRangeReversed";
    to = null;
  }

  const cursor: LedgerCursor = { before: null, after: null };
  for (const name of ["before", "after"] as const) {
    const seq = parseSeq(params.get(name));
    if (seq === "invalid") errors[name] = "invalidSeq";
    else cursor[name] = seq;
  }
  if (cursor.before !== null) cursor.after = null;
  return { filter: { kind, account, from, to }, cursor, errors };
}

/** The query string for a filter (and optionally a cursor), for links and the CSV download. */
export function ledgerSearch(filter: LedgerFilter, cursor: Partial<LedgerCursor> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...cursor })) {
    if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `?${search}` : "";
}

export function isFiltered(filter: LedgerFilter): boolean {
  return Object.values(filter).some((value) => value !== null);
}
