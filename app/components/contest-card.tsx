import type { SerializeFrom } from "@remix-run/node";
import { Link } from "@remix-run/react";
import type { listPublishedContests } from "../contests/contests.server";
import { useMessages } from "../i18n/use-messages";
import { StageTimeline } from "./timeline";

type PublishedContest = SerializeFrom<Awaited<ReturnType<typeof listPublishedContests>>[number]>;

/** A published contest in a list: its kind, title, host (linked to the host's page) and timeline. */
export function ContestCard({ contest, heading: Heading = "h2" }: { contest: PublishedContest; heading?: "h2" | "h3" }) {
  const m = useMessages();
  return (
    <article className="card" data-testid="contest-card" data-slug={contest.slug}>
      <span className="badge badge-brand">{m.contests.kinds[contest.kind]}</span>
      <Heading style={{ marginTop: 10 }}>
        <Link to={`/contests/${contest.slug}`}>{contest.title}</Link>
      </Heading>
      <p className="muted small">
        <Link to={`/hosts/${contest.host_key}`}>{contest.host_name}</Link>
      </p>
      <StageTimeline stages={contest.stages} />
    </article>
  );
}
