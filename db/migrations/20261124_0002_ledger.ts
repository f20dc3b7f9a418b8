import { sql, type Kysely } from "kysely";

// The public ledger: double entry, append-only, hash-chained. The database itself refuses
// unbalanced entries, rewrites, gaps in seq and hashes that do not chain, so no code path
// (or direct SQL as the app role) can produce a ledger that fails verification.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE ledger_accounts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_:.-]{2,119}$'),
      kind text NOT NULL CHECK (kind ~ '^[a-z_]{2,40}$'),
      name_ko text NOT NULL CHECK (length(name_ko) BETWEEN 1 AND 200),
      name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
      may_go_negative boolean NOT NULL DEFAULT false,
      balance_won bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ledger_accounts_balance_not_negative CHECK (may_go_negative OR balance_won >= 0)
    );

    CREATE TABLE journal_entries (
      seq bigint PRIMARY KEY CHECK (seq >= 1),
      kind text NOT NULL CHECK (kind ~ '^[a-z_.]{2,60}$'),
      occurred_at timestamptz NOT NULL,
      canonical text NOT NULL,
      leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32),
      chain_hash bytea NOT NULL CHECK (length(chain_hash) = 32),
      reverses_seq bigint UNIQUE REFERENCES journal_entries (seq),
      idempotency_key text UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
      recorded_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX journal_entries_kind_idx ON journal_entries (kind, seq);

    CREATE TABLE journal_lines (
      entry_seq bigint NOT NULL REFERENCES journal_entries (seq),
      line_no smallint NOT NULL CHECK (line_no >= 1),
      account_id bigint NOT NULL REFERENCES ledger_accounts (id),
      amount_won bigint NOT NULL CHECK (amount_won <> 0),
      PRIMARY KEY (entry_seq, line_no),
      UNIQUE (entry_seq, account_id)
    );
    CREATE INDEX journal_lines_account_idx ON journal_lines (account_id, entry_seq);

    CREATE TABLE ledger_head (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      seq bigint NOT NULL CHECK (seq >= 0),
      chain_hash bytea NOT NULL CHECK (length(chain_hash) = 32)
    );
    INSERT INTO ledger_head (id, seq, chain_hash) VALUES (true, 0, '\\x0000000000000000000000000000000000000000000000000000000000000000');

    -- Serialises appends: the caller holds this row lock until its transaction commits.
    CREATE FUNCTION ledger_lock_head() RETURNS TABLE (seq bigint, chain_hash bytea)
    LANGUAGE sql SECURITY DEFINER SET search_path = public AS $f$
      SELECT h.seq, h.chain_hash FROM ledger_head h WHERE h.id FOR UPDATE;
    $f$;

    CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      RAISE EXCEPTION 'ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
    END $f$;

    -- Checks the new entry against the head and advances the head.
    CREATE FUNCTION ledger_before_entry_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      head_seq bigint;
      head_hash bytea;
      doc jsonb;
    BEGIN
      SELECT h.seq, h.chain_hash INTO head_seq, head_hash FROM ledger_head h WHERE h.id FOR UPDATE;
      IF NEW.seq <> head_seq + 1 THEN
        RAISE EXCEPTION 'ledger seq must be % (got %)', head_seq + 1, NEW.seq USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.leaf_hash <> sha256('\\x00'::bytea || convert_to(NEW.canonical, 'UTF8')) THEN
        RAISE EXCEPTION 'ledger leaf_hash does not match canonical text at seq %', NEW.seq USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.chain_hash <> sha256(head_hash || NEW.leaf_hash) THEN
        RAISE EXCEPTION 'ledger chain_hash does not chain at seq %', NEW.seq USING ERRCODE = 'check_violation';
      END IF;
      doc := NEW.canonical::jsonb;
      IF (doc->>'seq')::bigint IS DISTINCT FROM NEW.seq OR doc->>'kind' IS DISTINCT FROM NEW.kind
         OR (doc->>'at')::timestamptz IS DISTINCT FROM NEW.occurred_at
         OR (doc->>'reverses')::bigint IS DISTINCT FROM NEW.reverses_seq THEN
        RAISE EXCEPTION 'ledger canonical text disagrees with its columns at seq %', NEW.seq USING ERRCODE = 'check_violation';
      END IF;
      UPDATE ledger_head SET seq = NEW.seq, chain_hash = NEW.chain_hash WHERE id;
      RETURN NEW;
    END $f$;

    -- At commit: an entry has at least two lines, they sum to zero and they are exactly the
    -- lines its canonical text (and so its hash) commits to.
    CREATE FUNCTION ledger_check_entry(entry bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      line_count bigint;
      line_sum numeric;
      mismatches bigint;
    BEGIN
      SELECT count(*), coalesce(sum(amount_won), 0) INTO line_count, line_sum
        FROM journal_lines WHERE entry_seq = entry;
      IF line_count < 2 THEN
        RAISE EXCEPTION 'journal entry % has % line(s); at least 2 are required', entry, line_count
          USING ERRCODE = 'check_violation';
      END IF;
      IF line_sum <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance (sum %)', entry, line_sum USING ERRCODE = 'check_violation';
      END IF;
      WITH stated AS (
        SELECT t.ord::smallint AS line_no, t.l->>'account' AS code, (t.l->>'amount_won')::bigint AS amount_won
        FROM journal_entries e, jsonb_array_elements(e.canonical::jsonb->'lines') WITH ORDINALITY AS t(l, ord)
        WHERE e.seq = entry
      ), stored AS (
        SELECT jl.line_no, a.code, jl.amount_won
        FROM journal_lines jl JOIN ledger_accounts a ON a.id = jl.account_id
        WHERE jl.entry_seq = entry
      )
      SELECT count(*) INTO mismatches FROM (
        (SELECT * FROM stated EXCEPT SELECT * FROM stored) UNION ALL (SELECT * FROM stored EXCEPT SELECT * FROM stated)
      ) d;
      IF mismatches > 0 THEN
        RAISE EXCEPTION 'journal entry % lines disagree with its canonical text', entry USING ERRCODE = 'check_violation';
      END IF;
    END $f$;

    CREATE FUNCTION ledger_after_entry_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      PERFORM ledger_check_entry(NEW.seq);
      RETURN NULL;
    END $f$;

    CREATE FUNCTION ledger_after_line_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      PERFORM ledger_check_entry(NEW.entry_seq);
      RETURN NULL;
    END $f$;

    -- Balances are a cache the lines maintain; the CHECK on ledger_accounts refuses overdrafts at once.
    CREATE FUNCTION ledger_apply_line() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    BEGIN
      UPDATE ledger_accounts SET balance_won = balance_won + NEW.amount_won WHERE id = NEW.account_id;
      RETURN NULL;
    END $f$;

    CREATE FUNCTION ledger_guard_account() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ledger accounts cannot be deleted' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.id <> OLD.id OR NEW.code <> OLD.code OR NEW.kind <> OLD.kind OR NEW.may_go_negative <> OLD.may_go_negative THEN
        RAISE EXCEPTION 'ledger account % identity cannot change', OLD.code USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.balance_won <> OLD.balance_won AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'ledger account balances change only through journal lines' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $f$;

    CREATE FUNCTION ledger_guard_head() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP <> 'UPDATE' OR NEW.seq <> OLD.seq + 1 OR pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'ledger head moves only by appending an entry' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $f$;

    CREATE TRIGGER journal_entries_before_insert BEFORE INSERT ON journal_entries
      FOR EACH ROW EXECUTE FUNCTION ledger_before_entry_insert();
    CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_after_entry_insert();
    CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_after_line_insert();
    CREATE TRIGGER journal_lines_apply AFTER INSERT ON journal_lines
      FOR EACH ROW EXECUTE FUNCTION ledger_apply_line();

    CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON journal_lines
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_accounts_guard BEFORE UPDATE OR DELETE ON ledger_accounts
      FOR EACH ROW EXECUTE FUNCTION ledger_guard_account();
    CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_head_guard BEFORE UPDATE OR DELETE ON ledger_head
      FOR EACH ROW EXECUTE FUNCTION ledger_guard_head();
    CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

    -- Privileges: the app role reads and appends; it can never rewrite.
    REVOKE ALL ON journal_entries, journal_lines, ledger_head, ledger_accounts FROM PUBLIC;
    REVOKE ALL ON journal_entries, journal_lines, ledger_head, ledger_accounts FROM hamkke_app;
    GRANT SELECT, INSERT ON journal_entries, journal_lines TO hamkke_app;
    GRANT SELECT ON ledger_head TO hamkke_app;
    GRANT SELECT, INSERT ON ledger_accounts TO hamkke_app;
    GRANT UPDATE (name_ko, name_en) ON ledger_accounts TO hamkke_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE journal_lines, journal_entries, ledger_head, ledger_accounts;
    DROP FUNCTION ledger_lock_head, ledger_refuse_change, ledger_before_entry_insert, ledger_check_entry,
      ledger_after_entry_insert, ledger_after_line_insert, ledger_apply_line, ledger_guard_account, ledger_guard_head;
  `.execute(db);
}
