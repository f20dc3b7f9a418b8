import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { StageTimeline } from "../components/timeline";
import { listPublishedContests } from "../contests/contests.server";
import { useMessages } from "../i18n/use-messages";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.contests.indexTitle);

export async function loader({ context }: LoaderFunctionArgs) {
  return json({ contests: await listPublishedContests(context.services.db) });
}

export default function Contests() {
  const { contests } = useLoaderData<typeof loader>();
  const m = useMessages();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.contests.indexTitle}</h1>
        <p>{m.contests.indexIntro}</p>
      </header>
      <div className="grid">
        {contests.map((contest) => (
          <article key={contest.id} className="card">
            <span className="badge badge-brand">{m.contests.kinds[contest.kind]}</span>
            <h2 style={{ marginTop: 10 }}>
              <Link to={`/contests/${contest.slug}`}>{contest.title}</Link>
            </h2>
            <p className="muted small">{contest.host_name}</p>
            <StageTimeline stages={contest.stages} />
          </article>
        ))}
      </div>
    </div>
  );
}
