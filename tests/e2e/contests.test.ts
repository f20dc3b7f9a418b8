import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { seoulDateInDays } from "../support/dates";
import { launchBrowser } from "../support/browser";
import { logInPage, screenshot } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

// A contest in the browser: an operator sets it up, two enterprises apply, two jurors score
// (one declares a conflict), the applicants evaluate each other, the operator selects and the
// applicant sees the result.

const m = dictionaries.ko;
const w = m.contestWork;

describe.runIf(inject("chromium"))("a contest from the call for projects to the results, in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  const pages = new Map<string, Page>();
  const slug = "gwangsan-e2e-contest";
  const title = "2026 광산구 마을 돌봄 크라우드펀딩 공모전";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** One browser context per person, logged in once. */
  async function as(email: string, width = 1280): Promise<Page> {
    const existing = pages.get(email);
    if (existing) return existing;
    const page = await logInPage(browser, server.url, email, { width, height: 900 });
    pages.set(email, page);
    return page;
  }

  async function notice(page: Page): Promise<string | null> {
    return page.getByTestId("notice").textContent();
  }

  /** Clicks a form's button and waits for the server's answer: the notice may still read as after the last form. */
  async function submit(page: Page, button: Locator): Promise<void> {
    await Promise.all([page.waitForResponse((response) => response.request().method() === "POST"), button.click()]);
  }

  it("an operator creates, sets up and publishes a contest with an event", async () => {
    const page = await as("operator@hamkke.demo");
    const today = seoulDateInDays(0);
    await page.goto(`${server.url}/staff`);
    await page.getByRole("link", { name: w.staffTitle }).last().click();
    await page.getByRole("link", { name: w.newContest }).click();
    await page.getByLabel(w.fields.host).selectOption({ label: "광주광역시 광산구" });
    await page.getByLabel(w.fields.slug).fill(slug);
    await page.getByLabel(w.fields.title).fill(title);
    await page.getByLabel(w.fields.purpose).fill("주민과 함께 마을 돌봄의 빈틈을 메우는 착한 프로젝트를 찾습니다.");
    await page.getByLabel(w.fields.fields).fill("돌봄, 문화예술");
    await page.getByLabel(w.fields.eligibleRegions).fill("광주 광산구");
    await page.getByLabel(m.common.enterpriseTypes.cooperative, { exact: true }).check();
    await page.getByLabel(m.common.enterpriseTypes.social_enterprise, { exact: true }).check();
    await page.getByLabel(w.fields.applicationsOpenOn).fill(seoulDateInDays(-3));
    await page.getByLabel(w.fields.applicationsCloseOn).fill(seoulDateInDays(14));
    await page.getByLabel(w.fields.selectCount).fill("1");
    await page.getByLabel(w.fields.juryWeightPct).fill("70");
    await page.getByLabel(w.fields.peerWeightPct).fill("40");
    await page.getByRole("button", { name: w.create }).click();
    await expect.poll(() => page.getByTestId("error-peerWeightPct").textContent()).toBe(m.errors.weightsSum);
    await page.getByLabel(w.fields.peerWeightPct).fill("30");
    await page.getByRole("button", { name: w.create }).click();
    await expect.poll(() => notice(page)).toBe(m.notices.contestCreated);

    await page.getByLabel(`${w.criterion} 1`).fill("공동체성");
    await page.getByLabel(`${w.weight} 1`).fill("60");
    await page.getByLabel(`${w.criterion} 2`).fill("사업성");
    await page.getByLabel(`${w.weight} 2`).fill("40");
    await page.getByRole("button", { name: w.saveCriteria }).click();
    await expect.poll(() => notice(page)).toBe(m.notices.saved);
    await page.getByLabel(`${m.common.stageKinds.pre_workshop} ${w.stageFrom}`).fill(seoulDateInDays(2));
    await page.getByLabel(`${m.common.stageKinds.pre_workshop} ${w.stageNote}`).fill("크라우드펀딩 이론 및 사례 강의");
    await page.getByLabel(`${m.common.stageKinds.campaign_window} ${w.stageFrom}`).fill(seoulDateInDays(30));
    await page.getByLabel(`${m.common.stageKinds.campaign_window} ${w.stageTo}`).fill(seoulDateInDays(60));
    await submit(page, page.getByRole("button", { name: w.saveStages }));
    await expect.poll(() => notice(page)).toBe(m.notices.saved);
    await page.getByRole("button", { name: w.publish }).click();
    await expect.poll(() => notice(page)).toBe(m.notices.contestPublished);
    await screenshot(page, "contest-staff-settings");

    await page.getByRole("link", { name: w.tabs.events }).click();
    await page.getByLabel(w.event.kind).selectOption("briefing");
    await page.getByLabel(w.event.title).fill("공모 설명회");
    await page.getByLabel(w.event.startsAt).fill(`${seoulDateInDays(3)}T14:00`);
    await page.getByLabel(w.event.location).fill("광산구청 대회의실");
    await page.getByLabel(w.event.seats).fill("30");
    await page.getByRole("button", { name: w.event.add }).click();
    await expect.poll(() => page.getByTestId("staff-event").count()).toBe(1);
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("two enterprises register for the briefing and apply; eligibility is checked", async () => {
    const coop = await as("coop@hamkke.demo");
    await coop.goto(`${server.url}/contests/${slug}`);
    await coop.getByRole("button", { name: w.event.register }).click();
    await expect.poll(() => notice(coop)).toBe(m.notices.eventRegistered);
    await screenshot(coop, "contest-public-page");
    await coop.getByRole("link", { name: w.apply }).click();
    await coop.getByLabel(w.app.title).fill("기억을 나누다 · 기억을 더하다 2026");
    await coop.getByLabel(w.app.summary).fill("가죽 공예와 캘리그라피로 마을의 기억을 나누는 전시를 엽니다.");
    await coop.getByLabel(w.app.socialValue).fill("전시 후원금과 모금액을 함께 지역 돌봄 기관에 전달합니다.");
    await coop.getByLabel(w.app.budgetWon).fill("2,000,000");
    await coop.getByRole("button", { name: w.app.saveDraft }).click();
    await expect.poll(() => notice(coop)).toBe(m.notices.draftSaved);
    await coop.getByRole("button", { name: w.app.submit }).click();
    await expect.poll(() => notice(coop)).toBe(m.notices.applicationSubmitted);
    expect(await coop.getByTestId("application-status").textContent()).toBe(w.statuses.submitted);
    await screenshot(coop, "contest-application-submitted");

    const play = await as("play@hamkke.demo");
    await play.goto(`${server.url}/contests/${slug}/apply`);
    await play.getByLabel(w.app.title).fill("서구에서 온 놀이 교실");
    await play.getByLabel(w.app.summary).fill("요약");
    await play.getByLabel(w.app.socialValue).fill("가치");
    await play.getByLabel(w.app.budgetWon).fill("500000");
    await play.getByRole("button", { name: w.app.submit }).click();
    await expect.poll(() => play.getByTestId("form-error").textContent()).toContain(m.errors.notEligible);
    expect(await play.getByTestId("ineligibility-reasons").textContent()).toContain(w.reasons.region("광주 광산구"));
    await screenshot(play, "contest-apply-ineligible");

    const mom = await as("mom@hamkke.demo");
    await mom.goto(`${server.url}/contests/${slug}/apply`);
    await mom.getByLabel(w.app.title).fill("워킹맘의 일손 돕기 2026");
    await mom.getByLabel(w.app.summary).fill("아픈 아이를 병원에서 돌보는 병원아동보호사를 연결합니다.");
    await mom.getByLabel(w.app.socialValue).fill("돌봄 공백을 메우고 경력 단절 여성의 일자리를 만듭니다.");
    await mom.getByLabel(w.app.budgetWon).fill("3000000");
    await mom.getByRole("button", { name: w.app.submit }).click();
    await expect.poll(() => notice(mom)).toBe(m.notices.applicationSubmitted);
  });

  it("the operator assigns two jurors; one declares a conflict, both score", async () => {
    const operator = await as("operator@hamkke.demo");
    await operator.getByRole("link", { name: w.tabs.jury }).click();
    for (const name of ["박심사", "최심사"]) {
      await submit(operator, operator.getByRole("button", { name: `${w.assign}: ${name}` }));
      await expect.poll(() => notice(operator)).toBe(m.notices.saved);
    }

    const scoreAll = async (page: Page, projectTitle: string, first: string, second: string, comment: string) => {
      await page.goto(`${server.url}/jury`);
      await page.getByTestId("jury-contest").filter({ hasText: title }).getByRole("listitem").filter({ hasText: projectTitle }).getByRole("link", { name: w.scoreIt }).click();
      await page.getByLabel(`공동체성 · ${w.score}`).fill(first);
      await page.getByLabel(`공동체성 · ${w.comment}`).fill(comment);
      await page.getByLabel(`사업성 · ${w.score}`).fill(second);
      await page.getByRole("button", { name: w.saveScores }).click();
      await expect.poll(() => notice(page)).toBe(m.notices.scoresSaved);
    };
    const juror1 = await as("juror1@hamkke.demo");
    await scoreAll(juror1, "기억을 나누다", "90", "80", "전시와 모금을 잇는 구성이 좋습니다.");
    await scoreAll(juror1, "워킹맘의 일손 돕기", "75", "85", "수익 구조가 분명합니다.");
    await screenshot(juror1, "contest-juror-scoring");

    const juror2 = await as("juror2@hamkke.demo");
    await juror2.goto(`${server.url}/jury`);
    await juror2.getByTestId("jury-contest").filter({ hasText: title }).getByRole("listitem").filter({ hasText: "기억을 나누다" }).getByRole("link", { name: w.scoreIt }).click();
    // Juror 1's scores and comments are not on juror 2's page.
    expect(await juror2.content()).not.toContain("전시와 모금을 잇는 구성이 좋습니다.");
    await juror2.getByLabel(w.conflictReason).fill("신청 조합의 조합원으로 활동했습니다.");
    await juror2.getByRole("button", { name: w.declareConflict }).click();
    await expect.poll(() => notice(juror2)).toBe(m.notices.conflictDeclared);
    expect(await juror2.getByTestId("conflict-declared").count()).toBe(1);
    expect(await juror2.getByRole("button", { name: w.saveScores }).count()).toBe(0);
    await screenshot(juror2, "contest-juror-conflict");
    await scoreAll(juror2, "워킹맘의 일손 돕기", "80", "80", "지역 수요가 큽니다.");
  });

  it("the applicants evaluate each other, never themselves", async () => {
    for (const [email, other, score] of [
      ["coop@hamkke.demo", "워킹맘의 일손 돕기", "60"],
      ["mom@hamkke.demo", "기억을 나누다", "95"],
    ] as const) {
      const page = await as(email);
      await page.goto(`${server.url}/contests/${slug}`);
      await page.getByRole("link", { name: w.myApplication }).click();
      await page.getByRole("link", { name: w.peerOpen }).click();
      await page.waitForURL("**/peer");
      const targets = page.getByTestId("peer-targets").getByRole("listitem");
      await expect.poll(() => targets.count()).toBe(1);
      await targets.filter({ hasText: other }).getByRole("link").click();
      await page.waitForURL("**/peer?target=*");
      await page.getByLabel(`공동체성 · ${w.score}`).fill(score);
      await page.getByLabel(`사업성 · ${w.score}`).fill(score);
      await page.getByRole("button", { name: w.saveScores }).click();
      await expect.poll(() => notice(page)).toBe(m.notices.scoresSaved);
      if (email === "coop@hamkke.demo") await screenshot(page, "contest-peer-evaluation");
    }
  });

  it("the operator selects; the applicant sees the result, the scores and the comments", async () => {
    const operator = await as("operator@hamkke.demo");
    await operator.goto(`${server.url}/staff/contests`);
    await operator.getByRole("row").filter({ hasText: title }).getByRole("link", { name: w.manage }).click();
    await operator.getByRole("link", { name: w.tabs.jury }).click();
    await operator.getByRole("button", { name: w.runSelection }).click();
    await expect.poll(() => notice(operator)).toBe(m.notices.selectionDone);
    expect(await operator.getByTestId("selected-on").count()).toBe(1);
    await screenshot(operator, "contest-staff-selection");

    const coop = await as("coop@hamkke.demo");
    await coop.goto(`${server.url}/contests/${slug}`);
    await coop.getByRole("link", { name: w.myApplication }).click();
    await coop.waitForURL("**/applications/*");
    await expect.poll(() => coop.getByTestId("application-outcome").textContent()).toBe(w.outcomes.selected);
    // jury 0.6×90 + 0.4×80 = 86 (juror 2 stepped aside), peer 95 → 0.7×86 + 0.3×95 = 88.7
    const results = coop.getByTestId("results");
    expect(await results.textContent()).toContain("88.7");
    expect(await results.textContent()).toContain("전시와 모금을 잇는 구성이 좋습니다.");
    expect(await results.textContent()).not.toContain("박심사");
    await screenshot(coop, "contest-applicant-results");

    const mobile = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await mobile.newPage();
    await page.goto(`${server.url}/contests/${slug}`);
    const ranking = page.getByTestId("ranking");
    expect(await ranking.textContent()).toContain("88.7");
    expect(await ranking.textContent()).toContain(w.outcomes.selected);
    await screenshot(page, "contest-public-ranking-mobile");
    await page.goto(`${server.url}/contests/seogu-2017`);
    expect(await page.getByTestId("grant-rules").textContent()).toContain("20,000,000원");
    await screenshot(page, "contest-seogu-2017-mobile");
    await mobile.close();
  });
});
