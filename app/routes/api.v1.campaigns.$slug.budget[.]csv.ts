import type { LoaderFunctionArgs } from "@remix-run/node";
import { budgetCsv, campaignOpenData } from "../campaigns/open-data.server";
import { publicReader } from "../server/public-reads.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const data = await campaignOpenData(await publicReader({ request, context }), params.slug ?? "");
  if (!data) return new Response("not found\n", { status: 404 });
  // A byte-order mark so spreadsheet programs read the Korean text as UTF-8.
  return new Response(`\uFEFF${budgetCsv(data)}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${data.slug}-budget.csv"`,
      "Access-Control-Allow-Origin": "*",
    },
  });
}
