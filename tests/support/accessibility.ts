import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import axe from "axe-core";
import { inject } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { screenPath, screenshotsWanted } from "./pages";

// Every page state a browser test reaches is checked with axe-core (WCAG 2.0, 2.1 and 2.2, A and
// AA) and, for pages with a form, laid out on a phone (360 and 414 px wide).
//
// A script in each page sends a copy of the document to the test process whenever the page has
// settled: after it loads, and after every Remix navigation, submission or fetcher has finished
// and the DOM has stopped changing. The copy (the live values of form fields written into it,
// scripts removed) is opened in a separate inspector page of the same browser at the same
// viewport, with the same stylesheets, and checked there. So the checks never race the test's
// own clicks and navigations, and never change the page under test.
//
// `takeAccessibilityFindings()` waits for the checks still queued and returns what they found;
// the e2e setup file fails every test that left a finding.

export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const PHONE_WIDTHS = [360, 414] as const;

export interface AccessibilityFinding {
  url: string;
  width: number;
  rule: string;
  help: string;
  targets: string[];
}

interface Snapshot {
  url: string;
  width: number;
  height: number;
  html: string;
}

// Runs in the page under test (a plain string: it must not depend on the test's bundler).
const pageScript = `(() => {
  if (window.top !== window) return;
  let timer = 0;
  let waitingSince = 0;
  const routerIdle = () => {
    const router = window.__remixRouter;
    if (!router) return true;
    const s = router.state;
    return s.navigation.state === "idle" && s.revalidation === "idle" && [...s.fetchers.values()].every((f) => f.state === "idle");
  };
  const snapshot = () => {
    timer = 0;
    waitingSince = 0;
    if (!routerIdle() || !document.body) return;
    const copy = document.documentElement.cloneNode(true);
    const live = document.querySelectorAll("input, textarea, select option");
    const copied = copy.querySelectorAll("input, textarea, select option");
    live.forEach((element, i) => {
      const target = copied[i];
      if (!target) return;
      if (element instanceof HTMLOptionElement) target.toggleAttribute("selected", element.selected);
      else if (element instanceof HTMLTextAreaElement) target.textContent = element.value;
      else if (element.type === "checkbox" || element.type === "radio") target.toggleAttribute("checked", element.checked);
      else if (element.type !== "password" && element.type !== "file") target.setAttribute("value", element.value);
    });
    // Scripts and preloads are not the page a person sees; the styles a screenshot sets for a moment neither.
    copy.querySelectorAll("script, link[rel=modulepreload]").forEach((element) => element.remove());
    copy.querySelectorAll("[style]").forEach((element) => {
      const style = element.getAttribute("style").replace("caret-color: transparent !important;", "").trim();
      if (style) element.setAttribute("style", style);
      else element.removeAttribute("style");
    });
    window.__a11ySnapshot(JSON.stringify({
      url: location.href,
      width: window.innerWidth,
      height: window.innerHeight,
      html: "<!DOCTYPE html>" + copy.outerHTML,
    }));
  };
  // Waits until the DOM has been still for the delay, but never more than 400 ms in all.
  const schedule = (delay) => {
    const now = Date.now();
    if (timer) {
      if (now - waitingSince > 400) return;
      clearTimeout(timer);
    } else waitingSince = now;
    timer = setTimeout(snapshot, delay);
  };
  addEventListener("load", () => {
    schedule(0);
    new MutationObserver(() => schedule(50)).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    const subscribe = () => {
      if (!window.__remixRouter) return setTimeout(subscribe, 20);
      window.__remixRouter.subscribe(() => { if (routerIdle()) schedule(20); });
    };
    subscribe();
  });
})();`;

class AccessibilityChecker {
  private queue: Promise<void> = Promise.resolve();
  private inspector: Promise<Page> | null = null;
  private findings: AccessibilityFinding[] = [];
  /** Checks run and their total time, for the report at the end of a file. */
  readonly stats = { snapshots: 0, checked: 0, ms: 0 };

