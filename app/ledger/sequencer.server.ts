import { sql } from "kysely";
import type { Database, DbOrTx } from "../utils/db.server";
import { catchUpMerkleTree } from "./merkle.server";

// The ledger sequencer (decision 41): money steps commit their entries without seq and hashes;
// this gives every committed entry still waiting its gapless seq, leaf hash and chain hash, a
// whole batch at a time under the head lock. Every process may run it; the head row lock (taken
// with SKIP LOCKED) lets exactly one work at a time, and a batch commits or leaves nothing behind.

export interface SequencedBatch {
  firstSeq: number;
  /** The batch's leaf hashes in seq order: what a Merkle tree over the ledger grows by. */
  leafHashes: Buffer[];
  /** The chain hash after the batch's last entry. */
  chainHash: Buffer;
}


/** Sequences what waits now, in one transaction; null when nothing waits or another sequencer is at work. */
export async function sequenceBatch(db: Database): Promise<SequencedBatch | null> {
  return db.transaction().execute(async (trx) => {
    const result = await sql<{ seq: number; leaf_hash: Buffer; chain_hash: Buffer }>`SELECT seq, leaf_hash, chain_hash FROM ledger_sequence_batch()`.execute(trx);
    const first = result.rows[0];
    const last = result.rows.at(-1);
    if (!first || !last) return null;
    const batch: SequencedBatch = { firstSeq: first.seq, leafHashes: result.rows.map((r) => r.leaf_hash), chainHash: last.chain_hash };
    // The Merkle tree over the same leaves commits with the batch (decision 61).
    await catchUpMerkleTree(trx);
    return batch;
  });
}

export interface SequencingStatus {
  /** Seq of the last sequenced entry (the public ledger's size). */
  headSeq: number;
  /** Committed entries waiting for their seq. */
  waiting: number;
  /** Seconds since the oldest waiting entry was written; 0 when none waits. */
  oldestWaitingSeconds: number;
}

export async function getSequencingStatus(db: DbOrTx): Promise<SequencingStatus> {
  const result = await sql<{ head_seq: number; waiting: number; oldest: number | null }>`
    SELECT (SELECT h.seq FROM ledger_head h) AS head_seq, count(*)::bigint AS waiting,
      extract(epoch FROM clock_timestamp() - min(e.recorded_at))::float8 AS oldest
    FROM journal_entries e WHERE e.seq IS NULL`.execute(db);
  const row = result.rows[0];
  return { headSeq: row?.head_seq ?? 0, waiting: row?.waiting ?? 0, oldestWaitingSeconds: row?.oldest ?? 0 };
}

/**
 * Sequences until nothing committed is left waiting (seeds, tests, before a checkpoint that must
 * cover what was just written). Waits for another process's sequencer if one is at work.
 */
export async function drainLedger(db: Database, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await sequenceBatch(db)) continue;
    if ((await getSequencingStatus(db)).waiting === 0) return;
    if (Date.now() > until) throw new Error("the ledger did not drain: another sequencer holds the head");
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface SequencerLoop {
  stop(): Promise<void>;
}

/** Runs the sequencer in this process every `intervalMs` until stopped. */
export function startSequencer(db: Database, options: { intervalMs?: number; onError?: (error: unknown) => void } = {}): SequencerLoop {
  const intervalMs = options.intervalMs ?? 50;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = sequenceBatch(db)
      .then(() => undefined)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
