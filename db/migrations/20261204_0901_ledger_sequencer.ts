import { sql, type Kysely } from "kysely";

// The ledger sequencer (decision 41). A money step writes its journal entry and lines without seq
// and hashes and commits; no ledger row is locked until its commit. A sequencer then gives whole
// batches of committed entries their gapless seq, leaf hash and chain hash under the head lock,
// once per batch, and applies the batch to the cached balances and totals by kind. The only change
// ever made to a journal row is that one fill, by the sequencer's own role; the database checks
// it. Money leaving a holding account is checked at once, against its balance including the
// entries still waiting, under a lock on that account only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hamkke_ledger_sequencer') THEN
        CREATE ROLE hamkke_ledger_sequencer NOLOGIN;
      END IF;
    END $$;
    GRANT hamkke_ledger_sequencer TO CURRENT_USER;

    -- The append under the head lock, and the triggers that kept balances and totals per line, go.
    DROP TRIGGER journal_entries_before_insert ON journal_entries;
    DROP TRIGGER journal_lines_apply ON journal_lines;
    DROP TRIGGER journal_lines_count ON journal_lines;
    DROP FUNCTION ledger_append_entries(jsonb);
    DROP FUNCTION ledger_lock_head_and_find(text[]);
    DROP FUNCTION ledger_lock_head();
    DROP FUNCTION ledger_before_entry_insert();
    DROP FUNCTION ledger_apply_line();
    DROP FUNCTION ledger_count_line();

    -- Entries get an id at insert; seq, hashes and the canonical text (which names the seq) come
    -- with sequencing. Existing entries keep id = seq.
    ALTER TABLE journal_entries DISABLE TRIGGER journal_entries_append_only;
    ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_append_only;
    ALTER TABLE journal_entries ADD COLUMN id bigint, ADD COLUMN canonical_before_seq text, ADD COLUMN canonical_after_seq text;
    UPDATE journal_entries SET id = seq,
      canonical_before_seq = regexp_replace(canonical, '[0-9]+,"v":[0-9]+}$', ''),
      canonical_after_seq = substring(canonical from ',"v":[0-9]+}$');
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM journal_entries WHERE canonical_before_seq || seq::text || canonical_after_seq IS DISTINCT FROM canonical) THEN
        RAISE EXCEPTION 'a canonical text does not end with its seq and version';
      END IF;
    END $$;
    ALTER TABLE journal_lines ADD COLUMN entry_id bigint;
    UPDATE journal_lines SET entry_id = entry_seq;

    -- Whatever referred to an entry by seq now refers to it by id (equal for existing entries).
    DO $$
    DECLARE c record;
    BEGIN
      FOR c IN SELECT conrelid::regclass AS tab, conname FROM pg_constraint WHERE contype = 'f' AND confrelid = 'journal_entries'::regclass LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tab, c.conname);
      END LOOP;
    END $$;
    ALTER TABLE journal_lines DROP CONSTRAINT journal_lines_pkey, DROP CONSTRAINT journal_lines_entry_seq_account_id_key;
    ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_pkey;
    DROP INDEX journal_entries_refs_idx;
    ALTER TABLE journal_entries DROP COLUMN canonical;
    ALTER TABLE journal_entries
      ALTER COLUMN id SET NOT NULL,
      ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY,
      ALTER COLUMN canonical_before_seq SET NOT NULL,
      ALTER COLUMN canonical_after_seq SET NOT NULL,
      ALTER COLUMN seq DROP NOT NULL,
      ALTER COLUMN leaf_hash DROP NOT NULL,
      ALTER COLUMN chain_hash DROP NOT NULL,
      ALTER COLUMN recorded_at SET DEFAULT clock_timestamp(),
      ADD COLUMN canonical text GENERATED ALWAYS AS (canonical_before_seq || seq::text || canonical_after_seq) STORED,
      ADD PRIMARY KEY (id),
      ADD CONSTRAINT journal_entries_seq_key UNIQUE (seq),
      ADD CONSTRAINT journal_entries_canonical_parts CHECK (right(canonical_before_seq, 6) = '"seq":' AND canonical_after_seq ~ '^,"v":[0-9]+}$'),
      ADD CONSTRAINT journal_entries_sequenced_whole CHECK ((seq IS NULL) = (leaf_hash IS NULL) AND (seq IS NULL) = (chain_hash IS NULL)),
      ADD CONSTRAINT journal_entries_reverses_seq_fkey FOREIGN KEY (reverses_seq) REFERENCES journal_entries (seq);
    SELECT setval(pg_get_serial_sequence('journal_entries', 'id'), coalesce(max(id), 0) + 1, false) FROM journal_entries;
    CREATE INDEX journal_entries_waiting_idx ON journal_entries (id) WHERE seq IS NULL;
    CREATE INDEX journal_entries_refs_idx ON journal_entries USING gin (((canonical::jsonb) -> 'refs') jsonb_path_ops);

    ALTER TABLE journal_lines
      ALTER COLUMN entry_id SET NOT NULL,
      ALTER COLUMN entry_seq DROP NOT NULL,
      ADD PRIMARY KEY (entry_id, line_no),
      ADD CONSTRAINT journal_lines_entry_account_key UNIQUE (entry_id, account_id),
      ADD CONSTRAINT journal_lines_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES journal_entries (id);
    -- What waits per account: summed by every check of money leaving a holding account.
    CREATE INDEX journal_lines_waiting_idx ON journal_lines (account_id) INCLUDE (amount_won) WHERE entry_seq IS NULL;

    ALTER TABLE offline_donations RENAME COLUMN ledger_seq TO ledger_entry_id;
    ALTER TABLE disbursements RENAME COLUMN ledger_seq TO ledger_entry_id;
    ALTER TABLE grant_awards RENAME COLUMN ledger_seq TO ledger_entry_id;
    ALTER TABLE fund_contributions RENAME COLUMN ledger_seq TO ledger_entry_id;
    ALTER TABLE fund_grants RENAME COLUMN ledger_seq TO ledger_entry_id;
    ALTER TABLE loan_repayments RENAME COLUMN ledger_seq TO ledger_entry_id;
    ALTER TABLE loan_recoveries RENAME COLUMN ledger_seq TO ledger_entry_id;
    ALTER TABLE loans RENAME COLUMN disbursement_seq TO disbursement_entry_id;
    ALTER TABLE loans RENAME COLUMN written_off_seq TO written_off_entry_id;
    ALTER TABLE offline_donations ADD FOREIGN KEY (ledger_entry_id) REFERENCES journal_entries (id);
    ALTER TABLE disbursements ADD FOREIGN KEY (ledger_entry_id) REFERENCES journal_entries (id);
    ALTER TABLE grant_awards ADD FOREIGN KEY (ledger_entry_id) REFERENCES journal_entries (id);
    ALTER TABLE fund_contributions ADD FOREIGN KEY (ledger_entry_id) REFERENCES journal_entries (id);
    ALTER TABLE fund_grants ADD FOREIGN KEY (ledger_entry_id) REFERENCES journal_entries (id);
    ALTER TABLE loan_repayments ADD FOREIGN KEY (ledger_entry_id) REFERENCES journal_entries (id);
    ALTER TABLE loan_recoveries ADD FOREIGN KEY (ledger_entry_id) REFERENCES journal_entries (id);
    ALTER TABLE loans ADD FOREIGN KEY (disbursement_entry_id) REFERENCES journal_entries (id);
    ALTER TABLE loans ADD FOREIGN KEY (written_off_entry_id) REFERENCES journal_entries (id);

    CREATE OR REPLACE FUNCTION loans_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'loan contracts are kept' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF (NEW.application_id, NEW.fund_id, NEW.enterprise_id, NEW.product_id, NEW.principal_won, NEW.rate_bp, NEW.penalty_bp,
          NEW.original_term_months, NEW.repayment_method, NEW.grace_months, NEW.delinquency_grace_days, NEW.landlord_name,
          NEW.store_address, NEW.contracted_on, NEW.contracted_by)
         IS DISTINCT FROM
         (OLD.application_id, OLD.fund_id, OLD.enterprise_id, OLD.product_id, OLD.principal_won, OLD.rate_bp, OLD.penalty_bp,
          OLD.original_term_months, OLD.repayment_method, OLD.grace_months, OLD.delinquency_grace_days, OLD.landlord_name,
          OLD.store_address, OLD.contracted_on, OLD.contracted_by) THEN
        RAISE EXCEPTION 'the terms of loan % are frozen by its contract', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.disbursed_on IS NOT NULL AND (NEW.disbursed_on, NEW.disbursed_by, NEW.disbursement_entry_id, NEW.disbursement_reference)
         IS DISTINCT FROM (OLD.disbursed_on, OLD.disbursed_by, OLD.disbursement_entry_id, OLD.disbursement_reference) THEN
        RAISE EXCEPTION 'loan % was already disbursed', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.term_months < OLD.term_months THEN
        RAISE EXCEPTION 'a term is only ever extended' USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.written_off_entry_id IS NOT NULL AND (NEW.written_off_entry_id, NEW.written_off_won) IS DISTINCT FROM (OLD.written_off_entry_id, OLD.written_off_won) THEN
        RAISE EXCEPTION 'loan % was already written off', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state <> OLD.state THEN
        IF (OLD.state, NEW.state) NOT IN (('contracted', 'disbursed'), ('disbursed', 'repaying'), ('disbursed', 'delinquent'),
            ('disbursed', 'defaulted'), ('disbursed', 'closed'), ('repaying', 'delinquent'), ('repaying', 'defaulted'),
            ('repaying', 'closed'), ('delinquent', 'repaying'), ('delinquent', 'defaulted'), ('delinquent', 'closed'),
            ('defaulted', 'written_off'), ('defaulted', 'closed')) THEN
          RAISE EXCEPTION 'loan cannot go from % to %', OLD.state, NEW.state USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.state = 'closed' AND (NOT EXISTS (SELECT 1 FROM loan_instalments i WHERE i.loan_id = NEW.id)
            OR EXISTS (SELECT 1 FROM loan_instalments i WHERE i.loan_id = NEW.id AND i.paid_off_on IS NULL)) THEN
          RAISE EXCEPTION 'loan % is closed only when every instalment is paid', NEW.id USING ERRCODE = 'check_violation';
        END IF;
      END IF;
      RETURN NEW;
    END $f$;

    -- One row per sequenced batch: when its entries got their seq (the public "sequenced at").
    CREATE TABLE ledger_batches (
      first_seq bigint PRIMARY KEY CHECK (first_seq >= 1),
      last_seq bigint NOT NULL UNIQUE CHECK (last_seq >= first_seq),
      sequenced_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    INSERT INTO ledger_batches (first_seq, last_seq, sequenced_at)
    SELECT min(seq), max(seq), max(recorded_at) FROM journal_entries HAVING count(*) > 0;
    CREATE TRIGGER ledger_batches_append_only BEFORE UPDATE OR DELETE ON ledger_batches
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_batches_no_truncate BEFORE TRUNCATE ON ledger_batches
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
    CREATE FUNCTION ledger_guard_batch() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'ledger batches are recorded only by sequencing' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER ledger_batches_guard BEFORE INSERT ON ledger_batches FOR EACH ROW EXECUTE FUNCTION ledger_guard_batch();

    -- A new entry: no seq or hashes yet, and canonical parts that agree with its columns.
    CREATE FUNCTION ledger_before_entry_insert() RETURNS trigger LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      doc jsonb;
    BEGIN
      IF NEW.seq IS NOT NULL OR NEW.leaf_hash IS NOT NULL OR NEW.chain_hash IS NOT NULL THEN
        RAISE EXCEPTION 'journal entries are inserted without seq and hashes: the sequencer assigns them'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      doc := (NEW.canonical_before_seq || '0' || NEW.canonical_after_seq)::jsonb;
      IF doc->>'seq' IS DISTINCT FROM '0' OR doc->>'kind' IS DISTINCT FROM NEW.kind
         OR (doc->>'at')::timestamptz IS DISTINCT FROM NEW.occurred_at
         OR (doc->>'reverses')::bigint IS DISTINCT FROM NEW.reverses_seq THEN
        RAISE EXCEPTION 'ledger canonical text disagrees with its columns' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER journal_entries_before_insert BEFORE INSERT ON journal_entries
      FOR EACH ROW EXECUTE FUNCTION ledger_before_entry_insert();

    -- At commit: at least two lines summing to zero that are exactly the lines the canonical text states.
    CREATE OR REPLACE FUNCTION ledger_check_entry(entry bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      line_count bigint;
      line_sum numeric;
      mismatches bigint;
    BEGIN
      SELECT count(*), coalesce(sum(amount_won), 0) INTO line_count, line_sum FROM journal_lines WHERE entry_id = entry;
      IF line_count < 2 THEN
        RAISE EXCEPTION 'journal entry % has % line(s); at least 2 are required', entry, line_count USING ERRCODE = 'check_violation';
      END IF;
      IF line_sum <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance (sum %)', entry, line_sum USING ERRCODE = 'check_violation';
      END IF;
      WITH stated AS (
        SELECT t.ord::smallint AS line_no, t.l->>'account' AS code, (t.l->>'amount_won')::bigint AS amount_won
        FROM journal_entries e, jsonb_array_elements((e.canonical_before_seq || '0' || e.canonical_after_seq)::jsonb->'lines') WITH ORDINALITY AS t(l, ord)
        WHERE e.id = entry
      ), stored AS (
        SELECT jl.line_no, a.code, jl.amount_won
        FROM journal_lines jl JOIN ledger_accounts a ON a.id = jl.account_id
        WHERE jl.entry_id = entry
      )
      SELECT count(*) INTO mismatches FROM (
        (SELECT * FROM stated EXCEPT SELECT * FROM stored) UNION ALL (SELECT * FROM stored EXCEPT SELECT * FROM stated)
      ) d;
      IF mismatches > 0 THEN
        RAISE EXCEPTION 'journal entry % lines disagree with its canonical text', entry USING ERRCODE = 'check_violation';
      END IF;
    END $f$;
    CREATE OR REPLACE FUNCTION ledger_after_entry_insert() RETURNS trigger LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $f$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM journal_lines WHERE entry_id = NEW.id) THEN
        RAISE EXCEPTION 'journal entry % has 0 line(s); at least 2 are required', NEW.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $f$;
    CREATE OR REPLACE FUNCTION ledger_after_line_insert() RETURNS trigger LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $f$
    BEGIN
      IF NEW.line_no = (SELECT max(line_no) FROM journal_lines WHERE entry_id = NEW.entry_id) THEN
        PERFORM ledger_check_entry(NEW.entry_id);
      END IF;
      RETURN NULL;
    END $f$;

    -- New lines belong to entries not yet sequenced. Money leaving a holding account (when this
    -- transaction takes more out of it than it puts in) is checked under that account's lock
    -- against its balance including every committed entry still waiting: no other row is locked,
    -- so money coming in never waits. Accounts are locked in id order.
    CREATE FUNCTION ledger_after_lines_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      account record;
      own_net bigint;
      available bigint;
      me xid := pg_current_xact_id()::xid;
    BEGIN
      IF EXISTS (SELECT 1 FROM new_lines nl WHERE nl.entry_seq IS NOT NULL)
         OR EXISTS (SELECT 1 FROM new_lines nl JOIN journal_entries e ON e.id = nl.entry_id WHERE e.seq IS NOT NULL) THEN
        RAISE EXCEPTION 'lines are added only to journal entries not yet sequenced' USING ERRCODE = 'insufficient_privilege';
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
    CREATE TRIGGER journal_lines_after_insert AFTER INSERT ON journal_lines
      REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_after_lines_insert();

    -- The one change a journal row may see: its seq and hashes filled once, by the sequencer's role.
    CREATE FUNCTION ledger_guard_entry_update() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF current_user <> 'hamkke_ledger_sequencer' OR OLD.seq IS NOT NULL OR NEW.seq IS NULL
         OR (NEW.id, NEW.kind, NEW.occurred_at, NEW.canonical_before_seq, NEW.canonical_after_seq, NEW.reverses_seq, NEW.idempotency_key, NEW.recorded_at)
            IS DISTINCT FROM (OLD.id, OLD.kind, OLD.occurred_at, OLD.canonical_before_seq, OLD.canonical_after_seq, OLD.reverses_seq, OLD.idempotency_key, OLD.recorded_at) THEN
        RAISE EXCEPTION 'ledger is append-only: UPDATE on journal_entries refused (only the sequencer fills seq and hashes, once)'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $f$;
    DROP TRIGGER journal_entries_append_only ON journal_entries;
    CREATE TRIGGER journal_entries_append_only BEFORE DELETE ON journal_entries
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER journal_entries_guard_update BEFORE UPDATE ON journal_entries
      FOR EACH ROW EXECUTE FUNCTION ledger_guard_entry_update();

    CREATE FUNCTION ledger_guard_line_update() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF pg_trigger_depth() < 2 OR OLD.entry_seq IS NOT NULL OR NEW.entry_seq IS NULL
         OR (NEW.entry_id, NEW.line_no, NEW.account_id, NEW.amount_won) IS DISTINCT FROM (OLD.entry_id, OLD.line_no, OLD.account_id, OLD.amount_won) THEN
        RAISE EXCEPTION 'ledger is append-only: UPDATE on journal_lines refused (lines get their seq only with their entry)'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $f$;
    DROP TRIGGER journal_lines_append_only ON journal_lines;
    CREATE TRIGGER journal_lines_append_only BEFORE DELETE ON journal_lines
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER journal_lines_guard_update BEFORE UPDATE ON journal_lines
      FOR EACH ROW EXECUTE FUNCTION ledger_guard_line_update();

    -- After a sequencing statement: seq gapless from the head, every hash recomputed from the
    -- canonical text, then the head, the lines' seq, balances, totals by kind and the batch row.
    CREATE FUNCTION ledger_after_sequencing() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      head_seq bigint;
      head_hash bytea;
      entry record;
      first_seq bigint;
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
      UPDATE ledger_head SET seq = head_seq, chain_hash = head_hash WHERE id;
      UPDATE journal_lines jl SET entry_seq = s.seq FROM sequenced s WHERE jl.entry_id = s.id;
      UPDATE ledger_accounts a SET balance_won = a.balance_won + d.delta
      FROM (SELECT jl.account_id, sum(jl.amount_won) AS delta FROM journal_lines jl JOIN sequenced s ON s.id = jl.entry_id GROUP BY jl.account_id) d
      WHERE a.id = d.account_id AND d.delta <> 0;
      INSERT INTO ledger_kind_totals AS t (account_id, kind, entry_count, in_won, out_won)
      SELECT jl.account_id, s.kind, count(*), sum(greatest(jl.amount_won, 0)), sum(greatest(-jl.amount_won, 0))
      FROM journal_lines jl JOIN sequenced s ON s.id = jl.entry_id
      GROUP BY jl.account_id, s.kind
      ON CONFLICT (account_id, kind) DO UPDATE
        SET entry_count = t.entry_count + excluded.entry_count, in_won = t.in_won + excluded.in_won, out_won = t.out_won + excluded.out_won;
      INSERT INTO ledger_batches (first_seq, last_seq) VALUES (first_seq, head_seq);
      RETURN NULL;
    END $f$;
    CREATE TRIGGER journal_entries_after_sequencing AFTER UPDATE ON journal_entries
      REFERENCING NEW TABLE AS sequenced FOR EACH STATEMENT EXECUTE FUNCTION ledger_after_sequencing();

    CREATE OR REPLACE FUNCTION ledger_guard_head() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP <> 'UPDATE' OR NEW.seq <= OLD.seq OR pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'ledger head moves only by sequencing entries' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $f$;

    -- Writes a step's entries (without seq) and their lines in one call; a used idempotency key
    -- writes nothing and returns the entry it names. All lines go in one statement, so the
    -- accounts money leaves are locked in one order.
    -- drafts: [{ key, kind, at, reverses, before_seq, after_seq, lines: [[account_id, amount_won], …] }]
    CREATE FUNCTION ledger_record_entries(drafts jsonb)
    RETURNS TABLE (entry_id bigint, seq bigint, chain_hash bytea, created boolean)
    LANGUAGE plpgsql VOLATILE SET search_path = public SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      draft jsonb;
      position bigint;
      new_id bigint;
      known record;
      new_ids bigint[] := '{}';
      positions bigint[] := '{}';
    BEGIN
      FOR draft, position IN SELECT d, o FROM jsonb_array_elements(drafts) WITH ORDINALITY AS t (d, o) LOOP
        new_id := NULL;
        INSERT INTO journal_entries (kind, occurred_at, canonical_before_seq, canonical_after_seq, reverses_seq, idempotency_key)
        VALUES (draft->>'kind', (draft->>'at')::timestamptz, draft->>'before_seq', draft->>'after_seq', (draft->>'reverses')::bigint, draft->>'key')
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING id INTO new_id;
        IF new_id IS NULL THEN
          SELECT e.id, e.seq, e.chain_hash INTO known FROM journal_entries e WHERE e.idempotency_key = draft->>'key';
          RETURN QUERY SELECT known.id, known.seq, known.chain_hash, false;
        ELSE
          new_ids := new_ids || new_id;
          positions := positions || position;
          RETURN QUERY SELECT new_id, NULL::bigint, NULL::bytea, true;
        END IF;
      END LOOP;
      INSERT INTO journal_lines (entry_id, line_no, account_id, amount_won)
      SELECT n.id, l.ord, (l.line->>0)::bigint, (l.line->>1)::bigint
      FROM unnest(new_ids, positions) AS n (id, position),
           jsonb_array_elements(drafts->(n.position::integer - 1)->'lines') WITH ORDINALITY AS l (line, ord);
    END $f$;
    REVOKE ALL ON FUNCTION ledger_record_entries(jsonb) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION ledger_record_entries(jsonb) TO hamkke_app;

    -- One batch: everything committed and not yet sequenced, as one snapshot sees it (a
    -- consistent cut, so the balances after it are those of a committed state), numbered from the
    -- head in id order and hashed. A second sequencer finds the head locked and returns nothing.
    CREATE FUNCTION ledger_sequence_batch()
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
      WHERE e.id = b.id;
      RETURN QUERY SELECT b.seq, b.leaf, b.chain FROM unnest(seqs, leaves, chains) AS b (seq, leaf, chain);
    END $f$;
    REVOKE ALL ON FUNCTION ledger_sequence_batch() FROM PUBLIC;
    GRANT USAGE ON SCHEMA public TO hamkke_ledger_sequencer;
    GRANT SELECT ON journal_entries TO hamkke_ledger_sequencer;
    GRANT UPDATE (seq, leaf_hash, chain_hash) ON journal_entries TO hamkke_ledger_sequencer;
    GRANT SELECT, UPDATE ON ledger_head TO hamkke_ledger_sequencer;
    -- Owning a function needs CREATE on its schema, at the moment the owner changes only.
    GRANT CREATE ON SCHEMA public TO hamkke_ledger_sequencer;
    ALTER FUNCTION ledger_sequence_batch() OWNER TO hamkke_ledger_sequencer;
    REVOKE CREATE ON SCHEMA public FROM hamkke_ledger_sequencer;
    GRANT EXECUTE ON FUNCTION ledger_sequence_batch() TO hamkke_app;

    -- What the public ledger shows: the entries that have their seq and hashes.
    CREATE VIEW sequenced_entries AS
      SELECT id, seq, kind, occurred_at, canonical, leaf_hash, chain_hash, reverses_seq, idempotency_key, recorded_at
      FROM journal_entries WHERE seq IS NOT NULL;

    -- The app reads the batches; the sequencer's role reaches the rest through the triggers.
    REVOKE ALL ON ledger_batches, sequenced_entries FROM PUBLIC;
    REVOKE ALL ON ledger_batches, sequenced_entries FROM hamkke_app;
    GRANT SELECT ON ledger_batches, sequenced_entries TO hamkke_app;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("20261204_0901_ledger_sequencer cannot be undone: entries written since have no seq until sequenced");
}
