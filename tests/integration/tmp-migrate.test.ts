import { it, expect } from "vitest";
import { sql } from "kysely";
import { createTestDatabase } from "../support/db";
import { seedDemo } from "../support/seed";
it("migrates", async () => {
  const t = await createTestDatabase();
  await seedDemo(t);
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM loans`.execute(t.db);
  expect(r.rows[0]?.n).toBe(0);
  await t.drop();
});
