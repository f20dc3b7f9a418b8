import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { dictionaries } from "../../app/i18n/messages";
import { backerCommitment } from "../../app/ledger/receipts";
import { launchBrowser } from "../support/browser";
import { writeLedger, type WrittenLedger } from "../support/ledger";
import { screenshot } from "../support/pages";
import { startTestServer, type TestServer } from "../support/server";

const ENTRIES = 130;

describe.runIf(inject("chromium"))("the public ledger in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let written: WrittenLedger;

  beforeAll(async () => {
    // No demo data: the assertions below count seqs from an empty ledger.
    [server, browser] = await Promise.all([startTestServer({ DEMO_DATA: "off" }), launchBrowser()]);
    // Entries as pledges, refunds and disbursements write them (the ledger module, same database).
    written = await writeLedger(server.database.db, ENTRIES, { start: new Date("2026-11-01T00:00:00Z") });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    return context.newPage();
  }

  const seqsOn = (page: Page) => page.getByTestId("ledger-entry").evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-seq"))));

  it("browses, filters and pages the ledger, and opens an entry and an account", async () => {
    const m = dictionaries.ko;
    const page = await newPage();

    // The demo clock's tick signs the first checkpoint.
    await page.goto(`${server.url}/dev/clock`);
    await page.getByLabel(m.dev.advanceDays).fill("0");
    await page.getByLabel(m.dev.advanceHours).fill("1");
    await page.getByRole("button", { name: m.dev.advance }).click();
    await expect.poll(() => page.getByTestId("notice").count()).toBe(1);

    await page.goto(`${server.url}/ledger`);
    expect(await page.getByTestId("ledger-size").textContent()).toBe(String(ENTRIES));
    expect(await seqsOn(page)).toEqual(Array.from({ length: 50 }, (_, i) => ENTRIES - i));
    expect(await page.locator(".ledger-head").textContent()).toContain(`${ENTRIES}번째 기록까지`);
    await screenshot(page, "ledger-ko");

    await page.getByTestId("page-older").click();
    await expect.poll(() => seqsOn(page)).toEqual(Array.from({ length: 50 }, (_, i) => ENTRIES - 50 - i));
    await page.getByTestId("page-older").click();
    await expect.poll(() => seqsOn(page)).toEqual(Array.from({ length: 30 }, (_, i) => 30 - i));
    expect(await page.getByTestId("page-older").count()).toBe(0);
    await page.getByTestId("page-newer").click();
    await expect.poll(() => seqsOn(page)).toEqual(Array.from({ length: 50 }, (_, i) => 80 - i));

    const filter = page.getByTestId("ledger-filter");
    await filter.getByLabel(m.ledger.filters.kind).selectOption("pledge.refunded");
    await filter.getByLabel(m.ledger.filters.account).fill("campaign:2");
    await filter.getByRole("button", { name: m.ledger.filters.apply }).click();
    await expect.poll(() => page.url()).toContain("kind=pledge.refunded");
    // The address changes before the list does: wait for the filtered rows themselves.
    await expect
      .poll(async () => {
        const seqs = await seqsOn(page);
        return seqs.length > 0 && seqs.every((seq) => seq % 10 === 5);
      })
      .toBe(true);
    const refunds = await seqsOn(page);
    expect(refunds.length).toBeGreaterThan(0);
    for (const seq of refunds) expect(seq % 10).toBe(5);
    for (const text of await page.getByTestId("ledger-entry").allTextContents()) expect(text).toContain("campaign:2:escrow");
    await screenshot(page, "ledger-filtered-ko");

    // A bad value through the form (a client-side navigation) is reported, not a crash.
    await filter.getByLabel(m.ledger.filters.account).fill("잘못된 코드!");
    await filter.getByRole("button", { name: m.ledger.filters.apply }).click();
    await expect.poll(() => page.getByTestId("filter-error-account").textContent()).toBe(`${m.ledger.filters.account}: ${m.errors.invalidAccountCode}`);
    expect(await filter.getByLabel(m.ledger.filters.account).inputValue()).toBe("잘못된 코드!");
    await page.goto(`${server.url}/ledger?from=2026-13-01&before=abc`);
    expect(await page.getByTestId("filter-errors").textContent()).toContain(m.ledger.filters.ignored);
    expect(await page.getByTestId("filter-error-from").textContent()).toBe(`${m.ledger.filters.from}: ${m.errors.invalidFilterDate}`);
    await screenshot(page, "ledger-bad-filter-ko");

    await page.goto(`${server.url}/ledger`);
    await page.getByTestId("ledger-entry").first().getByRole("link", { name: /예치금/ }).first().click();
    await page.waitForURL("**/ledger/accounts/**");
    expect(await page.getByTestId("account-name").textContent()).toMatch(/캠페인 #\d 예치금/);
    expect(await page.getByTestId("kind-totals").locator("tbody tr").count()).toBe(3);
    await screenshot(page, "ledger-account-ko");

    await page.getByTestId("ledger-entry").first().getByRole("link", { name: /^#/ }).click();
    await page.waitForURL("**/ledger/entries/**");
    expect(await page.getByTestId("entry-canonical").textContent()).toMatch(/^\{"at":/);
    expect(await page.getByTestId("entry-checkpoint").textContent()).toContain(String(ENTRIES));
    await screenshot(page, "ledger-entry-ko");

    await page.goto(`${server.url}/ledger/checkpoints`);
    expect(await page.getByTestId("checkpoint").count()).toBe(1);
    expect(await page.getByTestId("checkpoint").getAttribute("data-size")).toBe(String(ENTRIES));
    expect(await page.getByTestId("key-id").textContent()).toMatch(/^[0-9a-f]{8}$/);
    await screenshot(page, "ledger-checkpoints-ko");
    await page.context().close();
  });

  it("lets a backer find their pledge from the receipt code", async () => {
    const m = dictionaries.ko;
    const page = await newPage();
    const [seq, code] = [...written.receipts.entries()][25]!;
    await page.goto(`${server.url}/ledger/find`);
    await page.getByLabel(m.ledger.find.code).fill("not-a-receipt-code");
    await page.getByRole("button", { name: m.ledger.find.button }).click();
    await expect.poll(() => page.getByTestId("error-code").textContent()).toBe(m.errors.invalidReceiptCode);
    await page.getByLabel(m.ledger.find.code).fill(code.toLowerCase());
    await page.getByRole("button", { name: m.ledger.find.button }).click();
    await expect.poll(() => page.getByTestId("find-count").textContent()).toBe(m.ledger.find.found(1));
    expect(await seqsOn(page)).toEqual([seq]);
    expect(await page.getByTestId("commitment").textContent()).toBe(backerCommitment(code));
    expect(page.url()).not.toContain(code);
    await screenshot(page, "ledger-find-ko");
    await page.context().close();
  });

  it("explains verification in English and reads well on a phone", async () => {
    const m = dictionaries.en;
    const page = await newPage(390);
    await page.goto(`${server.url}/ledger/verify`);
    await page.getByTestId("language-switch").click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(m.ledger.verify.title);
    const commands = await page.getByTestId("command").allTextContents();
    expect(commands[0]).toContain(`curl -o ledger.ndjson ${server.url}/api/v1/ledger/entries.ndjson`);
    expect(commands.some((c) => c.startsWith("npm run ledger:verify -- ledger.ndjson checkpoints.json"))).toBe(true);
    await screenshot(page, "ledger-verify-en-mobile");
    await page.goto(`${server.url}/ledger`);
    expect(await seqsOn(page)).toHaveLength(50);
    await screenshot(page, "ledger-en-mobile");
    await page.context().close();
  });
});