  constructor(private readonly openInspectorContext: () => Promise<BrowserContext>) {}

  async watch(context: BrowserContext): Promise<void> {
    await context.exposeBinding("__a11ySnapshot", (_source, json: string) => {
      this.stats.snapshots += 1;
      const snapshot = JSON.parse(json) as Snapshot;
      this.queue = this.queue.then(() => this.check(snapshot)).catch((error: unknown) => {
        this.findings.push({ url: snapshot.url, width: snapshot.width, rule: "checker-error", help: String(error), targets: [] });
      });
    });
    await context.addInitScript({ content: pageScript });
  }

  async take(): Promise<AccessibilityFinding[]> {
    await this.queue;
    const findings = this.findings;
    this.findings = [];
    return findings;
  }

  // One inspector page with axe loaded once: each copy replaces its document element, so axe
  // (600 kB of script) is not parsed again for every check.
  private async page(): Promise<Page> {
    this.inspector ??= this.openInspectorContext().then(async (context) => {
      const page = await context.newPage();
      await page.setContent("<!DOCTYPE html><html><head></head><body></body></html>");
      await page.evaluate(axe.source);
      return page;
    });
    return this.inspector;
  }

  private async check(snapshot: Snapshot): Promise<void> {
    const key = createHash("sha256").update(`${snapshot.width}\n${skeleton(snapshot.html)}`).digest("hex");
    if (process.env.A11Y_DEBUG) (await import("node:fs")).writeFileSync(`/tmp/a11y-${Date.now()}-${key.slice(0, 8)}.html`, snapshot.url + "\n" + snapshot.html);
    if (!claim(key)) return;
    const started = performance.now();
    const page = await this.page();
    await page.setViewportSize({ width: snapshot.width, height: snapshot.height });
    const t0 = performance.now();
    await page.evaluate(showCopy, { html: snapshot.html, origin: new URL(snapshot.url).origin });
    const t1 = performance.now();
    await this.runAxe(page, snapshot.url, snapshot.width);
    if (process.env.A11Y_DEBUG) console.log(`show ${Math.round(t1 - t0)} axe ${Math.round(performance.now() - t1)} ${snapshot.url}`);
    const route = routeKey(snapshot.url);
    const hasForm = await page.locator("form :is(input:not([type=hidden]), select, textarea)").count();
    if (hasForm > 0 && claim(`phone ${route}`)) {
      for (const width of PHONE_WIDTHS) {
        await page.setViewportSize({ width, height: 800 });
        await this.checkPhoneLayout(page, snapshot.url, width);
        if (width === PHONE_WIDTHS[0]) {
          await this.runAxe(page, snapshot.url, width);
          if (screenshotsWanted) await page.screenshot({ path: screenPath(`phone/${route.replace(/[^a-z0-9:]+/gi, "_").replace(/^_|_$/g, "") || "home"}`), fullPage: true });
        }
      }
    }
    this.stats.checked += 1;
    this.stats.ms += performance.now() - started;
  }

