import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { ServerBuild } from "@remix-run/node";

/**
 * The route pattern a path is served by ("/campaigns/:slug/pledge"), as Remix matches it: the
 * label for metrics and logs, which never carry the path itself (it can hold tokens and ids).
 */
export function createRoutePatternMatcher(routes: ServerBuild["routes"]): (pathname: string) => string {
  const children = new Map<string | undefined, AgnosticRouteObject[]>();
  const build = (parentId: string | undefined): AgnosticRouteObject[] =>
    (children.get(parentId) ?? []).map((route) => (route.index ? route : { ...route, children: build(route.id) }));
  for (const route of Object.values(routes)) {
    if (!route) continue;
    const list = children.get(route.parentId) ?? [];
    list.push(route.index ? { id: route.id, index: true, path: route.path } : { id: route.id, path: route.path, caseSensitive: route.caseSensitive });
    children.set(route.parentId, list);
  }
  const tree = build(undefined);
  const patternOf = (pathname: string): string => {
    try {
      decodeURI(pathname);
    } catch {
      return "malformed";
    }
    const matches = matchRoutes(tree, pathname);
    if (!matches) return "unmatched";
    const parts = matches.map((m) => m.route.path).filter((p): p is string => Boolean(p));
    return `/${parts.join("/")}`.replace(/\/{2,}/g, "/");
  };
  // A path's pattern never changes, so it is remembered (bounded: every path can be asked); since
  // decisions 73 and 87 a lookup that misses costs a few microseconds.
  const known = new Map<string, string>();
  return (pathname) => {
    const remembered = known.get(pathname);
    if (remembered !== undefined) return remembered;
    const pattern = patternOf(pathname);
    if (known.size >= REMEMBERED_PATHS) known.clear();
    known.set(pathname, pattern);
    return pattern;
  };
}

const REMEMBERED_PATHS = 10_000;
