import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireAnyStaff } from "../auth/guards.server";
import { stateBadgeClass } from "../components/campaign-card";
import { listConsultantCampaigns } from "../consulting/consulting.server";
import { useLocale, useMessages } from "../i18n/use-messages";
import { formatDate } from "../utils/dates";
import { titled } from "../utils/meta";

export const meta = titled((m) => m.round.consultingTitle);

export async function loader(args: LoaderFunctionArgs) {
  const user = await requireAnyStaff(args, ["consultant"]);
  const campaigns = await listConsultantCampaigns(args.context.services.db, user.id);
  return json({ campaigns: campaigns.map((c) => ({ ...c, comment_count: Number(c.comment_count ?? 0) })) });
}

export default function Consulting() {
  const { campaigns } = useLoaderData<typeof loader>();
  const m = useMessages();
  const r = m.round;
  const locale = useLocale();
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{r.consultingTitle}</h1>
        <p>{r.consultingIntro}</p>
      </header>
      {campaigns.length === 0 ? <p className="card muted">{r.noAssignments}</p> : null}
      <div className="stack" data-testid="consulting-campaigns">
        {campaigns.map((c) => (
          <article key={c.id} className="card row-between">
            <div>
              <span className={stateBadgeClass(c.state)}>{m.common.campaignStates[c.state]}</span>
              <h2 style={{ margin: "8px 0 4px" }}>{c.title}</h2>
              <p className="muted small">
                {c.enterprise_name}
                {c.contest_title ? ` · ${c.contest_title}` : ""} · {r.period} {formatDate(c.starts_on, locale)} · {r.comments} {c.comment_count}
              </p>
            </div>
            <Link to={`/consulting/${c.slug}`} className="button button-secondary">
              {r.open}
            </Link>
          </article>
        ))}
      </div>
    </div>
  );
}
