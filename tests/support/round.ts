import type { Database } from "../../app/utils/db.server";

// A contest whose selection is done, written directly as the owner (the contest workflow itself
// is tested elsewhere): for the round after selection — drafts, consulting, grants.

export interface SelectedContestOptions {
  slug: string;
  hostKey: string;
  kind?: "crowdfunding" | "pitch";
  /** Enterprise names; the first `selected` of them are selected, the rest not. */
  enterprises: string[];
  selected: number;
  campaignWindow?: { from: string; to: string } | null;
  /** period: the grant's spending period, inclusive Seoul dates (none: no limit). */
  grantRules?: { pool: number; cap: number; expenses: string[]; period?: { from: string; to: string } } | null;
  /** Shown on /contests/<slug>. */
  published?: boolean;
}

export interface SelectedContest {
  id: number;
  hostId: number;
  /** Application ids in the order of `enterprises`. */
  applications: number[];
}

export async function createSelectedContest(owner: Database, options: SelectedContestOptions): Promise<SelectedContest> {
  const host = await owner.selectFrom("host_organisations").select("id").where("key", "=", options.hostKey).executeTakeFirstOrThrow();
  const admin = await owner.selectFrom("users").select("id").where("email", "=", "admin@hamkke.demo").executeTakeFirstOrThrow();
  const contest = await owner
    .insertInto("contests")
    .values({
      slug: options.slug,
      host_id: host.id,
      kind: options.kind ?? "crowdfunding",
      title: `${options.slug} 공모전`,
      purpose: "시험용 공모전",
      select_count: options.selected,
      applications_open_on: "2026-10-01",
      applications_close_on: "2026-10-31",
      published: options.published ?? false,
      created_by: admin.id,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (options.campaignWindow) {
    await owner
      .insertInto("contest_stages")
      .values({ contest_id: contest.id, kind: "campaign_window", starts_on: options.campaignWindow.from, ends_on: options.campaignWindow.to, note: "" })
      .execute();
  }
  const applications: number[] = [];
  for (const [i, name] of options.enterprises.entries()) {
    const enterprise = await owner.selectFrom("enterprises").select("id").where("name", "=", name).executeTakeFirstOrThrow();
    const row = await owner
      .insertInto("contest_applications")
      .values({
        contest_id: contest.id,
        enterprise_id: enterprise.id,
        title: `${name} 프로젝트`,
        summary: `${name}의 마을 프로젝트 요약`,
        social_value: "마을 돌봄과 일자리",
        budget_won: 2_000_000 + i * 100_000,
        status: "submitted",
        eligible: true,
        submitted_at: `2026-10-${String(10 + i).padStart(2, "0")}T10:00:00+09:00`,
        created_by: admin.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    applications.push(row.id);
  }
  for (const [i, id] of applications.entries()) {
    await owner
      .updateTable("contest_applications")
      .set(i < options.selected ? { outcome: "selected", rank: i + 1 } : { outcome: "not_selected", rank: i + 1 })
      .where("id", "=", id)
      .execute();
  }
  await owner.updateTable("contests").set({ selected_at: "2026-11-01T10:00:00+09:00", selected_by: admin.id }).where("id", "=", contest.id).execute();
  if (options.grantRules) {
    await owner
      .insertInto("contest_grant_rules")
      .values({
        contest_id: contest.id,
        version: 1,
        title: "시험 지원금",
        pool_won: options.grantRules.pool,
        cap_per_awardee_won: options.grantRules.cap,
        funding_source: "구비 100%",
        eligible_expenses: options.grantRules.expenses,
        period_from: options.grantRules.period?.from ?? null,
        period_to: options.grantRules.period?.to ?? null,
        created_by: admin.id,
      })
      .execute();
  }
  return { id: contest.id, hostId: host.id, applications };
}
