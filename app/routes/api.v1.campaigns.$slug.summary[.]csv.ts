import type { LoaderFunctionArgs } from "@remix-run/node";
import { campaignOpenData, summaryCsv } from "../campaigns/open-data.server";
import { CSV_BOM } from "../utils/csv";
import { publicReader } from "../server/public-reads.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const data = await campaignOpenData(await publicReader({ request, context }), params.slug ?? "");
  if (!data) return new Response("not found\n", { status: 404 });
  return new Response(`${CSV_BOM}${summaryCsv(data)}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${data.slug}-summary.csv"`,
      "Access-Control-Allow-Origin": "*",
    },
  });
}
