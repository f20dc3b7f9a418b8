import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireDevTools } from "../auth/guards.server";
import { listOutbox } from "../email/outbox.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDateTime } from "../utils/dates";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.dev.outboxTitle);

export async function loader(args: LoaderFunctionArgs) {
  await requireDevTools(args);
  const { request, context } = args;
  const to = new URL(request.url).searchParams.get("to")?.trim().slice(0, 254) || undefined;
  const messages = await listOutbox(context.services.db, { to, limit: 100 });
  return json({ messages, to: to ?? "" });
}

export default function Outbox() {
  const { messages, to } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.dev.outboxTitle}</h1>
        <p>{m.dev.outboxIntro}</p>
      </header>
      <Form method="get" className="filter-bar">
        <label>
          {m.dev.filterTo}
          <input type="email" name="to" defaultValue={to} />
        </label>
        <button type="submit" className="button button-secondary">
          {m.common.actions.search}
        </button>
      </Form>
      {messages.length === 0 ? (
        <p className="muted">{m.dev.empty}</p>
      ) : (
        <div className="card table-wrap" tabIndex={0} role="region" aria-label={m.dev.outboxTitle}>
          <table data-testid="outbox">
            <thead>
              <tr>
                <th>{m.dev.sentAt}</th>
                <th>{m.dev.to}</th>
                <th>{m.dev.subject}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((message) => (
                <tr key={message.id}>
                  <td className="small">{formatDateTime(message.created_at, locale)}</td>
                  <td>{message.to_address}</td>
                  <td>
                    <Link to={`/dev/outbox/${message.id}`}>{message.subject}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
