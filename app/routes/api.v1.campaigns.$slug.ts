import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { campaignOpenData } from "../campaigns/open-data.server";

export async function loader({ params, context }: LoaderFunctionArgs) {
  const data = await campaignOpenData(context.services.db, params.slug ?? "");
  if (!data) return json({ error: "not found" }, { status: 404 });
  return json(data, { headers: { "Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*" } });
}
