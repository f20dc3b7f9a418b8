import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "../auth/guards.server";
import { exportPersonalData } from "../privacy/privacy.server";

// The signed-in person's own data (PIPA art. 35), as JSON. Never cached: it is personal.
export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const { db, clock } = args.context.services;
  const data = await exportPersonalData(db, user.id, clock.now());
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="hamkke-my-data.json"`,
      "Cache-Control": "no-store",
    },
  });
}
