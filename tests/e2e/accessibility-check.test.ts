import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { takeAccessibilityFindings } from "../support/accessibility";
import { launchBrowser } from "../support/browser";

// The accessibility check every browser test runs under must itself find problems: a page with
// an unnamed progress bar and the squeezed choice card of issue 16.
const badPage = `<!DOCTYPE html><html lang="ko"><head><title>bad</title>
<style>.choice { display: flex; gap: 12px; } .choice input { width: 100%; }</style></head>
<body><main><h1>bad</h1>
<div role="progressbar" aria-valuenow="40" aria-valuemin="0" aria-valuemax="100"></div>
<form><fieldset><legend>종류</legend><label class="choice"><input type="radio" name="kind" value="donation"><span>기부 (리워드 없음)</span></label></fieldset></form>
</main></body></html>`;

describe.runIf(inject("chromium"))("the accessibility check", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("reports an axe violation and a squeezed choice card on a phone", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.route("http://a11y.test/**", (route) => route.fulfill({ contentType: "text/html; charset=utf-8", body: badPage }));
    await page.goto("http://a11y.test/bad");
    await expect.poll(async () => (await takeAccessibilityFindings()).map((f) => f.rule), { timeout: 30_000 }).toEqual(expect.arrayContaining(["aria-progressbar-name", "choice-card"]));
    await context.close();
  });
});
