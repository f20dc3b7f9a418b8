import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { dictionaries } from "../../app/i18n/messages";
import { DEMO_PASSWORD } from "../../db/seed/seed";
import { CARD_EXPIRY } from "./dates";

const screensDir = resolve(import.meta.dirname, "../../test-results/screens");

/** Screenshots are for people to look at: CI, whose files nobody sees, turns them off with SCREENSHOTS=off. */
export const screenshotsWanted = process.env.SCREENSHOTS !== "off";

/** Where a screenshot of that name goes (for element screenshots). */
export function screenPath(name: string): string {
  mkdirSync(screensDir, { recursive: true });
  return resolve(screensDir, `${name}.png`);
}

/** Saves a full-page screenshot under test-results/screens for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!screenshotsWanted) return;
  mkdirSync(screensDir, { recursive: true });
  await page.screenshot({ path: resolve(screensDir, `${name}.png`), fullPage: true });
}

/** Opens the newest e-mail to an address in the dev outbox and returns the first link in it. */
export async function linkFromLatestEmail(page: Page, base: string, to: string, pathPart: string): Promise<string> {
  await page.goto(`${base}/dev/outbox?to=${encodeURIComponent(to)}`);
  await page.locator("[data-testid=outbox] tbody tr a").first().click();
  // Wait for the message page itself, not the list it was opened from.
  await page.waitForURL(/\/dev\/outbox\/\d+$/);
  await page.getByTestId("email-subject").waitFor();
  const links = await page.locator("[data-testid=email-links] a").allTextContents();
  const link = links.find((href) => href.includes(pathPart));
  if (!link) throw new Error(`no link containing ${pathPart} in the e-mail to ${to}`);
  return link;
}

/** A new browser context logged in as a demo account (Korean UI), on the account page. */
export async function logInPage(browser: Browser, base: string, email: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const m = dictionaries.ko;
  const phone = viewport.width < 500;
  const page = await (await browser.newContext({ viewport, isMobile: phone, hasTouch: phone })).newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel(m.auth.email).fill(email);
  await page.getByLabel(m.auth.password).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: m.auth.loginButton }).click();
  await page.waitForURL("**/account");
  return page;
}

/** Types a demo card (its number, an expiry in the future, a CVC) into the card form on `page` and submits it with the button named `submit`. */
export async function submitCard(page: Page, cardNumber: string, submit: string): Promise<void> {
  const m = dictionaries.ko;
  await page.getByLabel(m.pledges.cardNumber).fill(cardNumber);
  await page.getByLabel(m.pledges.cardExpiry).fill(CARD_EXPIRY);
  await page.getByLabel(m.pledges.cardCvc).fill("123");
  await page.getByRole("button", { name: submit }).click();
}
