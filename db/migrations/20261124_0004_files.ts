import { sql, type Kysely } from "kysely";

// Uploaded files (cover images, receipts, evidence, application documents). Bytes live in file
// storage under a content address; this table holds who may see them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE stored_files (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      public_id text NOT NULL UNIQUE CHECK (public_id ~ '^[A-Za-z0-9_-]{22,64}$'),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      original_name text NOT NULL CHECK (length(original_name) BETWEEN 1 AND 255),
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
      size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 20000000),
      visibility text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
      host_id bigint REFERENCES host_organisations,
      enterprise_id bigint REFERENCES enterprises,
      uploaded_by bigint REFERENCES users,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX stored_files_enterprise_idx ON stored_files (enterprise_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE stored_files`.execute(db);
}
