import { generateKeyPairSync } from "node:crypto";
import { createPostgresFileStore } from "../../app/files/file-store.server";
import { createMemoryLogger } from "../../app/server/logger.server";
import { createMetrics } from "../../app/server/metrics.server";
import { DemoPaymentProvider } from "../../app/payments/demo-provider.server";
import type { PaymentProvider } from "../../app/payments/provider";
import { createSigner } from "../../app/ledger/checkpoints";
import type { JobQueue, Services } from "../../app/server/services";
import { fixedClock } from "../../app/utils/clock";
import type { Database } from "../../app/utils/db.server";
import { readEnv } from "../../app/utils/env.server";

export interface TestServices extends Services {
  clock: ReturnType<typeof fixedClock> & { advance(ms: number): Promise<void> };
  sentJobs: { name: string; data: Record<string, unknown> }[];
  logger: ReturnType<typeof createMemoryLogger>;
}

/** Where a test app's clock stands unless the test says otherwise. */
export const TEST_CLOCK_START = "2026-11-24T03:00:00Z";

/** Services as the server builds them, with a clock the test moves and a job recorder. */
export function createTestServices(db: Database, now = TEST_CLOCK_START, payments?: PaymentProvider): TestServices {
  const clock = fixedClock(now);
  const sentJobs: TestServices["sentJobs"] = [];
  const jobs: JobQueue = {
    send: async (name, data = {}) => {
      sentJobs.push({ name, data });
    },
  };
  return {
    db,
    readDb: db,
    env: readEnv({ NODE_ENV: "test" }),
    origin: "http://localhost:3000",
    devTools: true,
    fileStore: createPostgresFileStore(db),
    payments: payments ?? new DemoPaymentProvider(db, clock, 320),
    jobs,
    sentJobs,
    metrics: createMetrics(),
    logger: createMemoryLogger(),
    ledgerSigner: createSigner("localhost:3000/ledger", generateKeyPairSync("ed25519").privateKey),
    clock: {
      now: clock.now,
      set: clock.set,
      advance: async (ms: number) => clock.advance(ms),
    },
  };
}
