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
  stop(): Promise<void>;
}

/** Starts pg-boss on the owner connection (it manages its own schema) and the workers. */
export async function startJobs(ownerUrl: string, services: () => Services, log: (line: string) => void): Promise<RunningJobs> {
  const boss = new PgBoss({ connectionString: ownerUrl, schema: "pgboss", application_name: "hamkke-fund-jobs", max: 4 });
  boss.on("error", (error: Error) => log(`[jobs] ${error.message}`));
  await boss.start();
  for (const [name, handler] of Object.entries(jobHandlers)) {
    await boss.createQueue(name);
    await boss.work<Record<string, unknown>>(name, async (jobs) => {
      for (const job of jobs) await handler(services(), job.data ?? {});
    });
  }
  for (const { name, cron } of SCHEDULES) await boss.schedule(name, cron);
  return {
    queue: {
      send: async (name, data = {}) => {
        await boss.send(name, data);
      },
    },
    stop: () => boss.stop({ graceful: true, timeout: 5000 }),
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
