import { describe, expect, it } from "vitest";
import { chooseEncoding, etagMatches, freshness, isSharedPage, type FreshnessPolicy } from "./page-cache";

describe("isSharedPage", () => {
  it("names the public pages and nothing under them", () => {
    for (const path of ["/", "/campaigns", "/campaigns/a-b", "/contests/x", "/contests/x/results", "/fund/jb", "/ledger", "/ledger/accounts/campaign%3A1%3Aescrow", "/ledger/entries/7", "/ledger/checkpoints"]) {
      expect(isSharedPage(path), path).toBe(true);
    }
    for (const path of ["/campaigns/a/pledge", "/campaigns/a/edit", "/contests/x/apply", "/ledger/find", "/account", "/login", "/staff", "/campaigns/", "//evil.example/x", "/api/v1/campaigns/a", "/ledger.csv"]) {
      expect(isSharedPage(path), path).toBe(false);
    }
  });
});

describe("freshness", () => {
  const policy: FreshnessPolicy = { freshMs: 5_000, staleMs: 60_000, staleOnChangeMs: 500 };
  const entry = { version: "7/0", renderedAt: 10_000 };

  it("renders what it never kept", () => {
    expect(freshness(undefined, "7/0", 10_000, policy)).toBe("render");
  });

  it("serves the current version while fresh, then while rendering again, then waits", () => {
    expect(freshness(entry, "7/0", 14_999, policy)).toBe("fresh");
    expect(freshness(entry, "7/0", 15_000, policy)).toBe("stale");
    expect(freshness(entry, "7/0", 69_999, policy)).toBe("stale");
    expect(freshness(entry, "7/0", 70_000, policy)).toBe("render");
  });

  it("after the version moved, serves only a rendering made moments ago while the new one is made", () => {
    expect(freshness(entry, "8/0", 10_499, policy)).toBe("stale");
    expect(freshness(entry, "8/0", 10_500, policy)).toBe("render");
    expect(freshness(entry, "7/3600", 10_100, { ...policy, staleOnChangeMs: 0 })).toBe("render");
  });
});

describe("chooseEncoding", () => {
  it("prefers brotli, then gzip, and honours q=0", () => {
    expect(chooseEncoding(undefined)).toBe("identity");
    expect(chooseEncoding("gzip, deflate, br")).toBe("br");
    expect(chooseEncoding("gzip;q=1, br;q=0")).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip;q=0")).toBe("identity");
    expect(chooseEncoding("*")).toBe("br");
    expect(chooseEncoding("*;q=0, gzip")).toBe("gzip");
    expect(chooseEncoding("deflate")).toBe("identity");
  });
  it("chooses only among the encodings offered", () => {
    expect(chooseEncoding("br, gzip", ["gzip"])).toBe("gzip");
    expect(chooseEncoding("br", ["gzip"])).toBe("identity");
    expect(chooseEncoding("gzip, br", [])).toBe("identity");
  });
});

describe("etagMatches", () => {
  const etag = 'W/"abc"';
  it("compares weakly, in a list, and takes *", () => {
    expect(etagMatches('W/"abc"', etag)).toBe(true);
    expect(etagMatches('"abc"', etag)).toBe(true);
    expect(etagMatches('"x", W/"abc"', etag)).toBe(true);
    expect(etagMatches("*", etag)).toBe(true);
    expect(etagMatches('"abcd"', etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
  });
});
