import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import { resolveLocale, type Locale } from "../i18n/locale";
import { LOCALE_COOKIE } from "../i18n/locale.server";
import { concurrencyLimit } from "../utils/concurrency-limit";
import { cookieValue } from "../utils/cookies";
import type { DataVersionSource } from "./data-version.server";
import { chooseEncoding, etagMatches, freshness, isSharedPage, type CachedRendering, type Encoding, type FreshnessPolicy } from "./page-cache";
import { SESSION_COOKIE } from "../auth/session.server";

// Rendered public pages for anonymous visitors, kept per process and keyed by URL, locale and
// data version (decision 45). Each rendering is compressed once per encoding and served until the version
// moves; a key is rendered by one request at a time and the others wait for it or get the
// previous rendering while it is made.

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

export interface PageCacheSettings extends FreshnessPolicy {
  /** Largest size of all kept renderings (bytes, all encodings). */
  maxBytes: number;
  /** Cache-Control for shared caches (a CDN or proxy in front). */
  sharedMaxAgeSeconds: number;
  sharedStaleSeconds: number;
  /**
   * Renderings a process makes at once (decision 86); more wait their turn, so that pages already
   * rendered are not served behind them.
   */
  rendersAtOnce: number;
}

/** Production: the version is read every 250 ms, so a change shows within about a second. */
export const PAGE_CACHE_SETTINGS: PageCacheSettings & { versionMaxAgeMs: number } = {
  versionMaxAgeMs: 250,
  staleOnChangeMs: 500,
  freshMs: 5_000,
  staleMs: 60_000,
  maxBytes: 64 * 1024 * 1024,
  sharedMaxAgeSeconds: 1,
  sharedStaleSeconds: 1,
  rendersAtOnce: 3,
};

/** A rendered response, as the renderer hands it over. */
export interface Rendered {
  status: number;
  headers: Headers;
  body: Buffer;
}

interface Entry extends CachedRendering {
  headers: Record<string, string>;
  etag: string;
  /** Each encoding made once, when a client first asks for it. */
  bodies: Partial<Record<Encoding, Promise<Buffer>>> & { identity: Promise<Buffer> };
  bytes: number;
}

/** A rendering that is not kept (not 200, or it tried to set a cookie): sent as it is, to the requests that waited for it. */
interface Passthrough {
  passthrough: Rendered;
}

const DROPPED_HEADERS = new Set(["content-length", "content-encoding", "cache-control", "set-cookie", "etag", "vary", "date", "connection", "transfer-encoding"]);

/** Who a rendering is for beyond its language: with dev tools on, a visitor on this machine also sees their links. */
export type Audience = "local" | "anyone";

export interface PageCacheOptions {
  settings: PageCacheSettings;
  versions: DataVersionSource;
  /** Part of the version that names the app clock's time (a moved clock is a new version). */
  clockVersion(): string;
  /** Renders `pathAndQuery` for an anonymous visitor in `locale`, with no other cookie. */
  render(pathAndQuery: string, locale: Locale, audience: Audience): Promise<Rendered>;
  log(line: string): void;
}

export interface PageCache {
  /** Whether this request is answered from the shared renderings (GET or HEAD of a shared page, no session). */
  accepts(req: IncomingMessage): boolean;
  /** Answers from the shared renderings; false (nothing sent) when the data version cannot be read, so the request is rendered as usual. */
  serve(req: IncomingMessage, res: ServerResponse, audience: Audience): Promise<boolean>;
}

function hasSessionCookie(req: IncomingMessage): boolean {
  const cookie = req.headers.cookie;
  return cookie !== undefined && cookieValue(cookie, SESSION_COOKIE) !== undefined;
}

function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}

