import { seedDemoData, DEMO_PASSWORD } from "../../db/seed/seed";
import { DEMO_SEED_DAY } from "./constants";
import type { TestDatabase } from "./db";

export { DEMO_PASSWORD };

/** Loads the demo data (as the owner, like the server does at start). */
export async function seedDemo(t: TestDatabase, today = DEMO_SEED_DAY): Promise<void> {
  await seedDemoData(t.owner, today);
}

export async function userId(t: TestDatabase, email: string): Promise<number> {
  const row = await t.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  return row.id;
}

export async function enterpriseId(t: TestDatabase, name: string): Promise<number> {
  const row = await t.db.selectFrom("enterprises").select("id").where("name", "=", name).executeTakeFirstOrThrow();
  return row.id;
}
