import { sql, type Kysely } from "kysely";

// The self-sufficiency fund's sources and uses, and lease-deposit loans from application to
// closure. The database holds the rules that must never break, whatever the code does:
// product versions never change; approval needs a quorum, a majority and two different fund
// administrators, none of them a member of the applicant or conflicted; contracts copy the terms
// of the product version they were approved under; a schedule's principal always sums to the
// loan; repayments, votes, conflicts, contributions and grants are append-only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE funds
      ADD COLUMN expected_effects text NOT NULL DEFAULT '' CHECK (length(expected_effects) <= 5000),
      ADD COLUMN committee_quorum integer NOT NULL DEFAULT 2 CHECK (committee_quorum BETWEEN 2 AND 50),
      ADD COLUMN committee_majority_pct integer NOT NULL DEFAULT 50 CHECK (committee_majority_pct BETWEEN 50 AND 99),
      ADD COLUMN reminder_days_before integer NOT NULL DEFAULT 7 CHECK (reminder_days_before BETWEEN 1 AND 60);

    ALTER TABLE loan_products
      ADD COLUMN required_documents text[] NOT NULL
        DEFAULT ARRAY['business_registration', 'self_sufficiency_designation', 'lease_contract', 'business_plan']::text[],
      ADD COLUMN delinquency_grace_days integer NOT NULL DEFAULT 30 CHECK (delinquency_grace_days BETWEEN 0 AND 365),
      ADD CONSTRAINT loan_products_required_documents_known CHECK (
        required_documents <@ ARRAY['business_registration', 'self_sufficiency_designation', 'lease_contract',
          'business_plan', 'landlord_account', 'tax_certificate']::text[]),
      ADD CONSTRAINT loan_products_eligible_types_known CHECK (
        cardinality(eligible_types) >= 1 AND eligible_types <@ ARRAY['social_enterprise', 'pre_social_enterprise',
          'village_enterprise', 'cooperative', 'social_cooperative', 'self_sufficiency_enterprise', 'nonprofit']::text[]);

    -- A product version is a published rule: it is superseded (is_current true → false), never edited.
    CREATE FUNCTION loan_products_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'loan product versions are never deleted' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF (to_jsonb(NEW) - 'is_current') IS DISTINCT FROM (to_jsonb(OLD) - 'is_current') OR (NEW.is_current AND NOT OLD.is_current) THEN
        RAISE EXCEPTION 'loan product version % is never changed: publish a new version', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loan_products_guard BEFORE UPDATE OR DELETE ON loan_products FOR EACH ROW EXECUTE FUNCTION loan_products_guard();

    CREATE FUNCTION loans_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
    END $f$;

    CREATE TABLE fund_contributions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      fund_id bigint NOT NULL REFERENCES funds,
      contributor text NOT NULL CHECK (length(contributor) BETWEEN 1 AND 200),
      kind text NOT NULL CHECK (kind IN ('government', 'donation', 'returned_grant', 'other')),
      amount_won bigint NOT NULL CHECK (amount_won BETWEEN 1 AND 10000000000),
      received_on date NOT NULL,
      note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
      evidence_file_id bigint REFERENCES stored_files,
      -- Demo data has no scanned evidence; anything recorded through the product has a file.
      evidence_note text NOT NULL DEFAULT '' CHECK (length(evidence_note) <= 300),
      recorded_by bigint NOT NULL REFERENCES users,
      idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 100),
      ledger_seq bigint NOT NULL UNIQUE REFERENCES journal_entries (seq),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (evidence_file_id IS NOT NULL OR length(evidence_note) > 0)
    );
    CREATE INDEX fund_contributions_fund_idx ON fund_contributions (fund_id, received_on);

    CREATE TABLE fund_grants (
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
      recorded_by bigint NOT NULL REFERENCES users,
      idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 100),
      ledger_seq bigint NOT NULL UNIQUE REFERENCES journal_entries (seq),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX fund_grants_fund_idx ON fund_grants (fund_id, category);

    CREATE TABLE loan_applications (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      fund_id bigint NOT NULL REFERENCES funds,
      product_id bigint NOT NULL REFERENCES loan_products,
      enterprise_id bigint NOT NULL REFERENCES enterprises,
      submitted_by bigint NOT NULL REFERENCES users,
      idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 100),
      amount_won bigint NOT NULL CHECK (amount_won BETWEEN 1 AND 10000000000),
      purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 2000),
      store_address text NOT NULL CHECK (length(store_address) BETWEEN 1 AND 200),
      landlord_name text NOT NULL CHECK (length(landlord_name) BETWEEN 1 AND 100),
      lease_deposit_won bigint NOT NULL CHECK (lease_deposit_won BETWEEN 1 AND 10000000000),
      lease_starts_on date NOT NULL,
      lease_ends_on date NOT NULL,
      state text NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted', 'in_review', 'committee', 'approved', 'rejected', 'contracted')),
      reviewer_id bigint REFERENCES users,
      review_started_at timestamptz,
      reviewed_at timestamptz,
      review_note text NOT NULL DEFAULT '' CHECK (length(review_note) <= 2000),
      committee_opened_at timestamptz,
      committee_quorum integer CHECK (committee_quorum >= 2),
      committee_majority_pct integer CHECK (committee_majority_pct BETWEEN 50 AND 99),
      decided_by bigint REFERENCES users,
      decided_at timestamptz,
      decision_note text NOT NULL DEFAULT '' CHECK (length(decision_note) <= 2000),
      submitted_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (enterprise_id, idempotency_key),
      CHECK (lease_ends_on > lease_starts_on),
      CHECK (amount_won <= lease_deposit_won),
      CHECK (state = 'submitted' OR reviewer_id IS NOT NULL),
      CHECK ((committee_opened_at IS NULL) = (committee_quorum IS NULL) AND (committee_quorum IS NULL) = (committee_majority_pct IS NULL)),
      CHECK (state NOT IN ('committee', 'approved', 'contracted') OR committee_opened_at IS NOT NULL),
      CHECK ((state IN ('approved', 'rejected', 'contracted')) = (decided_by IS NOT NULL AND decided_at IS NOT NULL))
    );
    CREATE INDEX loan_applications_fund_idx ON loan_applications (fund_id, state);
    CREATE INDEX loan_applications_enterprise_idx ON loan_applications (enterprise_id);

    CREATE TABLE loan_application_documents (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      application_id bigint NOT NULL REFERENCES loan_applications,
      doc_type text NOT NULL CHECK (doc_type IN ('business_registration', 'self_sufficiency_designation', 'lease_contract',
        'business_plan', 'landlord_account', 'tax_certificate')),
      file_id bigint NOT NULL REFERENCES stored_files,
      uploaded_by bigint NOT NULL REFERENCES users,
      uploaded_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX loan_application_documents_app_idx ON loan_application_documents (application_id, doc_type);

    CREATE TABLE loan_conflicts (
      application_id bigint NOT NULL REFERENCES loan_applications,
      user_id bigint NOT NULL REFERENCES users,
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
      declared_at timestamptz NOT NULL,
      PRIMARY KEY (application_id, user_id)
    );

    CREATE TABLE loan_votes (
      application_id bigint NOT NULL REFERENCES loan_applications,
      voter_id bigint NOT NULL REFERENCES users,
      vote text NOT NULL CHECK (vote IN ('approve', 'reject')),
      comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
      -- Every voter affirms having no conflict of interest; one who has declares it instead.
      no_conflict_affirmed boolean NOT NULL CHECK (no_conflict_affirmed),
      voted_at timestamptz NOT NULL,
      PRIMARY KEY (application_id, voter_id)
    );

    -- Who may vote: a fund administrator of the fund's host, not a member of the applicant, not
    -- its submitter, without a declared conflict, while the committee is open.
    CREATE FUNCTION loan_votes_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      app record;
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'committee votes are final: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END IF;
      SELECT a.state, a.enterprise_id, a.submitted_by, f.host_id INTO app
        FROM loan_applications a JOIN funds f ON f.id = a.fund_id WHERE a.id = NEW.application_id FOR SHARE OF a;
      IF app.state IS DISTINCT FROM 'committee' THEN
        RAISE EXCEPTION 'loan application % is not before the committee', NEW.application_id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.voter_id = app.submitted_by OR EXISTS (
        SELECT 1 FROM enterprise_members m WHERE m.enterprise_id = app.enterprise_id AND m.user_id = NEW.voter_id) THEN
        RAISE EXCEPTION 'a member of the applicant enterprise cannot vote on its loan' USING ERRCODE = 'check_violation';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM staff_roles r WHERE r.user_id = NEW.voter_id AND r.host_id = app.host_id AND r.role = 'fund_admin') THEN
        RAISE EXCEPTION 'only fund administrators of the fund''s host vote on its loans' USING ERRCODE = 'check_violation';
      END IF;
      IF EXISTS (SELECT 1 FROM loan_conflicts c WHERE c.application_id = NEW.application_id AND c.user_id = NEW.voter_id) THEN
        RAISE EXCEPTION 'a committee member who declared a conflict cannot vote' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loan_votes_guard BEFORE INSERT OR UPDATE OR DELETE ON loan_votes FOR EACH ROW EXECUTE FUNCTION loan_votes_guard();

    CREATE FUNCTION loan_conflicts_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'declared conflicts are kept: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END IF;
      PERFORM 1 FROM loan_applications a WHERE a.id = NEW.application_id AND a.state IN ('submitted', 'in_review', 'committee') FOR SHARE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'loan application % is already decided', NEW.application_id USING ERRCODE = 'check_violation';
      END IF;
      IF EXISTS (SELECT 1 FROM loan_votes v WHERE v.application_id = NEW.application_id AND v.voter_id = NEW.user_id) THEN
        RAISE EXCEPTION 'a conflict must be declared before voting' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loan_conflicts_guard BEFORE INSERT OR UPDATE OR DELETE ON loan_conflicts FOR EACH ROW EXECUTE FUNCTION loan_conflicts_guard();

    CREATE FUNCTION loan_is_fund_admin(candidate bigint, fund bigint, enterprise bigint) RETURNS boolean LANGUAGE sql STABLE AS $f$
      SELECT EXISTS (SELECT 1 FROM staff_roles r JOIN funds f ON f.host_id = r.host_id
                     WHERE f.id = fund AND r.user_id = candidate AND r.role = 'fund_admin')
         AND NOT EXISTS (SELECT 1 FROM enterprise_members m WHERE m.enterprise_id = enterprise AND m.user_id = candidate);
    $f$;

    CREATE FUNCTION loan_applications_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      votes integer;
      approvals integer;
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
          ('committee', 'approved'), ('committee', 'rejected'), ('approved', 'contracted')) THEN
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

    CREATE TABLE loans (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      application_id bigint NOT NULL UNIQUE REFERENCES loan_applications,
      fund_id bigint NOT NULL REFERENCES funds,
      enterprise_id bigint NOT NULL REFERENCES enterprises,
      product_id bigint NOT NULL REFERENCES loan_products,
      principal_won bigint NOT NULL CHECK (principal_won BETWEEN 1 AND 10000000000),
      rate_bp integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 2000),
      penalty_bp integer NOT NULL CHECK (penalty_bp BETWEEN 0 AND 2000),
      term_months integer NOT NULL CHECK (term_months BETWEEN 1 AND 480),
      original_term_months integer NOT NULL CHECK (original_term_months BETWEEN 1 AND 360),
      repayment_method text NOT NULL CHECK (repayment_method IN ('bullet', 'equal_instalment', 'equal_principal')),
      grace_months integer NOT NULL CHECK (grace_months >= 0 AND grace_months < original_term_months),
      delinquency_grace_days integer NOT NULL CHECK (delinquency_grace_days BETWEEN 0 AND 365),
      landlord_name text NOT NULL CHECK (length(landlord_name) BETWEEN 1 AND 100),
      store_address text NOT NULL CHECK (length(store_address) BETWEEN 1 AND 200),
      contracted_on date NOT NULL,
      contracted_by bigint NOT NULL REFERENCES users,
      disbursed_on date,
      disbursed_by bigint REFERENCES users,
      disbursement_reference text CHECK (length(disbursement_reference) BETWEEN 1 AND 100),
      disbursement_seq bigint UNIQUE REFERENCES journal_entries (seq),
      maturity_on date,
      state text NOT NULL DEFAULT 'contracted' CHECK (state IN ('contracted', 'disbursed', 'repaying', 'delinquent', 'defaulted', 'written_off', 'closed')),
      state_reason text NOT NULL DEFAULT '' CHECK (length(state_reason) <= 2000),
      closed_on date,
      written_off_won bigint NOT NULL DEFAULT 0 CHECK (written_off_won >= 0),
      written_off_seq bigint UNIQUE REFERENCES journal_entries (seq),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (term_months >= original_term_months),
      CHECK ((state = 'contracted') = (disbursed_on IS NULL)),
      CHECK ((disbursed_on IS NULL) = (disbursement_seq IS NULL) AND (disbursed_on IS NULL) = (disbursed_by IS NULL)
        AND (disbursed_on IS NULL) = (maturity_on IS NULL) AND (disbursed_on IS NULL) = (disbursement_reference IS NULL)),
      CHECK (disbursed_on IS NULL OR disbursed_on >= contracted_on),
      CHECK ((state = 'closed') = (closed_on IS NOT NULL)),
      CHECK ((state = 'written_off') = (written_off_seq IS NOT NULL)),
      CHECK (state NOT IN ('defaulted', 'written_off') OR length(state_reason) > 0)
    );
    CREATE INDEX loans_fund_idx ON loans (fund_id, state);
    CREATE INDEX loans_enterprise_idx ON loans (enterprise_id);

    CREATE TRIGGER loan_applications_guard BEFORE UPDATE OR DELETE ON loan_applications FOR EACH ROW EXECUTE FUNCTION loan_applications_guard();

    -- A contract copies the terms of the product version the committee approved: no other terms.
    CREATE FUNCTION loans_before_insert() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      a record;
      p record;
    BEGIN
      SELECT * INTO a FROM loan_applications WHERE id = NEW.application_id FOR UPDATE;
      IF a.state IS DISTINCT FROM 'approved' THEN
        RAISE EXCEPTION 'only an approved application is contracted (application % is %)', NEW.application_id, a.state USING ERRCODE = 'check_violation';
      END IF;
      SELECT * INTO p FROM loan_products WHERE id = a.product_id;
      IF (NEW.fund_id, NEW.enterprise_id, NEW.product_id, NEW.principal_won, NEW.landlord_name, NEW.store_address)
           IS DISTINCT FROM (a.fund_id, a.enterprise_id, a.product_id, a.amount_won, a.landlord_name, a.store_address)
         OR (NEW.rate_bp, NEW.penalty_bp, NEW.term_months, NEW.original_term_months, NEW.repayment_method, NEW.grace_months, NEW.delinquency_grace_days)
           IS DISTINCT FROM (p.rate_bp, p.penalty_bp, p.term_months, p.term_months, p.repayment_method, p.grace_months, p.delinquency_grace_days)
         OR NEW.principal_won > p.cap_won THEN
        RAISE EXCEPTION 'contract terms must be those of application % and product version %', a.id, p.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state <> 'contracted' THEN
        RAISE EXCEPTION 'a contract starts as contracted' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loans_before_insert BEFORE INSERT ON loans FOR EACH ROW EXECUTE FUNCTION loans_before_insert();

    CREATE FUNCTION loans_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'loan contracts are kept' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF (NEW.application_id, NEW.fund_id, NEW.enterprise_id, NEW.product_id, NEW.principal_won, NEW.rate_bp, NEW.penalty_bp,
          NEW.original_term_months, NEW.repayment_method, NEW.grace_months, NEW.delinquency_grace_days, NEW.landlord_name,
          NEW.store_address, NEW.contracted_on, NEW.contracted_by)
         IS DISTINCT FROM
         (OLD.application_id, OLD.fund_id, OLD.enterprise_id, OLD.product_id, OLD.principal_won, OLD.rate_bp, OLD.penalty_bp,
          OLD.original_term_months, OLD.repayment_method, OLD.grace_months, OLD.delinquency_grace_days, OLD.landlord_name,
          OLD.store_address, OLD.contracted_on, OLD.contracted_by) THEN
        RAISE EXCEPTION 'the terms of loan % are frozen by its contract', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.disbursed_on IS NOT NULL AND (NEW.disbursed_on, NEW.disbursed_by, NEW.disbursement_seq, NEW.disbursement_reference)
         IS DISTINCT FROM (OLD.disbursed_on, OLD.disbursed_by, OLD.disbursement_seq, OLD.disbursement_reference) THEN
        RAISE EXCEPTION 'loan % was already disbursed', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.term_months < OLD.term_months THEN
        RAISE EXCEPTION 'a term is only ever extended' USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.written_off_seq IS NOT NULL AND (NEW.written_off_seq, NEW.written_off_won) IS DISTINCT FROM (OLD.written_off_seq, OLD.written_off_won) THEN
        RAISE EXCEPTION 'loan % was already written off', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.state <> OLD.state THEN
        IF (OLD.state, NEW.state) NOT IN (('contracted', 'disbursed'), ('disbursed', 'repaying'), ('disbursed', 'delinquent'),
            ('disbursed', 'defaulted'), ('disbursed', 'closed'), ('repaying', 'delinquent'), ('repaying', 'defaulted'),
            ('repaying', 'closed'), ('delinquent', 'repaying'), ('delinquent', 'defaulted'), ('delinquent', 'closed'),
            ('defaulted', 'written_off'), ('defaulted', 'closed')) THEN
          RAISE EXCEPTION 'loan cannot go from % to %', OLD.state, NEW.state USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.state = 'closed' AND (NOT EXISTS (SELECT 1 FROM loan_instalments i WHERE i.loan_id = NEW.id)
            OR EXISTS (SELECT 1 FROM loan_instalments i WHERE i.loan_id = NEW.id AND i.paid_off_on IS NULL)) THEN
          RAISE EXCEPTION 'loan % is closed only when every instalment is paid', NEW.id USING ERRCODE = 'check_violation';
        END IF;
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loans_guard BEFORE UPDATE OR DELETE ON loans FOR EACH ROW EXECUTE FUNCTION loans_guard();

    CREATE TABLE loan_instalments (
      loan_id bigint NOT NULL REFERENCES loans,
      number integer NOT NULL CHECK (number >= 1),
      kind text NOT NULL DEFAULT 'scheduled' CHECK (kind IN ('scheduled', 'prepayment')),
      period_start date NOT NULL,
      due_date date NOT NULL,
      principal_due_won bigint NOT NULL CHECK (principal_due_won >= 0),
      interest_due_won bigint NOT NULL CHECK (interest_due_won >= 0),
      principal_paid_won bigint NOT NULL DEFAULT 0,
      interest_paid_won bigint NOT NULL DEFAULT 0,
      penalty_accrued_won bigint NOT NULL DEFAULT 0 CHECK (penalty_accrued_won >= 0),
      penalty_paid_won bigint NOT NULL DEFAULT 0,
      penalty_through date NOT NULL,
      paid_off_on date,
      reminder_sent_at timestamptz,
      overdue_notice_sent_at timestamptz,
      PRIMARY KEY (loan_id, number),
      CHECK (due_date >= period_start),
      CHECK (principal_paid_won BETWEEN 0 AND principal_due_won),
      CHECK (interest_paid_won BETWEEN 0 AND interest_due_won),
      CHECK (penalty_paid_won BETWEEN 0 AND penalty_accrued_won),
      CHECK (paid_off_on IS NULL OR (principal_paid_won = principal_due_won AND interest_paid_won = interest_due_won
        AND penalty_paid_won = penalty_accrued_won))
    );
    CREATE INDEX loan_instalments_open_idx ON loan_instalments (due_date) WHERE paid_off_on IS NULL;

    -- Payments are history: a paid amount never shrinks, and a row with payments is never re-scheduled.
    CREATE FUNCTION loan_instalments_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.principal_paid_won + OLD.interest_paid_won + OLD.penalty_paid_won > 0 THEN
          RAISE EXCEPTION 'instalment % of loan % has payments and stays', OLD.number, OLD.loan_id USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
      END IF;
      IF NEW.loan_id <> OLD.loan_id OR NEW.number <> OLD.number
         OR NEW.principal_paid_won < OLD.principal_paid_won OR NEW.interest_paid_won < OLD.interest_paid_won
         OR NEW.penalty_paid_won < OLD.penalty_paid_won OR NEW.penalty_accrued_won < OLD.penalty_accrued_won
         OR (OLD.paid_off_on IS NOT NULL AND NEW.paid_off_on IS DISTINCT FROM OLD.paid_off_on) THEN
        RAISE EXCEPTION 'instalment % of loan % only ever records more payment', OLD.number, OLD.loan_id USING ERRCODE = 'check_violation';
      END IF;
      IF OLD.principal_paid_won + OLD.interest_paid_won + OLD.penalty_paid_won > 0 AND
         (NEW.kind, NEW.period_start, NEW.due_date, NEW.principal_due_won, NEW.interest_due_won)
         IS DISTINCT FROM (OLD.kind, OLD.period_start, OLD.due_date, OLD.principal_due_won, OLD.interest_due_won) THEN
        RAISE EXCEPTION 'instalment % of loan % has payments: its amounts are fixed', OLD.number, OLD.loan_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loan_instalments_guard BEFORE UPDATE OR DELETE ON loan_instalments FOR EACH ROW EXECUTE FUNCTION loan_instalments_guard();

    -- At commit: the schedule's principal adds up to the loan, whatever was re-scheduled.
    CREATE FUNCTION loan_instalments_check_total() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      loan bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.loan_id ELSE NEW.loan_id END;
      scheduled numeric;
      lent bigint;
    BEGIN
      SELECT coalesce(sum(principal_due_won), 0) INTO scheduled FROM loan_instalments WHERE loan_id = loan;
      SELECT principal_won INTO lent FROM loans WHERE id = loan;
      IF scheduled <> lent THEN
        RAISE EXCEPTION 'the schedule of loan % sums to % won of principal, not %', loan, scheduled, lent USING ERRCODE = 'check_violation';
      END IF;
      RETURN NULL;
    END $f$;
    CREATE CONSTRAINT TRIGGER loan_instalments_total AFTER INSERT OR UPDATE OR DELETE ON loan_instalments
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION loan_instalments_check_total();

    CREATE TABLE loan_repayments (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      loan_id bigint NOT NULL REFERENCES loans,
      idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 100),
      -- The request the key was first used with: the same key with another request is refused.
      request_fingerprint text NOT NULL CHECK (request_fingerprint ~ '^[0-9a-f]{64}$'),
      kind text NOT NULL CHECK (kind IN ('instalment', 'prepayment')),
      method text NOT NULL CHECK (method IN ('bank_transfer', 'online')),
      external_reference text NOT NULL CHECK (length(external_reference) BETWEEN 1 AND 100),
      paid_on date NOT NULL,
      amount_won bigint NOT NULL CHECK (amount_won BETWEEN 1 AND 10000000000),
      penalty_won bigint NOT NULL CHECK (penalty_won >= 0),
      interest_won bigint NOT NULL CHECK (interest_won >= 0),
      principal_won bigint NOT NULL CHECK (principal_won >= 0),
      recorded_by bigint REFERENCES users,
      ledger_seq bigint NOT NULL UNIQUE REFERENCES journal_entries (seq),
      recorded_at timestamptz NOT NULL,
      CHECK (amount_won = penalty_won + interest_won + principal_won),
      CHECK (method = 'online' OR recorded_by IS NOT NULL)
    );
    CREATE INDEX loan_repayments_loan_idx ON loan_repayments (loan_id, paid_on);
    -- A payment confirmed by the provider is recorded once, whatever retries deliver it.
    CREATE UNIQUE INDEX loan_repayments_online_reference ON loan_repayments (external_reference) WHERE method = 'online';

    CREATE TABLE loan_repayment_allocations (
      repayment_id bigint NOT NULL REFERENCES loan_repayments,
      loan_id bigint NOT NULL,
      instalment_number integer NOT NULL,
      penalty_won bigint NOT NULL CHECK (penalty_won >= 0),
      interest_won bigint NOT NULL CHECK (interest_won >= 0),
      principal_won bigint NOT NULL CHECK (principal_won >= 0),
      PRIMARY KEY (repayment_id, instalment_number),
      FOREIGN KEY (loan_id, instalment_number) REFERENCES loan_instalments (loan_id, number)
    );

    CREATE TABLE loan_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      loan_id bigint NOT NULL REFERENCES loans,
      kind text NOT NULL CHECK (kind IN ('contracted', 'disbursed', 'prepaid', 'extended', 'delinquent', 'cured', 'defaulted', 'written_off', 'closed')),
      effective_on date NOT NULL,
      reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
      details jsonb NOT NULL DEFAULT '{}'::jsonb,
      actor_id bigint REFERENCES users,
      occurred_at timestamptz NOT NULL
    );
    CREATE INDEX loan_events_loan_idx ON loan_events (loan_id, id);

    CREATE TRIGGER fund_contributions_append_only BEFORE UPDATE OR DELETE ON fund_contributions FOR EACH ROW EXECUTE FUNCTION loans_refuse_change();
    CREATE TRIGGER fund_grants_append_only BEFORE UPDATE OR DELETE ON fund_grants FOR EACH ROW EXECUTE FUNCTION loans_refuse_change();
    CREATE TRIGGER loan_repayments_append_only BEFORE UPDATE OR DELETE ON loan_repayments FOR EACH ROW EXECUTE FUNCTION loans_refuse_change();
    CREATE TRIGGER loan_repayment_allocations_append_only BEFORE UPDATE OR DELETE ON loan_repayment_allocations FOR EACH ROW EXECUTE FUNCTION loans_refuse_change();
    CREATE TRIGGER loan_events_append_only BEFORE UPDATE OR DELETE ON loan_events FOR EACH ROW EXECUTE FUNCTION loans_refuse_change();
    CREATE TRIGGER loan_application_documents_append_only BEFORE UPDATE OR DELETE ON loan_application_documents FOR EACH ROW EXECUTE FUNCTION loans_refuse_change();

    REVOKE UPDATE, DELETE, TRUNCATE ON fund_contributions, fund_grants, loan_repayments, loan_repayment_allocations, loan_events,
      loan_votes, loan_conflicts, loan_application_documents FROM hamkke_app;
    REVOKE DELETE, TRUNCATE ON loan_products, loan_applications, loans FROM hamkke_app;
    REVOKE TRUNCATE ON loan_instalments FROM hamkke_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE loan_events, loan_repayment_allocations, loan_repayments, loan_instalments, loans, loan_votes, loan_conflicts,
      loan_application_documents, loan_applications, fund_grants, fund_contributions;
    DROP FUNCTION loan_instalments_check_total, loan_instalments_guard, loans_guard, loans_before_insert, loan_applications_guard,
      loan_is_fund_admin, loan_conflicts_guard, loan_votes_guard, loans_refuse_change;
    DROP TRIGGER loan_products_guard ON loan_products;
    DROP FUNCTION loan_products_guard;
    ALTER TABLE loan_products DROP CONSTRAINT loan_products_eligible_types_known, DROP CONSTRAINT loan_products_required_documents_known,
      DROP COLUMN delinquency_grace_days, DROP COLUMN required_documents;
    ALTER TABLE funds DROP COLUMN reminder_days_before, DROP COLUMN committee_majority_pct, DROP COLUMN committee_quorum,
      DROP COLUMN expected_effects;
  `.execute(db);
}
