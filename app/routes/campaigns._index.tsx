import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import type { CampaignState, EnterpriseType } from "../../db/types";
import { listCampaignCards, PUBLIC_CAMPAIGN_STATES, type CardSort } from "../campaigns/campaign-cards.server";
import { CampaignCard } from "../components/campaign-card";
import { useMessages } from "../i18n/use-messages";
import { ENTERPRISE_TYPES } from "../orgs/enterprises";
import { listDirectoryAreas } from "../orgs/enterprises.server";
import { seoulDate } from "../utils/dates";
import { titled } from "../utils/meta";
import { publicReader } from "../server/public-reads.server";

export const meta = titled((m) => m.campaigns.indexTitle);

const STATE_FILTERS: Record<string, CampaignState[]> = {
  live: ["live"],
  succeeded: ["succeeded"],
  ended: ["succeeded", "failed"],
};
const SORTS: readonly CardSort[] = ["ending", "newest", "percent"];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { clock } = context.services;
  const db = await publicReader({ request, context });
  const params = new URL(request.url).searchParams;
  const state = params.get("state") ?? "";
  const type = params.get("type") ?? "";
  const areas = await listDirectoryAreas(db);
  const area = params.get("area") ?? "";
  const sort = params.get("sort") ?? "";
  const filter = {
    states: STATE_FILTERS[state] ?? PUBLIC_CAMPAIGN_STATES,
    enterpriseType: (ENTERPRISE_TYPES as readonly string[]).includes(type) ? (type as EnterpriseType) : undefined,
    area: areas.includes(area) ? area : undefined,
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as CardSort) : undefined,
    limit: 60,
  };
  const campaigns = await listCampaignCards(db, filter);
  return json({
    campaigns,
    areas,
    today: seoulDate(clock.now()),
    selected: { state: STATE_FILTERS[state] ? state : "", type: filter.enterpriseType ?? "", area: filter.area ?? "", sort: filter.sort ?? "" },
  });
}

export default function Campaigns() {
  const { campaigns, areas, today, selected } = useLoaderData<typeof loader>();
  const m = useMessages();
  const f = m.campaigns.filters;
  return (
    <div className="container page">
      <header className="page-header">
        <h1>{m.campaigns.indexTitle}</h1>
        <p>{m.campaigns.indexIntro}</p>
      </header>
      <Form method="get" className="filter-bar" data-testid="campaign-filter">
        <label>
          {f.state}
          <select name="state" defaultValue={selected.state}>
            <option value="">{m.common.all}</option>
            <option value="live">{f.live}</option>
            <option value="succeeded">{f.succeeded}</option>
            <option value="ended">{f.ended}</option>
          </select>
        </label>
        <label>
          {f.type}
          <select name="type" defaultValue={selected.type}>
            <option value="">{m.common.all}</option>
            {ENTERPRISE_TYPES.map((t) => (
              <option key={t} value={t}>
                {m.common.enterpriseTypes[t]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {f.area}
          <select name="area" defaultValue={selected.area}>
            <option value="">{m.common.all}</option>
            {areas.map((area) => (
              <option key={area} value={area}>
                {area}
              </option>
            ))}
          </select>
        </label>
        <label>
          {f.sort}
          <select name="sort" defaultValue={selected.sort}>
            <option value="">{m.common.all}</option>
            <option value="ending">{f.sortEnding}</option>
            <option value="newest">{f.sortNewest}</option>
            <option value="percent">{f.sortPercent}</option>
          </select>
        </label>
        <button type="submit" className="button button-secondary">
          {m.common.actions.filter}
        </button>
      </Form>
      {campaigns.length === 0 ? <p className="muted">{m.campaigns.empty}</p> : null}
      <div className="grid" data-testid="campaign-list">
        {campaigns.map((c) => (
          <CampaignCard key={c.id} campaign={c} today={today} />
        ))}
      </div>
    </div>
  );
}
