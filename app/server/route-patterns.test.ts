import type { ServerBuild } from "@remix-run/node";
import { describe, expect, it } from "vitest";
import { createRoutePatternMatcher } from "./route-patterns";

const route = (id: string, parentId: string | undefined, path: string | undefined, index?: boolean) => ({ id, parentId, path, index, module: {} });
const routes = {
  root: route("root", undefined, ""),
  "routes/_index": route("routes/_index", "root", undefined, true),
  "routes/campaigns.$slug": route("routes/campaigns.$slug", "root", "campaigns/:slug"),
  "routes/campaigns.$slug.pledge": route("routes/campaigns.$slug.pledge", "root", "campaigns/:slug/pledge"),
} as unknown as ServerBuild["routes"];

describe("route patterns", () => {
  it("name the pattern a path is served by, never the path", () => {
    const routeOf = createRoutePatternMatcher(routes);
    expect(routeOf("/")).toBe("/");
    expect(routeOf("/campaigns/a-cafe")).toBe("/campaigns/:slug");
    expect(routeOf("/campaigns/a-cafe/pledge")).toBe("/campaigns/:slug/pledge");
    expect(routeOf("/nothing/here/at/all")).toBe("unmatched");
    expect(routeOf("/campaigns/%E0%A4%A")).toBe("malformed");
  });

  it("give the same answers for more paths than it remembers, asked twice over", () => {
    const routeOf = createRoutePatternMatcher(routes);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 25_000; i++) {
        expect(routeOf(`/campaigns/c-${i}`)).toBe("/campaigns/:slug");
        if (i % 1_000 === 0) expect(routeOf(`/campaigns/c-${i}/pledge`)).toBe("/campaigns/:slug/pledge");
      }
    }
  });
});
