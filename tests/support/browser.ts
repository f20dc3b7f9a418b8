import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { checkAccessibility } from "./accessibility";
import { CHROMIUM_PATH } from "./constants";

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** The browser for tests: every page its contexts open is checked for accessibility (tests/support/accessibility.ts). */
export async function launchBrowser({ accessibilityChecks = true } = {}): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  return accessibilityChecks ? checkAccessibility(browser) : browser;
}
