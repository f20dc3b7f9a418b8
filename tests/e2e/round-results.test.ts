import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { launchBrowser } from "../support/browser";
import { screenshot } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

describe.runIf(inject("chromium"))("a contest round's results in the browser", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(width: number): Promise<Page> {
    return (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
  }

  it("a citizen goes from the contest to its results, a project's delivery, and the printable report", async () => {
    const m = dictionaries.ko;
    const page = await newPage(1280);
    await page.goto(`${server.url}/contests/gwangsan-2016-1`);
    await page.getByTestId("round-results-link").click();
    await page.waitForURL("**/contests/gwangsan-2016-1/results");
    expect(await page.getByTestId("round-outcome").textContent()).toBe(m.results.outcome(6, 277, "9,600,000원"));
    expect(await page.getByTestId("round-campaign").count()).toBe(8);
    expect(await page.getByTestId("round-by-campaign").locator(".bar-row").count()).toBe(8);
    await screenshot(page, "round-results-ko");

    const memory = page.locator('[data-testid=round-campaign][data-slug="gwangsan-2016-sharing-memories"]');
    await memory.getByRole("link", { name: m.results.spendingLink }).click();
    await page.waitForURL("**/campaigns/gwangsan-2016-sharing-memories/spending");
    expect(await page.textContent("body")).toContain("세월호 유가족");

    await page.goto(`${server.url}/contests/gwangsan-2016-1/report`);
    expect(await page.getByTestId("report-title").textContent()).toBe(m.results.reportTitle("제1차 광산구 사회적경제 크라우드펀딩 콘테스트"));
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".site-header").isVisible()).toBe(false);
    await screenshot(page, "round-report-print-ko");
    await page.context().close();
  });

  it("reads well on a phone in English", async () => {
    const m = dictionaries.en;
    const page = await newPage(390);
    await page.goto(`${server.url}/contests/gwangsan-2016-1/results`);
    await page.getByTestId("language-switch").click();
    await expect.poll(() => page.getByTestId("round-outcome").textContent()).toBe(m.results.outcome(6, 277, "₩9,600,000"));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "round-results-en-mobile");
    await page.context().close();
  });
});
