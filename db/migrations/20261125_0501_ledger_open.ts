import { sql, type Kysely } from "kysely";

// The open ledger: signed checkpoints (append-only, checked against the chain by the database),
// the keys that signed them, totals per account and entry kind kept by trigger (so public totals
// are a lookup, not a scan), and the indexes the public pages and the receipt lookup need.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE ledger_signing_keys (
      key_id text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{8}$'),
      key_name text NOT NULL CHECK (length(key_name) BETWEEN 1 AND 200 AND key_name !~ '[[:space:]+]'),
      algorithm text NOT NULL DEFAULT 'ed25519' CHECK (algorithm = 'ed25519'),
      public_key bytea NOT NULL CHECK (length(public_key) = 32),
      first_used_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (key_name, public_key)
    );

    CREATE TABLE ledger_checkpoints (
      tree_size bigint PRIMARY KEY CHECK (tree_size >= 1),
      origin text NOT NULL CHECK (length(origin) BETWEEN 1 AND 200 AND origin !~ '[[:space:]]'),
      chain_hash bytea NOT NULL CHECK (length(chain_hash) = 32),
      note text NOT NULL,
      key_id text NOT NULL REFERENCES ledger_signing_keys (key_id),
      signature bytea NOT NULL CHECK (length(signature) = 64),
      signed_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now()
    );

    -- A checkpoint can only state what the chain says: the database refuses any other.
    CREATE FUNCTION ledger_before_checkpoint_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      stated bytea;
    BEGIN
      SELECT e.chain_hash INTO stated FROM journal_entries e WHERE e.seq = NEW.tree_size;
      IF stated IS NULL THEN
        RAISE EXCEPTION 'ledger checkpoint for size % is beyond the ledger', NEW.tree_size USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.chain_hash <> stated THEN
        RAISE EXCEPTION 'ledger checkpoint for size % does not match the chain', NEW.tree_size USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.note <> NEW.origin || E'\n' || NEW.tree_size::text || E'\n' || encode(NEW.chain_hash, 'base64') || E'\n' THEN
        RAISE EXCEPTION 'ledger checkpoint note for size % is not <origin>\\n<size>\\n<base64 hash>\\n', NEW.tree_size
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;

    CREATE TRIGGER ledger_checkpoints_before_insert BEFORE INSERT ON ledger_checkpoints
      FOR EACH ROW EXECUTE FUNCTION ledger_before_checkpoint_insert();
    CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoints
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_signing_keys_append_only BEFORE UPDATE OR DELETE ON ledger_signing_keys
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_signing_keys_no_truncate BEFORE TRUNCATE ON ledger_signing_keys
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

    -- The development signing key, generated on first start when LEDGER_SIGNING_KEY is not set
    -- and dev tools are on. Readable by the owner only; production keys come from configuration.
    CREATE TABLE ledger_dev_signing_key (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      private_key_pem text NOT NULL CHECK (private_key_pem LIKE '-----BEGIN PRIVATE KEY-----%'),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- Per account and entry kind: how many entries, money in and money out. Kept by trigger from
    -- the journal lines, like the balances, so "totals by kind" never scans the journal.
    CREATE TABLE ledger_kind_totals (
      account_id bigint NOT NULL REFERENCES ledger_accounts (id),
      kind text NOT NULL,
      entry_count bigint NOT NULL CHECK (entry_count >= 0),
      in_won bigint NOT NULL CHECK (in_won >= 0),
      out_won bigint NOT NULL CHECK (out_won >= 0),
      PRIMARY KEY (account_id, kind)
    );

    CREATE FUNCTION ledger_count_line() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    BEGIN
      INSERT INTO ledger_kind_totals AS t (account_id, kind, entry_count, in_won, out_won)
      SELECT NEW.account_id, e.kind, 1, greatest(NEW.amount_won, 0), greatest(-NEW.amount_won, 0)
      FROM journal_entries e WHERE e.seq = NEW.entry_seq
      ON CONFLICT (account_id, kind) DO UPDATE
        SET entry_count = t.entry_count + 1, in_won = t.in_won + excluded.in_won, out_won = t.out_won + excluded.out_won;
      RETURN NULL;
    END $f$;

    CREATE FUNCTION ledger_guard_kind_totals() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'DELETE' OR pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'ledger kind totals change only through journal lines' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $f$;

    CREATE TRIGGER journal_lines_count AFTER INSERT ON journal_lines
      FOR EACH ROW EXECUTE FUNCTION ledger_count_line();
    CREATE TRIGGER ledger_kind_totals_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_kind_totals
      FOR EACH ROW EXECUTE FUNCTION ledger_guard_kind_totals();
    CREATE TRIGGER ledger_kind_totals_no_truncate BEFORE TRUNCATE ON ledger_kind_totals
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

    -- Totals for lines written before this migration.
    ALTER TABLE ledger_kind_totals DISABLE TRIGGER ledger_kind_totals_guard;
    INSERT INTO ledger_kind_totals (account_id, kind, entry_count, in_won, out_won)
    SELECT jl.account_id, e.kind, count(*), coalesce(sum(greatest(jl.amount_won, 0)), 0), coalesce(sum(greatest(-jl.amount_won, 0)), 0)
    FROM journal_lines jl JOIN journal_entries e ON e.seq = jl.entry_seq
    GROUP BY jl.account_id, e.kind;
    ALTER TABLE ledger_kind_totals ENABLE TRIGGER ledger_kind_totals_guard;

    -- The public pages: date ranges, account prefixes and the backer's receipt lookup.
    CREATE INDEX journal_entries_occurred_idx ON journal_entries (occurred_at, seq);
    CREATE INDEX journal_entries_refs_idx ON journal_entries USING gin (((canonical::jsonb) -> 'refs') jsonb_path_ops);
    CREATE INDEX ledger_accounts_code_prefix_idx ON ledger_accounts (code text_pattern_ops);

    REVOKE ALL ON ledger_signing_keys, ledger_checkpoints, ledger_dev_signing_key, ledger_kind_totals FROM PUBLIC;
    REVOKE ALL ON ledger_signing_keys, ledger_checkpoints, ledger_dev_signing_key, ledger_kind_totals FROM hamkke_app;
    GRANT SELECT, INSERT ON ledger_signing_keys, ledger_checkpoints TO hamkke_app;
    GRANT SELECT ON ledger_kind_totals TO hamkke_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX journal_entries_occurred_idx, journal_entries_refs_idx, ledger_accounts_code_prefix_idx;
    DROP TRIGGER journal_lines_count ON journal_lines;
    DROP TABLE ledger_kind_totals, ledger_dev_signing_key, ledger_checkpoints, ledger_signing_keys;
    DROP FUNCTION ledger_count_line, ledger_guard_kind_totals, ledger_before_checkpoint_insert;
  `.execute(db);
}
