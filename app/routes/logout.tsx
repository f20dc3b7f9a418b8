import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { logOut } from "../auth/auth.server";
import { clearSessionCookie, readSessionToken } from "../auth/session.server";
import { withNotice } from "../components/notice";

export async function action({ request, context }: ActionFunctionArgs) {
  const { db, clock, origin } = context.services;
  await logOut(db, readSessionToken(request), clock.now());
  return redirect(withNotice("/", "loggedOut"), { headers: { "Set-Cookie": clearSessionCookie(origin) } });
}

export function loader() {
  return redirect("/");
}
