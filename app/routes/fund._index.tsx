import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { firstFundSlug } from "../fund/fund.server";

// One fund today; the index goes straight to it.
export async function loader({ context }: LoaderFunctionArgs) {
  const slug = await firstFundSlug(context.services.db);
  if (!slug) throw new Response("Not Found", { status: 404 });
  return redirect(`/fund/${slug}`);
}
