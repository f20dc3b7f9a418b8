import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "../auth/guards.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { listBackerPledges } from "../pledges/pledges.server";
import { formatDateTime } from "../utils/dates";
import { titled } from "../utils/meta";
import { formatWon } from "../utils/money";

export const meta = titled((m) => m.pledges.myTitle);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireUser(args);
  return json({ pledges: await listBackerPledges(args.context.services.db, user.id) });
}

export default function MyPledges() {
  const { pledges } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.pledges.myTitle}</h1>
      </header>
      {pledges.length === 0 ? (
        <p className="muted">{m.pledges.myEmpty}</p>
      ) : (
        <div className="card table-wrap" tabIndex={0} role="region" aria-label={m.pledges.myTitle}>
          <table data-testid="my-pledges">
            <thead>
              <tr>
                <th>{m.campaigns.indexTitle}</th>
                <th className="num">{m.pledges.amount}</th>
                <th>{m.campaigns.state}</th>
                <th>{m.pledges.createdAt}</th>
              </tr>
            </thead>
            <tbody>
              {pledges.map((pledge) => (
                <tr key={pledge.public_id}>
                  <td>
                    <Link to={`/pledges/${pledge.public_id}`}>{pledge.campaign_title}</Link>
                  </td>
                  <td className="num">{formatWon(pledge.amount_won, locale)}</td>
                  <td>{m.pledges.states[pledge.state]}</td>
                  <td className="small">{formatDateTime(pledge.created_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
