import { sql } from "kysely";
import type { Database, DbOrTx } from "../utils/db.server";

// The public pages' data version lives in PostgreSQL (decision 45): triggers on every table a
// public page shows bump it in the writing transaction, so it moves exactly when such a change
// commits, whichever process or server made it.

/**
 * Moves the data version forward in the caller's transaction. The triggers already do this for
 * every row written to a tracked table; call it for a change they cannot see.
 */
export async function bumpDataVersion(db: DbOrTx): Promise<void> {
  await sql`SELECT bump_page_data_version()`.execute(db);
}

/** The committed data version: the sum of the per-backend counters. */
export async function readDataVersion(db: DbOrTx): Promise<number> {
  return (await readDataVersionAt(db)).version;
}

/** Folds the counters of ended database sessions into one row (the sum does not change). */
export async function foldDataVersions(db: DbOrTx): Promise<void> {
  await sql`SELECT fold_page_data_versions()`.execute(db);
}

/**
 * The committed data version, and the primary's WAL insert position when it was read: every
 * commit the version counts lies before it (the write position may not, with asynchronous commit).
 */
async function readDataVersionAt(db: DbOrTx): Promise<{ version: number; lsn: string }> {
  const row = await db
    .selectFrom("page_data_versions")
    .select((eb) => [eb.fn.sum<number>("bumps").as("version"), sql<string>`pg_current_wal_insert_lsn()::text`.as("lsn")])
    .executeTakeFirstOrThrow();
  return { version: Number(row.version), lsn: row.lsn };
}

export interface DataVersionSource {
  /** The version as of at most `maxAgeMs` ago; concurrent callers share one query. */
  current(): Promise<number>;
  /**
   * The primary's WAL position at the first read that saw the newest version known here: a
   * replica replayed past it shows at least that version ("0/0" before any read).
   */
  walPosition(): string;
}

/**
 * The version as this process knows it: read again in the background once it is `maxAgeMs` old,
 * and waited for only when it is four times that old (after a quiet spell), so requests do not
 * queue behind the query. 0: a fresh read on every call.
 */
export function dataVersionSource(db: Database, maxAgeMs: number): DataVersionSource {
  let version = 0;
  let lsn = "0/0";
  let readAt = Number.NEGATIVE_INFINITY;
  let pending: { startedAt: number; promise: Promise<number> } | null = null;
  const read = (now: number) => {
    const promise = readDataVersionAt(db).then((read) => {
      if (now >= readAt) {
        // Writes the pages do not show move the WAL on: only a new version asks a replica to replay further.
        if (read.version !== version || lsn === "0/0") lsn = read.lsn;
        version = read.version;
        readAt = now;
      }
      return read.version;
    });
    const mine = { startedAt: now, promise };
    pending = mine;
    const clear = () => {
      if (pending === mine) pending = null;
    };
    promise.then(clear, clear);
    return promise;
  };
  return {
    current() {
      const now = performance.now();
      const age = now - readAt;
      if (age < maxAgeMs) return Promise.resolve(version);
      // A read already under way answers only callers it is recent enough for.
      const running = pending && now - pending.startedAt <= maxAgeMs ? pending.promise : null;
      if (age < 4 * maxAgeMs) {
        if (!running) read(now).catch(() => {});
        return Promise.resolve(version);
      }
      return running ?? read(now);
    },
    walPosition: () => lsn,
  };
}
