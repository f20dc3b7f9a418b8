import { sql } from "kysely";
import { createSession } from "../../app/auth/session.server";
import type { Database } from "../../app/utils/db.server";
import { seoulDateInDays } from "./dates";

// A live keep-it-all campaign and backers with sessions, made directly as the owner (fast: no
// demo seed), for the pledge load of the crash tests and the P1 benchmark.

export interface PledgeLoadSetup {
  slug: string;
  /** Session tokens, one per backer. */
  tokens: string[];
}

export async function createPledgeLoadSetup(owner: Database, options: { backers: number; slug?: string }): Promise<PledgeLoadSetup> {
  const slug = options.slug ?? "load-live";
  const host = await owner.insertInto("host_organisations").values({ key: "load", name: "부하 시험 구청", kind: "district", region: "광주" }).returning("id").executeTakeFirstOrThrow();
  const enterprise = await owner
    .insertInto("enterprises")
    .values({ host_id: host.id, name: "부하 협동조합", type: "cooperative", representative: "대표", district: "광주 광산구", business: "부하 시험", employees: 3, vulnerable_employees: 1, status: "verified", verified_at: new Date() })
    .returning("id")
    .executeTakeFirstOrThrow();
  const campaign = await owner
    .insertInto("campaigns")
    .values({ slug, enterprise_id: enterprise.id, title: "부하 시험", goal_won: 10_000_000_000, funding_model: "keep_it_all", state: "draft", starts_on: seoulDateInDays(-30), ends_on: seoulDateInDays(365) })
    .returning("id")
    .executeTakeFirstOrThrow();
  await owner.insertInto("budget_lines").values({ campaign_id: campaign.id, name: "전체", amount_won: 10_000_000_000 }).execute();
  for (const state of ["in_review", "approved", "live"] as const) await owner.updateTable("campaigns").set({ state }).where("id", "=", campaign.id).execute();
  await sql`INSERT INTO users (email, password_hash, display_name) SELECT 'backer' || i || '@load.local', 'x', '후원자 ' || i FROM generate_series(1, ${options.backers}) i`.execute(owner);
  const users = await owner.selectFrom("users").select("id").where("email", "like", "%@load.local").orderBy("id").execute();
  const tokens = await Promise.all(users.map((u) => createSession(owner, u.id, { ip: null, userAgent: null, now: new Date() })));
  return { slug, tokens };
}

const CSRF = "c".repeat(43);
/** A card that expires years from now, whatever today is. */
const EXPIRY = `12/${String((new Date().getUTCFullYear() + 5) % 100).padStart(2, "0")}`;

/** One pledge through the API with a demo card that pays at once; the key makes a retry safe. */
export function pledgeRequest(base: string, slug: string, token: string, key: string, amountWon: number): { path: string; headers: Record<string, string>; body: string } {
  return {
    path: `/api/v1/campaigns/${slug}/pledges`,
    headers: { "Content-Type": "application/json", Origin: base, Cookie: `hf_session=${token}; hf_csrf=${CSRF}`, "X-CSRF-Token": CSRF, "Idempotency-Key": key },
    body: JSON.stringify({ amount: amountWon, kind: "donation", backerKind: "individual", card: { number: "4242424242424242", expiry: EXPIRY, cvc: "123" } }),
  };
}

export async function postPledge(base: string, slug: string, token: string, key: string, amountWon: number, signal?: AbortSignal): Promise<Response> {
  const { path, headers, body } = pledgeRequest(base, slug, token, key, amountWon);
  return fetch(`${base}${path}`, { method: "POST", signal, headers, body });
}
