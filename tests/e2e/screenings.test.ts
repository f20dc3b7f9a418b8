import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { certificateProgramme, equipmentCall, SCREENINGS_PUBLISHED } from "../../db/seed/screenings-plan";
import { launchBrowser } from "../support/browser";
import { logInPage, screenshot } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

// The self-sufficiency centre's on-site inspection call as the demo shows it: its operator finds
// the inspection results and the paid grants; the public finds the call from the contests list,
// reads its funnel and results, and reaches the host's page and the centre's certificate course —
// on a desktop and on a phone.

const m = dictionaries.ko;
const w = m.contestWork;
const s = m.screening;
const selectedNames = [...SCREENINGS_PUBLISHED.equipment.names].sort();
const failedNotes = equipmentCall.applicants.filter((a) => !a.passed).map((a) => a.note);

describe.runIf(inject("chromium"))("the 기능보강지원사업 inspection call in the browser", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function horizontalOverflow(page: Page): Promise<number> {
    return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  }

  it("the centre's operator finds every applicant's inspection result and the six grants paid", async () => {
    const page = await logInPage(browser, server.url, "center@hamkke.demo");
    await page.goto(`${server.url}/staff/contests`);
    await page
      .getByRole("row", { name: new RegExp(equipmentCall.title) })
      .getByRole("link", { name: w.manage })
      .click();
    await page.getByRole("link", { name: w.tabs.applications }).click();
    await page.waitForURL(/\/staff\/contests\/\d+\/applications$/);
    // A screening call has no jury and no crowdfunding round.
    expect(await page.getByRole("navigation", { name: w.staffTitle }).getByRole("link").allTextContents()).toEqual([w.tabs.settings, w.tabs.events, w.tabs.applications, m.round.tabs.grants]);

    const cards = page.getByTestId("staff-application");
    await expect.poll(() => cards.count()).toBe(8);
    expect(await cards.getByText(w.passed, { exact: true }).count()).toBe(6);
    expect(await cards.getByText(w.failed, { exact: true }).count()).toBe(2);
    for (const note of failedNotes) expect(await cards.filter({ hasText: note }).count()).toBe(1);
    expect(await page.getByTestId("selected-on").isVisible()).toBe(true);
    expect(await page.getByTestId("staff-application").filter({ hasText: w.outcomes.selected }).count()).toBe(6);
    await screenshot(page, "screening-staff-applications-ko");

    await page.getByRole("link", { name: m.round.tabs.grants }).click();
    const awards = page.getByTestId("awards").locator("tbody tr");
    await expect.poll(() => awards.count()).toBe(6);
    expect(await page.getByTestId("pool-remaining").textContent()).toBe("8,600,000원");
    const coffee = awards.filter({ hasText: "커피마루 운암점" });
    expect(await coffee.locator("td.num").allTextContents()).toEqual(["7,000,000원", "7,000,000원"]);
    await coffee.getByRole("link", { name: m.round.view }).click();
    await page.waitForURL(/\/grants\/\d+$/);
    await expect.poll(() => page.textContent("main")).toContain("커피머신 납품업체 (데모)");
    await screenshot(page, "screening-staff-grant-ko");
    await page.context().close();
  });

  it("the public goes from the contests list to the call, its funnel, its results with CSV and ledger, and the host's page", async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${server.url}/contests`);
    await page.getByRole("link", { name: equipmentCall.title }).click();
    await page.waitForURL(`**/contests/${equipmentCall.slug}`);
    expect(await page.getByTestId("funnel-summary").textContent()).toBe(s.summary(8, 6));
    const selected = page.getByTestId("selected-enterprise");
    await expect.poll(() => selected.count()).toBe(6);
    expect((await selected.locator("a").allTextContents()).sort()).toEqual(selectedNames);
    // Who failed the inspection, and why, stays with the centre.
    for (const note of failedNotes) expect(await page.textContent("body")).not.toContain(note);
    await screenshot(page, "screening-contest-ko");

    await page.getByTestId("screening-results-link").click();
    await page.waitForURL(`**/contests/${equipmentCall.slug}/results`);
    expect(await page.getByTestId("screening-outcome").textContent()).toBe(s.summary(8, 6));
    expect(await page.getByTestId("screening-paid").textContent()).toBe("31,400,000원");
    expect(await page.getByRole("link", { name: m.results.csv }).getAttribute("href")).toBe(`/contests/${equipmentCall.slug}/results.csv`);
    await expect.poll(() => page.getByTestId("ledger-entries").locator("tbody tr").count()).toBeGreaterThanOrEqual(12);
    await screenshot(page, "screening-results-ko");

    await page.getByRole("link", { name: "광주광역자활센터" }).first().click();
    await page.waitForURL("**/hosts/gj-jahwal");
    expect(await page.getByTestId("host-name").textContent()).toBe("광주광역자활센터");
    const calls = page.getByTestId("host-contests").getByTestId("contest-card");
    await expect.poll(() => calls.count()).toBe(2);
    await screenshot(page, "screening-host-ko");

    // The certificate course beside it: the funnel and courses, no person.
    await calls.filter({ hasText: certificateProgramme.title }).getByRole("link", { name: certificateProgramme.title }).click();
    await page.waitForURL(`**/contests/${certificateProgramme.slug}`);
    expect(await page.getByTestId("funnel-summary").textContent()).toBe(s.peopleSummary(53, 42));
    expect(await page.getByTestId("course").count()).toBe(certificateProgramme.courses.length);
    await screenshot(page, "screening-certificates-ko");
    await page.context().close();
  });

  it("reads well on a phone, in Korean and in English", async () => {
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
    await page.goto(`${server.url}/contests/${equipmentCall.slug}`);
    expect(await page.getByTestId("funnel-summary").textContent()).toBe(s.summary(8, 6));
    await screenshot(page, "screening-contest-ko-mobile");
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.goto(`${server.url}/contests/${certificateProgramme.slug}/results`);
    expect(await page.getByTestId("screening-outcome").textContent()).toBe(s.peopleSummary(53, 42));
    await screenshot(page, "screening-certificates-results-ko-mobile");
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.goto(`${server.url}/contests/${equipmentCall.slug}/results`);
    await page.getByTestId("language-switch").click();
    await expect.poll(() => page.getByTestId("screening-outcome").textContent()).toBe(dictionaries.en.screening.summary(8, 6));
    await screenshot(page, "screening-results-en-mobile");
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });
});
