import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
// React Router's own ES module build, which the patch (decisions 73, 87) leaves as published: the reference.
import * as upstream from "@remix-run/router/dist/router.js";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { seeded } from "../../tests/support/fast-check";

// Its declarations for this file leave out what it exports from its utilities.
const upstreamMatchRoutes = (upstream as unknown as { matchRoutes: typeof matchRoutes }).matchRoutes;

// Every shape a branch can take: pathless layouts, index routes, static, dynamic and optional
// segments, splats, case-sensitive routes, absolute child paths, non-ASCII and look-alike letters.
const tree: AgnosticRouteObject[] = [
  {
    id: "root",
    path: "",
    children: [
      { id: "home", index: true },
      { id: "campaigns", path: "campaigns", children: [{ id: "campaigns-index", index: true }, { id: "campaign", path: ":slug", children: [{ id: "pledge", path: "pledge" }] }] },
      { id: "ledger", path: "ledger", children: [{ id: "ledger-index", index: true }, { id: "account", path: "/ledger/accounts/:code" }] },
      { id: "layout", children: [{ id: "fund", path: "fund/loans/:id?" }, { id: "api", path: "API/v1/*", caseSensitive: true }] },
      { id: "enterprise", path: ":district/enterprises" },
      { id: "greek", path: "σ/ς" },
      { id: "korean", path: "캠페인/:slug" },
      { id: "dotted", path: "files.v2/:name" },
      { id: "optional-first", path: "en?/about" },
      { id: "splat", path: "*" },
    ],
  },
];

const segment = fc.constantFrom("", "campaigns", "Campaigns", "CAMPAIGNS", "campaign", "bench-1", "pledge", "ledger", "LEDGER", "accounts", "campaign%3A3%3Aescrow", "fund", "loans", "12", "api", "API", "v1", "enterprises", "gwangsan", "σ", "ς", "Σ", "캠페인", "%EC%BA%A0%ED%8E%98%EC%9D%B8", "files.v2", "filesxv2", "en", "EN", "about", "K", "k", "ı", "%2F", "a%20b", "%E0%A4%A");
const path = fc.tuple(fc.array(segment, { maxLength: 5 }), fc.constantFrom("", "/", "//"), fc.constantFrom("/", "//", "")).map(([parts, trailing, leading]) => `${leading}${parts.join("/")}${trailing}`);

const summary = (matches: ReturnType<typeof matchRoutes>) => matches?.map((m) => ({ id: m.route.id, params: m.params, pathname: m.pathname, pathnameBase: m.pathnameBase })) ?? null;

describe("route matching (patched React Router)", () => {
  it("the server loads the patched file", () => {
    const file = createRequire(import.meta.url).resolve("@remix-run/router");
    expect(file.endsWith("router.cjs.js")).toBe(true);
    expect(readFileSync(file, "utf8")).toContain("asciiFirstSegment");
  });

  it("matches exactly what React Router as published matches", () => {
    // Both warn about every malformed path they are given; the answers are what is compared.
    vi.spyOn(console, "warn").mockImplementation(() => {});
    for (const known of ["/", "/campaigns", "/campaigns/bench-1/pledge", "/ledger/accounts/x", "/fund/loans", "/API/v1/a/b", "/api/v1/a", "/gwangsan/enterprises", "/Σ/ς", "/캠페인/a", "/en/about", "/about", "//campaigns", "/nowhere"]) {
      expect(summary(matchRoutes(tree, known)), known).toEqual(summary(upstreamMatchRoutes(tree, known)));
    }
    fc.assert(
      fc.property(path, (pathname) => {
        expect(summary(matchRoutes(tree, pathname))).toEqual(summary(upstreamMatchRoutes(tree, pathname)));
      }),
      seeded("route matching", 5_000),
    );
  });
});
