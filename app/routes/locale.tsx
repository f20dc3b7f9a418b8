import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { setUserLocale } from "../auth/auth.server";
import { optionalUser } from "../auth/guards.server";
import { isLocale } from "../i18n/locale";
import { localeCookie } from "../i18n/locale.server";
import { safeRedirect } from "../utils/redirects";

export async function action(args: ActionFunctionArgs) {
  const { request, context } = args;
  const formData = await request.formData();
  const locale = formData.get("locale");
  const target = safeRedirect(formData.get("next"));
  if (!isLocale(locale)) return redirect(target);
  const user = await optionalUser(args);
  if (user) await setUserLocale(context.services.db, user.id, locale);
  return redirect(target, { headers: { "Set-Cookie": localeCookie(locale, context.services.origin) } });
}

/** The anonymous visitor's switch (a GET form on pages shared by every visitor): only the cookie. */
export function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const locale = url.searchParams.get("locale");
  const target = safeRedirect(url.searchParams.get("next"));
  if (!isLocale(locale)) return redirect(target);
  return redirect(target, { headers: { "Set-Cookie": localeCookie(locale, context.services.origin) } });
}
