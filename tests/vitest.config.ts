import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

const root = resolve(import.meta.dirname, "..");
const alias = { "~": resolve(root, "app") };

// Three tiers: pure unit tests beside the code, integration tests on a real (embedded)
// PostgreSQL with a fresh database per file, and browser tests driving Debian's Chromium.
export default defineConfig({
  root,
  resolve: { alias },
  test: {
    reporters: ["default", resolve(import.meta.dirname, "support/summary-reporter.ts")],
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          root,
          sequence: { groupOrder: 0 },
          include: ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "emails/**/*.test.{ts,tsx}"],
          // Property tests run thousands of cases; a loaded 2-core CI machine needs room.
          testTimeout: 30_000,
          environment: "node",
          isolate: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          root,
          sequence: { groupOrder: 1 },
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          testTimeout: 30_000,
          // Seeding the demo beside the heaviest files (multi-node, crash) on 2 busy cores has taken over 60 s.
          hookTimeout: 180_000,
          maxWorkers: 2,
          // Files share a worker process: each has its own database and app, and nothing here mocks
          // modules, so a fresh process per file (about 3 s of loading the app each) bought nothing.
          isolate: false,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          root,
          sequence: { groupOrder: 2 },
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          setupFiles: ["tests/support/accessibility-setup.ts"],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          // A page that answers in 2 s on a loaded CI machine is slow, not broken (default: 1 s).
          expect: { poll: { timeout: 15_000 } },
          // Two files at a time: a browser test waits on pages more than it computes.
          maxWorkers: 2,
          isolate: false,
        },
      },
    ],
  },
});
