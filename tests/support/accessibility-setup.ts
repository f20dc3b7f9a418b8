import { afterAll, afterEach } from "vitest";
import { accessibilityStats, formatFindings, takeAccessibilityFindings } from "./accessibility";

// The browser tier's setup file: a test fails when a page it reached has an axe violation or a
// phone layout problem (tests/support/accessibility.ts).
afterEach(async () => {
  const findings = await takeAccessibilityFindings();
  if (findings.length > 0) throw new Error(`${findings.length} accessibility finding(s):\n${formatFindings(findings)}`);
});

afterAll(() => {
  const stats = accessibilityStats();
  if (stats) console.log(`accessibility: ${stats.snapshots} page states sent, ${stats.checked} checked in ${(stats.ms / 1000).toFixed(1)} s`);
});
