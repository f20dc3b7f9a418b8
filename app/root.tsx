import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, type ShouldRevalidateFunction } from "@remix-run/react";
import type { ReactNode } from "react";
import { mayUseDevTools } from "./auth/guards.server";
import { getSessionUser } from "./auth/session.server";
import { GeneralErrorBoundary } from "./components/error-boundary";
import { SiteLayout } from "./components/site-layout";
import { isLocale } from "./i18n/locale";
import { localeOf } from "./i18n/locale.server";
import { dictionaries } from "./i18n/messages";
import { useLocale } from "./i18n/use-messages";
import { isSharedPage } from "./page-cache/page-cache";
import stylesheet from "./styles/app.css";
import { ensureCsrfToken } from "./utils/csrf.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/** The site's name, and on an error page what went wrong (pages set their own titles). */
export const meta: MetaFunction<typeof loader> = ({ data, error }) => {
  const m = dictionaries[isLocale(data?.locale) ? data.locale : "ko"];
  if (!error) return [{ title: m.common.brand }];
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const e = m.common.errorPage;
  const title = status === 404 ? e.notFoundTitle : status === 403 ? e.forbiddenTitle : status >= 500 ? e.serverTitle : e.otherTitle;
  return [{ title: `${title} · ${m.common.brand}` }];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = context;
  if (context.sharedRendering) {
    // The same page for every anonymous visitor: its forms need no token (decision 46).
    return json({ locale: localeOf(request), csrfToken: null, devTools: mayUseDevTools(context, null), user: null });
  }
  const user = await getSessionUser(request, context);
  const csrf = ensureCsrfToken(request, services.origin);
  const data = {
    locale: localeOf(request),
    csrfToken: csrf.token,
    devTools: mayUseDevTools(context, user),
    user: user
      ? {
          displayName: user.displayName,
          email: user.email,
          isPlatformAdmin: user.isPlatformAdmin,
          isStaff: user.staffRoles.length > 0,
        }
      : null,
  };
  return json(data, csrf.setCookie ? { headers: { "Set-Cookie": csrf.setCookie } } : undefined);
}

/** Moving between a shared page (no CSRF token in its data) and any other page loads the root data again. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, defaultShouldRevalidate }) =>
  defaultShouldRevalidate || isSharedPage(currentUrl.pathname) !== isSharedPage(nextUrl.pathname);

export function Layout({ children }: { children: ReactNode }) {
  const locale = useLocale();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <SiteLayout>
      <Outlet />
    </SiteLayout>
  );
}

export function ErrorBoundary() {
  return (
    <SiteLayout>
      <GeneralErrorBoundary />
    </SiteLayout>
  );
}
