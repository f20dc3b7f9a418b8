import { Migrator, type Kysely } from "kysely";
import type { DB } from "./types";
import { migrations } from "./migrations/index";

export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  // Branches add migrations independently; a later-named one may land before an earlier-named one.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
