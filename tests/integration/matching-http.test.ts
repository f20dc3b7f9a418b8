import { sql } from "kysely";
import { getBalance } from "../../app/ledger/ledger.server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import type { ErrorKey } from "../../app/i18n/messages/errors";
import { parseCsv } from "../../app/utils/csv";
import { closePool, createPool, publishRules } from "../../app/matching/matching.server";
import { DEMO_MATCHING_CONTEST } from "../../db/seed/matching-seed";
import { startApp, type TestApp, type TestClient } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";
import { DEMO_PASSWORD, seedDemo, userId } from "../support/seed";

// The matching pages over HTTP: bad input on the pool, rules and simulator forms in Korean and
// English (a 4xx, the message, nothing written), who may see and use them, the public pages and
// open data, and the demo round the seed builds.

let t: TestDatabase;
let app: TestApp;
const ids = { withPool: 0, withoutPool: 0, closed: 0, pitch: 0, fresh: 0 };
const rules = { factorPct: 100, capPerPledge: null, capPerCampaign: null, capPerBacker: null, minBackers: 0, thresholdPct: 0, allocation: "first_come" as const };

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db, { now: "2026-11-24T03:00:00Z" });
  const now = app.services.clock.now();
  const operator = await userId(t, "operator@hamkke.demo");
  const gwangsan = (await t.db.selectFrom("host_organisations").select("id").where("key", "=", "gwangsan").executeTakeFirstOrThrow()).id;
  const contest = async (slug: string, kind: "crowdfunding" | "pitch" = "crowdfunding") =>
    (await t.db.insertInto("contests").values({ slug, host_id: gwangsan, kind, title: `매칭 HTTP ${slug}`, published: true, created_by: operator }).returning("id").executeTakeFirstOrThrow()).id;
  ids.withPool = await contest("m-http");
  ids.withoutPool = await contest("m-http-empty");
  ids.closed = await contest("m-http-closed");
  ids.pitch = await contest("m-http-pitch", "pitch");
  ids.fresh = await contest("m-http-fresh");
  const pool = await createPool(t.db, { contestId: ids.withPool, userId: operator, pool: { sponsorKind: "company", sponsorName: "㈜매칭상사", total: 500_000 }, now });
  await publishRules(t.db, { poolId: pool, userId: operator, rules, now });
  const closedPool = await createPool(t.db, { contestId: ids.closed, userId: operator, pool: { sponsorKind: "host", sponsorName: "", total: 100_000 }, now });
  await closePool(t.db, closedPool, now);
});
afterAll(async () => {
  await app?.close();
  await t?.drop();
});

async function snapshot(): Promise<string> {
  const result = await sql<{ digest: string }>`
    SELECT md5(concat_ws('|',
      (SELECT string_agg(p::text, ',' ORDER BY id) FROM matching_pools p),
      (SELECT string_agg(v::text, ',' ORDER BY pool_id, version) FROM matching_rule_versions v),
      (SELECT string_agg(m::text, ',' ORDER BY id) FROM matches m),
      (SELECT count(*)::text FROM journal_entries)
    )) AS digest`.execute(t.owner);
  return result.rows[0]?.digest ?? "";
}

const clients = new Map<string, TestClient>();
async function clientFor(email: string, locale: "ko" | "en" = "ko"): Promise<TestClient> {
  const key = `${email}:${locale}`;
  let client = clients.get(key);
  if (!client) {
    client = app.client();
    await client.logIn(email, DEMO_PASSWORD);
    client.useLocale(locale);
    clients.set(key, client);
  }
  return client;
}

const matchingPath = (contestId: number) => `/staff/contests/${contestId}/matching`;
const validRules = { intent: "publish", factorPct: "100", allocation: "first_come", capPerPledge: "", capPerCampaign: "", capPerBacker: "", minBackers: "0", thresholdPct: "0" };

interface BadCase {
  label: string;
  path: () => string;
  fields: Record<string, string>;
  expect: ErrorKey[];
}

