import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { launchBrowser } from "../support/browser";
import { CARD_EXPIRY, seoulDateInDays, seoulMonthInDays } from "../support/dates";
import { logInPage, screenshot, submitCard } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

const m = dictionaries.ko;

describe.runIf(inject("chromium"))("campaigns and pledges in the browser", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Presses Tab until the focused element matches the selector (at most 60 times). */
  async function tabTo(page: Page, selector: string): Promise<void> {
    for (let presses = 0; presses < 60; presses++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  async function logIn(email: string, width = 1280): Promise<Page> {
    return logInPage(browser, server.url, email, { width, height: 900 });
  }

  it("a resident finds a live campaign, backs it with the demo card, gets the receipt e-mail and sees the bar move", async () => {
    const page = await logIn("citizen@hamkke.demo", 390);
    await page.goto(`${server.url}/campaigns?state=live`);
    await page.getByTestId("campaign-card").filter({ hasText: "우리 동네 골목 놀이터" }).click();
    await page.waitForURL("**/campaigns/demo-neighbourhood-playground");
    const before = await page.getByTestId("percent").textContent();
    await screenshot(page, "campaign-page-phone");

    await page.getByTestId("back-this").click();
    await page.waitForURL("**/pledge");
    await page.getByLabel(/놀이 꾸러미/).check();
    await page.getByLabel(m.pledges.amount).fill("5,000");
    await page.getByRole("button", { name: m.pledges.continue }).click();
    await expect.poll(() => page.getByTestId("error-amount").textContent()).toBe(m.errors.rewardBelowMinimum);
    await page.getByLabel(m.pledges.amount).fill("300,000");
    await page.getByLabel(m.pledges.message).fill("골목에서 만나요");
    await page.getByRole("button", { name: m.pledges.continue }).click();
    await page.waitForURL("**/pay");
    await screenshot(page, "pay-phone");

    await submitCard(page, "4000 0000 0000 0002", m.pledges.saveCard);
    await expect.poll(() => page.getByTestId("error-cardNumber").textContent()).toBe(m.errors.cardDeclined);
    await submitCard(page, "4000 0000 0000 3220", m.pledges.saveCard);
    await page.waitForURL("**/authenticate");
    await page.getByRole("button", { name: m.pledges.approve }).click();
    await expect.poll(() => page.getByTestId("notice").textContent()).toBe(m.notices.pledgeSaved);
    expect(await page.getByTestId("pledge-state").textContent()).toBe(m.pledges.states.saved);
    const receiptCode = await page.getByTestId("receipt-code").textContent();
    expect(receiptCode?.length).toBeGreaterThan(20);
    await screenshot(page, "receipt-phone");

    await page.goto(`${server.url}/dev/outbox?to=citizen%40hamkke.demo`);
    await expect.poll(() => page.getByTestId("outbox").textContent()).toContain("[후원 영수증] 우리 동네 골목 놀이터 (데모)");

    await page.goto(`${server.url}/campaigns/demo-neighbourhood-playground`);
    const after = await page.getByTestId("percent").textContent();
    expect(Number(after?.replace("%", ""))).toBeGreaterThan(Number(before?.replace("%", "")));
    // Backer lists mask a person's name unless they chose otherwise (issue 16).
    const backers = await page.getByTestId("backers").textContent();
    expect(backers).toContain("시* 후*자");
    expect(backers).not.toContain("시민 후원자");
    await page.context().close();
  });

  it("a resident completes a pledge with the keyboard alone, from the campaign page to the receipt", async () => {
    const page = await logIn("company@hamkke.demo", 390);
    await page.goto(`${server.url}/campaigns/demo-local-food-cafe`);
    await tabTo(page, "[data-testid=back-this]");
    await page.keyboard.press("Enter");
    await page.waitForURL("**/pledge");
    await tabTo(page, "input[name=amount]");
    await page.keyboard.type("15000");
    // Radio groups take one Tab stop and are chosen with the arrow keys.
    await tabTo(page, "input[name=nameDisplay]:checked");
    await page.keyboard.press("ArrowDown");
    expect(await page.locator("input[name=nameDisplay]:checked").getAttribute("value")).toBe("full");
    await tabTo(page, "form.form button[type=submit]");
    await page.keyboard.press("Enter");
    await page.waitForURL("**/pay");
    await tabTo(page, "input[name=cardNumber]");
    await page.keyboard.type("4242 4242 4242 4242");
    await page.keyboard.press("Tab");
    await page.keyboard.type(CARD_EXPIRY);
    await page.keyboard.press("Tab");
    await page.keyboard.type("123");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("notice").textContent()).toBe(m.notices.pledgePaid);
    expect(await page.getByTestId("pledge-state").textContent()).toBe(m.pledges.states.collected);
    await page.context().close();
  });

  it("an enterprise writes and submits a campaign, the operator asks for changes, then approves it", async () => {
    const owner = await logIn("coop@hamkke.demo");
    await owner.getByRole("link", { name: "함께 크는 나무 협동조합" }).click();
    await owner.getByTestId("new-campaign").click();
    await owner.waitForURL("**/campaigns/new");
    const f = m.campaigns.fields;
    await owner.getByLabel(f.title, { exact: true }).fill("기억 공방 가죽 팔찌");
    await owner.getByLabel(f.summary, { exact: true }).fill("세월호를 기억하는 가죽 팔찌를 함께 만듭니다.");
    await owner.getByLabel(f.story).fill("## 기억을 손으로\n\n- 가죽 재료\n- 공방 운영");
    await owner.getByLabel(f.goal, { exact: true }).fill("1,000,000");
    await owner.getByLabel(f.startsOn, { exact: true }).fill(seoulDateInDays(7));
    await owner.getByLabel(f.endsOn, { exact: true }).fill(seoulDateInDays(37));
    await owner.getByRole("button", { name: m.campaigns.create }).click();
    await expect.poll(() => owner.getByTestId("notice").textContent()).toBe(m.notices.campaignCreated);

    // Submitting without a budget is refused with the reason.
    await owner.getByRole("button", { name: m.campaigns.submit }).click();
    await expect.poll(() => owner.getByTestId("form-error").textContent()).toBe(m.errors.budgetMissing);
    await owner.getByLabel(f.lineName, { exact: true }).fill("가죽 재료");
    await owner.getByLabel(f.lineAmount, { exact: true }).fill("600000");
    await owner.getByRole("button", { name: m.campaigns.addLine }).click();
    await expect.poll(() => owner.getByTestId("budget-lines").textContent()).toContain("가죽 재료");
    await owner.getByLabel(f.lineName, { exact: true }).fill("공방 운영");
    await owner.getByLabel(f.lineAmount, { exact: true }).fill("400000");
    await owner.getByRole("button", { name: m.campaigns.addLine }).click();
    await expect.poll(() => owner.getByTestId("budget-total").textContent()).toContain(m.campaigns.budgetMatches);
    await owner.getByLabel(f.rewardTitle, { exact: true }).fill("기억 팔찌");
    await owner.getByLabel(f.rewardMin, { exact: true }).fill("20000");
    await owner.getByLabel(f.rewardQuantity).fill("50");
    await owner.getByLabel(f.rewardDelivery).fill(seoulMonthInDays(70));
    await owner.getByRole("button", { name: m.campaigns.addReward }).click();
    await expect.poll(() => owner.getByTestId("rewards").textContent()).toContain("기억 팔찌");
    await screenshot(owner, "campaign-editor");
    await owner.getByRole("button", { name: m.campaigns.submit }).click();
    await expect.poll(() => owner.getByTestId("notice").textContent()).toBe(m.notices.campaignSubmitted);
    const editUrl = owner.url().split("?")[0] ?? "";

    const operator = await logIn("operator@hamkke.demo");
    await operator.goto(`${server.url}/staff/campaigns`);
    await operator.getByRole("link", { name: "기억 공방 가죽 팔찌" }).click();
    await operator.getByRole("button", { name: m.staffCampaigns.requestChanges }).click();
    await expect.poll(() => operator.getByTestId("error-comment").textContent()).toBe(m.errors.required);
    await operator.getByLabel(m.staffCampaigns.comment).fill("리워드 전달 시기를 한 달 앞당겨 주세요.");
    await operator.getByRole("button", { name: m.staffCampaigns.requestChanges }).click();
    await expect.poll(() => operator.getByTestId("notice").textContent()).toBe(m.notices.campaignReviewed);

    await owner.goto(editUrl);
    await expect.poll(() => owner.getByTestId("reviews").textContent()).toContain("리워드 전달 시기를 한 달 앞당겨 주세요.");
    expect(await owner.getByTestId("campaign-state").textContent()).toBe(m.common.campaignStates.changes_requested);
    await owner.getByRole("button", { name: `${m.campaigns.remove} 기억 팔찌` }).click();
    await expect.poll(() => owner.getByTestId("rewards").textContent()).not.toContain("기억 팔찌");
    await owner.getByLabel(f.rewardTitle, { exact: true }).fill("기억 팔찌");
    await owner.getByLabel(f.rewardMin, { exact: true }).fill("20000");
    await owner.getByLabel(f.rewardDelivery).fill(seoulMonthInDays(45));
    await owner.getByRole("button", { name: m.campaigns.addReward }).click();
    await expect.poll(() => owner.getByTestId("rewards").textContent()).toContain("기억 팔찌");
    await owner.getByRole("button", { name: m.campaigns.submit }).click();
    await expect.poll(() => owner.getByTestId("notice").textContent()).toBe(m.notices.campaignSubmitted);

    await operator.reload();
    await operator.getByRole("button", { name: m.staffCampaigns.approve }).click();
    await expect.poll(() => operator.getByTestId("campaign-state").textContent()).toBe(m.common.campaignStates.approved);
    await screenshot(operator, "staff-campaign-approved");
    await owner.goto(`${server.url}/dev/outbox?to=coop%40hamkke.demo`);
    await expect.poll(() => owner.getByTestId("outbox").textContent()).toContain("기억 공방 가죽 팔찌 캠페인이 승인되었습니다");
    await owner.context().close();
    await operator.context().close();
  });

  it("shows the campaign page well at desktop width, in both languages", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${server.url}/campaigns/hospital-childcare-round-1`);
    expect(await page.getByTestId("raised").textContent()).toBe("3,740,000원");
    expect(await page.getByTestId("backer-count").textContent()).toBe("개인 9명 · 기업 5곳");
    await screenshot(page, "campaign-page-desktop-ko");
    await page.getByTestId("language-switch").click();
    await expect.poll(() => page.getByTestId("raised").textContent()).toBe("₩3,740,000");
    expect(await page.getByTestId("backer-count").textContent()).toBe("9 people · 5 companies");
    await screenshot(page, "campaign-page-desktop-en");
    await page.context().close();
  });
});
