import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { inject } from "vitest";
import { createDatabase, type Database } from "../../app/utils/db.server";
import { DEMO_TEMPLATE_DATABASE, TEMPLATE_DATABASE } from "./constants";

export interface TestDatabase {
  name: string;
  url: string;
  /** Connected as the restricted app role, like the running product. */
  db: Database;
  /** Connected as the owner (migrations, seeding, tampering in tamper tests). */
  owner: Database;
  drop(): Promise<void>;
}

function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh database with the demo data seeded (a clone of the seeded template): as of DEMO_SEED_DAY, or today in browser tests. */
export function createDemoDatabase(): Promise<TestDatabase> {
  return createTestDatabase(DEMO_TEMPLATE_DATABASE);
}

/** A fresh, migrated database cloned from the template; drop it when the file is done. */
export async function createTestDatabase(template = TEMPLATE_DATABASE): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = createDatabase(adminUrl, { asAppRole: false, max: 1 });
  await sql.raw(`CREATE DATABASE ${name} TEMPLATE ${template}`).execute(admin);
  const url = urlFor(adminUrl, name);
  const db = createDatabase(url, { max: 10 });
  const owner = createDatabase(url, { asAppRole: false, max: 3 });
  return {
    name,
    url,
    db,
    owner,
    drop: async () => {
      // Closing a pool waits for its queries; one a test left waiting must not hold the run for the
      // hook's whole timeout, and DROP … WITH (FORCE) ends whatever is still connected.
      await Promise.all([closeWithin(db, `${name} (app role)`), closeWithin(owner, `${name} (owner)`)]);
      await sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).execute(admin);
      await admin.destroy();
    },
  };
}

async function closeWithin(pool: Database, label: string, ms = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((done) => (timer = setTimeout(() => done("late"), ms)));
  const outcome = await Promise.race([pool.destroy(), late]);
  clearTimeout(timer);
  if (outcome === "late") console.warn(`test database ${label}: pool still busy after ${ms} ms; dropping the database ends its connections`);
}

/** A digest of every row of the tables: equal before and after means none of them was written. */
export async function tablesDigest(db: Database, tables: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const table of tables) {
    const row = await sql<{ digest: string }>`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${sql.table(table)} t`.execute(db);
    parts.push(`${table}:${row.rows[0]?.digest}`);
  }
  return parts.join(",");
}

/** The same over every table of the schema but the named ones (sessions and the like). */
export async function databaseDigest(db: Database, except: readonly string[]): Promise<string> {
  const tables = await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND NOT (tablename = ANY (${[...except]}::text[])) ORDER BY 1`.execute(db);
  return tablesDigest(
    db,
    tables.rows.map((r) => r.name),
  );
}
