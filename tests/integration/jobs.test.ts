import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type KyselyPlugin, type QueryId } from "kysely";
import { jobHandlers, startJobs } from "../../app/jobs/jobs.server";
import { runTick } from "../../app/jobs/tick.server";
import { createOffsetClock } from "../../app/utils/clock.server";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { createTestServices } from "../support/services";
import { inSteps } from "../support/steps";

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe("clock", () => {
  it("moves forward for every process that reads the database offset, never back", async () => {
    const a = await createOffsetClock(t.db, 60_000);
    const b = await createOffsetClock(t.db, 60_000);
    try {
      const before = b.now().getTime();
      await a.advance(3 * 86_400_000);
      await b.refresh();
      expect(b.now().getTime() - before).toBeGreaterThanOrEqual(3 * 86_400_000);
      await expect(a.advance(-1)).rejects.toThrow(RangeError);
    } finally {
      a.stop();
      b.stop();
    }
  });

  it("keeps an advance when a refresh read before it answers after it", async () => {
    // A refresh's reads are held back on demand: one started before the advance answers after it.
    const heldReads = new Set<QueryId>();
    let holding = false;
    let release = () => {};
    const released = new Promise<void>((done) => (release = done));
    const holdReads: KyselyPlugin = {
      transformQuery: ({ node, queryId }) => {
        if (holding && node.kind === "SelectQueryNode") heldReads.add(queryId);
        return node;
      },
      transformResult: async ({ result, queryId }) => {
        if (heldReads.has(queryId)) await released;
        return result;
      },
    };
    const clock = await createOffsetClock(t.db.withPlugin(holdReads), 60_000);
    try {
      const before = clock.offsetMs();
      holding = true;
      const staleRefresh = clock.refresh();
      holding = false;
      await clock.advance(86_400_000);
      release();
      await staleRefresh;
      expect(heldReads.size).toBe(1);
      expect(clock.offsetMs()).toBe(before + 86_400_000);
    } finally {
      clock.stop();
    }
  });
});

describe("jobs", () => {
  it("run a tick through pg-boss on the real database", async () => {
    const services = createTestServices(t.db);
    await t.db
      .insertInto("login_failures")
      .values({ email: "someone@example.com", ip: "203.0.113.9", failed_at: new Date("2020-01-01T00:00:00Z") })
      .execute();
    const jobs = await startJobs(t.url, () => services);
    try {
      await jobs.queue.send("tick");
      const deadline = Date.now() + 20_000;
      let remaining = 1;
      while (Date.now() < deadline && remaining > 0) {
        await new Promise((r) => setTimeout(r, 250));
        remaining = (await t.db.selectFrom("login_failures").select("id").where("ip", "=", "203.0.113.9").execute()).length;
      }
      expect(remaining).toBe(0);
    } finally {
      await jobs.stop(5000);
    }
  });

  // Under libfaketime (npm run test:time-travel) PostgreSQL never detects a deadlock: two crossed
  // updates waited over 20 s there, against 1.3 s without it. This race ends in one, so it is
  // tested on the real clock only.
  it.skipIf(process.env.FAKETIME !== undefined)("start in two processes at once on a new database (pg-boss's queue creation can deadlock)", async () => {
    // Each round a new database, as on a fresh machine where every web process starts its runner.
    await inSteps(150_000, () => "", async (step) => {
      for (let round = 1; round <= 2; round++) {
        step(`making database ${round}`);
        const fresh = await createTestDatabase();
        const services = createTestServices(fresh.db);
        try {
          step(`starting two runners on database ${round}`);
          const runners = await Promise.all([startJobs(fresh.url, () => services), startJobs(fresh.url, () => services)]);
          step(`stopping the runners on database ${round}`);
          await Promise.all(runners.map((jobs) => jobs.stop(5000)));
          const queues = await sql<{ name: string }>`SELECT name FROM pgboss.queue ORDER BY name`.execute(fresh.owner);
          expect(queues.rows.map((q) => q.name)).toEqual(expect.arrayContaining(Object.keys(jobHandlers)));
        } finally {
          await fresh.drop();
        }
      }
    });
  }, 180_000);

  it("are idempotent: a second tick changes nothing", async () => {
    const services = createTestServices(t.db);
    await runTick(services);
    const second = await runTick(services);
    expect(second.every((r) => r.changed === 0)).toBe(true);
  });
});