const cases: BadCase[] = [
  { label: "a pool with nothing", path: () => matchingPath(ids.withoutPool), fields: { intent: "create" }, expect: ["required", "invalidChoice"] },
  { label: "a company pool without a name and a total in letters", path: () => matchingPath(ids.withoutPool), fields: { intent: "create", sponsorKind: "company", sponsorName: " ", total: "abc" }, expect: ["sponsorNameRequired", "invalidAmount"] },
  { label: "a pool below the minimum", path: () => matchingPath(ids.withoutPool), fields: { intent: "create", sponsorKind: "host", total: "5,000" }, expect: ["poolTooSmall"] },
  { label: "a pool above the maximum", path: () => matchingPath(ids.withoutPool), fields: { intent: "create", sponsorKind: "host", total: "99999999999" }, expect: ["numberTooLarge"] },
  { label: "a negative pool and an unknown sponsor kind", path: () => matchingPath(ids.withoutPool), fields: { intent: "create", sponsorKind: "bank", total: "-100000" }, expect: ["invalidChoice", "invalidAmount"] },
  { label: "a second pool for the round", path: () => matchingPath(ids.withPool), fields: { intent: "create", sponsorKind: "host", total: "100000" }, expect: ["matchingPoolExists"] },
  { label: "a pool for a pitch contest", path: () => matchingPath(ids.pitch), fields: { intent: "create", sponsorKind: "host", total: "100000" }, expect: ["matchingCrowdfundingOnly"] },
  { label: "rules with a zero factor and a threshold over 100", path: () => matchingPath(ids.withPool), fields: { ...validRules, factorPct: "0", thresholdPct: "150" }, expect: ["factorRange", "thresholdRange"] },
  { label: "rules with a decimal factor and no allocation", path: () => matchingPath(ids.withPool), fields: { ...validRules, factorPct: "1.5", allocation: "" }, expect: ["factorRange", "invalidChoice"] },
  { label: "rules with a factor above 1,000%", path: () => matchingPath(ids.withPool), fields: { ...validRules, factorPct: "1001" }, expect: ["factorRange"] },
  {
    label: "rules with negative and oversized caps and a non-numeric minimum",
    path: () => matchingPath(ids.withPool),
    fields: { ...validRules, capPerPledge: "-5", capPerCampaign: "99999999999", capPerBacker: "0", minBackers: "two" },
    expect: ["invalidAmount", "numberTooLarge", "invalidNumber"],
  },
  { label: "rules with an unknown allocation", path: () => matchingPath(ids.withPool), fields: { ...validRules, allocation: "lottery" }, expect: ["invalidChoice"] },
  { label: "rules before there is a pool", path: () => matchingPath(ids.withoutPool), fields: validRules, expect: ["matchingPoolMissing"] },
  { label: "rules for a closed round", path: () => matchingPath(ids.closed), fields: validRules, expect: ["matchingPoolClosed"] },
  { label: "an unknown action", path: () => matchingPath(ids.withPool), fields: { intent: "drain" }, expect: ["invalidChoice"] },
  { label: "closing the round without confirming", path: () => matchingPath(ids.withPool), fields: { intent: "close" }, expect: ["matchingCloseConfirmRequired"] },
  { label: "closing the round with a confirmation that is not the box's", path: () => matchingPath(ids.withPool), fields: { intent: "close", confirmClose: "yes" }, expect: ["matchingCloseConfirmRequired"] },
];

