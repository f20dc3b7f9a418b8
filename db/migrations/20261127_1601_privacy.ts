import { sql, type Kysely } from "kysely";

// Personal information (issue 16): consents recorded per text version, backers' name display,
// and account deletion that erases a person while the money records stay.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE privacy_consents (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      user_id bigint NOT NULL REFERENCES users,
      purpose text NOT NULL CHECK (purpose IN ('account', 'campaign_emails')),
      text_version text NOT NULL CHECK (text_version ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      locale text NOT NULL CHECK (locale IN ('ko', 'en')),
      granted boolean NOT NULL,
      recorded_at timestamptz NOT NULL,
      -- The required consent is never recorded as refused: without it there is no account.
      CHECK (purpose <> 'account' OR granted)
    );
    CREATE INDEX privacy_consents_user_idx ON privacy_consents (user_id, purpose, id);
    -- A consent is a record: a change of mind is a new row, never an edit.
    REVOKE UPDATE, DELETE, TRUNCATE ON privacy_consents FROM hamkke_app;

    ALTER TABLE users
      ADD COLUMN age_confirmed_at timestamptz,
      ADD COLUMN deleted_at timestamptz,
      ADD CONSTRAINT users_deleted_erased CHECK (
        deleted_at IS NULL
        OR (email = 'deleted-' || id || '@deleted.invalid' AND password_hash = '' AND display_name = '(탈퇴 · deleted)' AND NOT is_platform_admin)
      );

    -- A deleted account never comes back, and nobody signs in to it again.
    CREATE FUNCTION users_guard_deleted() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF OLD.deleted_at IS NOT NULL THEN
        RAISE EXCEPTION 'user % was deleted', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER users_guard_deleted BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_guard_deleted();

    -- Nothing new starts for a deleted account: a session, a pledge, a role or a membership. The
    -- share lock on the user's row makes these wait for a deletion in progress (which holds the
    -- row for update while it checks that nothing is open), and then refuses them.
    CREATE FUNCTION refuse_deleted_user() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      person bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    BEGIN
      PERFORM 1 FROM users WHERE id = person AND deleted_at IS NULL FOR SHARE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'user % was deleted', person USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER sessions_refuse_deleted_user BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_deleted_user('user_id');
    CREATE TRIGGER staff_roles_refuse_deleted_user BEFORE INSERT ON staff_roles FOR EACH ROW EXECUTE FUNCTION refuse_deleted_user('user_id');
    CREATE TRIGGER enterprise_members_refuse_deleted_user BEFORE INSERT ON enterprise_members FOR EACH ROW EXECUTE FUNCTION refuse_deleted_user('user_id');
    CREATE TRIGGER pledges_refuse_deleted_user BEFORE INSERT ON pledges FOR EACH ROW EXECUTE FUNCTION refuse_deleted_user('backer_id');

    CREATE TABLE account_deletions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      user_id bigint NOT NULL UNIQUE REFERENCES users,
      requested_at timestamptz NOT NULL,
      completed_at timestamptz,
      pledges_kept integer NOT NULL CHECK (pledges_kept >= 0),
      keep_until date,
      CHECK (completed_at IS NULL OR completed_at >= requested_at),
      CHECK ((pledges_kept = 0) = (keep_until IS NULL))
    );
    REVOKE DELETE, TRUNCATE ON account_deletions FROM hamkke_app;

    -- A completed deletion is exactly a deleted user (checked when the transaction commits).
    CREATE FUNCTION account_deletions_check_user() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NEW.completed_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.user_id AND deleted_at IS NOT NULL) THEN
        RAISE EXCEPTION 'deletion % completed but user % is not erased', NEW.id, NEW.user_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $f$;
    CREATE CONSTRAINT TRIGGER account_deletions_check_user AFTER INSERT OR UPDATE ON account_deletions
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION account_deletions_check_user();

    ALTER TABLE pledges
      ADD COLUMN show_full_name boolean NOT NULL DEFAULT false,
      ADD CONSTRAINT pledges_name_display CHECK (NOT (anonymous AND show_full_name));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE pledges DROP CONSTRAINT pledges_name_display, DROP COLUMN show_full_name;
    DROP TABLE account_deletions;
    DROP FUNCTION account_deletions_check_user;
    DROP TRIGGER pledges_refuse_deleted_user ON pledges;
    DROP TRIGGER enterprise_members_refuse_deleted_user ON enterprise_members;
    DROP TRIGGER staff_roles_refuse_deleted_user ON staff_roles;
    DROP TRIGGER sessions_refuse_deleted_user ON sessions;
    DROP FUNCTION refuse_deleted_user;
    DROP TRIGGER users_guard_deleted ON users;
    DROP FUNCTION users_guard_deleted;
    ALTER TABLE users DROP CONSTRAINT users_deleted_erased, DROP COLUMN deleted_at, DROP COLUMN age_confirmed_at;
    DROP TABLE privacy_consents;
  `.execute(db);
}
