import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

// One fund today; the index goes straight to it.
export async function loader({ context }: LoaderFunctionArgs) {
  const fund = await context.services.db.selectFrom("funds").select("slug").orderBy("id").executeTakeFirst();
  if (!fund) throw new Response("Not Found", { status: 404 });
  return redirect(`/fund/${fund.slug}`);
}
