import type { LoaderFunctionArgs } from "@remix-run/node";
import { idParam } from "../auth/guards.server";
import { requireContestStaff } from "../contests/guards.server";
import { scoreSheetCsv } from "../contests/jury.server";

/** The operator's score sheet: every jury and peer score with comments, then the ranking. */
export async function loader(args: LoaderFunctionArgs) {
  const { contest } = await requireContestStaff(args, idParam(args.params.id));
  const csv = await scoreSheetCsv(args.context.services.db, contest.id);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${contest.slug}-scores.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
