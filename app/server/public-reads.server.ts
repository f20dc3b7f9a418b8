import type { LoaderFunctionArgs } from "@remix-run/node";
import { sql } from "kysely";
import { readSessionToken } from "../auth/session.server";
import type { DataVersionSource } from "../page-cache/data-version.server";
import type { Database } from "../utils/db.server";
import type { Logger } from "./logger.server";

// Decision 67: anonymous public reads go to the replica only once it has replayed past the
// primary's WAL position at which the newest known data version was read; while it lags they go
// to the primary. A page is then never older than the version it is cached under.

export interface PublicReads {
  /** The replica when it shows at least the newest data version known here, else the primary. */
  reader(): Promise<Database>;
}

export function createPublicReads(primary: Database, replica: Database, versions: DataVersionSource, logger: Logger): PublicReads {
  if (replica === primary) return { reader: async () => primary };
  return {
    async reader() {
      try {
        await versions.current();
        const row = await sql<{ caught_up: boolean | null }>`
          SELECT pg_last_wal_replay_lsn() >= ${versions.walPosition()}::pg_lsn AS caught_up`.execute(replica);
        return row.rows[0]?.caught_up === true ? replica : primary;
      } catch (error) {
        // An unreachable replica costs the primary some load, not the visitor their page.
        logger.warn("replica unreadable; reading the primary", { detail: String(error) });
        return primary;
      }
    },
  };
}

/**
 * The database a public page or export reads: a visitor with a session reads their own writes on
 * the primary; anyone else may be served by the replica. For display only, never for a decision
 * about money.
 */
export async function publicReader({ request, context }: Pick<LoaderFunctionArgs, "request" | "context">): Promise<Database> {
  if (!context.sharedRendering && readSessionToken(request)) return context.services.db;
  return context.publicReads.reader();
}
