import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { idParam, requireDevTools } from "../auth/guards.server";
import { renderOutboxMessage } from "../email/outbox.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDateTime } from "../utils/dates";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => data?.message.subject ?? m.dev.outboxTitle);

export async function loader(args: LoaderFunctionArgs) {
  await requireDevTools(args);
  const { params, context } = args;
  const message = await renderOutboxMessage(context.services.db, idParam(params.id));
  if (!message) throw notFound();
  return json({ message });
}

export default function OutboxMessage() {
  const { message } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const links = [...message.text_body.matchAll(/https?:\/\/[^\s\])]+/g)].map((match) => match[0]);
  return (
    <div className="container page">
      <p>
        <Link to="/dev/outbox">← {m.dev.outboxTitle}</Link>
      </p>
      <header className="page-header">
        <h1 data-testid="email-subject">{message.subject}</h1>
        <p>
          {m.dev.to}: {message.to_address} · {formatDateTime(message.created_at, locale)}
        </p>
      </header>
      {links.length > 0 ? (
        <ul data-testid="email-links">
          {[...new Set(links)].map((href) => (
            <li key={href}>
              <a href={href}>{href}</a>
            </li>
          ))}
        </ul>
      ) : null}
      <iframe title={message.subject} className="email-frame" sandbox="" srcDoc={message.html} />
      <details style={{ marginTop: 16 }}>
        <summary>text/plain</summary>
        <pre style={{ whiteSpace: "pre-wrap" }} data-testid="email-text">
          {message.text_body}
        </pre>
      </details>
    </div>
  );
}
