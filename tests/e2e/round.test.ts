import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { formatDate, seoulDate } from "../../app/utils/dates";
import { launchBrowser } from "../support/browser";
import { linkFromLatestEmail, logInPage, screenshot, submitCard } from "../support/pages";
import { createSelectedContest, type SelectedContest } from "../support/round";
import { startTestServer, type TestServer } from "../support/server";

// The round after selection in the browser: the operator turns the selected applications into
// drafts and assigns a consultant; the consultant asks for changes; the enterprise revises and
// resubmits; the operator approves; at the window start the campaign is live. Then a grant after
// a pitch contest: awarded, requested with a receipt, approved by two operators, public.

const m = dictionaries.ko;
const r = m.round;
const DAY = 86_400_000;

function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

describe.runIf(inject("chromium"))("the round after selection, in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let round: SelectedContest;
  let pitch: SelectedContest;
  /** The Seoul date the test started on, before the demo clock moves. */
  let today = "";
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    today = seoulDate(new Date());
    round = await createSelectedContest(server.database.owner, {
      slug: "e2e-round",
      hostKey: "gwangsan",
      enterprises: ["함께 크는 나무 협동조합", "태화루예술단"],
      selected: 2,
      campaignWindow: { from: addDays(today, 10), to: addDays(today, 50) },
      published: true,
    });
    pitch = await createSelectedContest(server.database.owner, {
      slug: "e2e-pitch",
      hostKey: "gwangsan",
      kind: "pitch",
      enterprises: ["함께 크는 나무 협동조합", "태화루예술단", "㈜푸른세상"],
      selected: 2,
      // The grant test runs after the clock moved 10 days; it then moves 3 more, past the period's end.
      grantRules: { pool: 20_000_000, cap: 10_000_000, expenses: ["시설공사", "재료비", "홍보비", "임차비", "경상비"], period: { from: today, to: addDays(today, 12) } },
      published: true,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function as(email: string, width = 1280): Promise<Page> {
    const key = `${email}@${width}`;
    const existing = pages.get(key);
    if (existing) return existing;
    const page = await logInPage(browser, server.url, email, { width, height: 900 });
    pages.set(key, page);
    return page;
  }

  const notice = (page: Page) => page.getByTestId("notice").textContent();

  async function coopCampaign(): Promise<{ id: number; slug: string; title: string }> {
    return server.database.db
      .selectFrom("campaigns")
      .select(["campaigns.id", "campaigns.slug", "campaigns.title"])
      .innerJoin("contest_applications", "contest_applications.campaign_id", "campaigns.id")
      .where("contest_applications.id", "=", round.applications[0]!)
      .executeTakeFirstOrThrow();
  }

  it("an operator creates the drafts and assigns a consultant", async () => {
    const operator = await as("operator@hamkke.demo");
    await operator.goto(`${server.url}/staff/contests/${round.id}`);
    await operator.getByRole("link", { name: r.tabs.round }).click();
    await operator.getByRole("button", { name: r.createDrafts }).click();
    await expect.poll(() => notice(operator)).toBe(m.notices.roundDraftsCreated);
    // Pressing it again creates nothing new.
    await operator.getByRole("button", { name: r.createDrafts }).click();
    await expect.poll(() => notice(operator)).toBe(m.notices.roundDraftsExisting);
    const row = operator.getByTestId(`round-row-${round.applications[0]}`);
    await row.getByRole("combobox").selectOption({ label: "정펀드매니저" });
    await row.getByRole("button", { name: r.assign }).click();
    await expect.poll(() => notice(operator)).toBe(m.notices.consultantAssigned);
    expect(await operator.getByTestId(`round-row-${round.applications[0]}`).textContent()).toContain("정펀드매니저");
    // Assigned to the second draft by mistake, then taken off it again.
    const second = operator.getByTestId(`round-row-${round.applications[1]}`);
    await second.getByRole("combobox").selectOption({ label: "정펀드매니저" });
    await second.getByRole("button", { name: r.assign }).click();
    // The notice is the same as the first assignment's: wait for the row itself.
    await second.getByRole("button", { name: r.unassignLabel("정펀드매니저") }).waitFor();
    await screenshot(operator, "round-operator-two-assigned");
    await operator.getByTestId(`round-row-${round.applications[1]}`).getByRole("button", { name: r.unassignLabel("정펀드매니저") }).click();
    await expect.poll(() => notice(operator)).toBe(m.notices.consultantUnassigned);
    expect(await operator.getByTestId(`round-row-${round.applications[1]}`).textContent()).toContain(r.noConsultant);
    expect(await operator.getByTestId(`round-row-${round.applications[0]}`).textContent()).toContain("정펀드매니저");
    await screenshot(operator, "round-operator");
  });

  it("the enterprise submits, the consultant requests changes, the enterprise revises and resubmits, the operator approves", async () => {
    const campaign = await coopCampaign();
    const owner = await as("coop@hamkke.demo");
    await owner.goto(`${server.url}/campaigns/${campaign.slug}/edit`);
    await owner.getByRole("button", { name: m.campaigns.submit }).click();
    await expect.poll(() => notice(owner)).toBe(m.notices.campaignSubmitted);

    const consultant = await as("consultant@hamkke.demo", 390);
    await consultant.goto(`${server.url}/staff`);
    await consultant.getByTestId("consulting-link").click();
    await consultant.getByTestId("consulting-campaigns").getByText(campaign.title).waitFor();
    // The draft the consultant was taken off is neither listed nor open to them.
    const unassigned = await server.database.db
      .selectFrom("campaigns")
      .select(["campaigns.slug", "campaigns.title"])
      .innerJoin("contest_applications", "contest_applications.campaign_id", "campaigns.id")
      .where("contest_applications.id", "=", round.applications[1]!)
      .executeTakeFirstOrThrow();
    expect(await consultant.getByTestId("consulting-campaigns").textContent()).not.toContain(unassigned.title);
    expect((await consultant.goto(`${server.url}/consulting/${unassigned.slug}`))?.status()).toBe(404);
    await consultant.goto(`${server.url}/consulting`);
    await consultant.locator(`a[href="/consulting/${campaign.slug}"]`).click();
    await consultant.getByLabel(r.topic).selectOption("rewards");
    await consultant.getByLabel(r.body).fill("1만 원대 응원 리워드를 하나 더 두세요. 첫 후원의 문턱이 낮아집니다.");
    await consultant.getByLabel(r.requestsChanges).check();
    await consultant.getByRole("button", { name: r.post }).click();
    await expect.poll(() => notice(consultant)).toBe(m.notices.consultationChangesRequested);
    await expect.poll(() => consultant.getByTestId("campaign-state").textContent()).toBe(m.common.campaignStates.changes_requested);
    await screenshot(consultant, "consulting-phone");

    // The e-mail leads the enterprise to its editor, where the comment is.
    const link = await linkFromLatestEmail(owner, server.url, "coop@hamkke.demo", "/edit");
    await owner.goto(link);
    await expect.poll(() => owner.getByTestId("consultations").textContent()).toContain("응원 리워드");
    const f = m.campaigns.fields;
    await owner.getByLabel(f.rewardTitle).fill("응원 엽서");
    await owner.getByLabel(f.rewardMin).fill("10000");
    await owner.getByRole("button", { name: m.campaigns.addReward }).click();
    await expect.poll(() => owner.getByTestId("rewards").textContent()).toContain("응원 엽서");
    await screenshot(owner, "round-editor-with-comments");
    await owner.getByRole("button", { name: m.campaigns.submit }).click();
    await expect.poll(() => notice(owner)).toBe(m.notices.campaignSubmitted);

    const operator = await as("operator@hamkke.demo");
    await operator.goto(`${server.url}/staff/campaigns/${campaign.id}`);
    await expect.poll(() => operator.getByTestId("consultations").textContent()).toContain("응원 리워드");
    await operator.getByRole("button", { name: m.staffCampaigns.approve }).click();
    await expect.poll(() => operator.getByTestId("campaign-state").textContent()).toBe(m.common.campaignStates.approved);
    await operator.goto(`${server.url}/staff/contests/${round.id}/round`);
    expect(await operator.getByTestId("round-approved").textContent()).toBe(r.approved(1, 2));
  });

  it("at the window start the approved campaign is live", async () => {
    const campaign = await coopCampaign();
    const citizen = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await citizen.goto(`${server.url}/dev/clock`);
    await citizen.getByLabel(m.dev.advanceDays).fill("10");
    await citizen.getByRole("button", { name: m.dev.advance }).click();
    await expect.poll(() => notice(citizen)).toBe(m.notices.clockAdvanced);
    const state = await server.database.db.selectFrom("campaigns").select("state").where("id", "=", campaign.id).executeTakeFirstOrThrow();
    expect(state.state).toBe("live");
    await citizen.goto(`${server.url}/contests/e2e-round`);
    await expect.poll(() => citizen.locator("body").textContent()).toContain(campaign.title);
    await citizen.goto(`${server.url}/campaigns/${campaign.slug}`);
    await expect.poll(() => citizen.locator("body").textContent()).toContain(m.common.campaignStates.live);
    await screenshot(citizen, "round-campaign-live");
    await citizen.context().close();
  });

  it("a grant is awarded, requested with a receipt, approved by two operators and shown in public", async () => {
    const operator = await as("operator@hamkke.demo");
    await operator.goto(`${server.url}/staff/contests/${pitch.id}/grants`);
    // Above the cap is refused with a message, nothing recorded.
    await operator.getByLabel(r.awardTeam).selectOption({ index: 1 });
    await operator.getByLabel("시설공사").fill("8,000,000");
    await operator.getByLabel("홍보비").fill("3,000,000");
    await operator.getByRole("button", { name: r.recordAward }).click();
    await expect.poll(() => operator.getByTestId("form-error").textContent()).toBe(m.errors.grantAboveCap);
    await operator.getByLabel(r.awardTeam).selectOption({ index: 1 });
    await operator.getByLabel("시설공사").fill("6,000,000");
    await operator.getByLabel("홍보비").fill("2,000,000");
    await operator.getByRole("button", { name: r.recordAward }).click();
    await expect.poll(() => notice(operator)).toBe(m.notices.grantAwarded);
    expect(await operator.getByTestId("pool-remaining").textContent()).toBe("12,000,000원");
    await screenshot(operator, "grants-operator");

    const award = await server.database.db.selectFrom("grant_awards").select("id").where("contest_id", "=", pitch.id).executeTakeFirstOrThrow();
    const owner = await as("coop@hamkke.demo");
    await owner.goto(`${server.url}/grants/${award.id}`);
    await owner.getByLabel(r.category).selectOption("시설공사");
    await owner.getByLabel(m.spending.amount).fill("1,500,000");
    await owner.getByLabel(m.spending.payee).fill("광산 목공 협동조합");
    await owner.getByLabel(m.spending.description).fill("공방 작업대 제작");
    await owner.getByLabel(m.spending.receiptFiles).setInputFiles({ name: "견적서.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n% receipt\n") });
    await owner.getByRole("button", { name: m.spending.submitRequest }).click();
    await expect.poll(() => notice(owner)).toBe(m.notices.disbursementRequested);
    await expect.poll(() => owner.getByTestId("open-requests").textContent()).toContain(m.spending.approvals(0, 2));

    await operator.goto(`${server.url}/grants/${award.id}`);
    await operator.getByRole("button", { name: m.spending.approve }).click();
    await expect.poll(() => notice(operator)).toBe(m.notices.disbursementApproved);
    const second = await as("operator2@hamkke.demo");
    await second.goto(`${server.url}/grants/${award.id}`);
    await second.getByRole("button", { name: m.spending.approve }).click();
    await expect.poll(() => notice(second)).toBe(m.notices.disbursementPaid);

    const citizen = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await citizen.goto(`${server.url}/contests/e2e-pitch`);
    const section = citizen.getByTestId("grant-awards");
    await expect.poll(() => section.textContent()).toContain(r.totals("8,000,000원", "1,500,000원"));
    await screenshot(citizen, "grants-contest-public-phone");
    await section.getByRole("link", { name: "함께 크는 나무 협동조합" }).click();
    await citizen.waitForURL(`**/grants/${award.id}`);
    await expect.poll(() => citizen.getByTestId("paid-disbursements").textContent()).toContain("광산 목공 협동조합");
    expect(await citizen.getByTestId("grant-plan").textContent()).toContain("1,500,000원");
    await screenshot(citizen, "grant-public-phone");
    await citizen.goto(`${server.url}/ledger`);
    await expect.poll(() => citizen.locator("body").textContent()).toContain("grant.awarded");
    await citizen.context().close();

    // The awardee fills in another request while the grant period is open; before it is sent,
    // the period ends (the demo clock moves 3 days, past day 12). The request is refused with the
    // reason, nothing is recorded, and the page then says why there is no form.
    await owner.goto(`${server.url}/grants/${award.id}`);
    await owner.getByLabel(r.category).selectOption("홍보비");
    await owner.getByLabel(m.spending.amount).fill("300,000");
    await owner.getByLabel(m.spending.payee).fill("광산 인쇄소");
    await owner.getByLabel(m.spending.description).fill("공방 홍보 전단");
    const clock = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await clock.goto(`${server.url}/dev/clock`);
    await clock.getByLabel(m.dev.advanceDays).fill("3");
    await clock.getByRole("button", { name: m.dev.advance }).click();
    await expect.poll(() => notice(clock)).toBe(m.notices.clockAdvanced);
    await clock.context().close();
    const requestsBefore = await server.database.db.selectFrom("disbursements").select("id").where("grant_award_id", "=", award.id).execute();
    await owner.getByRole("button", { name: m.spending.submitRequest }).click();
    await expect.poll(() => owner.getByTestId("form-error").textContent()).toBe(m.errors.grantPeriodEnded);
    expect(await server.database.db.selectFrom("disbursements").select("id").where("grant_award_id", "=", award.id).execute()).toEqual(requestsBefore);
    await screenshot(owner, "grant-period-ended-refused");
    await owner.goto(`${server.url}/grants/${award.id}`);
    expect(await owner.getByTestId("grant-period-closed").textContent()).toContain(r.periodEnded(formatDate(addDays(today, 12), "ko")));
    expect(await owner.getByRole("button", { name: m.spending.submitRequest }).count()).toBe(0);
    await screenshot(owner, "grant-period-ended");
  });

  // Last: it moves the clock past the window, which ends the other pages' sessions.
  it("with a sponsor's pool a pledge is matched; at the close the campaign succeeds and the round's results show it", async () => {
    const x = m.matching;
    const campaign = await coopCampaign();
    const { goal_won: goal } = await server.database.db.selectFrom("campaigns").select("goal_won").where("id", "=", campaign.id).executeTakeFirstOrThrow();
    const operator = await as("operator@hamkke.demo");
    await operator.goto(`${server.url}/staff/contests/${round.id}/matching`);
    await operator.getByLabel(x.totalField).fill("300,000");
    await operator.getByRole("button", { name: x.create }).click();
    await expect.poll(() => notice(operator)).toBe(m.notices.matchingPoolCreated);
    await operator.getByLabel(x.factorField).fill("100");
    await operator.getByLabel(x.thresholdField).fill("0");
    await operator.getByRole("button", { name: x.publish }).click();
    await expect.poll(() => notice(operator)).toBe(m.notices.matchingRulesPublished);

    // A resident backs the whole goal; the 1:1 match is cut to what is left in the pool.
    const citizen = await as("citizen@hamkke.demo", 390);
    await citizen.goto(`${server.url}/campaigns/${campaign.slug}/pledge`);
    await citizen.getByLabel(m.pledges.amount).fill(goal.toLocaleString("ko-KR"));
    await citizen.getByRole("button", { name: m.pledges.continue }).click();
    await citizen.waitForURL("**/pay");
    await submitCard(citizen, "4242 4242 4242 4242", m.pledges.saveCard);
    await expect.poll(() => notice(citizen)).toBe(m.notices.pledgeSaved);
    expect(await citizen.getByTestId("pledge-match").textContent()).toContain("300,000원");

    // The window (10 → 50 days from today) closes; the saved card is charged and the round settles.
    const clock = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await clock.goto(`${server.url}/dev/clock`);
    await clock.getByLabel(m.dev.advanceDays).fill("42");
    await clock.getByRole("button", { name: m.dev.advance }).click();
    await expect.poll(() => notice(clock)).toBe(m.notices.clockAdvanced);

    await clock.goto(`${server.url}/contests/e2e-round`);
    await clock.getByTestId("round-results-link").click();
    await clock.waitForURL("**/contests/e2e-round/results");
    expect(await clock.getByTestId("round-succeeded").textContent()).toBe("1");
    expect(await clock.getByTestId("round-people").textContent()).toBe("1");
    expect(await clock.getByTestId("round-raised").textContent()).toBe(`${goal.toLocaleString("ko-KR")}원`);
    expect(await clock.getByTestId("round-matched").textContent()).toBe("300,000원");
    expect(await clock.getByTestId("round-outcome").textContent()).toBe(m.results.outcome(1, 1, `${goal.toLocaleString("ko-KR")}원`));
    await screenshot(clock, "round-results-after-close");
    await clock.context().close();
  });
});
