import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireAnyStaff, staffHostIds } from "../auth/guards.server";
import { listContestsForHosts } from "../contests/setup.server";
import { useMessages } from "../i18n/use-messages";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.contestWork.staffTitle);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireAnyStaff(args, ["operator"]);
  return json({ contests: await listContestsForHosts(args.context.services.db, staffHostIds(user, ["operator"])) });
}

export default function StaffContests() {
  const { contests } = useLoaderData<typeof loader>();
  const m = useMessages();
  const w = m.contestWork;
  return (
    <div className="container page">
      <header className="page-header page-header-row">
        <div>
          <h1>{w.staffTitle}</h1>
          <p>{w.staffIntro}</p>
        </div>
        <Link to="/staff/contests/new" className="button button-primary">
          {w.newContest}
        </Link>
      </header>
      {contests.length === 0 ? <p className="muted">{w.noContests}</p> : null}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={w.staffTitle}>
        <table data-testid="staff-contests">
          <thead>
            <tr>
              <th>{w.fields.title}</th>
              <th>{w.fields.host}</th>
              <th>{w.fields.applicationsCloseOn}</th>
              <th>{w.statusTitle}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {contests.map((c) => (
              <tr key={c.id}>
                <td>
                  <strong>{c.title}</strong>
                  <div className="muted small">{m.contests.kinds[c.kind]}</div>
                </td>
                <td>{c.host_name}</td>
                <td>{c.applications_close_on ?? "–"}</td>
                <td>
                  <span className={`badge ${c.published ? "badge-live" : ""}`}>{c.published ? w.published : w.draft}</span>{" "}
                  {c.selected_at ? <span className="badge badge-success">{w.selectedDone}</span> : null}
                  <div className="muted small">{w.submittedCount(Number(c.submitted_count ?? 0))}</div>
                </td>
                <td>
                  <Link to={`/staff/contests/${c.id}`} className="button button-secondary button-small">
                    {w.manage}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