export function createPageCache(options: PageCacheOptions): PageCache {
  const { settings } = options;
  const entries = new Map<string, Entry>();
  const rendering = new Map<string, { version: string; promise: Promise<Entry | Passthrough> }>();
  let bytes = 0;
  const renderInTurn = concurrencyLimit(settings.rendersAtOnce);
  const cacheControl = `public, max-age=0, s-maxage=${settings.sharedMaxAgeSeconds}, stale-while-revalidate=${settings.sharedStaleSeconds}`;

  const keep = (key: string, entry: Entry) => {
    const previous = entries.get(key);
    // A slower render of an older version never replaces a newer one.
    if (previous && previous.renderedAt > entry.renderedAt) return;
    if (previous) {
      bytes -= previous.bytes;
      entries.delete(key);
    }
    entries.set(key, entry);
    bytes += entry.bytes;
    for (const [oldest, old] of entries) {
      if (bytes <= settings.maxBytes) break;
      entries.delete(oldest);
      bytes -= old.bytes;
    }
  };

  const renderEntry = async (key: string, url: string, locale: Locale, audience: Audience, version: string): Promise<Entry | Passthrough> => {
    const renderedAt = performance.now();
    const rendered = await renderInTurn(() => options.render(url, locale, audience));
    if (rendered.status !== 200 || rendered.headers.has("set-cookie")) {
      if (rendered.headers.has("set-cookie")) options.log(`[page-cache] ${url} tried to set a cookie in a shared rendering; not kept`);
      rendered.headers.delete("set-cookie");
      return { passthrough: rendered };
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of rendered.headers) if (!DROPPED_HEADERS.has(name)) headers[name] = value;
    const etag = `W/"${createHash("sha256").update(rendered.body).digest("base64url").slice(0, 27)}"`;
    // Counted at twice the page: room for its compressed copies.
    const entry: Entry = { version, renderedAt, headers, etag, bodies: { identity: Promise.resolve(rendered.body) }, bytes: 2 * rendered.body.length };
    keep(key, entry);
    return entry;
  };

  const bodyOf = (entry: Entry, encoding: Encoding): Promise<Buffer> => {
    const made = entry.bodies[encoding];
    if (made) return made;
    const compressed = entry.bodies.identity.then((body) =>
      encoding === "br" ? brotli(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length } }) : gzipped(body),
    );
    entry.bodies[encoding] = compressed;
    return compressed;
  };

  /** One render per key and version at a time: later requests join it. */
  const renderOnce = (key: string, url: string, locale: Locale, audience: Audience, version: string): Promise<Entry | Passthrough> => {
    const running = rendering.get(key);
    if (running && running.version === version) return running.promise;
    const promise = renderEntry(key, url, locale, audience, version).finally(() => {
      if (rendering.get(key)?.promise === promise) rendering.delete(key);
    });
    rendering.set(key, { version, promise });
    return promise;
  };

  const send = async (req: IncomingMessage, res: ServerResponse, entry: Entry, status: string) => {
    const common = { "Cache-Control": cacheControl, ETag: entry.etag, Vary: "Accept-Encoding, Cookie", "X-Page-Cache": status };
    if (etagMatches(req.headers["if-none-match"], entry.etag)) {
      res.writeHead(304, common);
      res.end();
      return;
    }
    const encoding = chooseEncoding(req.headers["accept-encoding"]);
    const body = await bodyOf(entry, encoding);
    res.writeHead(200, {
      ...entry.headers,
      ...common,
      ...(encoding === "identity" ? {} : { "Content-Encoding": encoding }),
      "Content-Length": String(body.length),
    });
    res.end(req.method === "HEAD" ? undefined : body);
  };

  const sendPassthrough = (req: IncomingMessage, res: ServerResponse, { status, headers, body }: Rendered) => {
    res.writeHead(status, { ...Object.fromEntries(headers), "Cache-Control": "no-store", "Content-Length": String(body.length), "X-Page-Cache": "pass" });
    res.end(req.method === "HEAD" ? undefined : body);
  };

  return {
    accepts(req) {
      return (req.method === "GET" || req.method === "HEAD") && isSharedPage(pathOf(req.url ?? "")) && !hasSessionCookie(req);
    },

    async serve(req, res, audience) {
      const url = req.url ?? "/";
      const locale = resolveLocale(cookieValue(req.headers.cookie ?? "", LOCALE_COOKIE));
      const key = `${locale} ${audience} ${url}`;
      const dataVersion = await options.versions.current().catch((error: unknown) => {
        options.log(`[page-cache] data version unreadable: ${String(error)}`);
        return null;
      });
      if (dataVersion === null) return false;
      const version = `${dataVersion}/${options.clockVersion()}`;
      const entry = entries.get(key);
      const state = freshness(entry, version, performance.now(), settings);
      if (entry && state !== "render") {
        if (state === "stale") {
          renderOnce(key, url, locale, audience, version).catch((error: unknown) => options.log(`[page-cache] ${url}: ${String(error)}`));
        }
        await send(req, res, entry, state === "fresh" ? "hit" : "stale");
        return true;
      }
      const result = await renderOnce(key, url, locale, audience, version);
      if ("passthrough" in result) sendPassthrough(req, res, result.passthrough);
      else await send(req, res, result, "miss");
      return true;
    },
  };
}
