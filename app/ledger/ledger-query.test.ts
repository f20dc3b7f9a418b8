import { describe, expect, it } from "vitest";
import { ledgerSearch, parseLedgerQuery, parseSeq } from "./ledger-query";

const parse = (query: string) => parseLedgerQuery(new URLSearchParams(query));

describe("the ledger's query string", () => {
  it("reads filters and a cursor", () => {
    expect(parse("kind=pledge.collected&account=Campaign:12:&from=2026-11-01&to=2026-11-30&before=120")).toEqual({
      filter: { kind: "pledge.collected", account: "campaign:12", from: "2026-11-01", to: "2026-11-30" },
      cursor: { before: 120, after: null },
      errors: {},
    });
    expect(parse("kind=&account=&from=&to=&after=7").cursor).toEqual({ before: null, after: 7 });
  });

  it.each([
    ["before=abc", "before", "invalidSeq"],
    ["before=-3", "before", "invalidSeq"],
    ["after=0", "after", "invalidSeq"],
    ["after=1e5", "after", "invalidSeq"],
    ["before=99999999999999999999", "before", "invalidSeq"],
    ["kind=DROP TABLE", "kind", "invalidLedgerKind"],
    ["account=%27%3B--", "account", "invalidAccountCode"],
    ["from=2026-02-30", "from", "invalidFilterDate"],
    ["to=yesterday", "to", "invalidFilterDate"],
    ["from=2026-12-01&to=2026-11-01", "to", "dateRangeReversed"],
  ])("reports %s and leaves it out", (query, field, error) => {
    const parsed = parse(query);
    expect(parsed.errors).toEqual({ [field]: error });
    expect({ ...parsed.filter, ...parsed.cursor }[field as "kind"]).toBeNull();
  });

  it("prefers before when both cursors are given", () => {
    expect(parse("before=10&after=5").cursor).toEqual({ before: 10, after: null });
  });

  it("writes a filter back as a query string", () => {
    expect(ledgerSearch({ kind: "a.b", account: null, from: "2026-11-01", to: null }, { before: 5 })).toBe("?kind=a.b&from=2026-11-01&before=5");
    expect(ledgerSearch({ kind: null, account: null, from: null, to: null })).toBe("");
    expect(parseSeq("0", 0)).toBe(0);
    expect(parseSeq(" 12 ")).toBe(12);
  });
});
