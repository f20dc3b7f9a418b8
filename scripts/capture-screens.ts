import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { launchBrowser } from "../tests/support/browser";

// Screenshots of pages of a running server, to look at: tsx scripts/capture-screens.ts [base] [path…]
const base = process.argv[2] ?? "http://localhost:3000";
const paths = process.argv.slice(3);
const out = resolve(import.meta.dirname, "../.cache/screens");
mkdirSync(out, { recursive: true });
const browser = await launchBrowser({ accessibilityChecks: false });
for (const [label, viewport] of [
  ["desktop", { width: 1280, height: 900 }],
  ["phone", { width: 390, height: 844 }],
] as const) {
  const context = await browser.newContext({ viewport, locale: "ko-KR" });
  const page = await context.newPage();
  for (const path of paths.length > 0 ? paths : ["/"]) {
    await page.goto(`${base}${path}`);
    const name = `${label}${path.replace(/[^a-z0-9]+/gi, "_")}.png`;
    await page.screenshot({ path: resolve(out, name), fullPage: true });
    console.log(resolve(out, name));
  }
  await context.close();
}
await browser.close();