  private async runAxe(page: Page, url: string, width: number): Promise<void> {
    const violations = await page.evaluate(async (tags) => {
      const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      return result.violations.map((v) => ({ rule: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
    }, AXE_TAGS);
    for (const v of violations) this.findings.push({ url, width, ...v });
  }

  /** Choice cards: the radio at the start of the card, its label taking the rest of the width; no sideways scrolling. */
  private async checkPhoneLayout(page: Page, url: string, width: number): Promise<void> {
    const problems = await page.evaluate(() => {
      const found: { rule: string; help: string; targets: string[] }[] = [];
      if (document.documentElement.scrollWidth > window.innerWidth + 1) {
        const wide = [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".table-wrap"))
          .slice(0, 3)
          .map((e) => e.tagName.toLowerCase() + (e.className ? `.${String(e.className).split(" ").join(".")}` : ""));
        found.push({ rule: "phone-overflow", help: `the page scrolls sideways (${document.documentElement.scrollWidth} px)`, targets: wide });
      }
      for (const card of document.querySelectorAll(".choice")) {
        const input = card.querySelector("input");
        const text = input?.nextElementSibling;
        if (!input || !text) {
          found.push({ rule: "choice-card", help: "a choice card needs its input followed by its text", targets: [card.textContent ?? ""] });
          continue;
        }
        const c = card.getBoundingClientRect();
        const i = input.getBoundingClientRect();
        const t = text.getBoundingClientRect();
        const beside = i.right <= t.left && i.width <= 32 && i.top - c.top <= 24;
        const fullWidth = t.width >= c.width - i.width - 60;
        if (!beside || !fullWidth) {
          found.push({ rule: "choice-card", help: `radio ${Math.round(i.width)} px at x ${Math.round(i.left - c.left)}, label ${Math.round(t.width)} of ${Math.round(c.width)} px`, targets: [card.textContent?.trim().slice(0, 40) ?? ""] });
        }
      }
      return found;
    });
    for (const p of problems) this.findings.push({ url, width, ...p });
  }
}

/**
 * The page state with its words and field values left out: two states that differ only in them
 * (another amount typed, another CSRF token, a count gone up) are checked once. An empty text or
 * field stays distinguishable from a filled one, so an unnamed link or button is still its own state.
 */
export function skeleton(html: string): string {
  return html.replace(/>[^<]*\S[^<]*</g, ">T<").replace(/ value="[^"]+"/g, ' value="V"');
}

/** Runs in the inspector: puts the copy in place of its document and waits for its stylesheets. */
async function showCopy({ html, origin }: { html: string; origin: string }): Promise<void> {
  const copy = new DOMParser().parseFromString(html, "text/html");
  const base = copy.createElement("base");
  base.href = `${origin}/`;
  copy.head.prepend(base);
  document.replaceChild(document.adoptNode(copy.documentElement), document.documentElement);
  const sheets = [...document.querySelectorAll<HTMLLinkElement>("link[rel=stylesheet]")];
  await Promise.all(sheets.map((link) => (link.sheet ? null : new Promise((done) => (link.addEventListener("load", done), link.addEventListener("error", done))))));
}

/**
 * True for the first test file of the run to reach a page state; the others leave it to that one
 * (a finding fails the run wherever it was found).
 */
function claim(key: string): boolean {
  try {
    writeFileSync(resolve(inject("checkedStatesDir"), createHash("sha256").update(key).digest("hex")), "", { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/** The page's path with ids and tokens replaced, so one screenshot is kept per kind of page. */
export function routeKey(url: string): string {
  const { pathname } = new URL(url);
  return pathname
    .split("/")
    .map((part) => (/^\d+$/.test(part) ? ":id" : /^[A-Za-z0-9_-]{16,}$/.test(part) ? ":token" : part))
    .join("/");
}

let current: AccessibilityChecker | null = null;

/** Every context the browser opens from now on is checked. */
export function checkAccessibility(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  const checker = new AccessibilityChecker(() => newContext());
  current = checker;
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await checker.watch(context);
    return context;
  };
  return browser;
}

/** What the checks found since the last call (waits for the queued ones); empty when no checked browser is open. */
export async function takeAccessibilityFindings(): Promise<AccessibilityFinding[]> {
  return current ? current.take() : [];
}

export function accessibilityStats(): AccessibilityChecker["stats"] | null {
  return current?.stats ?? null;
}

export function formatFindings(findings: AccessibilityFinding[]): string {
  return findings.map((f) => `${f.rule} (${f.help}) at ${f.width} px on ${f.url}: ${f.targets.join(" | ")}`).join("\n");
}

declare global {
  interface Window {
    axe: typeof axe;
  }
}
