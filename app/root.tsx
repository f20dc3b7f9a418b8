import { json, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import type { ReactNode } from "react";
import { mayUseDevTools } from "./auth/guards.server";
import { getSessionUser } from "./auth/session.server";
import { GeneralErrorBoundary } from "./components/error-boundary";
import { SiteLayout } from "./components/site-layout";
import { localeOf } from "./i18n/locale.server";
import { useLocale } from "./i18n/use-messages";
import stylesheet from "./styles/app.css";
import { ensureCsrfToken } from "./utils/csrf.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = context;
  const user = await getSessionUser(request, services);
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
