import { sql, type Kysely } from "kysely";

// The data version of the public pages (decision 45): a number that every committed change of
// what they show moves forward, read by each web process to key its cache of rendered pages.
//
// It is the sum of per-backend counters: a transaction bumps the row of its own backend, which
// no other transaction writes, so bumping never waits on a lock, and the sum read in a snapshot
// counts exactly the committed changes (a page rendered after reading version V shows at least
// everything V counts). Rows of ended backends are folded into row 0 (`fold_page_data_versions`,
// every minute), which leaves the sum unchanged.

/** Tables whose rows no public page shows (sessions, tokens, consents, the mail outbox, provider traffic). */
const UNTRACKED = new Set([
  "sessions",
  "privacy_consents",
  "account_deletions",
  "login_failures",
  "enterprise_identity_changes",
  "password_reset_tokens",
  "email_outbox",
  "enterprise_invitations",
  "ledger_dev_signing_key",
  "payment_events",
  "demo_payment_intents",
  "page_data_versions",
  "kysely_migration",
  "kysely_migration_lock",
]);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE page_data_versions (
      backend_pid integer PRIMARY KEY,
      bumps bigint NOT NULL CHECK (bumps >= 0)
    );
    INSERT INTO page_data_versions (backend_pid, bumps) VALUES (0, 0);
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON page_data_versions FROM hamkke_app;

    -- Explicit names instead of SET search_path: a SET clause would also undo the
    -- transaction-local flag below when the function returns.
    CREATE FUNCTION bump_page_data_version() RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER AS $f$
      SELECT pg_catalog.set_config('hamkke.page_data_bumped', 'on', true);
      INSERT INTO public.page_data_versions AS v (backend_pid, bumps) VALUES (pg_catalog.pg_backend_pid(), 1)
      ON CONFLICT (backend_pid) DO UPDATE SET bumps = v.bumps + 1;
    $f$;
    REVOKE ALL ON FUNCTION bump_page_data_version() FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION bump_page_data_version() TO hamkke_app;

    CREATE FUNCTION page_data_changed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER AS $f$
    BEGIN
      PERFORM public.bump_page_data_version();
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $f$;

    -- Once per transaction: the WHEN clause skips the call once the flag is set, so a statement
    -- writing a million rows calls the function once.
    CREATE FUNCTION page_data_track(target regclass) RETURNS void
    LANGUAGE plpgsql AS $f$
    BEGIN
      EXECUTE pg_catalog.format(
        'CREATE TRIGGER page_data_changed BEFORE INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW '
        'WHEN (pg_catalog.current_setting(''hamkke.page_data_bumped'', true) IS DISTINCT FROM ''on'') '
        'EXECUTE FUNCTION public.page_data_changed()', target);
    END $f$;
    REVOKE ALL ON FUNCTION page_data_track(regclass) FROM PUBLIC;

    CREATE FUNCTION fold_page_data_versions() RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER AS $f$
      WITH ended AS (
        DELETE FROM public.page_data_versions v
        WHERE v.backend_pid <> 0 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = v.backend_pid)
        RETURNING v.bumps
      )
      UPDATE public.page_data_versions SET bumps = bumps + (SELECT coalesce(sum(bumps), 0) FROM ended) WHERE backend_pid = 0;
    $f$;
    REVOKE ALL ON FUNCTION fold_page_data_versions() FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION fold_page_data_versions() TO hamkke_app;
  `.execute(db);
  const tables = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`.execute(db);
  for (const { name } of tables.rows) {
    if (!UNTRACKED.has(name)) await sql`SELECT page_data_track(${name}::regclass)`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const tracked = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'page_data_changed'`.execute(db);
  for (const { name } of tracked.rows) await sql`DROP TRIGGER page_data_changed ON ${sql.id(name)}`.execute(db);
  await sql`
    DROP FUNCTION fold_page_data_versions();
    DROP FUNCTION page_data_track(regclass);
    DROP FUNCTION page_data_changed();
    DROP FUNCTION bump_page_data_version();
    DROP TABLE page_data_versions;
  `.execute(db);
}
