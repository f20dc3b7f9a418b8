import { sql, type Kysely } from "kysely";

// Decision 72: an entry's lines are checked once, at the end of the statement that inserts them,
// for all the entries that statement touched in one set-based query: exactly the lines the
// canonical text states, at least two, summing to zero. Until now a deferred trigger on each line
// ran a check function per entry at commit (two planned queries and a security-definer call each:
// about a third of the database's time when a batch of charges was recorded). The only writer,
// `ledger_record_entries`, inserts all of a step's lines in one statement; anyone else must do the
// same, because a statement that leaves an entry incomplete is refused. An entry that never gets
// a line is still refused at commit (`journal_entries_balanced`), and lines can never be changed or
// deleted, so an entry that passed stays valid.
//
// `ledger_record_entries` inserts all of a step's entries in one statement too (it inserted them
// one by one, each statement planned anew): ids are drawn first, in the drafts' order, so each
// draft keeps its own id whether or not its idempotency key was used before. Its statements read
// only by unique keys, so it keeps PostgreSQL's plan cache (the ledger's other functions re-plan
// every call, decision 31, because their plans depend on how large the journal is).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION ledger_after_lines_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      account record;
      own_net bigint;
      available bigint;
      me xid := pg_current_xact_id()::xid;
      bad record;
      touched bigint[];
    BEGIN
      -- The entries this statement touched, as an array: a transition table has no statistics, and
      -- joined to a large table it was planned as a scan of all of it.
      SELECT array_agg(DISTINCT nl.entry_id) INTO touched FROM new_lines nl;
      IF EXISTS (SELECT 1 FROM new_lines nl WHERE nl.entry_seq IS NOT NULL)
         OR EXISTS (SELECT 1 FROM journal_entries e WHERE e.id = ANY (touched) AND e.seq IS NOT NULL) THEN
        RAISE EXCEPTION 'lines are added only to journal entries not yet sequenced' USING ERRCODE = 'insufficient_privilege';
      END IF;

      -- Each touched entry's lines are exactly those its canonical text states...
      WITH stated AS (
        SELECT e.id AS entry_id, t.ord::smallint AS line_no, t.l->>'account' AS code, (t.l->>'amount_won')::bigint AS amount_won
        FROM journal_entries e,
             jsonb_array_elements((e.canonical_before_seq || '0' || e.canonical_after_seq)::jsonb->'lines') WITH ORDINALITY AS t(l, ord)
        WHERE e.id = ANY (touched)
      ), stored AS (
        SELECT jl.entry_id, jl.line_no, a.code, jl.amount_won
        FROM journal_lines jl JOIN ledger_accounts a ON a.id = jl.account_id
        WHERE jl.entry_id = ANY (touched)
      )
      SELECT d.entry_id INTO bad FROM ((SELECT * FROM stated EXCEPT SELECT * FROM stored) UNION ALL (SELECT * FROM stored EXCEPT SELECT * FROM stated)) d
      ORDER BY d.entry_id LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'journal entry % lines disagree with its canonical text', bad.entry_id USING ERRCODE = 'check_violation';
      END IF;
      -- ... and they are at least two and balance.
      SELECT jl.entry_id, count(*) AS line_count, sum(jl.amount_won) AS line_sum INTO bad
      FROM journal_lines jl WHERE jl.entry_id = ANY (touched)
      GROUP BY jl.entry_id HAVING count(*) < 2 OR sum(jl.amount_won) <> 0
      ORDER BY jl.entry_id LIMIT 1;
      IF FOUND AND bad.line_count < 2 THEN
        RAISE EXCEPTION 'journal entry % has % line(s); at least 2 are required', bad.entry_id, bad.line_count USING ERRCODE = 'check_violation';
      ELSIF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance (sum %)', bad.entry_id, bad.line_sum USING ERRCODE = 'check_violation';
      END IF;

      FOR account IN
        SELECT a.id, a.code FROM ledger_accounts a
        WHERE NOT a.may_go_negative AND a.id IN (SELECT nl.account_id FROM new_lines nl WHERE nl.amount_won < 0)
        ORDER BY a.id
      LOOP
        SELECT coalesce(sum(jl.amount_won), 0) INTO own_net FROM journal_lines jl
          WHERE jl.account_id = account.id AND jl.entry_seq IS NULL AND jl.xmin = me;
        CONTINUE WHEN own_net >= 0;
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'money leaves ledger account % only in a READ COMMITTED transaction', account.code USING ERRCODE = 'check_violation';
        END IF;
        PERFORM pg_advisory_xact_lock(1279608903, (account.id % 2147483647)::integer);
        SELECT a.balance_won + coalesce((SELECT sum(jl.amount_won) FROM journal_lines jl WHERE jl.account_id = a.id AND jl.entry_seq IS NULL), 0)
          INTO available FROM ledger_accounts a WHERE a.id = account.id;
        IF available < 0 THEN
          RAISE EXCEPTION 'ledger account % would go negative (%)', account.code, available
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_accounts_balance_not_negative';
        END IF;
      END LOOP;
      RETURN NULL;
    END $f$;

    CREATE OR REPLACE FUNCTION ledger_record_entries(drafts jsonb)
    RETURNS TABLE (entry_id bigint, seq bigint, chain_hash bytea, created boolean)
    LANGUAGE plpgsql VOLATILE SET search_path = public AS $f$
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
      -- In the drafts' order: a new entry, or the one its used key names.
      RETURN QUERY
        SELECT coalesce(n.id, k.id), k.seq, k.chain_hash, n.id IS NOT NULL
        FROM jsonb_array_elements(drafts) WITH ORDINALITY AS t (d, o)
        LEFT JOIN unnest(new_ids, positions) AS n (id, position) ON n.position = t.o
        LEFT JOIN LATERAL (SELECT e.id, e.seq, e.chain_hash FROM journal_entries e WHERE n.id IS NULL AND e.idempotency_key = t.d->>'key') k ON true
        ORDER BY t.o;
    END $f$;
    DO $grant$ BEGIN
      EXECUTE format('GRANT USAGE ON SEQUENCE %s TO hamkke_app', pg_get_serial_sequence('journal_entries', 'id'));
    END $grant$;

    -- The sequencer's update of the batch's entries was planned as a scan of the whole journal too.
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

    -- The same for the sequencing trigger's joins of the batch to the lines.
    CREATE OR REPLACE FUNCTION ledger_after_sequencing() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      head_seq bigint;
      head_hash bytea;
      entry record;
      first_seq bigint;
      ids bigint[];
    BEGIN
      SELECT h.seq, h.chain_hash INTO head_seq, head_hash FROM ledger_head h WHERE h.id FOR UPDATE;
      first_seq := head_seq + 1;
      FOR entry IN SELECT s.seq, s.canonical, s.leaf_hash, s.chain_hash FROM sequenced s ORDER BY s.seq LOOP
        IF entry.seq <> head_seq + 1 THEN
          RAISE EXCEPTION 'ledger seq must be % (got %)', head_seq + 1, entry.seq USING ERRCODE = 'check_violation';
        END IF;
        IF entry.leaf_hash <> sha256('\\x00'::bytea || convert_to(entry.canonical, 'UTF8')) THEN
          RAISE EXCEPTION 'ledger leaf_hash does not match canonical text at seq %', entry.seq USING ERRCODE = 'check_violation';
        END IF;
        IF entry.chain_hash <> sha256(head_hash || entry.leaf_hash) THEN
          RAISE EXCEPTION 'ledger chain_hash does not chain at seq %', entry.seq USING ERRCODE = 'check_violation';
        END IF;
        head_seq := entry.seq;
        head_hash := entry.chain_hash;
      END LOOP;
      IF head_seq < first_seq THEN
        RETURN NULL;
      END IF;
      SELECT array_agg(s.id) INTO ids FROM sequenced s;
      UPDATE ledger_head SET seq = head_seq, chain_hash = head_hash WHERE id;
      UPDATE journal_lines jl SET entry_seq = s.seq FROM sequenced s WHERE jl.entry_id = ANY (ids) AND jl.entry_id = s.id;
      UPDATE ledger_accounts a SET balance_won = a.balance_won + d.delta
      FROM (SELECT jl.account_id, sum(jl.amount_won) AS delta FROM journal_lines jl WHERE jl.entry_id = ANY (ids) GROUP BY jl.account_id) d
      WHERE a.id = d.account_id AND d.delta <> 0;
      INSERT INTO ledger_kind_totals AS t (account_id, kind, entry_count, in_won, out_won)
      SELECT jl.account_id, s.kind, count(*), sum(greatest(jl.amount_won, 0)), sum(greatest(-jl.amount_won, 0))
      FROM journal_lines jl JOIN sequenced s ON s.id = jl.entry_id
      WHERE jl.entry_id = ANY (ids)
      GROUP BY jl.account_id, s.kind
      ON CONFLICT (account_id, kind) DO UPDATE
        SET entry_count = t.entry_count + excluded.entry_count, in_won = t.in_won + excluded.in_won, out_won = t.out_won + excluded.out_won;
      INSERT INTO ledger_batches (first_seq, last_seq) VALUES (first_seq, head_seq);
      RETURN NULL;
    END $f$;

    DROP TRIGGER journal_lines_balanced ON journal_lines;
    DROP FUNCTION ledger_after_line_insert();
    DROP FUNCTION ledger_check_entry(bigint);
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("20261205_0001_ledger_checks_per_statement is not undone: restore the per-line commit check of 20261204_0901_ledger_sequencer by a new migration");
}
