import { sql, type Kysely } from "kysely";

// The data version's bump (decision 45) runs in the first write of every transaction that changes
// what a public page shows: three times a pledge. As a SQL function PostgreSQL 15 parsed, analysed
// and planned its two statements on every call; as PL/pgSQL each connection plans them once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION bump_page_data_version() RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $f$
    BEGIN
      PERFORM pg_catalog.set_config('hamkke.page_data_bumped', 'on', true);
      INSERT INTO public.page_data_versions AS v (backend_pid, bumps) VALUES (pg_catalog.pg_backend_pid(), 1)
      ON CONFLICT (backend_pid) DO UPDATE SET bumps = v.bumps + 1;
    END $f$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION bump_page_data_version() RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER AS $f$
      SELECT pg_catalog.set_config('hamkke.page_data_bumped', 'on', true);
      INSERT INTO public.page_data_versions AS v (backend_pid, bumps) VALUES (pg_catalog.pg_backend_pid(), 1)
      ON CONFLICT (backend_pid) DO UPDATE SET bumps = v.bumps + 1;
    $f$;
  `.execute(db);
}
