import { sql, type Kysely } from "kysely";

// Spending the money raised, under four eyes. A disbursement is requested against one budget
// line; operators of the campaign's host approve it; above the threshold two different operators
// must approve; the maker never approves their own request. The database holds all of this, so a
// direct call cannot pay out alone. Also: receipts (private, with optional published redactions),
// results reports, and settings.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE platform_settings (
      key text PRIMARY KEY CHECK (key ~ '^[a-z_]{3,60}$'),
      value_bigint bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO platform_settings (key, value_bigint) VALUES ('dual_approval_threshold_won', 1000000);
    REVOKE INSERT, DELETE, TRUNCATE ON platform_settings FROM hamkke_app;

    -- Money spent from a campaign (against one of its budget lines) or from a grant award
    -- (against one of its eligible expense categories).
    CREATE TABLE disbursements (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id bigint REFERENCES campaigns,
      budget_line_id bigint REFERENCES budget_lines,
      grant_award_id bigint,
      expense_category text CHECK (length(expense_category) BETWEEN 1 AND 100),
      kind text NOT NULL DEFAULT 'expense' CHECK (kind IN ('expense', 'delivery')),
      payee text NOT NULL CHECK (length(payee) BETWEEN 1 AND 120),
      description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
      amount_won bigint NOT NULL CHECK (amount_won BETWEEN 1 AND 10000000000),
      requested_by bigint NOT NULL REFERENCES users,
      required_approvals smallint NOT NULL DEFAULT 1 CHECK (required_approvals IN (1, 2)),
      state text NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'paid', 'rejected', 'cancelled')),
      rejected_by bigint REFERENCES users,
      rejection_reason text CHECK (length(rejection_reason) <= 1000),
      ledger_seq bigint REFERENCES journal_entries (seq),
      paid_at timestamptz,
      idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 100),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((state = 'paid') = (ledger_seq IS NOT NULL AND paid_at IS NOT NULL)),
      CHECK ((state = 'rejected') = (rejected_by IS NOT NULL)),
      CHECK ((campaign_id IS NOT NULL AND budget_line_id IS NOT NULL AND grant_award_id IS NULL AND expense_category IS NULL)
          OR (campaign_id IS NULL AND budget_line_id IS NULL AND grant_award_id IS NOT NULL AND expense_category IS NOT NULL))
    );
    CREATE INDEX disbursements_campaign_idx ON disbursements (campaign_id, id);
    CREATE INDEX disbursements_grant_idx ON disbursements (grant_award_id, id);
    CREATE INDEX disbursements_open_idx ON disbursements (state) WHERE state = 'requested';
    REVOKE DELETE, TRUNCATE ON disbursements FROM hamkke_app;

    CREATE TABLE disbursement_approvals (
      disbursement_id bigint NOT NULL REFERENCES disbursements,
      approver_id bigint NOT NULL REFERENCES users,
      approved_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (disbursement_id, approver_id)
    );
    REVOKE UPDATE, DELETE, TRUNCATE ON disbursement_approvals FROM hamkke_app;

    CREATE TABLE disbursement_receipts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      disbursement_id bigint NOT NULL REFERENCES disbursements,
      file_id bigint NOT NULL REFERENCES stored_files,
      redacted_file_id bigint REFERENCES stored_files,
      published_by bigint REFERENCES users,
      published_at timestamptz,
      CHECK ((redacted_file_id IS NULL) = (published_at IS NULL))
    );
    CREATE INDEX disbursement_receipts_idx ON disbursement_receipts (disbursement_id);
    REVOKE DELETE, TRUNCATE ON disbursement_receipts FROM hamkke_app;

    -- The threshold is read when the request is made and fixed with it; the maker's own request
    -- and the terms of a request cannot change once made.
    CREATE FUNCTION disbursements_before_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      threshold bigint;
    BEGIN
      SELECT value_bigint INTO threshold FROM platform_settings WHERE key = 'dual_approval_threshold_won';
      NEW.required_approvals := CASE WHEN NEW.amount_won > coalesce(threshold, 1000000) THEN 2 ELSE 1 END;
      IF NEW.campaign_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM budget_lines WHERE id = NEW.budget_line_id AND campaign_id = NEW.campaign_id) THEN
        RAISE EXCEPTION 'budget line % is not a line of campaign %', NEW.budget_line_id, NEW.campaign_id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state <> 'requested' THEN
        RAISE EXCEPTION 'a disbursement starts as requested' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER disbursements_before_insert BEFORE INSERT ON disbursements FOR EACH ROW EXECUTE FUNCTION disbursements_before_insert();

    CREATE FUNCTION disbursements_before_update() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      approvals integer;
    BEGIN
      IF NEW.amount_won <> OLD.amount_won OR NEW.campaign_id IS DISTINCT FROM OLD.campaign_id OR NEW.budget_line_id IS DISTINCT FROM OLD.budget_line_id
         OR NEW.grant_award_id IS DISTINCT FROM OLD.grant_award_id OR NEW.expense_category IS DISTINCT FROM OLD.expense_category
         OR NEW.requested_by <> OLD.requested_by OR NEW.required_approvals <> OLD.required_approvals OR NEW.payee <> OLD.payee THEN
        RAISE EXCEPTION 'disbursement % terms cannot change', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.state <> 'requested' AND NEW.state IS DISTINCT FROM OLD.state THEN
        RAISE EXCEPTION 'disbursement % is already %', OLD.id, OLD.state USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = 'paid' AND OLD.state = 'requested' THEN
        SELECT count(*) INTO approvals FROM disbursement_approvals WHERE disbursement_id = OLD.id;
        IF approvals < OLD.required_approvals THEN
          RAISE EXCEPTION 'disbursement % needs % approval(s), has %', OLD.id, OLD.required_approvals, approvals USING ERRCODE = 'check_violation';
        END IF;
      END IF;
      IF NEW.state = 'rejected' AND NEW.rejected_by = OLD.requested_by THEN
        RAISE EXCEPTION 'the maker cannot decide on their own disbursement' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER disbursements_before_update BEFORE UPDATE ON disbursements FOR EACH ROW EXECUTE FUNCTION disbursements_before_update();

    -- Four eyes: the approver is an operator of the campaign's host, is not the maker, is not a
    -- member of the enterprise that spends, and approves a request that is still open.
    CREATE FUNCTION disbursement_approvals_before_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      d record;
    BEGIN
      -- The spender and the host: the campaign's enterprise and its contest's (or its own) host, or
      -- the grant award's enterprise and its contest's host.
      SELECT ds.requested_by, ds.state,
             coalesce(c.enterprise_id, ga.enterprise_id) AS enterprise_id,
             coalesce(ct.host_id, e.host_id, gct.host_id) AS host_id INTO d
        FROM disbursements ds
        LEFT JOIN campaigns c ON c.id = ds.campaign_id
        LEFT JOIN enterprises e ON e.id = c.enterprise_id
        LEFT JOIN contests ct ON ct.id = c.contest_id
        LEFT JOIN grant_awards ga ON ga.id = ds.grant_award_id
        LEFT JOIN contests gct ON gct.id = ga.contest_id
        WHERE ds.id = NEW.disbursement_id
        FOR UPDATE OF ds;
      IF d IS NULL OR d.state <> 'requested' THEN
        RAISE EXCEPTION 'disbursement % is not open for approval', NEW.disbursement_id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.approver_id = d.requested_by THEN
        RAISE EXCEPTION 'the maker cannot approve their own disbursement' USING ERRCODE = 'check_violation';
      END IF;
      IF EXISTS (SELECT 1 FROM enterprise_members WHERE enterprise_id = d.enterprise_id AND user_id = NEW.approver_id) THEN
        RAISE EXCEPTION 'a member of the spending enterprise cannot approve' USING ERRCODE = 'check_violation';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM staff_roles WHERE user_id = NEW.approver_id AND host_id = d.host_id AND role = 'operator') THEN
        RAISE EXCEPTION 'only an operator of the host can approve' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER disbursement_approvals_before_insert BEFORE INSERT ON disbursement_approvals FOR EACH ROW EXECUTE FUNCTION disbursement_approvals_before_insert();

    CREATE TABLE campaign_reports (
      campaign_id bigint PRIMARY KEY REFERENCES campaigns,
      progress text NOT NULL CHECK (length(progress) BETWEEN 1 AND 20000),
      impressions text NOT NULL DEFAULT '' CHECK (length(impressions) <= 20000),
      follow_up text NOT NULL DEFAULT '' CHECK (length(follow_up) <= 20000),
      author_id bigint NOT NULL REFERENCES users,
      published_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE campaign_report_photos (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id bigint NOT NULL REFERENCES campaign_reports (campaign_id),
      file_id bigint NOT NULL REFERENCES stored_files,
      caption text NOT NULL DEFAULT '' CHECK (length(caption) <= 200)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE campaign_report_photos, campaign_reports, disbursement_receipts, disbursement_approvals, disbursements, platform_settings;
    DROP FUNCTION disbursements_before_insert, disbursements_before_update, disbursement_approvals_before_insert;
  `.execute(db);
}
