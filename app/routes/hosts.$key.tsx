import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ContestCard } from "../components/contest-card";
import { useMessages } from "../i18n/use-messages";
import { getHostPage } from "../orgs/hosts.server";
import { notFound } from "../utils/http.server";
import { titled } from "../utils/meta";

export const meta = titled<typeof loader>((m, data) => data?.host.name ?? m.contests.indexTitle);

export async function loader({ params, context }: LoaderFunctionArgs) {
  const page = await getHostPage(context.services.db, params.key ?? "");
  if (!page) throw notFound();
  return json(page);
}

export default function HostPage() {
  const { host, contests, funds } = useLoaderData<typeof loader>();
  const m = useMessages();
  const s = m.screening;
  return (
    <div className="container page">
      <header className="page-header">
        <span className="badge">{s.hostKinds[host.kind]}</span>
        <h1 style={{ marginTop: 10 }} data-testid="host-name">
          {host.name}
        </h1>
        <p className="muted">{host.region}</p>
      </header>
      <h2 className="section">{s.hostContests}</h2>
      {contests.length === 0 ? <p className="muted">{s.noHostContests}</p> : null}
      <div className="grid" data-testid="host-contests">
        {contests.map((contest) => (
          <ContestCard key={contest.id} contest={contest} heading="h3" />
        ))}
      </div>
      {funds.length > 0 ? (
        <>
          <h2 className="section">{s.hostFunds}</h2>
          <ul className="plain-list">
            {funds.map((fund) => (
              <li key={fund.id}>
                <Link to={`/fund/${fund.slug}`}>{fund.name}</Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