describe("bad input on the matching forms", () => {
  for (const locale of ["ko", "en"] as const) {
    it.each(cases)(`${locale}: $label → a clear message, nothing written`, async (badCase) => {
      const client = await clientFor("operator@hamkke.demo", locale);
      const before = await snapshot();
      const response = await client.post(badCase.path(), badCase.fields);
      const html = await response.text();
      expect(response.status, html.match(/role="alert"[^>]*>[^<]*/)?.[0]).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(html).not.toContain("\u0000");
      for (const key of badCase.expect) expect(html).toContain(dictionaries[locale].errors[key].replace(/'/g, "&#x27;"));
      expect(await snapshot()).toBe(before);
    });

    it(`${locale}: the simulator refuses bad draft rules with the messages and writes nothing`, async () => {
      const client = await clientFor("operator@hamkke.demo", locale);
      const before = await snapshot();
      const query = new URLSearchParams({ poolTotal: "abc", factorPct: "0", thresholdPct: "101", allocation: "first_come", capPerPledge: "-1", minBackers: "0" });
      const response = await client.get(`${matchingPath(ids.withPool)}/simulate?${query.toString()}`);
      const html = await response.text();
      expect(response.status).toBe(422);
      for (const key of ["invalidAmount", "factorRange", "thresholdRange"] as const) expect(html).toContain(dictionaries[locale].errors[key]);
      expect(await snapshot()).toBe(before);
    });
  }
});

describe("closing the round", () => {
  it("asks for the confirmation on the page, refuses without it (422, the pool stays open, no ledger entry)", async () => {
    const client = await clientFor("operator@hamkke.demo");
    const page = await (await client.get(matchingPath(ids.withPool))).text();
    expect(page).toContain('name="confirmClose"');
    expect(page).toContain(dictionaries.ko.matching.closeConfirm("500,000원", "㈜매칭상사"));
    const before = await snapshot();
    const refused = await client.post(matchingPath(ids.withPool), { intent: "close" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(dictionaries.ko.errors.matchingCloseConfirmRequired);
    expect(await snapshot()).toBe(before);
    const pool = await t.db.selectFrom("matching_pools").select("closed_at").where("contest_id", "=", ids.withPool).executeTakeFirstOrThrow();
    expect(pool.closed_at).toBeNull();
  });
});

describe("who may use the operator pages", () => {
  const pages = () => [matchingPath(ids.withPool), `${matchingPath(ids.withPool)}/simulate`];

  it("sends a visitor to log in, and refuses residents, jurors and other hosts' staff (403), changing nothing", async () => {
    for (const path of pages()) {
      const anonymous = await app.client().get(path);
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get("location")).toMatch(/^\/login/);
      for (const email of ["citizen@hamkke.demo", "juror1@hamkke.demo", "fund1@hamkke.demo", "coop@hamkke.demo"]) {
        const response = await (await clientFor(email)).get(path);
        expect(response.status, `${email} ${path}`).toBe(403);
      }
    }
    const before = await snapshot();
    for (const email of ["citizen@hamkke.demo", "juror1@hamkke.demo", "fund1@hamkke.demo"]) {
      const client = await clientFor(email);
      expect((await client.post(matchingPath(ids.withoutPool), { intent: "create", sponsorKind: "host", total: "100000" })).status).toBe(403);
      expect((await client.post(matchingPath(ids.withPool), { intent: "close", confirmClose: "on" })).status).toBe(403);
      expect((await client.post(matchingPath(ids.withPool), validRules)).status).toBe(403);
    }
    expect(await snapshot()).toBe(before);
  });

  it("answers 404 for an unknown or malformed contest", async () => {
    const client = await clientFor("operator@hamkke.demo");
    expect((await client.get("/staff/contests/999999/matching")).status).toBe(404);
    expect((await client.get("/staff/contests/abc/matching")).status).toBe(404);
    expect((await client.get("/staff/contests/999999/matching/simulate")).status).toBe(404);
    expect((await client.post("/staff/contests/999999/matching", { intent: "close", confirmClose: "on" })).status).toBe(404);
    expect((await app.client().get("/contests/no-such-round/matching")).status).toBe(404);
  });
});

describe("an operator's round, over HTTP", () => {
  it("creates the pool, publishes two rule versions, simulates, and closes the round once even when asked twice", async () => {
    const client = await clientFor("operator@hamkke.demo");
    const path = matchingPath(ids.fresh);
    const created = await client.post(path, { intent: "create", sponsorKind: "company", sponsorName: "㈜나눔유통", total: "300,000" });
    expect(created.status).toBe(302);
    expect(created.headers.get("location")).toContain("notice=matchingPoolCreated");
    const pool = await t.db.selectFrom("matching_pools").select(["id", "sponsor_name", "sponsor_kind", "total_won"]).where("contest_id", "=", ids.fresh).executeTakeFirstOrThrow();
    expect(pool).toMatchObject({ sponsor_name: "㈜나눔유통", sponsor_kind: "company", total_won: 300_000 });

    expect((await client.post(path, { ...validRules, factorPct: "100", capPerPledge: "50,000" })).status).toBe(302);
    expect((await client.post(path, { ...validRules, factorPct: "50", allocation: "reserved", thresholdPct: "10%" })).status).toBe(302);
    const versions = await t.db.selectFrom("matching_rule_versions").select(["version", "factor_bp", "cap_per_pledge_won", "threshold_bp", "allocation"]).where("pool_id", "=", pool.id).orderBy("version").execute();
    expect(versions).toEqual([
      { version: 1, factor_bp: 10_000, cap_per_pledge_won: 50_000, threshold_bp: 0, allocation: "first_come" },
      { version: 2, factor_bp: 5_000, cap_per_pledge_won: null, threshold_bp: 1_000, allocation: "reserved" },
    ]);

    const page = await (await client.get(path)).text();
    expect(page).toContain("㈜나눔유통");
    expect(page).toContain(dictionaries.ko.matching.version(2));
    const publicPage = await (await app.client().get("/contests/m-http-fresh/matching")).text();
    expect(publicPage).toContain(dictionaries.ko.matching.version(1));
    expect(publicPage).toContain(dictionaries.ko.matching.version(2));
    expect(publicPage).toContain("300,000원");

    const before = await snapshot();
    const simulated = await client.get(`${path}/simulate?${new URLSearchParams({ poolTotal: "300000", factorPct: "200", allocation: "first_come", minBackers: "0", thresholdPct: "0" }).toString()}`);
    expect(simulated.status).toBe(200);
    expect(await simulated.text()).toContain(dictionaries.ko.matching.simulateTitle);
    expect(await snapshot()).toBe(before);

    const close = { intent: "close", confirmClose: "on" };
    const [first, second] = await Promise.all([client.post(path, close), client.post(path, close)]);
    expect([first.status, second.status]).toEqual([302, 302]);
    expect(await getBalance(t.db, `pool:${pool.id}:out:returned`)).toBe(300_000);
    const entries = await t.db.selectFrom("journal_entries").select("seq").where("idempotency_key", "=", `pool:${pool.id}:closed`).execute();
    expect(entries).toHaveLength(1);
    expect(await (await client.get(path)).text()).toContain(dictionaries.ko.matching.closedAlready);
  });
});

describe("the demo round", () => {
  it("matches the live demo campaigns' pledges with the product's own code, and seeding again changes nothing", async () => {
    const contest = await t.db.selectFrom("contests").select(["id", "title"]).where("slug", "=", DEMO_MATCHING_CONTEST).executeTakeFirstOrThrow();
    expect(contest.title).toContain("데모");
    const pool = await t.db.selectFrom("matching_pools").select(["id", "total_won", "committed_won", "sponsor_name"]).where("contest_id", "=", contest.id).executeTakeFirstOrThrow();
    expect(pool.sponsor_name).toContain("데모");
    const byCampaign = await t.db
      .selectFrom("matches")
      .innerJoin("campaigns", "campaigns.id", "matches.campaign_id")
      .select(["campaigns.slug", sql<number>`sum(matches.amount_won)::bigint`.as("total"), sql<string>`string_agg(matches.rules_version::text, ',' ORDER BY matches.created_at)`.as("versions")])
      .where("matches.pool_id", "=", pool.id)
      .groupBy("campaigns.slug")
      .execute();
    // Playground (all-or-nothing, saved): 30,000 + 100,000 under 1:1, then 1:0.5 from six days ago:
    // 25,000, 100,000 (500,000 capped per pledge), 10,000. Café (keep-it-all, collected): 25,000,
    // 50,000 under 1:1, then 100,000 (150,000 capped per pledge).
    expect(Object.fromEntries(byCampaign.map((r) => [r.slug, [Number(r.total), r.versions]]))).toEqual({
      "demo-neighbourhood-playground": [265_000, "1,1,2,2,2"],
      "demo-local-food-cafe": [175_000, "1,1,2"],
    });
    expect(pool.committed_won).toBe(440_000);

    const before = await snapshot();
    await seedDemo(t);
    expect(await snapshot()).toBe(before);

    const campaignPage = await (await app.client().get("/campaigns/demo-neighbourhood-playground")).text();
    expect(campaignPage).toContain('data-testid="matching-card"');
    expect(campaignPage).toContain("265,000원");
    expect(campaignPage).toContain("560,000원");
  });
});

describe("open data", () => {
  it("gives matchedWon in the campaign JSON and matched columns in the campaign CSV", async () => {
    const json = (await (await app.client().get("/api/v1/campaigns/demo-local-food-cafe")).json()) as { matchedWon: number; matching: { committedWon: number; releasedWon: number } };
    expect(json.matchedWon).toBe(175_000);
    expect(json.matching).toEqual({ committedWon: 175_000, releasedWon: 0 });
    const csvResponse = await app.client().get("/api/v1/campaigns/demo-local-food-cafe/summary.csv");
    expect(csvResponse.headers.get("content-type")).toContain("text/csv");
    const [header, row] = parseCsv(await csvResponse.text());
    const cell = (name: string) => row?.[header?.indexOf(name) ?? -1];
    expect(cell("matched_won")).toBe("175000");
    expect(cell("matched_committed_won")).toBe("175000");
    expect(cell("raised_won")).toBe("375000");
  });
});
