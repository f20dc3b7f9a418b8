import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getRoundResults } from "../../app/contests/results.server";
import { ROUND_CSV_HEADER } from "../../app/contests/results";
import { dictionaries } from "../../app/i18n/messages";
import { parseCsv } from "../../app/utils/csv";
import { GWANGSAN_PUBLISHED } from "../../db/seed/gwangsan-plan";
import { startApp, type TestApp } from "../support/app";
import { createDemoDatabase, type TestDatabase } from "../support/db";

let t: TestDatabase;
let app: TestApp;
let gwangsanId: number;

beforeAll(async () => {
  t = await createDemoDatabase();
  app = await startApp(t.db, { now: "2026-11-24T03:00:00Z" });
  gwangsanId = (await t.db.selectFrom("contests").select("id").where("slug", "=", "gwangsan-2016-1").executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await app.close();
  await t.drop();
});

describe("round results of the Gwangsan 2016 contest", () => {
  it("reproduce the published outcome from the ledger: 6 organisations, 277 people, 9,600,000 won", async () => {
    const { totals, campaigns } = await getRoundResults(t.db, gwangsanId);
    expect(campaigns).toHaveLength(8);
    expect(totals).toMatchObject({
      campaigns: 8,
      succeeded: GWANGSAN_PUBLISHED.organisations,
      failed: 2,
      people: GWANGSAN_PUBLISHED.people,
      raisedWon: GWANGSAN_PUBLISHED.amountWon,
      offlineWon: 400_000,
      onlineWon: 9_200_000,
      deliveredWon: 1_280_000,
      spentWon: 500_000,
      successRatePct: 75,
    });
    // The same money, straight from the ledger's account balances.
    const ledger = await sql<{ raised: string }>`
      SELECT (-sum(a.balance_won))::text AS raised FROM ledger_accounts a
      JOIN campaigns c ON a.code IN ('campaign:' || c.id || ':in:online', 'campaign:' || c.id || ':in:offline')
      WHERE c.contest_id = ${gwangsanId}`.execute(t.db);
    expect(Number(ledger.rows[0]?.raised)).toBe(GWANGSAN_PUBLISHED.amountWon);
    // Failed all-or-nothing campaigns charged no one.
    for (const failed of campaigns.filter((c) => c.state === "failed")) expect(failed.raisedWon).toBe(0);
  });

  it("show on a public page in Korean and English, with the delivery to the beneficiaries", async () => {
    const ko = await app.client().get("/contests/gwangsan-2016-1/results");
    expect(ko.status).toBe(200);
    const html = await ko.text();
    expect(html).toContain(dictionaries.ko.results.outcome(6, 277, "9,600,000원"));
    expect(html).toContain("기억을 나누다 · 기억을 더하다");
    expect(html).toContain("1,280,000원");
    // The round's own entries in the public ledger, newest first: the delivery is among them.
    expect(html).toContain('data-testid="ledger-entries"');
    expect(html).toContain("세월호 유가족");
    const client = app.client();
    client.useLocale("en");
    const en = await client.get("/contests/gwangsan-2016-1/results");
    expect(await en.text()).toContain(dictionaries.en.results.outcome(6, 277, "₩9,600,000"));
    expect((await app.client().get("/contests/no-such-contest/results")).status).toBe(404);
  });

  it("download as CSV rows that match the page's figures", async () => {
    const response = await app.client().get("/contests/gwangsan-2016-1/results.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/csv");
    const [header, ...rows] = parseCsv(await response.text());
    expect(header).toEqual([...ROUND_CSV_HEADER]);
    expect(rows).toHaveLength(8);
    const column = (name: (typeof ROUND_CSV_HEADER)[number]) => ROUND_CSV_HEADER.indexOf(name);
    const raised = rows.reduce((sum, row) => sum + Number(row[column("raised_won")]), 0);
    expect(raised).toBe(GWANGSAN_PUBLISHED.amountWon);
    const { campaigns } = await getRoundResults(t.db, gwangsanId);
    for (const row of rows) {
      const campaign = campaigns.find((c) => c.slug === row[column("slug")]);
      expect(campaign).toBeDefined();
      expect(Number(row[column("individual_backers")]) + Number(row[column("company_backers")])).toBe((campaign?.individuals ?? 0) + (campaign?.companies ?? 0));
      expect(row[column("state")]).toBe(campaign?.state);
    }
  });

  it("print as a programme report with the timeline and every project", async () => {
    const response = await app.client().get("/contests/gwangsan-2016-1/report");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(dictionaries.ko.results.reportTitle("제1차 광산구 사회적경제 크라우드펀딩 콘테스트"));
    expect(html).toContain(dictionaries.ko.common.stageKinds.results_meeting);
    expect(html.match(/data-testid="report-table"/g)).toHaveLength(1);
    expect(html).toContain("원룸 주거환경 개선 프로젝트 (데모)");
  });

  it("lead from a project's page to its own entries in the public ledger", async () => {
    const campaign = await t.db.selectFrom("campaigns").select("id").where("slug", "=", "gwangsan-2016-sharing-memories").executeTakeFirstOrThrow();
    const page = await (await app.client().get("/campaigns/gwangsan-2016-sharing-memories")).text();
    const href = `/ledger?account=campaign:${campaign.id}`;
    expect(page).toContain(`href="${href}"`);
    const ledger = await app.client().get(href);
    expect(ledger.status).toBe(200);
    const html = await ledger.text();
    // The exhibition box and the delivery to the families are both on this campaign's accounts.
    expect(html).toContain(`campaign:${campaign.id}:in:offline`);
    expect(html).toContain("세월호 유가족");
  });

  it("say so when a round has no public campaign yet", async () => {
    const response = await app.client().get("/contests/seogu-2017/results");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(dictionaries.ko.results.none);
  });
});
