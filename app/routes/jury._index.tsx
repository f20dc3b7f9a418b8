import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireAnyStaff } from "../auth/guards.server";
import { listApplicationsForJuror, listJurorContests } from "../contests/jury.server";
import { useMessages } from "../i18n/use-messages";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.contestWork.jurorHome);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireAnyStaff(args, ["juror"]);
  const { db } = args.context.services;
  const contests = await listJurorContests(db, user.id);
  const withApplications = await Promise.all(contests.map(async (c) => ({ ...c, applications: c.selected_at ? [] : await listApplicationsForJuror(db, c.id, user.id) })));
  return json({ contests: withApplications });
}

export default function JuryHome() {
  const { contests } = useLoaderData<typeof loader>();
  const m = useMessages();
  const w = m.contestWork;
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{w.jurorHome}</h1>
        <p>{w.jurorIntro}</p>
      </header>
      {contests.length === 0 ? <p className="muted">{w.noJuryContests}</p> : null}
      {contests.map((c) => (
        <section key={c.id} className="card" data-testid="jury-contest">
          <h2>{c.title}</h2>
          <p className="muted small">
            {c.host_name}
            {c.selected_at ? (
              <>
                {" · "}
                <span className="badge badge-success">{w.selectedDone}</span> <Link to={`/contests/${c.slug}`}>{w.rankingTitle}</Link>
              </>
            ) : null}
          </p>
          {c.applications.length > 0 ? (
            <ul className="plain-list">
              {c.applications.map((a) => (
                <li key={a.id} className="row-between">
                  <span>
                    <strong>{a.title}</strong> <span className="muted small">{a.enterprise_name}</span>
                  </span>
                  <span>
                    {a.conflict ? <span className="badge badge-warning">{w.conflict}</span> : a.scored ? <span className="badge badge-success">{w.scored}</span> : null}{" "}
                    <Link to={`/jury/applications/${a.id}`} className="button button-secondary button-small">
                      {w.scoreIt}
                    </Link>
                  </span>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ))}
    </div>
  );
}
