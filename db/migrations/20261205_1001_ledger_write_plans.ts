import { sql, type Kysely } from "kysely";

// Decision 78: the functions every ledger write runs keep one plan per connection, and none of
// them reads the journal whole, whatever its size when the connection planned them.
//
// `ledger_record_entries` (decision 72) was left to PostgreSQL's plan cache, which after five calls
// chose a generic plan made on the journal as it then was: on a small journal it looked up the
// drafts' idempotency keys by hashing the whole journal (a sequential scan, or a full scan of the
// key index), and the connection kept that plan while the journal grew. Its key lookup is now a
// subquery that cannot be turned into a join (LIMIT 1), run only for a draft whose key was used
// before, by that key.
//
// The checks (the lines check at the end of the statement that inserts them; "an entry has lines"
// at commit) were planned on every call since decision 31 for the same reason, about a tenth of
// PostgreSQL's time in a pledge. Sequential scans are switched off inside these three functions,
// so a plan made on a small journal reads it by its indexes too
// (tests/integration/ledger-write-plans.test.ts runs that case).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION ledger_record_entries(drafts jsonb)
    RETURNS TABLE (entry_id bigint, seq bigint, chain_hash bytea, created boolean)
    LANGUAGE plpgsql VOLATILE SET search_path = public SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $f$
    DECLARE
      ids regclass := pg_get_serial_sequence('journal_entries', 'id')::regclass;
      new_ids bigint[];
      positions bigint[];
    BEGIN
      WITH numbered AS (
        SELECT t.d, t.o, nextval(ids) AS id FROM jsonb_array_elements(drafts) WITH ORDINALITY AS t (d, o)
      ), inserted AS (
        INSERT INTO journal_entries (id, kind, occurred_at, canonical_before_seq, canonical_after_seq, reverses_seq, idempotency_key)
        OVERRIDING SYSTEM VALUE
        SELECT n.id, n.d->>'kind', (n.d->>'at')::timestamptz, n.d->>'before_seq', n.d->>'after_seq', (n.d->>'reverses')::bigint, n.d->>'key'
        FROM numbered n ORDER BY n.o
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING id
      )
      SELECT array_agg(n.id ORDER BY n.o), array_agg(n.o ORDER BY n.o) INTO new_ids, positions
      FROM numbered n JOIN inserted i ON i.id = n.id;
      INSERT INTO journal_lines (entry_id, line_no, account_id, amount_won)
      SELECT n.id, l.ord, (l.line->>0)::bigint, (l.line->>1)::bigint
      FROM unnest(new_ids, positions) AS n (id, position),
           jsonb_array_elements(drafts->(n.position::integer - 1)->'lines') WITH ORDINALITY AS l (line, ord);
      -- In the drafts' order: a new entry, or the one its used key names (looked up by that key
      -- alone: LIMIT 1 keeps the lookup from becoming a join over the journal).
      RETURN QUERY
        SELECT coalesce(n.id, k.id), k.seq, k.chain_hash, n.id IS NOT NULL
        FROM jsonb_array_elements(drafts) WITH ORDINALITY AS t (d, o)
        LEFT JOIN unnest(new_ids, positions) AS n (id, position) ON n.position = t.o
        LEFT JOIN LATERAL (SELECT e.id, e.seq, e.chain_hash FROM journal_entries e WHERE n.id IS NULL AND e.idempotency_key = t.d->>'key' LIMIT 1) k ON true
        ORDER BY t.o;
    END $f$;
  `.execute(db);
  for (const fn of ["ledger_after_lines_insert()", "ledger_after_entry_insert()"]) {
    await sql.raw(`ALTER FUNCTION ${fn} SET plan_cache_mode = force_generic_plan`).execute(db);
    await sql.raw(`ALTER FUNCTION ${fn} SET enable_seqscan = off`).execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error("20261205_1001_ledger_write_plans is not undone: restore the functions of 20261205_0001_ledger_checks_per_statement by a new migration");
}
