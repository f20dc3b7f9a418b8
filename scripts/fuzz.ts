import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { createDatabase } from "../app/utils/db.server";
import { freePort, startEmbeddedPostgres } from "../db/embedded";
import { migrateToLatest } from "../db/migrate";
import { coverage } from "../tests/fuzz/money-model";
import { describeFailure, loadRegressions, replayRegression, runMoneyFuzz } from "../tests/fuzz/run";
import { prepareFuzzCluster } from "../tests/fuzz/world";

// npm run fuzz -- [--runs N] [--seed S] [--path P --replay-path R] [--max-commands M] [--regressions]
// The money fuzz (R1) on a throw-away embedded PostgreSQL. Prints the seed; on failure the shrunk
// commands, the error, how to replay it and the line to keep in tests/fuzz/regressions.json.

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "200" },
    seed: { type: "string" },
    path: { type: "string" },
    "replay-path": { type: "string" },
    "max-commands": { type: "string", default: "40" },
    regressions: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 0x7fffffff);
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
  console.error("usage: npm run fuzz -- [--runs N] [--seed S] [--path P] [--replay-path R] [--max-commands M] [--regressions]");
  process.exit(2);
}

const root = resolve(import.meta.dirname, "..");
const dataDir = resolve(root, `.data/fuzz-${process.pid}`);
const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), fast: true });
let exitCode = 0;
try {
  const admin = createDatabase(server.urlFor("postgres"), { asAppRole: false, max: 1 });
  await sql.raw("CREATE DATABASE fuzz_template").execute(admin);
  await admin.destroy();
  const template = createDatabase(server.urlFor("fuzz_template"), { asAppRole: false, max: 1 });
  await migrateToLatest(template);
  await template.destroy();
  const cluster = await prepareFuzzCluster(server.urlFor("postgres"), "fuzz_template");

  const started = Date.now();
  if (values.regressions) {
    for (const regression of loadRegressions()) {
      const outcome = await replayRegression(cluster, regression);
      console.log(`${outcome.ok ? "OK" : "FAILED"}: ${regression.note.slice(0, 100)}…`);
      if (!outcome.ok) {
        console.error(describeFailure(outcome));
        exitCode = 1;
      }
    }
  } else {
    const options = { runs: values.path ? 1 : runs, seed, path: values.path, replayPath: values["replay-path"], maxCommands: Number(values["max-commands"]) };
    console.log(`money fuzz: seed ${options.seed}, ${options.runs} run(s)${options.path ? `, path ${options.path}` : ""}`);
    const outcome = await runMoneyFuzz(cluster, options);
    if (!outcome.ok) {
      console.error(describeFailure(outcome));
      exitCode = 1;
    }
  }
  console.log(`\n${exitCode === 0 ? "OK" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s; steps reached:`);
  for (const [event, n] of [...coverage.entries()].sort()) console.log(`  ${String(n).padStart(6)}  ${event}`);
  await cluster.dispose();
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}.credentials.json`, { force: true });
}
process.exit(exitCode);
