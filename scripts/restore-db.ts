import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { giveToPostgresUser } from "../db/backup";

// npm run db:restore -- BACKUP_DIR [--data-dir DIR] [--port N]: lays a db:backup out as the
// embedded PostgreSQL's data directory (default .data/pg, which must not exist). The next start
// replays the backup's WAL and opens the database as it was when the backup finished.

const root = resolve(import.meta.dirname, "..");
const { values, positionals } = parseArgs({ options: { "data-dir": { type: "string" }, port: { type: "string" } }, allowPositionals: true });
const backup = positionals[0];
if (!backup || !existsSync(resolve(backup, "pg", "backup_label"))) {
  console.error("Usage: npm run db:restore -- BACKUP_DIR [--data-dir DIR] [--port N]  (BACKUP_DIR as written by npm run db:backup)");
  process.exit(2);
}
const dataDir = resolve(values["data-dir"] ?? process.env.EMBEDDED_PG_DIR ?? resolve(root, ".data/pg"));
if (existsSync(dataDir)) {
  console.error(`${dataDir} exists: move it away first (a restore never overwrites a cluster).`);
  process.exit(1);
}
cpSync(resolve(backup, "pg"), dataDir, { recursive: true });
await giveToPostgresUser(dataDir);
const credentials = JSON.parse(readFileSync(resolve(backup, "credentials.json"), "utf8")) as { port: number };
if (values.port) credentials.port = Number(values.port);
writeFileSync(`${dataDir}.credentials.json`, JSON.stringify(credentials), { mode: 0o600 });
console.log(`Restored into ${dataDir} (port ${credentials.port}); start the product (or PostgreSQL) to open it.`);
