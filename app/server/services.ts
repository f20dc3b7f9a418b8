import type { PaymentProvider } from "../payments/provider";
import type { LedgerSigner } from "../ledger/checkpoints";
import type { Clock } from "../utils/clock";
import type { Database } from "../utils/db.server";
import type { Env } from "../utils/env.server";

/** Work handed to the background workers (pg-boss in the server, a recorder in tests). */
export interface JobQueue {
  send(name: string, data?: Record<string, unknown>): Promise<void>;
}

/** What every loader and action receives as `context.services`. */
export interface Services {
  db: Database;
  clock: Clock & { advance?(ms: number): Promise<void> };
  env: Env;
  /** Public origin, e.g. http://localhost:3000: links in e-mails and the CSRF origin check. */
  origin: string;
  jobs: JobQueue;
  /** Dev-only pages (outbox, clock) are served, to local visitors and platform admins only. */
  devTools: boolean;
  /** Where uploaded files are kept (content-addressed). */
  uploadDir: string;
  /** Card payments: Stripe when configured, otherwise the built-in demo provider. */
  payments: PaymentProvider;
  /** Signs ledger checkpoints (LEDGER_SIGNING_KEY, or the generated development key). */
  ledgerSigner: LedgerSigner;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    services: Services;
    /** The client's address (behind a proxy only when TRUST_PROXY=on). */
    clientIp: string | null;
    /** The request comes from this machine (loopback, not through a proxy from elsewhere). */
    clientIsLocal: boolean;
  }
}
