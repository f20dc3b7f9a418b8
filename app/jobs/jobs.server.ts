import PgBoss from "pg-boss";
import type { JobQueue, Services } from "../server/services";
import { runTick } from "./tick.server";

export type JobHandler = (services: Services, data: Record<string, unknown>) => Promise<void>;

/** Every queue the workers serve. Handlers are idempotent: a job may run twice, or on two machines. */
export const jobHandlers: Record<string, JobHandler> = {
  tick: async (services) => {
    await runTick(services);
  },
};

const SCHEDULES: { name: string; cron: string }[] = [{ name: "tick", cron: "* * * * *" }];

export interface RunningJobs {
  queue: JobQueue;
  /** Takes no new jobs and waits (up to the timeout) for the running ones to finish. */
  stop(timeoutMs: number): Promise<void>;
}

const DEADLOCK_DETECTED = "40P01";

/**
 * pg-boss 10 makes a queue's partition table in the transaction that inserts the queue's row, so
 * two processes creating the same queue at once (every web process on a fresh database) can
 * deadlock. PostgreSQL aborts one of them; it tries again and finds the queue there.
 */
async function createQueue(boss: PgBoss, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(name);
      return;
    } catch (error) {
      if (attempt >= 5 || (error as { code?: unknown }).code !== DEADLOCK_DETECTED) throw error;
    }
  }
}

/** Starts pg-boss on the owner connection (it manages its own schema) and the workers. */
export async function startJobs(ownerUrl: string, services: () => Services): Promise<RunningJobs> {
  const boss = new PgBoss({ connectionString: ownerUrl, schema: "pgboss", application_name: "hamkke-fund-jobs", max: 4 });
  boss.on("error", (error: Error) => services().logger.error("job runner error", error));
  await boss.start();
  for (const [name, handler] of Object.entries(jobHandlers)) {
    await createQueue(boss, name);
    await boss.work<Record<string, unknown>>(name, async (jobs) => {
      try {
        for (const job of jobs) await handler(services(), job.data ?? {});
      } catch (error) {
        services().metrics.jobsFailed.inc({ queue: name });
        services().logger.error("job failed", error, { queue: name });
        throw error;
      }
    });
  }
  for (const { name, cron } of SCHEDULES) await boss.schedule(name, cron);
  return {
    queue: {
      send: async (name, data = {}) => {
        await boss.send(name, data);
      },
    },
    // Resolves once the running jobs finished; any still running at the timeout are failed (retried later).
    stop: (timeoutMs) => boss.stop({ graceful: true, wait: true, timeout: timeoutMs }),
  };
}

/** For processes that run without workers (JOBS=off, tests): jobs run inline, at once. */
export function inlineJobQueue(services: () => Services): JobQueue {
  return {
    send: async (name, data = {}) => {
      const handler = jobHandlers[name];
      if (!handler) throw new Error(`Unknown job ${name}`);
      await handler(services(), data);
    },
  };
}
