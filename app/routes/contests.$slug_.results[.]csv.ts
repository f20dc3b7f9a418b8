import type { LoaderFunctionArgs } from "@remix-run/node";
import { getPublishedContest } from "../contests/contests.server";
import { getRoundResults } from "../contests/results.server";
import { ROUND_CSV_HEADER, roundCsvRows } from "../contests/results";
import { screeningCsv, selectsByScreening } from "../contests/screening";
import { getScreeningCallResults } from "../contests/screening.server";
import { CSV_BOM, toCsv } from "../utils/csv";
import { publicReader } from "../server/public-reads.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const db = await publicReader({ request, context });
  const contest = await getPublishedContest(db, params.slug ?? "");
  if (!contest) return new Response("not found\n", { status: 404 });
  const body = selectsByScreening(contest.kind) ? screeningCsv(contest.kind, await getScreeningCallResults(db, contest)) : toCsv(ROUND_CSV_HEADER, roundCsvRows(await getRoundResults(db, contest.id)));
  // A byte-order mark so spreadsheet programs read the Korean text as UTF-8.
  return new Response(`${CSV_BOM}${body}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${contest.slug}-results.csv"`,
      "Access-Control-Allow-Origin": "*",
    },
  });
}
