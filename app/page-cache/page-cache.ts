// Which pages are shared between anonymous visitors, and when a cached rendering may be served
// (decision 45). Pure: used by the server's page cache and by the root route in the browser.

/** Public pages served to visitors who are not signed in from one shared rendering per locale. */
const SHARED_PAGES = [
  /^\/$/,
  /^\/campaigns$/,
  /^\/campaigns\/[^/]+$/,
  /^\/contests\/[^/]+$/,
  /^\/contests\/[^/]+\/results$/,
  /^\/fund\/[^/]+$/,
  /^\/ledger$/,
  /^\/ledger\/accounts\/[^/]+$/,
  /^\/ledger\/entries\/[^/]+$/,
  /^\/ledger\/checkpoints$/,
];

export function isSharedPage(pathname: string): boolean {
  return SHARED_PAGES.some((pattern) => pattern.test(pathname));
}

export interface FreshnessPolicy {
  /** An entry of the current data version is fresh for this long after it was rendered. */
  freshMs: number;
  /** …then served while it is rendered again, until this long after it was rendered. */
  staleMs: number;
  /** After the data version moved, an entry rendered less than this long ago is served while it is rendered again. */
  staleOnChangeMs: number;
}

export interface CachedRendering {
  /** Data version (and clock) the rendering was made for. */
  version: string;
  /** performance.now() when its render started. */
  renderedAt: number;
}

/** fresh: serve it; stale: serve it and render again in the background; render: wait for a new rendering. */
export type Freshness = "fresh" | "stale" | "render";

export function freshness(entry: CachedRendering | undefined, version: string, now: number, policy: FreshnessPolicy): Freshness {
  if (!entry) return "render";
  const age = now - entry.renderedAt;
  if (entry.version !== version) return age < policy.staleOnChangeMs ? "stale" : "render";
  if (age < policy.freshMs) return "fresh";
  return age < policy.staleMs ? "stale" : "render";
}

export type Encoding = "br" | "gzip" | "identity";

/** The best of the offered encodings the client accepts (RFC 9110 Accept-Encoding, q=0 refuses). */
export function chooseEncoding(acceptEncoding: string | undefined, offered: readonly Encoding[] = ["br", "gzip"]): Encoding {
  if (!acceptEncoding) return "identity";
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    accepted.set(name.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: string) => accepted.get(name) ?? accepted.get("*") ?? 0;
  if (offered.includes("br") && weightOf("br") > 0) return "br";
  if (offered.includes("gzip") && (weightOf("gzip") > 0 || (accepted.get("x-gzip") ?? 0) > 0)) return "gzip";
  return "identity";
}

/** Whether an If-None-Match header names this (weak) entity tag (RFC 9110 weak comparison). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  const mine = opaque(etag);
  return ifNoneMatch.split(",").some((tag) => opaque(tag) === mine);
}
