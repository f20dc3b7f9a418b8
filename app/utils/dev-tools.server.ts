import type { AppLoadContext } from "@remix-run/node";
import { notFound } from "./http.server";

/** Dev-only pages exist only where DEV_TOOLS is on (the embedded demo, tests). */
export function requireDevTools(context: AppLoadContext): void {
  if (!context.services.devTools) throw notFound();
}
