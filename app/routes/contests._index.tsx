import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ContestCard } from "../components/contest-card";
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
          <ContestCard key={contest.id} contest={contest} />
        ))}
      </div>
    </div>
  );
}
