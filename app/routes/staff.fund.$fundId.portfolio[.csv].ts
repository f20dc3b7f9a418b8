import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireFundStaff } from "../fund/fund-access.server";
import { portfolioCsv } from "../loans/portfolio";
import { loadPortfolio } from "../loans/portfolio.server";
import { seoulDate } from "../utils/dates";

export async function loader(args: LoaderFunctionArgs) {
  const { fund } = await requireFundStaff(args, "read");
  const { db, clock } = args.context.services;
  const today = seoulDate(clock.now());
  const csv = portfolioCsv(await loadPortfolio(db, fund.id, today));
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="portfolio-fund-${fund.id}-${today}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
