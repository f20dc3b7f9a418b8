import { Link, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { useMessages } from "../i18n/use-messages";

/** The one error page: 404, 403 and anything unexpected, in the visitor's language. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const m = useMessages().common.errorPage;
  let status = 500;
  if (isRouteErrorResponse(error)) status = error.status;
  const [title, body] =
    status === 404
      ? [m.notFoundTitle, m.notFoundBody]
      : status === 403
        ? [m.forbiddenTitle, m.forbiddenBody]
        : status >= 500
          ? [m.serverTitle, m.serverBody]
          : [m.otherTitle, m.serverBody];
  return (
    <section className="container error-page" data-testid="error-page" data-status={status}>
      <p className="error-status">{status}</p>
      <h1>{title}</h1>
      <p>{body}</p>
      <Link to="/" className="button button-primary">
        {m.home}
      </Link>
    </section>
  );
}
