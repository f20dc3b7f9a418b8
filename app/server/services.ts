import type { FileStore } from "../files/file-store.server";
import type { PaymentProvider } from "../payments/provider";
import type { LedgerSigner } from "../ledger/checkpoints";
import type { Clock } from "../utils/clock";
import type { Database } from "../utils/db.server";
import type { Env } from "../utils/env.server";
import type { Logger } from "./logger.server";
import type { PublicReads } from "./public-reads.server";
import type { AppMetrics } from "./metrics.server";

/** Work handed to the background workers (pg-boss in the server, a recorder in tests). */
export interface JobQueue {
  send(name: string, data?: Record<string, unknown>): Promise<void>;
}

/** What every loader and action receives as `context.services`. */
export interface Services {
  db: Database;
  /** A read-only replica for anonymous public reads (DATABASE_REPLICA_URL), else `db`: reached through `publicReader` only. */
  readDb: Database;
  clock: Clock & { advance?(ms: number): Promise<void> };
  env: Env;
  /** Public origin, e.g. http://localhost:3000: links in e-mails and the CSRF origin check. */
  origin: string;
  jobs: JobQueue;
  /** Dev-only pages (outbox, clock) are served, to local visitors and platform admins only. */
  devTools: boolean;
  /** Where uploaded files are kept (content-addressed). */
  fileStore: FileStore;
  /** Card payments: Stripe when configured, otherwise the built-in demo provider. */
  payments: PaymentProvider;
  /** Signs ledger checkpoints (LEDGER_SIGNING_KEY, or the generated development key). */
  ledgerSigner: LedgerSigner;
  /** Prometheus metrics of this process. */
  metrics: AppMetrics;
  /** Structured JSON log lines (ids and codes only, never personal data). */
  logger: Logger;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    services: Services;
    /** The client's address (behind a proxy only when TRUST_PROXY=on). */
    clientIp: string | null;
    /** Rendered once for every anonymous visitor (the page cache): no session, no CSRF token, no cookie set. */
    sharedRendering: boolean;
    /** Which database an anonymous public read may use now (decision 67). */
    publicReads: PublicReads;
    /** The request comes from this machine (loopback, not through a proxy from elsewhere). */
    clientIsLocal: boolean;
  }
}
