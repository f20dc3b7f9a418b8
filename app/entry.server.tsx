import type { EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";

// Rendered to a string, not streamed: React 18.3's streaming renderer (renderToPipeableStream)
// pads a chunk with NUL bytes when a multi-byte character (every Hangul syllable) falls on its
// 2 KiB boundary. The pages use no Suspense, so nothing is lost by not streaming.
export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
  const html = renderToString(<RemixServer context={remixContext} url={request.url} />);
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(`<!DOCTYPE html>${html}`, { status: responseStatusCode, headers: responseHeaders });
}
