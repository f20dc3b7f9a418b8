import { sql, type Kysely } from "kysely";

// Public money leaving the self-sufficiency fund under four eyes, and three loose ends of the loan
// workflow:
// - a grant and a write-off are requests; a second fund administrator of the host (never the
//   maker, never a member of the enterprise concerned) approves them, and only then is the grant
//   paid or the loan written off, with its ledger entry — the database refuses either without an
//   approved request, and an approved request without its grant or write-off;
// - an administrator rejects one document at the review; the member uploads a replacement (the
//   rejected one stays), and the review cannot pass while a required document stands rejected;
// - a committee that can no longer reach its quorum (members stepped aside) is closed with a
//   reason, without a decision on the merits: the application ends as `closed_no_quorum`;
// - money recovered on a written-off loan goes back into the fund, never more than was written off.
// Old functions stay as they were: the application guard is replaced by a new function.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- ---- Grants: request, then approval by a second administrator ----
    CREATE TABLE fund_grant_requests (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      fund_id bigint NOT NULL REFERENCES funds,
      category text NOT NULL CHECK (category IN ('design_packaging', 'equipment', 'organising', 'professional_training', 'case_management_vehicles')),
      recipient text NOT NULL CHECK (length(recipient) BETWEEN 1 AND 200),
      enterprise_id bigint REFERENCES enterprises,
      area text NOT NULL CHECK (length(area) BETWEEN 1 AND 80),
      purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 1000),
      expected_effect text NOT NULL DEFAULT '' CHECK (length(expected_effect) <= 1000),
      amount_won bigint NOT NULL CHECK (amount_won BETWEEN 1 AND 10000000000),
      granted_on date NOT NULL,
      evidence_file_id bigint REFERENCES stored_files,
      requested_by bigint NOT NULL REFERENCES users,
      requested_at timestamptz NOT NULL,
      idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 100),
      state text NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'approved', 'declined')),
      decided_by bigint REFERENCES users,
      decided_at timestamptz,
      decision_note text NOT NULL DEFAULT '' CHECK (length(decision_note) <= 2000),
      CHECK ((state = 'requested') = (decided_by IS NULL) AND (decided_by IS NULL) = (decided_at IS NULL)),
      CHECK (decided_by <> requested_by),
      CHECK (state <> 'declined' OR length(decision_note) > 0)
    );
    CREATE INDEX fund_grant_requests_fund_idx ON fund_grant_requests (fund_id, state, id);

    ALTER TABLE fund_grants
      ADD COLUMN request_id bigint UNIQUE REFERENCES fund_grant_requests,
      ADD COLUMN approved_by bigint REFERENCES users;

    CREATE FUNCTION fund_grant_requests_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'grant requests are kept' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'requested' THEN
          RAISE EXCEPTION 'a grant request starts as requested' USING ERRCODE = 'check_violation';
        END IF;
        IF NOT loan_is_fund_admin(NEW.requested_by, NEW.fund_id, NEW.enterprise_id) THEN
          RAISE EXCEPTION 'only a fund administrator of the fund''s host requests a grant' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END IF;
      IF OLD.state <> 'requested' THEN
        RAISE EXCEPTION 'grant request % is already %', OLD.id, OLD.state USING ERRCODE = 'check_violation';
      END IF;
      IF (to_jsonb(NEW) - ARRAY['state', 'decided_by', 'decided_at', 'decision_note']) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['state', 'decided_by', 'decided_at', 'decision_note']) THEN
        RAISE EXCEPTION 'what grant request % asks for never changes', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = 'requested' THEN
        RETURN NEW;
      END IF;
      IF NEW.decided_by = OLD.requested_by THEN
        RAISE EXCEPTION 'the maker cannot decide on their own grant request' USING ERRCODE = 'check_violation';
      END IF;
      IF NOT loan_is_fund_admin(NEW.decided_by, NEW.fund_id, NEW.enterprise_id) THEN
        RAISE EXCEPTION 'a grant request is decided by a fund administrator of the fund''s host' USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = 'approved' AND NOT EXISTS (SELECT 1 FROM fund_grants g WHERE g.request_id = NEW.id AND g.approved_by = NEW.decided_by) THEN
        RAISE EXCEPTION 'grant request % is approved only with its grant paid', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = 'declined' AND EXISTS (SELECT 1 FROM fund_grants g WHERE g.request_id = NEW.id) THEN
        RAISE EXCEPTION 'grant request % was paid and cannot be declined', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER fund_grant_requests_guard BEFORE INSERT OR UPDATE OR DELETE ON fund_grant_requests FOR EACH ROW EXECUTE FUNCTION fund_grant_requests_guard();

    -- A grant is paid only against an open request, by a second administrator, for exactly its terms.
    CREATE FUNCTION fund_grants_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      r record;
    BEGIN
      IF NEW.request_id IS NULL OR NEW.approved_by IS NULL THEN
        RAISE EXCEPTION 'a fund grant is paid only on a request approved by a second fund administrator' USING ERRCODE = 'check_violation';
      END IF;
      SELECT * INTO r FROM fund_grant_requests WHERE id = NEW.request_id FOR UPDATE;
      IF NOT FOUND OR r.state <> 'requested' THEN
        RAISE EXCEPTION 'grant request % is not open', NEW.request_id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.approved_by = r.requested_by THEN
        RAISE EXCEPTION 'the maker cannot approve their own grant request' USING ERRCODE = 'check_violation';
      END IF;
      IF NOT loan_is_fund_admin(NEW.approved_by, r.fund_id, r.enterprise_id) THEN
        RAISE EXCEPTION 'a grant is approved by a fund administrator of the fund''s host' USING ERRCODE = 'check_violation';
      END IF;
      IF (NEW.fund_id, NEW.category, NEW.recipient, NEW.enterprise_id, NEW.area, NEW.purpose, NEW.expected_effect, NEW.amount_won,
          NEW.granted_on, NEW.evidence_file_id, NEW.recorded_by, NEW.idempotency_key)
         IS DISTINCT FROM
         (r.fund_id, r.category, r.recipient, r.enterprise_id, r.area, r.purpose, r.expected_effect, r.amount_won,
          r.granted_on, r.evidence_file_id, r.requested_by, r.idempotency_key) THEN
        RAISE EXCEPTION 'a grant pays exactly what request % asked for', r.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER fund_grants_four_eyes BEFORE INSERT ON fund_grants FOR EACH ROW EXECUTE FUNCTION fund_grants_four_eyes();

    -- At commit: a paid grant's request says approved, by the one who approved the grant.
    CREATE FUNCTION fund_grants_check_request_approved() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM fund_grant_requests r WHERE r.id = NEW.request_id AND r.state = 'approved' AND r.decided_by = NEW.approved_by) THEN
        RAISE EXCEPTION 'grant % was paid without its request being approved', NEW.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $f$;
    CREATE CONSTRAINT TRIGGER fund_grants_request_approved AFTER INSERT ON fund_grants
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fund_grants_check_request_approved();

    -- ---- Write-offs: request, then approval by a second administrator ----
    CREATE TABLE loan_write_off_requests (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      loan_id bigint NOT NULL REFERENCES loans,
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
      -- The principal outstanding the maker saw; the write-off is never more.
      outstanding_won bigint NOT NULL CHECK (outstanding_won BETWEEN 1 AND 10000000000),
      requested_by bigint NOT NULL REFERENCES users,
      requested_at timestamptz NOT NULL,
      state text NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'approved', 'declined')),
      decided_by bigint REFERENCES users,
      decided_at timestamptz,
      decision_note text NOT NULL DEFAULT '' CHECK (length(decision_note) <= 2000),
      CHECK ((state = 'requested') = (decided_by IS NULL) AND (decided_by IS NULL) = (decided_at IS NULL)),
      CHECK (decided_by <> requested_by),
      CHECK (state <> 'declined' OR length(decision_note) > 0)
    );
    -- One request waiting for a second administrator per loan: a double submit finds it.
    CREATE UNIQUE INDEX loan_write_off_requests_one_open ON loan_write_off_requests (loan_id) WHERE state = 'requested';
    CREATE INDEX loan_write_off_requests_loan_idx ON loan_write_off_requests (loan_id, id);

    ALTER TABLE loans ADD COLUMN write_off_request_id bigint UNIQUE REFERENCES loan_write_off_requests;

    CREATE FUNCTION loan_write_off_requests_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      l record;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'write-off requests are kept' USING ERRCODE = 'insufficient_privilege';
      END IF;
      SELECT state, fund_id, enterprise_id INTO l FROM loans WHERE id = NEW.loan_id FOR SHARE;
      IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'requested' THEN
          RAISE EXCEPTION 'a write-off request starts as requested' USING ERRCODE = 'check_violation';
        END IF;
        IF l.state IS DISTINCT FROM 'defaulted' THEN
          RAISE EXCEPTION 'only a defaulted loan is written off (loan % is %)', NEW.loan_id, l.state USING ERRCODE = 'check_violation';
        END IF;
        IF NOT loan_is_fund_admin(NEW.requested_by, l.fund_id, l.enterprise_id) THEN
          RAISE EXCEPTION 'a write-off is requested by a fund administrator of the fund''s host who is not a member of the borrower' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END IF;
      IF OLD.state <> 'requested' THEN
        RAISE EXCEPTION 'write-off request % is already %', OLD.id, OLD.state USING ERRCODE = 'check_violation';
      END IF;
      IF (to_jsonb(NEW) - ARRAY['state', 'decided_by', 'decided_at', 'decision_note']) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['state', 'decided_by', 'decided_at', 'decision_note']) THEN
        RAISE EXCEPTION 'what write-off request % asks for never changes', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = 'requested' THEN
        RETURN NEW;
      END IF;
      IF NEW.decided_by = OLD.requested_by THEN
        RAISE EXCEPTION 'the maker cannot decide on their own write-off request' USING ERRCODE = 'check_violation';
      END IF;
      IF NOT loan_is_fund_admin(NEW.decided_by, l.fund_id, l.enterprise_id) THEN
        RAISE EXCEPTION 'a write-off is decided by a fund administrator of the fund''s host who is not a member of the borrower' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loan_write_off_requests_guard BEFORE INSERT OR UPDATE OR DELETE ON loan_write_off_requests FOR EACH ROW EXECUTE FUNCTION loan_write_off_requests_guard();

    -- At commit: an approved request has written its loan off.
    CREATE FUNCTION loan_write_off_requests_check_applied() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NEW.state = 'approved' AND NOT EXISTS (
        SELECT 1 FROM loans l WHERE l.id = NEW.loan_id AND l.state = 'written_off' AND l.write_off_request_id = NEW.id) THEN
        RAISE EXCEPTION 'write-off request % was approved without writing its loan off', NEW.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $f$;
    CREATE CONSTRAINT TRIGGER loan_write_off_requests_applied AFTER UPDATE ON loan_write_off_requests
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loan_write_off_requests_check_applied();

    -- A loan is written off only on an approved request for it, and never for more than it saw.
    CREATE FUNCTION loans_write_off_approved() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      r record;
    BEGIN
      IF OLD.write_off_request_id IS NOT NULL AND NEW.write_off_request_id IS DISTINCT FROM OLD.write_off_request_id THEN
        RAISE EXCEPTION 'loan % was already written off', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = 'written_off' AND OLD.state <> 'written_off' THEN
        SELECT * INTO r FROM loan_write_off_requests WHERE id = NEW.write_off_request_id;
        IF NOT FOUND OR r.loan_id <> NEW.id OR r.state <> 'approved' THEN
          RAISE EXCEPTION 'loan % is written off only on a request approved by a second fund administrator', NEW.id USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.written_off_won > r.outstanding_won THEN
          RAISE EXCEPTION 'loan % cannot be written off for more than request % showed', NEW.id, r.id USING ERRCODE = 'check_violation';
        END IF;
      ELSIF NEW.write_off_request_id IS DISTINCT FROM OLD.write_off_request_id THEN
        RAISE EXCEPTION 'a write-off request is attached to loan % only when it is written off', NEW.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loans_write_off_approved BEFORE UPDATE ON loans FOR EACH ROW EXECUTE FUNCTION loans_write_off_approved();

    -- ---- Recoveries on written-off loans ----
    CREATE TABLE loan_recoveries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      loan_id bigint NOT NULL REFERENCES loans,
      idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 100),
      -- The request the key was first used with: the same key with another request is refused.
      request_fingerprint text NOT NULL CHECK (request_fingerprint ~ '^[0-9a-f]{64}$'),
      amount_won bigint NOT NULL CHECK (amount_won BETWEEN 1 AND 10000000000),
      received_on date NOT NULL,
      bank_reference text NOT NULL CHECK (length(bank_reference) BETWEEN 1 AND 100),
      recorded_by bigint NOT NULL REFERENCES users,
      ledger_seq bigint NOT NULL UNIQUE REFERENCES journal_entries (seq),
      recorded_at timestamptz NOT NULL
    );
    CREATE INDEX loan_recoveries_loan_idx ON loan_recoveries (loan_id, received_on);

    CREATE FUNCTION loan_recoveries_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      l record;
      recovered numeric;
    BEGIN
      SELECT state, fund_id, enterprise_id, written_off_won INTO l FROM loans WHERE id = NEW.loan_id FOR UPDATE;
      IF l.state IS DISTINCT FROM 'written_off' THEN
        RAISE EXCEPTION 'recoveries are recorded on written-off loans only (loan % is %)', NEW.loan_id, l.state USING ERRCODE = 'check_violation';
      END IF;
      IF NOT loan_is_fund_admin(NEW.recorded_by, l.fund_id, l.enterprise_id) THEN
        RAISE EXCEPTION 'a recovery is recorded by a fund administrator of the fund''s host' USING ERRCODE = 'check_violation';
      END IF;
      SELECT coalesce(sum(amount_won), 0) INTO recovered FROM loan_recoveries WHERE loan_id = NEW.loan_id;
      IF recovered + NEW.amount_won > l.written_off_won THEN
        RAISE EXCEPTION 'loan % had % won written off; % won were already recovered', NEW.loan_id, l.written_off_won, recovered USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loan_recoveries_guard BEFORE INSERT ON loan_recoveries FOR EACH ROW EXECUTE FUNCTION loan_recoveries_guard();
    CREATE TRIGGER loan_recoveries_append_only BEFORE UPDATE OR DELETE ON loan_recoveries FOR EACH ROW EXECUTE FUNCTION loans_refuse_change();

    ALTER TABLE loan_events DROP CONSTRAINT loan_events_kind_check, ADD CONSTRAINT loan_events_kind_check CHECK (kind IN (
      'contracted', 'disbursed', 'prepaid', 'extended', 'delinquent', 'cured', 'defaulted', 'written_off', 'closed',
      'write_off_requested', 'write_off_declined', 'recovered'));

    -- ---- A document rejected at the review, replaced by the member ----
    CREATE TABLE loan_document_rejections (
      document_id bigint PRIMARY KEY REFERENCES loan_application_documents,
      application_id bigint NOT NULL REFERENCES loan_applications,
      rejected_by bigint NOT NULL REFERENCES users,
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
      rejected_at timestamptz NOT NULL
    );
    CREATE INDEX loan_document_rejections_app_idx ON loan_document_rejections (application_id);

    -- While documents are reviewed, a fund administrator (not the applicant's) rejects the current
    -- document of a type — the newest one uploaded; a replacement is a newer upload of that type.
    CREATE FUNCTION loan_document_rejections_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      a record;
      d record;
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'document rejections are kept: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END IF;
      SELECT state, fund_id, enterprise_id, submitted_by INTO a FROM loan_applications WHERE id = NEW.application_id FOR SHARE;
      IF a.state IS DISTINCT FROM 'in_review' THEN
        RAISE EXCEPTION 'documents of loan application % are not under review', NEW.application_id USING ERRCODE = 'check_violation';
      END IF;
      SELECT application_id, doc_type INTO d FROM loan_application_documents WHERE id = NEW.document_id;
      IF d.application_id IS DISTINCT FROM NEW.application_id THEN
        RAISE EXCEPTION 'document % is not a document of loan application %', NEW.document_id, NEW.application_id USING ERRCODE = 'check_violation';
      END IF;
      IF EXISTS (SELECT 1 FROM loan_application_documents x WHERE x.application_id = NEW.application_id AND x.doc_type = d.doc_type AND x.id > NEW.document_id) THEN
        RAISE EXCEPTION 'document % was already replaced', NEW.document_id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.rejected_by = a.submitted_by OR NOT loan_is_fund_admin(NEW.rejected_by, a.fund_id, a.enterprise_id) THEN
        RAISE EXCEPTION 'documents are rejected by a fund administrator who is not a member of the applicant' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loan_document_rejections_guard BEFORE INSERT OR UPDATE OR DELETE ON loan_document_rejections FOR EACH ROW EXECUTE FUNCTION loan_document_rejections_guard();

    -- ---- Committee closed without quorum; the application guard, second version ----
    ALTER TABLE loan_applications
      DROP CONSTRAINT loan_applications_state_check,
      ADD CONSTRAINT loan_applications_state_check CHECK (state IN ('submitted', 'in_review', 'committee', 'approved', 'rejected', 'contracted', 'closed_no_quorum')),
      DROP CONSTRAINT loan_applications_check5,
      ADD CONSTRAINT loan_applications_decided_check CHECK (
        (state IN ('approved', 'rejected', 'contracted', 'closed_no_quorum')) = (decided_by IS NOT NULL AND decided_at IS NOT NULL));

    -- As loan_applications_guard (20261125_0701), plus: the review passes only when no required
    -- document stands rejected; a committee that can no longer reach its quorum is closed with a reason.
    CREATE FUNCTION loan_applications_guard_v2() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      votes integer;
      approvals integer;
      still_to_vote integer;
      carried boolean;
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'loan applications are kept' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF (NEW.fund_id, NEW.product_id, NEW.enterprise_id, NEW.submitted_by, NEW.idempotency_key, NEW.amount_won, NEW.purpose,
          NEW.store_address, NEW.landlord_name, NEW.lease_deposit_won, NEW.lease_starts_on, NEW.lease_ends_on, NEW.submitted_at)
         IS DISTINCT FROM
         (OLD.fund_id, OLD.product_id, OLD.enterprise_id, OLD.submitted_by, OLD.idempotency_key, OLD.amount_won, OLD.purpose,
          OLD.store_address, OLD.landlord_name, OLD.lease_deposit_won, OLD.lease_starts_on, OLD.lease_ends_on, OLD.submitted_at) THEN
        RAISE EXCEPTION 'a submitted loan application is not edited' USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.committee_opened_at IS NOT NULL AND (NEW.committee_opened_at, NEW.committee_quorum, NEW.committee_majority_pct)
         IS DISTINCT FROM (OLD.committee_opened_at, OLD.committee_quorum, OLD.committee_majority_pct) THEN
        RAISE EXCEPTION 'the committee rule of an application is fixed when the committee opens' USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = OLD.state THEN
        RETURN NEW;
      END IF;
      IF (OLD.state, NEW.state) NOT IN (('submitted', 'in_review'), ('in_review', 'committee'), ('in_review', 'rejected'),
          ('committee', 'approved'), ('committee', 'rejected'), ('committee', 'closed_no_quorum'), ('approved', 'contracted')) THEN
        RAISE EXCEPTION 'loan application cannot go from % to %', OLD.state, NEW.state USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = 'in_review' AND NOT loan_is_fund_admin(NEW.reviewer_id, NEW.fund_id, NEW.enterprise_id) THEN
        RAISE EXCEPTION 'documents are reviewed by a fund administrator who is not a member of the applicant' USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = 'committee' AND EXISTS (
          SELECT unnest(p.required_documents) FROM loan_products p WHERE p.id = NEW.product_id
          EXCEPT SELECT d.doc_type FROM loan_application_documents d WHERE d.application_id = NEW.id) THEN
        RAISE EXCEPTION 'a required document of loan application % is missing', NEW.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state = 'committee' AND EXISTS (
          SELECT 1
            FROM (SELECT DISTINCT ON (d.doc_type) d.id, d.doc_type FROM loan_application_documents d
                   WHERE d.application_id = NEW.id ORDER BY d.doc_type, d.id DESC) current_document
            JOIN loan_document_rejections x ON x.document_id = current_document.id
            JOIN loan_products p ON p.id = NEW.product_id
           WHERE current_document.doc_type = ANY (p.required_documents)) THEN
        RAISE EXCEPTION 'a rejected document of loan application % has not been replaced', NEW.id USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.state = 'in_review' AND NEW.state = 'rejected' AND length(NEW.review_note) = 0 THEN
        RAISE EXCEPTION 'a rejection at review states its reason' USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.state = 'committee' THEN
        IF NOT loan_is_fund_admin(NEW.decided_by, NEW.fund_id, NEW.enterprise_id) THEN
          RAISE EXCEPTION 'the committee decision is recorded by a fund administrator who is not a member of the applicant' USING ERRCODE = 'check_violation';
        END IF;
        -- Only eligible votes count, even if someone joined the applicant after voting.
        SELECT count(*), count(*) FILTER (WHERE v.vote = 'approve') INTO votes, approvals
          FROM loan_votes v
         WHERE v.application_id = NEW.id
           AND v.voter_id <> NEW.submitted_by
           AND loan_is_fund_admin(v.voter_id, NEW.fund_id, NEW.enterprise_id)
           AND NOT EXISTS (SELECT 1 FROM loan_conflicts c WHERE c.application_id = NEW.id AND c.user_id = v.voter_id);
        IF NEW.state = 'closed_no_quorum' THEN
          -- Administrators who could still vote: of the host, not of the applicant, not conflicted, not yet voted.
          SELECT count(DISTINCT r.user_id) INTO still_to_vote
            FROM staff_roles r JOIN funds f ON f.host_id = r.host_id
           WHERE f.id = NEW.fund_id AND r.role = 'fund_admin'
             AND r.user_id <> NEW.submitted_by
             AND loan_is_fund_admin(r.user_id, NEW.fund_id, NEW.enterprise_id)
             AND NOT EXISTS (SELECT 1 FROM loan_conflicts c WHERE c.application_id = NEW.id AND c.user_id = r.user_id)
             AND NOT EXISTS (SELECT 1 FROM loan_votes v WHERE v.application_id = NEW.id AND v.voter_id = r.user_id);
          IF votes + still_to_vote >= NEW.committee_quorum THEN
            RAISE EXCEPTION 'the committee can still reach its quorum of % (% eligible vote(s), % administrator(s) yet to vote)',
              NEW.committee_quorum, votes, still_to_vote USING ERRCODE = 'check_violation';
          END IF;
          IF length(NEW.decision_note) = 0 THEN
            RAISE EXCEPTION 'closing a committee without quorum states its reason' USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END IF;
        IF votes < NEW.committee_quorum THEN
          RAISE EXCEPTION 'the committee has % eligible vote(s); the quorum is %', votes, NEW.committee_quorum USING ERRCODE = 'check_violation';
        END IF;
        carried := approvals >= 2 AND approvals * 100 > NEW.committee_majority_pct * votes;
        IF NEW.state = 'approved' AND NOT carried THEN
          RAISE EXCEPTION 'approval needs two different fund administrators and more than % %% of % votes (got % approvals)',
            NEW.committee_majority_pct, votes, approvals USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.state = 'rejected' AND carried THEN
          RAISE EXCEPTION 'the committee approved application %; it cannot be recorded as rejected', NEW.id USING ERRCODE = 'check_violation';
        END IF;
      END IF;
      IF NEW.state = 'contracted' AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.application_id = NEW.id) THEN
        RAISE EXCEPTION 'application % has no contract', NEW.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    DROP TRIGGER loan_applications_guard ON loan_applications;
    CREATE TRIGGER loan_applications_guard BEFORE UPDATE OR DELETE ON loan_applications FOR EACH ROW EXECUTE FUNCTION loan_applications_guard_v2();

    REVOKE UPDATE, DELETE, TRUNCATE ON loan_recoveries, loan_document_rejections FROM hamkke_app;
    REVOKE DELETE, TRUNCATE ON fund_grant_requests, loan_write_off_requests FROM hamkke_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER loan_applications_guard ON loan_applications;
    CREATE TRIGGER loan_applications_guard BEFORE UPDATE OR DELETE ON loan_applications FOR EACH ROW EXECUTE FUNCTION loan_applications_guard();
    DROP FUNCTION loan_applications_guard_v2;
    ALTER TABLE loan_applications
      DROP CONSTRAINT loan_applications_decided_check,
      ADD CONSTRAINT loan_applications_check5 CHECK ((state IN ('approved', 'rejected', 'contracted')) = (decided_by IS NOT NULL AND decided_at IS NOT NULL)),
      DROP CONSTRAINT loan_applications_state_check,
      ADD CONSTRAINT loan_applications_state_check CHECK (state IN ('submitted', 'in_review', 'committee', 'approved', 'rejected', 'contracted'));
    DROP TABLE loan_document_rejections;
    DROP FUNCTION loan_document_rejections_guard;
    ALTER TABLE loan_events DROP CONSTRAINT loan_events_kind_check, ADD CONSTRAINT loan_events_kind_check CHECK (kind IN (
      'contracted', 'disbursed', 'prepaid', 'extended', 'delinquent', 'cured', 'defaulted', 'written_off', 'closed'));
    DROP TABLE loan_recoveries;
    DROP FUNCTION loan_recoveries_guard;
    DROP TRIGGER loans_write_off_approved ON loans;
    DROP FUNCTION loans_write_off_approved;
    ALTER TABLE loans DROP COLUMN write_off_request_id;
    DROP TABLE loan_write_off_requests;
    DROP FUNCTION loan_write_off_requests_guard, loan_write_off_requests_check_applied;
    DROP TRIGGER fund_grants_request_approved ON fund_grants;
    DROP TRIGGER fund_grants_four_eyes ON fund_grants;
    DROP FUNCTION fund_grants_check_request_approved, fund_grants_four_eyes;
    ALTER TABLE fund_grants DROP COLUMN approved_by, DROP COLUMN request_id;
    DROP TABLE fund_grant_requests;
    DROP FUNCTION fund_grant_requests_guard;
  `.execute(db);
}
