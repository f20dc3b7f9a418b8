import { readdirSync, readFileSync } from "node:fs";
import { get } from "node:http";
import { resolve } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/db";

// Built assets go out precompressed (decision 77): `npm run build` wrote the variants; the app
// picks the one the client takes. Raw HTTP, because fetch would decode the body for us.

const assetsDir = resolve(import.meta.dirname, "../../build/public/build/_assets");
const stylesheet = readdirSync(assetsDir).find((name) => name.endsWith(".css")) ?? "";
const original = readFileSync(resolve(assetsDir, stylesheet));

let t: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  t = await createTestDatabase();
  app = await startApp(t.db);
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

function fetchRaw(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((done, fail) => {
    get(`${app.url}${path}`, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => done({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", fail);
    }).on("error", fail);
  });
}

describe("built assets", () => {
  const path = `/build/_assets/${stylesheet}`;

  it("were compressed by the build", () => {
    expect(stylesheet).not.toBe("");
    const brotli = readFileSync(resolve(assetsDir, `${stylesheet}.br`));
    expect(brotli.length).toBeLessThan(original.length / 3);
    expect(brotliDecompressSync(brotli).equals(original)).toBe(true);
  });

  it("go out in brotli to a browser, the same bytes once decoded, with the original's type and a year's cache", async () => {
    const response = await fetchRaw(path, { "Accept-Encoding": "gzip, deflate, br" });
    expect(response.status).toBe(200);
    expect(response.headers["content-encoding"]).toBe("br");
    expect(response.headers["content-type"]).toBe("text/css; charset=UTF-8");
    expect(response.headers.vary).toBe("Accept-Encoding");
    expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(Number(response.headers["content-length"])).toBe(response.body.length);
    expect(brotliDecompressSync(response.body).equals(original)).toBe(true);
  });

  it("go out in gzip where brotli is refused, and as they are without Accept-Encoding", async () => {
    const gzipped = await fetchRaw(path, { "Accept-Encoding": "br;q=0, gzip" });
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzipped.body).equals(original)).toBe(true);
    const plain = await fetchRaw(path, {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Accept-Encoding");
    expect(plain.headers["content-type"]).toBe("text/css; charset=UTF-8");
    expect(plain.body.equals(original)).toBe(true);
  });

  it("keep a validator per encoding: a revalidation gets 304, and one encoding's ETag is not another's", async () => {
    const brotli = await fetchRaw(path, { "Accept-Encoding": "br" });
    const plain = await fetchRaw(path, {});
    expect(brotli.headers.etag).toBeTruthy();
    expect(brotli.headers.etag).not.toBe(plain.headers.etag);
    const again = await fetchRaw(path, { "Accept-Encoding": "br", "If-None-Match": String(brotli.headers.etag) });
    expect(again.status).toBe(304);
  });

  it("leave a missing asset a 404", async () => {
    expect((await fetchRaw(`/build/_assets/no-such-${stylesheet}`, { "Accept-Encoding": "br" })).status).toBe(404);
  });
});
