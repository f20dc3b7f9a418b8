import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type * as Zlib from "node:zlib";
import { createPageCache, type PageCacheSettings, type Rendered } from "./page-cache.server";

// Counts the compressions the cache asks node:zlib for.
const compressions = vi.hoisted(() => ({ brotli: 0, gzip: 0 }));
vi.mock("node:zlib", async (importOriginal) => {
  const zlib = await importOriginal<typeof Zlib>();
  return {
    ...zlib,
    brotliCompress: (body: Buffer, options: Zlib.BrotliOptions, done: (error: Error | null, result: Buffer) => void) => {
      compressions.brotli += 1;
      zlib.brotliCompress(body, options, done);
    },
    gzip: (body: Buffer, done: (error: Error | null, result: Buffer) => void) => {
      compressions.gzip += 1;
      zlib.gzip(body, done);
    },
  };
});

const SETTINGS: PageCacheSettings = { freshMs: 60_000, staleMs: 120_000, staleOnChangeMs: 500, maxBytes: 1 << 20, sharedMaxAgeSeconds: 1, sharedStaleSeconds: 1, rendersAtOnce: 3 };
const PAGE = Buffer.from(`<!DOCTYPE html><html><body>${"함께펀드 캠페인 ".repeat(400)}</body></html>`);

let server: Server | null = null;
afterEach(async () => {
  server?.close();
  server = null;
});

/** A page cache in front of a renderer that takes `renderMs` and counts its renderings, on a local port. */
async function cacheInFront(renderMs: number) {
  const renders: string[] = [];
  let version = 1;
  const cache = createPageCache({
    settings: SETTINGS,
    versions: { current: async () => version, walPosition: () => "0/0" },
    clockVersion: () => "0",
    render: async (url): Promise<Rendered> => {
      renders.push(url);
      await new Promise((done) => setTimeout(done, renderMs));
      return { status: 200, headers: new Headers({ "Content-Type": "text/html; charset=utf-8" }), body: PAGE };
    },
    log: () => {},
  });
  server = createServer((req, res) => {
    void cache.serve(req, res, "anyone").then((served) => {
      if (!served) res.writeHead(500).end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, renders, moveVersion: () => (version += 1) };
}

describe("the page cache", () => {
  it("renders a page once for many visitors arriving together, and compresses it once per encoding", async () => {
    const { url, renders } = await cacheInFront(100);
    compressions.brotli = 0;
    compressions.gzip = 0;
    const visits = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const response = await fetch(`${url}/campaigns/shared`, { headers: { "Accept-Encoding": i % 4 === 0 ? "gzip" : "br, gzip" } });
        return { status: response.status, cache: response.headers.get("x-page-cache"), encoding: response.headers.get("content-encoding"), body: await response.text() };
      }),
    );
    expect(renders).toEqual(["/campaigns/shared"]);
    expect(visits.every((v) => v.status === 200 && v.cache === "miss" && v.body === PAGE.toString())).toBe(true);
    expect(visits.filter((v) => v.encoding === "gzip")).toHaveLength(10);
    expect(compressions).toEqual({ brotli: 1, gzip: 1 });

    const later = await fetch(`${url}/campaigns/shared`, { headers: { "Accept-Encoding": "br" } });
    expect(later.headers.get("x-page-cache")).toBe("hit");
    expect(await later.text()).toBe(PAGE.toString());
    expect(renders).toHaveLength(1);
    expect(compressions).toEqual({ brotli: 1, gzip: 1 });
  });

  it("serves the last rendering while one request renders the page again for a new data version", async () => {
    const { url, renders, moveVersion } = await cacheInFront(300);
    await (await fetch(`${url}/ledger`)).text();
    moveVersion();
    const during = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(`${url}/ledger`)).headers.get("x-page-cache")));
    expect(during.every((state) => state === "stale")).toBe(true);
    await vi.waitFor(async () => expect((await fetch(`${url}/ledger`)).headers.get("x-page-cache")).toBe("hit"), { timeout: 5_000, interval: 50 });
    expect(renders).toEqual(["/ledger", "/ledger"]);
  });
});
