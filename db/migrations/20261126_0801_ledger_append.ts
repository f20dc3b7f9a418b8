import { sql, type Kysely } from "kysely";

// A shorter critical section for appends (decision 31). Every statement run while the ledger head
// is locked serialises all money movement, so the lock and the idempotency-key lookup become one
// call, and the commit-time check of an entry runs once instead of once per row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Locks the head, then finds which of the keys were already used. PL/pgSQL takes a new snapshot
    -- for the second statement, so it sees every entry committed before the lock was granted.
    CREATE FUNCTION ledger_lock_head_and_find(keys text[])
    RETURNS TABLE (seq bigint, chain_hash bytea, known jsonb)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      head_seq bigint;
      head_hash bytea;
      found jsonb;
    BEGIN
      SELECT h.seq, h.chain_hash INTO head_seq, head_hash FROM ledger_head h WHERE h.id FOR UPDATE;
      SELECT coalesce(jsonb_agg(jsonb_build_array(e.idempotency_key, e.seq, encode(e.chain_hash, 'hex'))), '[]'::jsonb)
        INTO found FROM journal_entries e WHERE e.idempotency_key = ANY (keys);
      RETURN QUERY SELECT head_seq, head_hash, found;
    END $f$;
    REVOKE ALL ON FUNCTION ledger_lock_head_and_find(text[]) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION ledger_lock_head_and_find(text[]) TO hamkke_app;

    -- An entry must have lines; whether they are right is checked from its last line.
    CREATE OR REPLACE FUNCTION ledger_after_entry_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM journal_lines WHERE entry_seq = NEW.seq) THEN
        RAISE EXCEPTION 'journal entry % has 0 line(s); at least 2 are required', NEW.seq USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $f$;

    -- The full check runs for the line with the entry's highest line_no. Lines are numbered from 1
    -- and the check refuses gaps, so a line added later (in any transaction) is the highest of its
    -- entry when its own check runs, and the entry is checked again with it.
    CREATE OR REPLACE FUNCTION ledger_after_line_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NEW.line_no = (SELECT max(line_no) FROM journal_lines WHERE entry_seq = NEW.entry_seq) THEN
        PERFORM ledger_check_entry(NEW.entry_seq);
      END IF;
      RETURN NULL;
    END $f$;

    -- A generic plan made while the journal was small (a sequential scan) would be kept by a
    -- long-lived connection as the journal grows: commit-time checks then grow with its size.
    -- These functions are planned for each call instead.
    ALTER FUNCTION ledger_check_entry(bigint) SET plan_cache_mode = force_custom_plan;
    ALTER FUNCTION ledger_after_entry_insert() SET plan_cache_mode = force_custom_plan;
    ALTER FUNCTION ledger_after_line_insert() SET plan_cache_mode = force_custom_plan;
    ALTER FUNCTION ledger_before_entry_insert() SET plan_cache_mode = force_custom_plan;
    ALTER FUNCTION ledger_apply_line() SET plan_cache_mode = force_custom_plan;
    ALTER FUNCTION ledger_count_line() SET plan_cache_mode = force_custom_plan;
    ALTER FUNCTION ledger_lock_head_and_find(text[]) SET plan_cache_mode = force_custom_plan;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER FUNCTION ledger_check_entry(bigint) RESET plan_cache_mode;
    ALTER FUNCTION ledger_before_entry_insert() RESET plan_cache_mode;
    ALTER FUNCTION ledger_apply_line() RESET plan_cache_mode;
    ALTER FUNCTION ledger_count_line() RESET plan_cache_mode;
    DROP FUNCTION ledger_lock_head_and_find(text[]);
    CREATE OR REPLACE FUNCTION ledger_after_entry_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      PERFORM ledger_check_entry(NEW.seq);
      RETURN NULL;
    END $f$;
    CREATE OR REPLACE FUNCTION ledger_after_line_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      PERFORM ledger_check_entry(NEW.entry_seq);
      RETURN NULL;
    END $f$;
  `.execute(db);
}
