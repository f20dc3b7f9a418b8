import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { sql } from "kysely";

export async function loader({ context }: LoaderFunctionArgs) {
  try {
    await sql`SELECT 1`.execute(context.services.db);
    return json({ ok: true, db: "up" }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return json({ ok: false, db: "down" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
