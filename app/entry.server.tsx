import type { ActionFunctionArgs, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
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

/** Unexpected server errors, logged without personal data (S7): the path with tokens masked, no query. */
export function handleError(error: unknown, { request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  if (request.signal.aborted) return;
  const path = new URL(request.url).pathname.replace(/\/[A-Za-z0-9_-]{16,}/g, "/:token");
  context.services.logger.error("request failed", error, { method: request.method, path });
}
