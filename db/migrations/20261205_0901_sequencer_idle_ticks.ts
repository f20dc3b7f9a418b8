import { sql, type Kysely } from "kysely";

// An idle sequencer tick wrote to the database: it took the ledger head's row lock before looking
// for waiting entries, and a row lock gives the transaction an id, so every tick with nothing to
// do ended in a commit record and a WAL flush (each web process ticks 20 times a second). Now the
// batch first looks for a waiting entry (an index-only probe of journal_entries_waiting_idx) and
// returns without locking when there is none. An entry that commits just after the probe is
// numbered by the next tick, as one that commits just after the batch's select always was.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION ledger_sequence_batch()
    RETURNS TABLE (seq bigint, leaf_hash bytea, chain_hash bytea)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      head record;
      ids bigint[];
      befores text[];
      afters text[];
      seqs bigint[] := '{}';
      leaves bytea[] := '{}';
      chains bytea[] := '{}';
      previous bytea;
    BEGIN
      -- Nothing waits: return before the head's row lock, which would give this transaction an id
      -- and a commit record to flush (a WAL flush per idle tick, 20 a second per web process).
      IF NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.seq IS NULL) THEN
        RETURN;
      END IF;
      SELECT h.seq, h.chain_hash INTO head FROM ledger_head h WHERE h.id FOR UPDATE SKIP LOCKED;
      IF NOT FOUND THEN
        RETURN;
      END IF;
      SELECT array_agg(e.id ORDER BY e.id), array_agg(e.canonical_before_seq ORDER BY e.id), array_agg(e.canonical_after_seq ORDER BY e.id)
        INTO ids, befores, afters
        FROM journal_entries e WHERE e.seq IS NULL;
      IF ids IS NULL THEN
        RETURN;
      END IF;
      previous := head.chain_hash;
      FOR i IN 1 .. array_length(ids, 1) LOOP
        seqs[i] := head.seq + i;
        leaves[i] := sha256('\\x00'::bytea || convert_to(befores[i] || seqs[i]::text || afters[i], 'UTF8'));
        previous := sha256(previous || leaves[i]);
        chains[i] := previous;
      END LOOP;
      UPDATE journal_entries e SET seq = b.seq, leaf_hash = b.leaf, chain_hash = b.chain
      FROM unnest(ids, seqs, leaves, chains) AS b (id, seq, leaf, chain)
      WHERE e.id = ANY (ids) AND e.id = b.id;
      RETURN QUERY SELECT b.seq, b.leaf, b.chain FROM unnest(seqs, leaves, chains) AS b (seq, leaf, chain);
    END $f$;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("20261205_0901_sequencer_idle_ticks is not undone: an idle tick that writes is no state to return to; restore 20261205_0001's ledger_sequence_batch by a new migration if ever needed");
}
