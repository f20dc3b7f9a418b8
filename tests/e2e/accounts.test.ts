import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { launchBrowser } from "../support/browser";
import { linkFromLatestEmail, screenshot } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

describe.runIf(inject("chromium"))("accounts and enterprises in the browser", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    return context.newPage();
  }

  for (const locale of ["ko", "en"] as const) {
    const m = dictionaries[locale];
    it(`signs up, logs out, logs in, registers an enterprise and logs out (${locale})`, async () => {
      const page = await newPage(locale === "ko" ? 1280 : 390);
      const email = `resident-${locale}@example.com`;
      await page.goto(server.url);
      await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("ko");
      if (locale === "en") {
        await page.getByTestId("language-switch").click();
        await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
      }
      await screenshot(page, `home-${locale}`);

      await page.getByRole("link", { name: m.common.nav.signup }).click();
      await page.waitForURL("**/signup");
      await page.getByLabel(m.auth.email, { exact: true }).fill(email);
      await page.getByLabel(m.auth.displayName).fill(locale === "ko" ? "김주민" : "Jamie Kim");
      await page.getByLabel(m.auth.password, { exact: false }).first().fill("a-long-password");
      await page.getByLabel(m.auth.passwordConfirm).fill("a-different-one");
      await page.getByRole("button", { name: m.auth.signupButton }).click();
      await expect.poll(() => page.getByTestId("error-passwordConfirm").textContent()).toBe(m.errors.passwordsDiffer);
      await page.getByLabel(m.auth.password, { exact: false }).first().fill("a-long-password");
      await page.getByLabel(m.auth.passwordConfirm).fill("a-long-password");
      // Under 14 is refused with a clear message; the optional consent is left unticked.
      await page.getByLabel(m.privacy.consents.ageGroups.under_14).check();
      await page.getByLabel(m.privacy.consents.account.agree).check();
      await page.getByRole("button", { name: m.auth.signupButton }).click();
      await expect.poll(() => page.getByTestId("error-ageGroup").textContent()).toBe(m.errors.under14);
      await screenshot(page, `signup-under-14-${locale}`);
      await page.getByLabel(m.auth.password, { exact: false }).first().fill("a-long-password");
      await page.getByLabel(m.auth.passwordConfirm).fill("a-long-password");
      await page.getByLabel(m.privacy.consents.ageGroups["14_or_older"]).check();
      await page.getByRole("button", { name: m.auth.signupButton }).click();
      await expect.poll(() => page.getByTestId("notice").textContent()).toBe(m.notices.welcome);
      await expect.poll(() => page.getByTestId("consents").textContent()).toContain(m.privacy.account.withdrawn);

      await page.getByTestId("logout").click();
      await expect.poll(() => page.getByTestId("notice").textContent()).toBe(m.notices.loggedOut);

      await page.getByRole("link", { name: m.common.nav.login, exact: true }).click();
      await page.waitForURL("**/login");
      await page.getByLabel(m.auth.email, { exact: true }).fill(email);
      await page.getByLabel(m.auth.password).fill("wrong-password");
      await page.getByRole("button", { name: m.auth.loginButton }).click();
      await expect.poll(() => page.getByTestId("form-error").textContent()).toBe(m.errors.invalidCredentials);
      await page.getByLabel(m.auth.password).fill("a-long-password");
      await page.getByRole("button", { name: m.auth.loginButton }).click();
      await expect.poll(() => page.url()).toContain("/account");

      await page.getByRole("link", { name: m.enterprises.register }).click();
      await page.waitForURL("**/enterprises/new");
      const f = m.enterprises.fields;
      await page.getByLabel(f.name).fill(locale === "ko" ? "수완마을 돌봄 협동조합" : "Suwan Care Cooperative");
      await page.getByLabel(f.type).selectOption("cooperative");
      await page.getByLabel(f.host).selectOption({ label: "광주광역시 광산구" });
      await page.getByLabel(f.representative).fill("김주민");
      await page.getByLabel(f.district).fill("광주 광산구 수완동");
      await page.getByLabel(f.business).fill(locale === "ko" ? "아이 돌봄, 반찬 나눔" : "Child care and side dishes");
      await page.getByLabel(f.employees, { exact: true }).fill("-4");
      await page.getByLabel(f.vulnerableEmployees).fill("2");
      await page.getByRole("button", { name: m.enterprises.submitRegistration }).click();
      await expect.poll(() => page.getByTestId("error-employees").textContent()).toBe(m.errors.invalidNumber);
      await screenshot(page, `enterprise-form-error-${locale}`);
      await page.getByLabel(f.employees, { exact: true }).fill("5");
      await page.getByRole("button", { name: m.enterprises.submitRegistration }).click();
      await expect.poll(() => page.getByTestId("notice").textContent()).toBe(m.notices.registered);
      expect(await page.getByTestId("enterprise-status").textContent()).toBe(m.enterprises.status.pending);
      await screenshot(page, `enterprise-registered-${locale}`);

      await page.getByTestId("logout").click();
      await expect.poll(() => page.getByRole("link", { name: m.common.nav.login, exact: true }).count()).toBe(1);
      await page.goto(`${server.url}/account`);
      await expect.poll(() => page.url()).toContain("/login?next=");
      await page.context().close();
    });
  }

  it("resets a forgotten password with the e-mailed link", async () => {
    const page = await newPage();
    const m = dictionaries.ko;
    await page.goto(`${server.url}/login`);
    await page.getByRole("link", { name: m.auth.forgotLink }).click();
    await page.waitForURL("**/forgot-password");
    await page.getByLabel(m.auth.email).fill("citizen@hamkke.demo");
    await page.getByRole("button", { name: m.auth.forgotButton }).click();
    await expect.poll(() => page.getByTestId("reset-sent").count()).toBe(1);
    const link = await linkFromLatestEmail(page, server.url, "citizen@hamkke.demo", "/reset-password");
    await page.goto(link);
    await page.getByLabel(m.auth.password, { exact: true }).fill("my-new-password");
    await page.getByLabel(m.auth.passwordConfirm).fill("my-new-password");
    await page.getByRole("button", { name: m.auth.resetButton }).click();
    await expect.poll(() => page.getByTestId("notice").textContent()).toBe(m.notices.passwordReset);
    await page.getByLabel(m.auth.email).fill("citizen@hamkke.demo");
    await page.getByLabel(m.auth.password).fill("my-new-password");
    await page.getByRole("button", { name: m.auth.loginButton }).click();
    await expect.poll(() => page.url()).toContain("/account");
    await page.context().close();
  });

  it("lets the host's operator verify the enterprise, which then shows in the public directory", async () => {
    const page = await newPage();
    const m = dictionaries.ko;
    await page.goto(`${server.url}/login`);
    await page.getByLabel(m.auth.email).fill("operator@hamkke.demo");
    await page.getByLabel(m.auth.password).fill("hamkke-demo-2026");
    await page.getByRole("button", { name: m.auth.loginButton }).click();
    await expect.poll(() => page.url()).toContain("/account");
    await page.goto(`${server.url}/staff/enterprises`);
    const card = page.getByTestId("pending-enterprise").filter({ hasText: "수완마을 돌봄 협동조합" });
    await screenshot(page, "staff-enterprise-queue");
    await card.getByRole("button", { name: m.staff.verify }).click();
    await expect.poll(() => page.getByTestId("notice").textContent()).toBe(m.notices.verified);
    await page.goto(`${server.url}/enterprises?type=cooperative`);
    await expect.poll(() => page.getByTestId("enterprise-card").filter({ hasText: "수완마을 돌봄 협동조합" }).count()).toBe(1);
    await screenshot(page, "directory-cooperatives");
    await page.context().close();
  });

  it("shows the error pages in both languages", async () => {
    const page = await newPage();
    const response = await page.goto(`${server.url}/this/does/not/exist`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(dictionaries.ko.common.errorPage.notFoundTitle);
    await page.getByTestId("language-switch").click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(dictionaries.en.common.errorPage.notFoundTitle);
    await screenshot(page, "not-found-en");
    await page.context().close();
  });
});
