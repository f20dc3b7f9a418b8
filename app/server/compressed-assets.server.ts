import { readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { RequestHandler } from "express";
import { chooseEncoding, type Encoding } from "../page-cache/page-cache";

// Built scripts and stylesheets go out compressed (decision 77): `npm run build` writes each one's
// brotli and gzip variants beside it (scripts/compress-assets.ts), and the web processes pick the
// variant the client takes, so nothing is compressed per request.

// The built files worth compressing (text), with what the static server says for the original
// (it keeps a Content-Type already set).
const CONTENT_TYPES: Record<string, string> = {
  js: "application/javascript; charset=UTF-8",
  css: "text/css; charset=UTF-8",
  svg: "image/svg+xml",
  json: "application/json; charset=UTF-8",
};
export const COMPRESSIBLE_ASSET = new RegExp(`\\.(?:${Object.keys(CONTENT_TYPES).join("|")})$`);
export const PRECOMPRESSED_SUFFIX: Record<Exclude<Encoding, "identity">, string> = { br: ".br", gzip: ".gz" };

/** Which variants each file has, keyed by its URL path under `dir` ("/_assets/app-X.css"). */
function findPrecompressed(dir: string): Map<string, Encoding[]> {
  const files = new Set(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)));
  const variants = new Map<string, Encoding[]>();
  for (const file of files) {
    if (!COMPRESSIBLE_ASSET.test(file)) continue;
    const offered = (["br", "gzip"] as const).filter((encoding) => files.has(file + PRECOMPRESSED_SUFFIX[encoding]));
    if (offered.length > 0) variants.set(`/${relative(dir, file).split(sep).join("/")}`, offered);
  }
  return variants;
}

/**
 * Mounted before the static server of `dir`: a request for a file with variants is answered with
 * the one the client accepts (the static server then sends that file, with its own length and
 * ETag), and says `Vary: Accept-Encoding` whichever it gets.
 */
export function precompressedAssets(dir: string): RequestHandler {
  const variants = findPrecompressed(dir);
  return (req, res, next) => {
    const offered = req.method === "GET" || req.method === "HEAD" ? variants.get(req.path) : undefined;
    if (!offered) return next();
    res.setHeader("Vary", "Accept-Encoding");
    const encoding = chooseEncoding(req.headers["accept-encoding"], offered);
    if (encoding === "identity") return next();
    res.setHeader("Content-Encoding", encoding);
    res.setHeader("Content-Type", CONTENT_TYPES[req.path.slice(req.path.lastIndexOf(".") + 1)] ?? "application/octet-stream");
    req.url = req.path + PRECOMPRESSED_SUFFIX[encoding] + req.url.slice(req.path.length);
    next();
  };
}
