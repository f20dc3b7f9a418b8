import { sql, type Kysely } from "kysely";

// File bytes in PostgreSQL (the default file store): one row per content address and its bytes
// in chunks, so every server sees every file and a download streams a chunk at a time. The
// database checks at commit that the chunks are exactly the bytes their address names.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE file_blobs (
      sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 20000000),
      chunk_count integer NOT NULL CHECK (chunk_count BETWEEN 1 AND 1000),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE file_chunks (
      sha256 text NOT NULL REFERENCES file_blobs,
      chunk_no integer NOT NULL CHECK (chunk_no >= 0),
      data bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 262144),
      PRIMARY KEY (sha256, chunk_no)
    );
    -- Stored bytes never change: a content address always names the same bytes.
    REVOKE UPDATE, DELETE, TRUNCATE ON file_blobs, file_chunks FROM hamkke_app;

    CREATE FUNCTION file_blobs_check_content() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      found_chunks integer;
      found_bytes bigint;
      found_hash text;
    BEGIN
      SELECT count(*), coalesce(sum(length(data)), 0), encode(sha256(coalesce(string_agg(data, ''::bytea ORDER BY chunk_no), ''::bytea)), 'hex')
        INTO found_chunks, found_bytes, found_hash
        FROM file_chunks WHERE sha256 = NEW.sha256;
      IF found_chunks <> NEW.chunk_count OR found_bytes <> NEW.size_bytes OR found_hash <> NEW.sha256 THEN
        RAISE EXCEPTION 'file blob % does not hold the bytes its address names', NEW.sha256 USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER file_blobs_content AFTER INSERT ON file_blobs
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION file_blobs_check_content();

    -- A committed blob has all its chunks (checked above), so a chunk past its end is the only
    -- one that could still be added: refuse it.
    CREATE FUNCTION file_chunks_within_blob() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM file_blobs WHERE sha256 = NEW.sha256 AND NEW.chunk_no < chunk_count) THEN
        RAISE EXCEPTION 'chunk % is past the end of file blob %', NEW.chunk_no, NEW.sha256 USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER file_chunks_within_blob BEFORE INSERT ON file_chunks
      FOR EACH ROW EXECUTE FUNCTION file_chunks_within_blob();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE file_chunks;
    DROP TABLE file_blobs;
    DROP FUNCTION file_blobs_check_content();
    DROP FUNCTION file_chunks_within_blob();
  `.execute(db);
}
