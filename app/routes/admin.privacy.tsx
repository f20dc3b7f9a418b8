import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requirePlatformAdmin } from "../auth/guards.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { listAccountDeletions } from "../privacy/privacy.server";
import { formatDate, formatDateTime } from "../utils/dates";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.privacy.admin.title);

export async function loader(args: LoaderFunctionArgs) {
  await requirePlatformAdmin(args);
  return json({ deletions: await listAccountDeletions(args.context.services.db) });
}

/** Deletion requests and when each was completed, for the platform's administrators. */
export default function PrivacyRequests() {
  const { deletions } = useLoaderData<typeof loader>();
  const m = useMessages();
  const locale = useLocale();
  const a = m.privacy.admin;
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{a.title}</h1>
        <p>{a.intro}</p>
      </header>
      {deletions.length === 0 ? (
        <p className="muted">{a.none}</p>
      ) : (
        <div className="card table-wrap" tabIndex={0} role="region" aria-label={a.title}>
          <table data-testid="account-deletions">
            <thead>
              <tr>
                <th>{a.user}</th>
                <th>{a.requestedAt}</th>
                <th>{a.completedAt}</th>
                <th className="num">{a.pledgesKept}</th>
                <th>{a.keepUntil}</th>
              </tr>
            </thead>
            <tbody>
              {deletions.map((d) => (
                <tr key={d.id}>
                  <td>{`#${d.user_id}`}</td>
                  <td>{formatDateTime(d.requested_at, locale)}</td>
                  <td>{d.completed_at ? formatDateTime(d.completed_at, locale) : a.pending}</td>
                  <td className="num">{d.pledges_kept}</td>
                  <td>{d.keep_until ? formatDate(d.keep_until, locale) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
