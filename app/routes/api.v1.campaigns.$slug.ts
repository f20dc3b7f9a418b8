import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { campaignOpenData } from "../campaigns/open-data.server";
import { publicReader } from "../server/public-reads.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const data = await campaignOpenData(await publicReader({ request, context }), params.slug ?? "");
  if (!data) return json({ error: "not found" }, { status: 404 });
  return json(data, { headers: { "Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*" } });
}
