import { gzipSync } from "node:zlib";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseTilePath } from "../ledger/merkle";
import { readTile } from "../ledger/merkle.server";

// GET /ledger/tile/<L>/<N>[.p/<W>] and /ledger/tile/entries/<N>[.p/<W>] (C2SP tlog-tiles): the
// Merkle tree's tiles and the entry bundles. A tile never changes once it exists, so any cache,
// CDN or static mirror may keep it for good; one the tree does not have yet is a 404.
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const tile = parseTilePath(params["*"] ?? "");
  const body = tile ? await readTile(context.services.db, tile) : null;
  const headers: Record<string, string> = { "Access-Control-Allow-Origin": "*" };
  if (!body) return new Response("No such tile.\n", { status: 404, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  headers["Content-Type"] = "application/octet-stream";
  headers["Cache-Control"] = "public, max-age=31536000, immutable";
  if (tile?.kind === "entries") {
    // tlog-tiles: entry bundles SHOULD be compressed at the HTTP layer.
    headers.Vary = "Accept-Encoding";
    if (/\bgzip\b/.test(request.headers.get("Accept-Encoding") ?? "")) {
      return new Response(new Uint8Array(gzipSync(body)), { headers: { ...headers, "Content-Encoding": "gzip" } });
    }
  }
  return new Response(new Uint8Array(body), { headers });
}
