import { sql, type Kysely } from "kysely";

// The whole append in one call (decision 32): lock the head, skip keys already used, number each
// new entry, hash it and insert it with its lines. The head lock is then held for this call and
// the commit only, not for round trips to the application. The insert triggers still check
// every seq, hash and line, exactly as for any other insert.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- drafts: [{ key, kind, at, reverses, before_seq, after_seq, lines: [[account_id, amount_won], …] }]
    -- where before_seq || seq || after_seq is the entry's canonical text.
    CREATE FUNCTION ledger_append_entries(drafts jsonb)
    RETURNS TABLE (seq bigint, chain_hash bytea, created boolean)
    LANGUAGE plpgsql VOLATILE SET search_path = public SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      head record;
      known jsonb;
      draft jsonb;
      draft_key text;
      next_seq bigint;
      previous bytea;
      text_of_entry text;
      leaf bytea;
      chain bytea;
    BEGIN
      SELECT * INTO head FROM ledger_lock_head_and_find(
        ARRAY(SELECT d->>'key' FROM jsonb_array_elements(drafts) d WHERE d->>'key' IS NOT NULL));
      known := (SELECT coalesce(jsonb_object_agg(k->>0, k), '{}'::jsonb) FROM jsonb_array_elements(head.known) k);
      next_seq := head.seq;
      previous := head.chain_hash;
      FOR draft IN SELECT d FROM jsonb_array_elements(drafts) d LOOP
        draft_key := draft->>'key';
        IF draft_key IS NOT NULL AND known ? draft_key THEN
          RETURN QUERY SELECT (known->draft_key->>1)::bigint, decode(known->draft_key->>2, 'hex'), false;
          CONTINUE;
        END IF;
        next_seq := next_seq + 1;
        text_of_entry := (draft->>'before_seq') || next_seq::text || (draft->>'after_seq');
        leaf := sha256('\\x00'::bytea || convert_to(text_of_entry, 'UTF8'));
        chain := sha256(previous || leaf);
        INSERT INTO journal_entries (seq, kind, occurred_at, canonical, leaf_hash, chain_hash, reverses_seq, idempotency_key)
        VALUES (next_seq, draft->>'kind', (draft->>'at')::timestamptz, text_of_entry, leaf, chain, (draft->>'reverses')::bigint, draft_key);
        INSERT INTO journal_lines (entry_seq, line_no, account_id, amount_won)
        SELECT next_seq, l.ord, (l.line->>0)::bigint, (l.line->>1)::bigint
        FROM jsonb_array_elements(draft->'lines') WITH ORDINALITY AS l (line, ord);
        IF draft_key IS NOT NULL THEN
          known := known || jsonb_build_object(draft_key, jsonb_build_array(draft_key, next_seq, encode(chain, 'hex')));
        END IF;
        previous := chain;
        RETURN QUERY SELECT next_seq, chain, true;
      END LOOP;
    END $f$;
    REVOKE ALL ON FUNCTION ledger_append_entries(jsonb) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION ledger_append_entries(jsonb) TO hamkke_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION ledger_append_entries(jsonb);`.execute(db);
}
