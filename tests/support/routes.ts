import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";

export interface RouteInfo {
  /** The URL pattern, e.g. /campaigns/:slug/edit. */
  pattern: string;
  hasLoader: boolean;
  hasAction: boolean;
}

/** Every route of the built app with its full URL pattern, read from the route manifest. */
export async function routeManifest(): Promise<RouteInfo[]> {
  const build = (await import(pathToFileURL(resolve(import.meta.dirname, "../../build/index.js")).href)) as ServerBuild;
  const fullPath = (id: string): string => {
    const route = build.routes[id];
    if (!route) return "";
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return [parent, route.path ?? ""].filter(Boolean).join("/");
  };
  return Object.entries(build.routes)
    .filter(([id]) => id !== "root")
    .map(([id, route]) => ({
      pattern: `/${fullPath(id)}`.replace(/\/+/g, "/"),
      hasLoader: typeof route.module.loader === "function",
      hasAction: typeof route.module.action === "function",
    }));
}

/** A concrete URL for a pattern: ids, tokens and slugs filled in (a splat `*` becomes `x`). */
export function concrete(pattern: string, values: { id?: number; token?: string; other?: string } = {}): string {
  return pattern
    .replace(/:id\b/g, String(values.id ?? 1))
    .replace(/:token\b/g, values.token ?? "x".repeat(43))
    .replace(/:[a-zA-Z]+/g, values.other ?? "demo")
    .replace(/\*$/, "x");
}
