import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "../auth/guards.server";
import { personalDataCsv } from "../privacy/personal-data";
import { exportPersonalData } from "../privacy/privacy.server";

// The signed-in person's own data (PIPA art. 35), as CSV: section, row, field, value.
export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  const { db, clock } = args.context.services;
  const data = await exportPersonalData(db, user.id, clock.now());
  return new Response(personalDataCsv(data), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="hamkke-my-data.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
