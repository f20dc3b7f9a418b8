import { migrateToLatest } from "../db/migrate";
import { createDatabase } from "../app/utils/db.server";
import { readEnv } from "../app/utils/env.server";

// Applies pending migrations to DATABASE_URL (the embedded database migrates itself on start).
const env = readEnv();
if (!env.DATABASE_URL) {
  console.error("Set DATABASE_URL to the database to migrate.");
  process.exit(2);
}
const db = createDatabase(env.DATABASE_URL, { asAppRole: false, max: 1 });
const applied = await migrateToLatest(db);
console.log(applied.length > 0 ? `Applied: ${applied.join(", ")}` : "Already up to date.");
await db.destroy();
