import { sql, type Kysely } from "kysely";

// The ledger as a transparency log (README decisions 61–64): the RFC 9162 Merkle tree over the
// journal's leaf hashes, stored tile-wise, and checkpoints that sign its root.
//
// Stored are the hashes that tiles above level 0 hold (C2SP tlog-tiles): hash n of tile level L
// is the Merkle Tree Hash of the entries n·256^L … (n+1)·256^L − 1, written when those entries
// are all in the ledger — one row per 256 entries, one per 65,536 at level 2… Level 0 is the
// journal's own leaf_hash. Every row is checked against the 256 hashes below it on insert, so the
// database can compute the root at any size from at most 255 hashes a level, and refuses a
// checkpoint whose root is not that root. Like the journal, all of it is append-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- An entry bundle frames each entry with a 16-bit length (tlog-tiles).
    ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_canonical_fits_entry_bundle
      CHECK (octet_length(canonical) <= 65535);
    -- Inclusion proofs by leaf hash (GET /api/v1/ledger/proofs/inclusion?leaf_hash=).
    CREATE INDEX journal_entries_leaf_hash_idx ON journal_entries (leaf_hash);

    -- The root of the perfect subtree over 2^k hashes: pairwise SHA-256(0x01 ‖ left ‖ right).
    CREATE FUNCTION ledger_perfect_root(hashes bytea[]) RETURNS bytea
    LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = public AS $f$
    DECLARE
      level bytea[] := hashes;
    BEGIN
      IF cardinality(level) = 0 OR (cardinality(level) & (cardinality(level) - 1)) <> 0 THEN
        RAISE EXCEPTION 'a perfect subtree has a power of two of hashes (got %)', cardinality(level);
      END IF;
      WHILE cardinality(level) > 1 LOOP
        level := ARRAY(
          SELECT sha256('\\x01'::bytea || level[2 * i - 1] || level[2 * i])
          FROM generate_series(1, cardinality(level) / 2) AS i ORDER BY i);
      END LOOP;
      RETURN level[1];
    END $f$;

    CREATE TABLE ledger_tile_hashes (
      tile_level smallint NOT NULL CHECK (tile_level BETWEEN 1 AND 7),
      idx bigint NOT NULL CHECK (idx >= 0),
      hash bytea NOT NULL CHECK (length(hash) = 32),
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tile_level, idx)
    );

    -- The 256 hashes one level down that a tile hash covers (leaf hashes at level 1), in order;
    -- fewer when the ledger does not have them all.
    CREATE FUNCTION ledger_tile_children(parent_level smallint, parent_idx bigint) RETURNS bytea[]
    LANGUAGE sql STABLE SET search_path = public AS $f$
      SELECT CASE WHEN parent_level = 1 THEN
        ARRAY(SELECT e.leaf_hash FROM journal_entries e WHERE e.seq > parent_idx * 256 AND e.seq <= parent_idx * 256 + 256 ORDER BY e.seq)
      ELSE
        ARRAY(SELECT t.hash FROM ledger_tile_hashes t WHERE t.tile_level = parent_level - 1 AND t.idx >= parent_idx * 256 AND t.idx < parent_idx * 256 + 256 ORDER BY t.idx)
      END;
    $f$;

    CREATE FUNCTION ledger_before_tile_hash_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      children bytea[] := ledger_tile_children(NEW.tile_level, NEW.idx);
    BEGIN
      IF cardinality(children) <> 256 THEN
        RAISE EXCEPTION 'tile hash % at level % covers entries the ledger does not have yet', NEW.idx, NEW.tile_level
          USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.hash <> ledger_perfect_root(children) THEN
        RAISE EXCEPTION 'tile hash % at level % is not the hash of the 256 below it', NEW.idx, NEW.tile_level
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;

    CREATE TRIGGER ledger_tile_hashes_before_insert BEFORE INSERT ON ledger_tile_hashes
      FOR EACH ROW EXECUTE FUNCTION ledger_before_tile_hash_insert();
    CREATE TRIGGER ledger_tile_hashes_append_only BEFORE UPDATE OR DELETE ON ledger_tile_hashes
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_tile_hashes_no_truncate BEFORE TRUNCATE ON ledger_tile_hashes
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

    -- The tree of the entries already in the ledger.
    INSERT INTO ledger_tile_hashes (tile_level, idx, hash)
    SELECT 1, (seq - 1) / 256, ledger_perfect_root(array_agg(leaf_hash ORDER BY seq))
    FROM journal_entries WHERE seq IS NOT NULL GROUP BY (seq - 1) / 256 HAVING count(*) = 256 ORDER BY 2;
    DO $d$
    BEGIN
      FOR level IN 2..7 LOOP
        INSERT INTO ledger_tile_hashes (tile_level, idx, hash)
        SELECT level, idx / 256, ledger_perfect_root(array_agg(hash ORDER BY idx))
        FROM ledger_tile_hashes WHERE tile_level = level - 1 GROUP BY idx / 256 HAVING count(*) = 256 ORDER BY 2;
      END LOOP;
    END $d$;

    -- MTH of the first \`size\` entries: the perfect subtrees of size's binary digits, largest
    -- first, each 2^r hashes of one tile level, folded right to left. Refuses a size the stored
    -- tree does not reach yet.
    CREATE FUNCTION ledger_merkle_root(size bigint) RETURNS bytea
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_custom_plan AS $f$
    DECLARE
      subtrees bytea[] := '{}';
      covered bigint := 0;
      level int;
      width bigint;
      from_idx bigint;
      hashes bytea[];
      root bytea;
    BEGIN
      IF size = 0 THEN
        RETURN sha256(''::bytea);
      END IF;
      FOR height IN REVERSE 62..0 LOOP
        IF ((size >> height) & 1) = 1 THEN
          level := height / 8;
          width := 1::bigint << (height - 8 * level);
          from_idx := covered >> (8 * level);
          IF level = 0 THEN
            hashes := ARRAY(SELECT e.leaf_hash FROM journal_entries e WHERE e.seq > from_idx AND e.seq <= from_idx + width ORDER BY e.seq);
          ELSE
            hashes := ARRAY(SELECT t.hash FROM ledger_tile_hashes t WHERE t.tile_level = level AND t.idx >= from_idx AND t.idx < from_idx + width ORDER BY t.idx);
          END IF;
          IF cardinality(hashes) <> width THEN
            RAISE EXCEPTION 'the Merkle tree does not reach size % yet', size USING ERRCODE = 'check_violation';
          END IF;
          subtrees := subtrees || ledger_perfect_root(hashes);
          covered := covered + (1::bigint << height);
        END IF;
      END LOOP;
      root := subtrees[cardinality(subtrees)];
      FOR i IN REVERSE cardinality(subtrees) - 1 .. 1 LOOP
        root := sha256('\\x01'::bytea || subtrees[i] || root);
      END LOOP;
      RETURN root;
    END $f$;

    -- Checkpoints now sign the Merkle root (C2SP tlog-checkpoint). Those signed over the chain
    -- hash before stay as they are (root_hash null) and can no longer be added.
    ALTER TABLE ledger_checkpoints ADD COLUMN root_hash bytea CHECK (length(root_hash) = 32);
    ALTER TABLE ledger_checkpoints DROP CONSTRAINT ledger_checkpoints_pkey;
    CREATE UNIQUE INDEX ledger_checkpoints_tree_size_idx ON ledger_checkpoints (tree_size) WHERE root_hash IS NOT NULL;
    CREATE UNIQUE INDEX ledger_chain_checkpoints_tree_size_idx ON ledger_checkpoints (tree_size) WHERE root_hash IS NULL;
    CREATE INDEX ledger_checkpoints_size_idx ON ledger_checkpoints (tree_size);

    CREATE OR REPLACE FUNCTION ledger_before_checkpoint_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      stated bytea;
    BEGIN
      IF NEW.root_hash IS NULL THEN
        RAISE EXCEPTION 'ledger checkpoints sign the Merkle root: one without root_hash is refused' USING ERRCODE = 'check_violation';
      END IF;
      SELECT e.chain_hash INTO stated FROM journal_entries e WHERE e.seq = NEW.tree_size;
      IF stated IS NULL THEN
        RAISE EXCEPTION 'ledger checkpoint for size % is beyond the ledger', NEW.tree_size USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.chain_hash <> stated THEN
        RAISE EXCEPTION 'ledger checkpoint for size % does not match the chain', NEW.tree_size USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.root_hash <> ledger_merkle_root(NEW.tree_size) THEN
        RAISE EXCEPTION 'ledger checkpoint for size % does not match the Merkle tree', NEW.tree_size USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.note <> NEW.origin || E'\\n' || NEW.tree_size::text || E'\\n' || encode(NEW.root_hash, 'base64') || E'\\n' THEN
        RAISE EXCEPTION 'ledger checkpoint note for size % is not <origin>\\n<size>\\n<base64 Merkle root>\\n', NEW.tree_size
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;

    -- Witnesses' cosignatures (C2SP tlog-cosignature, Ed25519 type 0x04) on checkpoints. The
    -- application verifies each against the witness key it is configured with before storing it;
    -- the database keeps them to the checkpoints that exist, and forever.
    CREATE TABLE ledger_cosignatures (
      tree_size bigint NOT NULL,
      witness_name text NOT NULL CHECK (length(witness_name) BETWEEN 1 AND 200 AND witness_name !~ '[[:space:]+]'),
      key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{8}$'),
      public_key bytea NOT NULL CHECK (length(public_key) = 32),
      signed_time bigint NOT NULL CHECK (signed_time > 0),
      signature bytea NOT NULL CHECK (length(signature) = 64),
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tree_size, witness_name, key_id)
    );

    CREATE FUNCTION ledger_before_cosignature_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM ledger_checkpoints c WHERE c.tree_size = NEW.tree_size AND c.root_hash IS NOT NULL) THEN
        RAISE EXCEPTION 'no Merkle checkpoint of size % to cosign', NEW.tree_size USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;

    CREATE TRIGGER ledger_cosignatures_before_insert BEFORE INSERT ON ledger_cosignatures
      FOR EACH ROW EXECUTE FUNCTION ledger_before_cosignature_insert();
    CREATE TRIGGER ledger_cosignatures_append_only BEFORE UPDATE OR DELETE ON ledger_cosignatures
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
    CREATE TRIGGER ledger_cosignatures_no_truncate BEFORE TRUNCATE ON ledger_cosignatures
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

    REVOKE ALL ON ledger_tile_hashes, ledger_cosignatures FROM PUBLIC;
    REVOKE ALL ON ledger_tile_hashes, ledger_cosignatures FROM hamkke_app;
    GRANT SELECT, INSERT ON ledger_tile_hashes, ledger_cosignatures TO hamkke_app;
  `.execute(db);
}

// Down drops the tree and the Merkle checkpoints with it: they cannot be expressed without it.
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE ledger_cosignatures, ledger_tile_hashes;
    DROP FUNCTION ledger_before_cosignature_insert, ledger_before_tile_hash_insert, ledger_tile_children;
    ALTER TABLE ledger_checkpoints DISABLE TRIGGER ledger_checkpoints_append_only;
    DELETE FROM ledger_checkpoints WHERE root_hash IS NOT NULL;
    ALTER TABLE ledger_checkpoints ENABLE TRIGGER ledger_checkpoints_append_only;
    DROP INDEX ledger_checkpoints_tree_size_idx, ledger_chain_checkpoints_tree_size_idx, ledger_checkpoints_size_idx;
    ALTER TABLE ledger_checkpoints DROP COLUMN root_hash, ADD PRIMARY KEY (tree_size);
    CREATE OR REPLACE FUNCTION ledger_before_checkpoint_insert() RETURNS trigger
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
    DROP FUNCTION ledger_merkle_root, ledger_perfect_root;
    DROP INDEX journal_entries_leaf_hash_idx;
    ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_canonical_fits_entry_bundle;
  `.execute(db);
}
