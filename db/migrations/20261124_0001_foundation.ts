import { sql, type Kysely } from "kysely";

// Accounts, sessions, roles and enterprises. Enumerations are text + CHECK so that later
// migrations can widen them without type juggling.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hamkke_app') THEN
        CREATE ROLE hamkke_app NOLOGIN;
      END IF;
    END $$;
    GRANT hamkke_app TO CURRENT_USER;
    GRANT USAGE ON SCHEMA public TO hamkke_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO hamkke_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO hamkke_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO hamkke_app;

    CREATE TABLE host_organisations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key text NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      kind text NOT NULL CHECK (kind IN ('district', 'metropolitan', 'support_centre', 'self_sufficiency_centre', 'company', 'other')),
      region text NOT NULL CHECK (length(region) BETWEEN 1 AND 40),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE users (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
      password_hash text NOT NULL,
      display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 60),
      locale text NOT NULL DEFAULT 'ko' CHECK (locale IN ('ko', 'en')),
      is_platform_admin boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email_key ON users (email);

    CREATE TABLE sessions (
      id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
      user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      ip text,
      user_agent text
    );
    CREATE INDEX sessions_user_idx ON sessions (user_id);

    CREATE TABLE auth_failures (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      scope text NOT NULL CHECK (scope IN ('account', 'ip')),
      key text NOT NULL,
      failed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX auth_failures_lookup_idx ON auth_failures (scope, key, failed_at);

    CREATE TABLE password_reset_tokens (
      id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
      user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );
    CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id);

    CREATE TABLE staff_roles (
      user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
      host_id bigint NOT NULL REFERENCES host_organisations,
      role text NOT NULL CHECK (role IN ('operator', 'juror', 'consultant', 'fund_admin', 'auditor')),
      granted_by bigint REFERENCES users,
      granted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, host_id, role)
    );
    CREATE INDEX staff_roles_host_idx ON staff_roles (host_id, role);

    CREATE TABLE enterprises (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      host_id bigint NOT NULL REFERENCES host_organisations,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      type text NOT NULL CHECK (type IN ('social_enterprise', 'pre_social_enterprise', 'village_enterprise',
        'cooperative', 'social_cooperative', 'self_sufficiency_enterprise', 'nonprofit')),
      representative text NOT NULL CHECK (length(representative) BETWEEN 1 AND 60),
      district text NOT NULL CHECK (length(district) BETWEEN 1 AND 80),
      business text NOT NULL CHECK (length(business) BETWEEN 1 AND 200),
      registration_number text UNIQUE CHECK (registration_number ~ '^[0-9]{3}-[0-9]{2}-[0-9]{5}$'),
      certified_on date,
      employees integer NOT NULL DEFAULT 0 CHECK (employees BETWEEN 0 AND 100000),
      vulnerable_employees integer NOT NULL DEFAULT 0 CHECK (vulnerable_employees BETWEEN 0 AND employees),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'rejected')),
      review_note text CHECK (length(review_note) <= 1000),
      verified_by bigint REFERENCES users,
      verified_at timestamptz,
      created_by bigint REFERENCES users,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'verified') = (verified_at IS NOT NULL))
    );
    CREATE INDEX enterprises_directory_idx ON enterprises (status, type, district);
    CREATE INDEX enterprises_host_idx ON enterprises (host_id, status);

    CREATE TABLE enterprise_members (
      enterprise_id bigint NOT NULL REFERENCES enterprises ON DELETE CASCADE,
      user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('owner', 'member')),
      joined_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (enterprise_id, user_id)
    );
    CREATE INDEX enterprise_members_user_idx ON enterprise_members (user_id);

    CREATE TABLE enterprise_invitations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      enterprise_id bigint NOT NULL REFERENCES enterprises ON DELETE CASCADE,
      email text NOT NULL CHECK (email = lower(email)),
      role text NOT NULL CHECK (role IN ('owner', 'member')),
      token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
      invited_by bigint NOT NULL REFERENCES users,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      accepted_at timestamptz,
      accepted_by bigint REFERENCES users
    );
    CREATE INDEX enterprise_invitations_enterprise_idx ON enterprise_invitations (enterprise_id);

    -- Outgoing mail is written in the same transaction as the change it reports (template and
    -- props only: rendering is work for the sender, not for a transaction holding locks), then
    -- rendered and delivered by a job, or rendered when the dev outbox shows it.
    CREATE TABLE email_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      to_address text NOT NULL,
      template text NOT NULL,
      subject text NOT NULL,
      props jsonb NOT NULL,
      html text,
      text_body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text
    );
    CREATE INDEX email_outbox_pending_idx ON email_outbox (next_attempt_at, id) WHERE sent_at IS NULL;
    CREATE INDEX email_outbox_to_idx ON email_outbox (to_address, id);

    -- One row: how far the demo/test clock has been moved ahead of real time.
    CREATE TABLE app_clock (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      offset_ms bigint NOT NULL DEFAULT 0 CHECK (offset_ms >= 0)
    );
    INSERT INTO app_clock (id, offset_ms) VALUES (true, 0);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE app_clock, email_outbox, enterprise_invitations, enterprise_members, enterprises,
      staff_roles, password_reset_tokens, auth_failures, sessions, users, host_organisations;
  `.execute(db);
}
