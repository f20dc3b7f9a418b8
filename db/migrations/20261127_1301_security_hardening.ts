import { sql, type Kysely } from "kysely";

// Findings of the outside probe (issue 13) that the database must hold whatever the code does:
// - a password change spends every reset link of the user and signs every session out;
// - log-in failures are kept one row per attempt with the account and the address together, so
//   throttling can be per account, per address and per pair (the old per-scope rows go);
// - a pledge waiting for its payment holds its reward only until `hold_expires_at`, and one backer
//   holds at most 3 rewards with unpaid pledges at a time;
// - an enterprise that changes who it is (host, type, name, registration number) is no longer
//   verified, and the identity it had is kept; loan applications and contest submissions need a
//   verified enterprise (of an eligible type, for loans) at the moment they are written;
// - every stored file says what it is for, which decides who may read it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION users_password_changed() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
        UPDATE password_reset_tokens SET used_at = NEW.updated_at WHERE user_id = NEW.id AND used_at IS NULL;
        UPDATE sessions SET revoked_at = NEW.updated_at WHERE user_id = NEW.id AND revoked_at IS NULL;
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER users_password_changed AFTER UPDATE OF password_hash ON users FOR EACH ROW EXECUTE FUNCTION users_password_changed();

    DROP TABLE auth_failures;
    CREATE TABLE login_failures (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL CHECK (length(email) <= 254),
      ip text NOT NULL CHECK (length(ip) <= 100),
      failed_at timestamptz NOT NULL
    );
    CREATE INDEX login_failures_email_idx ON login_failures (email, failed_at);
    CREATE INDEX login_failures_ip_idx ON login_failures (ip, failed_at);

    ALTER TABLE pledges ADD COLUMN hold_expires_at timestamptz DEFAULT now() + interval '30 minutes';
    UPDATE pledges SET hold_expires_at = NULL WHERE state <> 'pending_authorization';
    UPDATE pledges SET hold_expires_at = created_at + interval '30 minutes' WHERE state = 'pending_authorization';
    ALTER TABLE pledges ADD CONSTRAINT pledges_waiting_hold CHECK (state <> 'pending_authorization' OR hold_expires_at IS NOT NULL);
    CREATE INDEX pledges_waiting_idx ON pledges (hold_expires_at) WHERE state = 'pending_authorization';

    -- Counted under a per-backer lock, so concurrent pledges of one backer cannot all slip under.
    -- A hold counts until it expires, by the time the app writes (created_at, the app's clock).
    CREATE FUNCTION pledges_limit_unpaid_reward_claims() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      waiting integer;
    BEGIN
      IF NEW.reward_id IS NULL OR NEW.state <> 'pending_authorization' THEN
        RETURN NEW;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtext('pledges_unpaid_reward_claims'), (NEW.backer_id % 2147483647)::integer);
      SELECT count(*) INTO waiting FROM pledges
        WHERE backer_id = NEW.backer_id AND state = 'pending_authorization' AND reward_id IS NOT NULL AND hold_expires_at > NEW.created_at;
      IF waiting >= 3 THEN
        RAISE EXCEPTION 'backer % already holds % rewards with unpaid pledges', NEW.backer_id, waiting
          USING ERRCODE = 'check_violation', CONSTRAINT = 'pledges_unpaid_reward_claims';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER pledges_limit_unpaid_reward_claims BEFORE INSERT ON pledges FOR EACH ROW EXECUTE FUNCTION pledges_limit_unpaid_reward_claims();

    CREATE TABLE enterprise_identity_changes (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      enterprise_id bigint NOT NULL REFERENCES enterprises ON DELETE CASCADE,
      changed_at timestamptz NOT NULL,
      old_host_id bigint NOT NULL,
      old_type text NOT NULL,
      old_name text NOT NULL,
      old_registration_number text,
      old_status text NOT NULL,
      old_verified_by bigint,
      old_verified_at timestamptz,
      new_host_id bigint NOT NULL,
      new_type text NOT NULL,
      new_name text NOT NULL,
      new_registration_number text
    );
    CREATE INDEX enterprise_identity_changes_enterprise_idx ON enterprise_identity_changes (enterprise_id, id);
    REVOKE UPDATE, DELETE, TRUNCATE ON enterprise_identity_changes FROM hamkke_app;

    CREATE FUNCTION enterprises_identity_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF (NEW.host_id, NEW.type, NEW.name, NEW.registration_number) IS DISTINCT FROM (OLD.host_id, OLD.type, OLD.name, OLD.registration_number) THEN
        IF NEW.status = 'verified' THEN
          RAISE EXCEPTION 'enterprise % changed its host, type, name or registration number and must be reviewed again', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'enterprises_identity_review';
        END IF;
        INSERT INTO enterprise_identity_changes (enterprise_id, changed_at, old_host_id, old_type, old_name, old_registration_number, old_status,
          old_verified_by, old_verified_at, new_host_id, new_type, new_name, new_registration_number)
        VALUES (OLD.id, NEW.updated_at, OLD.host_id, OLD.type, OLD.name, OLD.registration_number, OLD.status,
          OLD.verified_by, OLD.verified_at, NEW.host_id, NEW.type, NEW.name, NEW.registration_number);
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER enterprises_identity_guard BEFORE UPDATE ON enterprises FOR EACH ROW EXECUTE FUNCTION enterprises_identity_guard();

    -- The enterprise row is share-locked, so an identity change waits for (or is seen by) the check.
    CREATE FUNCTION loan_applications_enterprise_eligible() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      enterprise record;
    BEGIN
      SELECT status, type INTO enterprise FROM enterprises WHERE id = NEW.enterprise_id FOR SHARE;
      IF enterprise.status IS DISTINCT FROM 'verified'
         OR NOT EXISTS (SELECT 1 FROM loan_products WHERE id = NEW.product_id AND enterprise.type = ANY (eligible_types)) THEN
        RAISE EXCEPTION 'enterprise % is not a verified enterprise of a type product % lends to', NEW.enterprise_id, NEW.product_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'loan_applications_enterprise_eligible';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loan_applications_enterprise_eligible BEFORE INSERT ON loan_applications FOR EACH ROW EXECUTE FUNCTION loan_applications_enterprise_eligible();

    CREATE FUNCTION contest_applications_enterprise_verified() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      -- A training programme's intake entries (decision 66 of the screened calls) name no enterprise.
      IF NEW.status = 'submitted' AND (TG_OP = 'INSERT' OR OLD.status <> 'submitted') AND NEW.enterprise_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM enterprises WHERE id = NEW.enterprise_id AND status = 'verified' FOR SHARE) THEN
        RAISE EXCEPTION 'enterprise % is not verified', NEW.enterprise_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_applications_enterprise_verified';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER contest_applications_enterprise_verified BEFORE INSERT OR UPDATE OF status ON contest_applications
      FOR EACH ROW EXECUTE FUNCTION contest_applications_enterprise_verified();

    ALTER TABLE stored_files ADD COLUMN purpose text;
    UPDATE stored_files f SET purpose = 'campaign_cover' WHERE EXISTS (SELECT 1 FROM campaigns WHERE cover_file_id = f.id);
    UPDATE stored_files f SET purpose = 'report_photo' WHERE EXISTS (SELECT 1 FROM campaign_report_photos WHERE file_id = f.id);
    UPDATE stored_files f SET purpose = 'redacted_receipt' WHERE EXISTS (SELECT 1 FROM disbursement_receipts WHERE redacted_file_id = f.id);
    UPDATE stored_files f SET purpose = 'disbursement_receipt' WHERE EXISTS (SELECT 1 FROM disbursement_receipts WHERE file_id = f.id);
    UPDATE stored_files f SET purpose = 'offline_evidence' WHERE EXISTS (SELECT 1 FROM offline_donations WHERE evidence_file_id = f.id);
    UPDATE stored_files f SET purpose = 'fund_evidence' WHERE EXISTS (SELECT 1 FROM fund_contributions WHERE evidence_file_id = f.id)
      OR EXISTS (SELECT 1 FROM fund_grants WHERE evidence_file_id = f.id) OR EXISTS (SELECT 1 FROM fund_grant_requests WHERE evidence_file_id = f.id);
    UPDATE stored_files f SET purpose = 'loan_document' WHERE EXISTS (SELECT 1 FROM loan_application_documents WHERE file_id = f.id);
    UPDATE stored_files f SET purpose = 'application_document' WHERE EXISTS (SELECT 1 FROM contest_application_documents WHERE file_id = f.id);
    -- Files nothing refers to (an upload whose record failed): only the uploader and admins.
    UPDATE stored_files SET purpose = 'unlinked' WHERE purpose IS NULL;
    ALTER TABLE stored_files ALTER COLUMN purpose SET NOT NULL,
      ADD CONSTRAINT stored_files_purpose_known CHECK (purpose IN ('campaign_cover', 'report_photo', 'redacted_receipt', 'disbursement_receipt',
        'offline_evidence', 'fund_evidence', 'loan_document', 'application_document', 'unlinked'));
    CREATE INDEX contest_application_documents_file_idx ON contest_application_documents (file_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX contest_application_documents_file_idx;
    ALTER TABLE stored_files DROP COLUMN purpose;
    DROP TRIGGER contest_applications_enterprise_verified ON contest_applications;
    DROP FUNCTION contest_applications_enterprise_verified;
    DROP TRIGGER loan_applications_enterprise_eligible ON loan_applications;
    DROP FUNCTION loan_applications_enterprise_eligible;
    DROP TRIGGER enterprises_identity_guard ON enterprises;
    DROP FUNCTION enterprises_identity_guard;
    DROP TABLE enterprise_identity_changes;
    DROP TRIGGER pledges_limit_unpaid_reward_claims ON pledges;
    DROP FUNCTION pledges_limit_unpaid_reward_claims;
    ALTER TABLE pledges DROP COLUMN hold_expires_at;
    DROP TABLE login_failures;
    CREATE TABLE auth_failures (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      scope text NOT NULL CHECK (scope IN ('account', 'ip')),
      key text NOT NULL,
      failed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX auth_failures_lookup_idx ON auth_failures (scope, key, failed_at);
    DROP TRIGGER users_password_changed ON users;
    DROP FUNCTION users_password_changed;
  `.execute(db);
}
