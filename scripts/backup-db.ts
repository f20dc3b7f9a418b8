import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { takeBaseBackup } from "../db/backup";
import { startEmbeddedPostgres } from "../db/embedded";

// npm run db:backup -- [--out DIR]: an online physical backup of the embedded PostgreSQL (its data
// directory, the WAL written during the copy and the credentials), restorable with db:restore.
// For a server of your own, use its tools instead (pg_basebackup and WAL archiving: README "Operations").

const root = resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { out: { type: "string" } } });
if (process.env.DATABASE_URL) {
  console.error("DATABASE_URL is set: back that server up with its own tools (README, Operations). This script backs up the embedded PostgreSQL.");
  process.exit(2);
}
const dataDir = resolve(process.env.EMBEDDED_PG_DIR ?? resolve(root, ".data/pg"));
const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
const out = resolve(values.out ?? resolve(root, `.data/backups/${stamp}`));

// Started if it is not running (and stopped again); a running one is used as it is.
const server = await startEmbeddedPostgres({ dataDir, port: Number(process.env.EMBEDDED_PG_PORT ?? 54329) });
try {
  mkdirSync(out, { recursive: true });
  const backup = await takeBaseBackup(server.url, dataDir, resolve(out, "pg"));
  writeFileSync(resolve(out, "credentials.json"), readFileSync(`${dataDir}.credentials.json`), { mode: 0o600 });
  writeFileSync(resolve(out, "backup.json"), `${JSON.stringify({ ...backup, created_at: new Date().toISOString(), source: dataDir }, null, 2)}\n`);
  console.log(`Backup written to ${out} (WAL ${backup.startLsn} to ${backup.stopLsn}).`);
} finally {
  await server.stop();
}
