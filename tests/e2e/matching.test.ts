import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addBudgetLine, createCampaign, reviewCampaign, submitForReview } from "../../app/campaigns/campaigns.server";
import { dictionaries } from "../../app/i18n/messages";
import { seoulDateInDays } from "../support/dates";
import { launchBrowser } from "../support/browser";
import { logInPage, screenPath, screenshot, screenshotsWanted, submitCard } from "../support/pages";
import { createTestServices } from "../support/services";
import { startTestServer, type TestServer } from "../support/server";

const m = dictionaries.ko;
const x = m.matching;
const ROUND = "e2e-matching-round";

describe.runIf(inject("chromium"))("matching funds in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let contestId = 0;
  let campaignSlug = "";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    // A round with a live campaign and no pool yet (how a round gets there is the contest flow's
    // business; here it is set up directly).
    const db = server.database.db;
    const services = createTestServices(db, new Date().toISOString());
    const operator = await db.selectFrom("users").select("id").where("email", "=", "operator@hamkke.demo").executeTakeFirstOrThrow();
    const host = await db.selectFrom("host_organisations").select("id").where("key", "=", "gwangsan").executeTakeFirstOrThrow();
    const enterprise = await db.selectFrom("enterprises").select("id").where("name", "=", "함께 크는 나무 협동조합").executeTakeFirstOrThrow();
    contestId = (await db.insertInto("contests").values({ slug: ROUND, host_id: host.id, title: "광산구 마을 매칭 라운드 (시험)", published: true, created_by: operator.id }).returning("id").executeTakeFirstOrThrow()).id;
    const today = seoulDateInDays(0);
    const ends = seoulDateInDays(20);
    const campaign = await createCampaign(db, {
      enterpriseId: enterprise.id,
      userId: operator.id,
      now: new Date(),
      basics: { title: "마을 공방 가죽 수업 (시험)", summary: "동네 어르신과 함께 하는 가죽 공예 수업", story: "", goal: 1_000_000, fundingModel: "all_or_nothing", startsOn: today, endsOn: ends },
    });
    await server.database.owner.updateTable("campaigns").set({ contest_id: contestId }).where("id", "=", campaign.id).execute();
    await addBudgetLine(db, campaign.id, { name: "재료비", amount: 1_000_000, required: true });
    await submitForReview(db, campaign.id, new Date());
    await reviewCampaign(services, { campaignId: campaign.id, reviewerId: operator.id, decision: "approve", comment: "" });
    campaignSlug = campaign.slug;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function logIn(email: string, width = 1280): Promise<Page> {
    return logInPage(browser, server.url, email, { width, height: 900 });
  }

  it("an operator creates the pool and its rules, a resident pledges and sees the match, the simulator replays it", async () => {
    const operator = await logIn("operator@hamkke.demo");
    await operator.goto(`${server.url}/staff/contests/${contestId}`);
    await operator.getByRole("link", { name: x.tab }).click();
    await operator.waitForURL(`**/staff/contests/${contestId}/matching`);

    // Bad input first: a company without a name and a total in words.
    await operator.getByLabel(x.sponsorKind).selectOption("company");
    await operator.getByLabel(x.totalField).fill("오십만");
    await operator.getByRole("button", { name: x.create }).click();
    await expect.poll(() => operator.getByTestId("error-sponsorName").textContent()).toBe(m.errors.sponsorNameRequired);
    expect(await operator.getByTestId("error-total").textContent()).toBe(m.errors.invalidAmount);
    await operator.getByLabel(x.sponsorName).fill("㈜광산상사");
    await operator.getByLabel(x.totalField).fill("500,000");
    await operator.getByRole("button", { name: x.create }).click();
    await expect.poll(() => operator.getByTestId("notice").textContent()).toBe(m.notices.matchingPoolCreated);

    await operator.getByLabel(x.factorField).fill("100");
    await operator.getByLabel(x.capPerPledgeField).fill("50,000");
    await operator.getByLabel(x.capPerBackerField).fill("100,000");
    await operator.getByLabel(x.thresholdField).fill("0");
    await operator.getByRole("button", { name: x.publish }).click();
    await expect.poll(() => operator.getByTestId("notice").textContent()).toBe(m.notices.matchingRulesPublished);
    expect(await operator.getByTestId("pool-remaining").textContent()).toBe("500,000원");
    expect(await operator.getByTestId("rules-v1").textContent()).toContain("1:1");
    await screenshot(operator, "matching-staff");

    // A resident, on a phone: the campaign shows the pool, the form estimates the match.
    const citizen = await logIn("citizen@hamkke.demo", 390);
    await citizen.goto(`${server.url}/campaigns/${campaignSlug}`);
    expect(await citizen.getByTestId("matching-card").getByTestId("pool-remaining").textContent()).toContain("500,000원");
    expect(await citizen.getByTestId("matched").textContent()).toBe("0원");
    await citizen.getByTestId("back-this").click();
    await citizen.waitForURL("**/pledge");
    await citizen.getByLabel(m.pledges.amount).fill("80,000");
    await expect.poll(() => citizen.getByTestId("match-estimate").textContent()).toContain(x.estimate("50,000원"));
    await screenshot(citizen, "matching-pledge-estimate-phone");
    await citizen.getByRole("button", { name: m.pledges.continue }).click();
    await citizen.waitForURL("**/pay");
    await submitCard(citizen, "4242 4242 4242 4242", m.pledges.saveCard);
    await expect.poll(() => citizen.getByTestId("notice").textContent()).toBe(m.notices.pledgeSaved);
    expect(await citizen.getByTestId("pledge-match").textContent()).toContain("50,000원");
    expect(await citizen.getByTestId("pledge-match").textContent()).toContain(x.pledgeMatchState.committed);
    await screenshot(citizen, "matching-receipt-phone");

    await citizen.goto(`${server.url}/campaigns/${campaignSlug}`);
    expect(await citizen.getByTestId("matched").textContent()).toBe("50,000원");
    expect(await citizen.getByTestId("matching-card").getByTestId("pool-remaining").textContent()).toContain("450,000원");
    expect(await citizen.getByTestId("raised-with-match").textContent()).toBe("130,000원");
    await screenshot(citizen, "matching-campaign-phone");
    if (screenshotsWanted) await citizen.getByTestId("matching-card").screenshot({ path: screenPath("matching-card-phone") });

    // The public round page lists the sponsor, what is left and the published version with its date.
    await citizen.goto(`${server.url}/contests/${ROUND}/matching`);
    expect(await citizen.getByTestId("sponsor").textContent()).toContain("㈜광산상사");
    expect(await citizen.getByTestId("pool-remaining").textContent()).toBe("450,000원");
    expect(await citizen.getByTestId("rule-versions").textContent()).toContain(x.version(1));
    await screenshot(citizen, "matching-round-phone");
    await citizen.context().close();

    // The simulator: a draft 2:1 without a cap per pledge (not saved); the cap per backer now binds.
    await operator.goto(`${server.url}/staff/contests/${contestId}/matching`);
    await operator.getByTestId("simulate-link").click();
    await operator.waitForURL("**/matching/simulate");
    expect(await operator.getByTestId("simulated-campaign").textContent()).toContain("50,000원");
    await operator.getByLabel(x.factorField).fill("200");
    await operator.getByLabel(x.capPerPledgeField).fill("");
    await operator.getByRole("button", { name: x.simulateRun }).click();
    await expect.poll(() => operator.getByTestId("simulated-campaign").textContent()).toContain(x.limits.backerCap);
    expect(await operator.getByTestId("simulated-total").textContent()).toBe(x.simulatedTotal("100,000원", "500,000원"));
    await screenshot(operator, "matching-simulator");
    await operator.goto(`${server.url}/contests/${ROUND}/matching`);
    expect(await operator.getByTestId("pool-remaining").textContent()).toBe("450,000원");
    await operator.context().close();
  });

  it("closes the round only once the operator confirms what closing does", async () => {
    const operator = await logIn("operator@hamkke.demo");
    await operator.goto(`${server.url}/staff/contests/${contestId}/matching`);
    const close = operator.getByTestId("close-round");
    expect(await close.textContent()).toContain(x.closeConfirm("450,000원", "㈜광산상사"));
    // Without the box ticked: refused with the reason, the round stays open.
    await close.getByRole("button", { name: x.closeButton }).click();
    await expect.poll(() => operator.getByTestId("close-round-card").getByTestId("form-error").textContent()).toBe(m.errors.matchingCloseConfirmRequired);
    expect(await operator.getByTestId("pool-status").textContent()).toBe(x.openBadge);
    const pool = await server.database.db.selectFrom("matching_pools").select(["id", "closed_at"]).where("contest_id", "=", contestId).executeTakeFirstOrThrow();
    expect(pool.closed_at).toBeNull();
    await screenshot(operator, "matching-close-unconfirmed");

    await operator.getByTestId("close-round").getByLabel(x.closeConfirm("450,000원", "㈜광산상사")).check();
    await operator.getByTestId("close-round").getByRole("button", { name: x.closeButton }).click();
    await expect.poll(() => operator.getByTestId("notice").textContent()).toBe(m.notices.matchingPoolClosed);
    expect(await operator.getByTestId("pool-returned").textContent()).toBe("450,000원");
    expect(await operator.getByTestId("pool-status").textContent()).not.toBe(x.openBadge);
    await screenshot(operator, "matching-closed");
    await operator.context().close();
  });

  it("shows the demo round's matches on the live demo campaign", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${server.url}/campaigns/demo-neighbourhood-playground`);
    expect(await page.getByTestId("matched").textContent()).toMatch(/원$/);
    await screenshot(page, "matching-demo-campaign");
    await page.goto(`${server.url}/contests/demo-matching-round/matching`);
    expect(await page.getByTestId("rule-versions").textContent()).toContain(x.version(2));
    await screenshot(page, "matching-demo-round");
    await page.context().close();
  });
});
