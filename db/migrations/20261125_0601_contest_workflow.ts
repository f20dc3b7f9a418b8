import { sql, type Kysely } from "kysely";

// A contest from the call for projects to selection: set-up (eligibility, window, criteria,
// weights), events with seat limits, applications, screening, jury and peer scores, and the
// grant rules of a pitch contest. What must never happen is refused here, not only in the app:
// submitting outside the window or while ineligible, over-booking an event, a conflicted or
// unassigned juror scoring, an applicant scoring itself, scores changing after selection.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE contests
      ADD COLUMN fields text[] NOT NULL DEFAULT '{}' CHECK (cardinality(fields) <= 10),
      ADD COLUMN eligible_regions text[] NOT NULL DEFAULT '{}' CHECK (cardinality(eligible_regions) <= 20),
      ADD COLUMN eligible_types text[] NOT NULL DEFAULT '{}' CHECK (eligible_types <@ ARRAY['social_enterprise', 'pre_social_enterprise',
        'village_enterprise', 'cooperative', 'social_cooperative', 'self_sufficiency_enterprise', 'nonprofit']),
      ADD COLUMN age_min integer CHECK (age_min BETWEEN 0 AND 120),
      ADD COLUMN age_max integer CHECK (age_max BETWEEN 0 AND 120),
      ADD COLUMN applications_open_on date,
      ADD COLUMN applications_close_on date,
      ADD COLUMN jury_weight_pct integer NOT NULL DEFAULT 100 CHECK (jury_weight_pct BETWEEN 1 AND 100),
      ADD COLUMN peer_weight_pct integer NOT NULL DEFAULT 0 CHECK (peer_weight_pct BETWEEN 0 AND 99),
      ADD COLUMN selected_at timestamptz,
      ADD COLUMN selected_by bigint REFERENCES users,
      ADD CONSTRAINT contests_weights_sum CHECK (jury_weight_pct + peer_weight_pct = 100),
      ADD CONSTRAINT contests_age_band CHECK (age_min IS NULL OR age_max IS NULL OR age_min <= age_max),
      ADD CONSTRAINT contests_window CHECK ((applications_open_on IS NULL) = (applications_close_on IS NULL)
        AND (applications_close_on IS NULL OR applications_close_on >= applications_open_on));

    CREATE TABLE contest_criteria (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      contest_id bigint NOT NULL REFERENCES contests ON DELETE CASCADE,
      position integer NOT NULL CHECK (position BETWEEN 1 AND 20),
      label text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
      weight_pct integer NOT NULL CHECK (weight_pct BETWEEN 1 AND 100),
      UNIQUE (contest_id, position)
    );

    -- The instant a contest's applications close: the end of its last day in Seoul.
    CREATE FUNCTION contest_close_at(close_on date) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $f$
      SELECT ((close_on + 1)::timestamp AT TIME ZONE 'Asia/Seoul');
    $f$;

    -- Publishing needs criteria summing to 100 %; once anyone scored, criteria are frozen.
    CREATE FUNCTION contests_check_publish() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE total integer;
    BEGIN
      IF NEW.published AND NOT OLD.published THEN
        IF NEW.select_count IS NULL OR NEW.applications_close_on IS NULL THEN
          RAISE EXCEPTION 'contest % cannot be published without a window and a number to select', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'contests_published_complete';
        END IF;
        SELECT coalesce(sum(weight_pct), 0) INTO total FROM contest_criteria WHERE contest_id = NEW.id;
        IF total <> 100 THEN
          RAISE EXCEPTION 'contest % cannot be published: criteria weights sum to %', NEW.id, total USING ERRCODE = 'check_violation', CONSTRAINT = 'contests_criteria_sum';
        END IF;
      END IF;
      IF OLD.selected_at IS NOT NULL AND (NEW.selected_at IS DISTINCT FROM OLD.selected_at OR NEW.jury_weight_pct <> OLD.jury_weight_pct
          OR NEW.peer_weight_pct <> OLD.peer_weight_pct OR NEW.select_count IS DISTINCT FROM OLD.select_count) THEN
        RAISE EXCEPTION 'contest % was already selected', NEW.id USING ERRCODE = 'check_violation', CONSTRAINT = 'contests_selection_final';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER contests_check_publish BEFORE UPDATE ON contests FOR EACH ROW EXECUTE FUNCTION contests_check_publish();

    CREATE TABLE contest_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      contest_id bigint NOT NULL REFERENCES contests ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('workshop', 'briefing')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      starts_at timestamptz NOT NULL,
      location text NOT NULL CHECK (length(location) BETWEEN 1 AND 200),
      seats integer NOT NULL CHECK (seats BETWEEN 1 AND 10000),
      -- Kept by trigger; the CHECK is what makes over-booking impossible under concurrency.
      seats_taken integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT contest_events_not_overbooked CHECK (seats_taken BETWEEN 0 AND seats)
    );
    CREATE INDEX contest_events_contest_idx ON contest_events (contest_id, starts_at);

    -- The seat count moves only with registrations (the trigger below runs one level deeper).
    CREATE FUNCTION contest_events_guard_seats() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        NEW.seats_taken := 0;
      ELSIF NEW.seats_taken <> OLD.seats_taken AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'seats_taken is kept by registrations' USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_events_seats_taken';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER contest_events_guard_seats BEFORE INSERT OR UPDATE ON contest_events FOR EACH ROW EXECUTE FUNCTION contest_events_guard_seats();

    CREATE TABLE contest_event_registrations (
      event_id bigint NOT NULL REFERENCES contest_events ON DELETE CASCADE,
      user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
      registered_at timestamptz NOT NULL,
      PRIMARY KEY (event_id, user_id)
    );

    -- Registration closes at the end of the day before the event (Seoul).
    CREATE FUNCTION contest_event_registrations_count() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE event_start timestamptz;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE contest_events SET seats_taken = seats_taken + 1 WHERE id = NEW.event_id RETURNING starts_at INTO event_start;
        IF NEW.registered_at >= ((event_start AT TIME ZONE 'Asia/Seoul')::date::timestamp AT TIME ZONE 'Asia/Seoul') THEN
          RAISE EXCEPTION 'registration for event % closed the day before', NEW.event_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_event_registrations_deadline';
        END IF;
        RETURN NEW;
      END IF;
      UPDATE contest_events SET seats_taken = seats_taken - 1 WHERE id = OLD.event_id;
      RETURN OLD;
    END $f$;
    CREATE TRIGGER contest_event_registrations_count AFTER INSERT OR DELETE ON contest_event_registrations
      FOR EACH ROW EXECUTE FUNCTION contest_event_registrations_count();

    CREATE TABLE contest_applications (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      contest_id bigint NOT NULL REFERENCES contests,
      enterprise_id bigint NOT NULL REFERENCES enterprises,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
      summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 3000),
      social_value text NOT NULL DEFAULT '' CHECK (length(social_value) <= 3000),
      budget_won bigint CHECK (budget_won BETWEEN 1 AND 10000000000),
      residence_district text CHECK (length(residence_district) <= 80),
      representative_birth_date date,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
      eligible boolean NOT NULL DEFAULT false,
      ineligibility_reasons text[] NOT NULL DEFAULT '{}',
      submitted_at timestamptz,
      submitted_by bigint REFERENCES users,
      outcome text CHECK (outcome IN ('selected', 'not_selected', 'screened_out')),
      rank integer CHECK (rank >= 1),
      final_score numeric(7, 3),
      jury_score numeric(7, 3),
      peer_score numeric(7, 3),
      campaign_id bigint REFERENCES campaigns,
      created_by bigint REFERENCES users,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (contest_id, enterprise_id),
      CHECK ((status = 'submitted') = (submitted_at IS NOT NULL)),
      CONSTRAINT contest_applications_submitted_complete CHECK (status = 'draft' OR (budget_won IS NOT NULL AND length(summary) > 0 AND length(social_value) > 0)),
      CONSTRAINT contest_applications_submitted_eligible CHECK (status = 'draft' OR eligible),
      CHECK (outcome IS NULL OR status = 'submitted')
    );
    CREATE INDEX contest_applications_enterprise_idx ON contest_applications (enterprise_id);

    -- Submission only inside the window (by the server clock's timestamp), and a submitted
    -- application's content is final: only the outcome fields the selection writes may change.
    CREATE FUNCTION contest_applications_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE c record;
    BEGIN
      SELECT applications_open_on, applications_close_on, selected_at INTO c FROM contests WHERE id = NEW.contest_id;
      IF TG_OP = 'UPDATE' AND OLD.status = 'submitted' THEN
        IF (NEW.contest_id, NEW.enterprise_id, NEW.title, NEW.summary, NEW.social_value, NEW.budget_won, NEW.residence_district,
            NEW.representative_birth_date, NEW.status, NEW.eligible, NEW.submitted_at)
           IS DISTINCT FROM (OLD.contest_id, OLD.enterprise_id, OLD.title, OLD.summary, OLD.social_value, OLD.budget_won,
            OLD.residence_district, OLD.representative_birth_date, OLD.status, OLD.eligible, OLD.submitted_at) THEN
          RAISE EXCEPTION 'application % was submitted and cannot change', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_applications_final';
        END IF;
        RETURN NEW;
      END IF;
      IF NEW.status = 'submitted' THEN
        IF c.applications_close_on IS NULL
           OR NEW.submitted_at < (c.applications_open_on::timestamp AT TIME ZONE 'Asia/Seoul')
           OR NEW.submitted_at >= contest_close_at(c.applications_close_on) THEN
          RAISE EXCEPTION 'application submitted outside the window' USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_applications_window';
        END IF;
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER contest_applications_guard BEFORE INSERT OR UPDATE ON contest_applications FOR EACH ROW EXECUTE FUNCTION contest_applications_guard();

    CREATE TABLE contest_application_documents (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      application_id bigint NOT NULL REFERENCES contest_applications ON DELETE CASCADE,
      file_id bigint NOT NULL REFERENCES stored_files,
      label text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (application_id, file_id)
    );

    CREATE TABLE contest_screening_steps (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      contest_id bigint NOT NULL REFERENCES contests ON DELETE CASCADE,
      position integer NOT NULL CHECK (position BETWEEN 1 AND 20),
      kind text NOT NULL CHECK (kind IN ('document_review', 'interview', 'on_site_inspection')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
      window_from date,
      window_to date,
      UNIQUE (contest_id, position),
      CHECK ((window_from IS NULL) = (window_to IS NULL) AND (window_to IS NULL OR window_to >= window_from)),
      CONSTRAINT contest_screening_steps_inspection_window CHECK (kind <> 'on_site_inspection' OR window_from IS NOT NULL)
    );

    CREATE TABLE contest_screening_results (
      step_id bigint NOT NULL REFERENCES contest_screening_steps ON DELETE CASCADE,
      application_id bigint NOT NULL REFERENCES contest_applications ON DELETE CASCADE,
      passed boolean NOT NULL,
      note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
      decided_by bigint NOT NULL REFERENCES users,
      decided_at timestamptz NOT NULL,
      PRIMARY KEY (step_id, application_id),
      CONSTRAINT contest_screening_results_fail_has_note CHECK (passed OR length(note) > 0)
    );

    CREATE TABLE contest_jurors (
      contest_id bigint NOT NULL REFERENCES contests ON DELETE CASCADE,
      user_id bigint NOT NULL REFERENCES users,
      assigned_by bigint NOT NULL REFERENCES users,
      assigned_at timestamptz NOT NULL,
      PRIMARY KEY (contest_id, user_id)
    );

    -- Only someone holding the juror role at the contest's host can sit on its jury.
    CREATE FUNCTION contest_jurors_check_role() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM staff_roles r JOIN contests c ON c.host_id = r.host_id
                     WHERE c.id = NEW.contest_id AND r.user_id = NEW.user_id AND r.role = 'juror') THEN
        RAISE EXCEPTION 'user % is not a juror of the contest''s host', NEW.user_id USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_jurors_role';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER contest_jurors_check_role BEFORE INSERT OR UPDATE ON contest_jurors FOR EACH ROW EXECUTE FUNCTION contest_jurors_check_role();

    CREATE TABLE contest_conflicts (
      application_id bigint NOT NULL REFERENCES contest_applications ON DELETE CASCADE,
      juror_id bigint NOT NULL REFERENCES users,
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
      declared_at timestamptz NOT NULL,
      PRIMARY KEY (application_id, juror_id)
    );

    CREATE TABLE contest_jury_scores (
      application_id bigint NOT NULL REFERENCES contest_applications ON DELETE CASCADE,
      juror_id bigint NOT NULL REFERENCES users,
      criterion_id bigint NOT NULL REFERENCES contest_criteria,
      score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
      comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
      scored_at timestamptz NOT NULL,
      PRIMARY KEY (application_id, juror_id, criterion_id)
    );

    CREATE TABLE contest_peer_scores (
      application_id bigint NOT NULL REFERENCES contest_applications ON DELETE CASCADE,
      evaluator_application_id bigint NOT NULL REFERENCES contest_applications ON DELETE CASCADE,
      evaluator_user_id bigint NOT NULL REFERENCES users,
      criterion_id bigint NOT NULL REFERENCES contest_criteria,
      score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
      comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
      scored_at timestamptz NOT NULL,
      PRIMARY KEY (application_id, evaluator_application_id, criterion_id),
      CONSTRAINT contest_peer_scores_not_self CHECK (application_id <> evaluator_application_id)
    );
    CREATE INDEX contest_peer_scores_evaluator_idx ON contest_peer_scores (evaluator_application_id);

    -- Scores: only for a submitted application of an unselected contest, on that contest's
    -- criteria, by an assigned juror without a declared conflict. The juror's assignment row is
    -- locked so that a conflict declared at the same moment cannot slip past (see below).
    CREATE FUNCTION contest_jury_scores_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE app record;
    BEGIN
      SELECT a.contest_id, a.status, c.selected_at INTO app
        FROM contest_applications a JOIN contests c ON c.id = a.contest_id WHERE a.id = NEW.application_id;
      PERFORM 1 FROM contest_jurors WHERE contest_id = app.contest_id AND user_id = NEW.juror_id FOR UPDATE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'user % is not on the jury', NEW.juror_id USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_jury_scores_assigned';
      END IF;
      IF EXISTS (SELECT 1 FROM contest_conflicts WHERE application_id = NEW.application_id AND juror_id = NEW.juror_id) THEN
        RAISE EXCEPTION 'juror % declared a conflict of interest with application %', NEW.juror_id, NEW.application_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_jury_scores_conflict';
      END IF;
      IF app.status <> 'submitted' OR app.selected_at IS NOT NULL THEN
        RAISE EXCEPTION 'application % cannot be scored now', NEW.application_id USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_scores_open';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM contest_criteria WHERE id = NEW.criterion_id AND contest_id = app.contest_id) THEN
        RAISE EXCEPTION 'criterion % is not one of this contest''s', NEW.criterion_id USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_scores_criterion';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER contest_jury_scores_guard BEFORE INSERT OR UPDATE ON contest_jury_scores FOR EACH ROW EXECUTE FUNCTION contest_jury_scores_guard();

    CREATE FUNCTION contest_conflicts_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE contest bigint;
    BEGIN
      SELECT contest_id INTO contest FROM contest_applications WHERE id = NEW.application_id;
      PERFORM 1 FROM contest_jurors WHERE contest_id = contest AND user_id = NEW.juror_id FOR UPDATE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'user % is not on the jury', NEW.juror_id USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_jury_scores_assigned';
      END IF;
      IF EXISTS (SELECT 1 FROM contest_jury_scores WHERE application_id = NEW.application_id AND juror_id = NEW.juror_id) THEN
        RAISE EXCEPTION 'juror % already scored application %: withdraw the scores first', NEW.juror_id, NEW.application_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_conflicts_after_scoring';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER contest_conflicts_guard BEFORE INSERT OR UPDATE ON contest_conflicts FOR EACH ROW EXECUTE FUNCTION contest_conflicts_guard();

    -- Peer scores: between two different submitted applications of one contest with peer
    -- evaluation, by a member of the evaluating enterprise who is not also a member of the
    -- evaluated one (so nobody scores their own project through a second enterprise).
    CREATE FUNCTION contest_peer_scores_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE target record; evaluator record;
    BEGIN
      SELECT a.contest_id, a.status, a.enterprise_id, c.selected_at, c.peer_weight_pct INTO target
        FROM contest_applications a JOIN contests c ON c.id = a.contest_id WHERE a.id = NEW.application_id;
      SELECT contest_id, status, enterprise_id INTO evaluator FROM contest_applications WHERE id = NEW.evaluator_application_id;
      IF evaluator.contest_id <> target.contest_id OR evaluator.status <> 'submitted' OR target.status <> 'submitted'
         OR target.peer_weight_pct = 0 OR target.selected_at IS NOT NULL THEN
        RAISE EXCEPTION 'peer score not allowed here' USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_scores_open';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM enterprise_members WHERE enterprise_id = evaluator.enterprise_id AND user_id = NEW.evaluator_user_id)
         OR EXISTS (SELECT 1 FROM enterprise_members WHERE enterprise_id = target.enterprise_id AND user_id = NEW.evaluator_user_id) THEN
        RAISE EXCEPTION 'user % cannot peer-score application %', NEW.evaluator_user_id, NEW.application_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_peer_scores_not_self';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM contest_criteria WHERE id = NEW.criterion_id AND contest_id = target.contest_id) THEN
        RAISE EXCEPTION 'criterion % is not one of this contest''s', NEW.criterion_id USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_scores_criterion';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER contest_peer_scores_guard BEFORE INSERT OR UPDATE ON contest_peer_scores FOR EACH ROW EXECUTE FUNCTION contest_peer_scores_guard();

    -- Scores of a selected contest are the record: no later change or deletion.
    CREATE FUNCTION contest_scores_freeze() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF EXISTS (SELECT 1 FROM contest_applications a JOIN contests c ON c.id = a.contest_id
                 WHERE a.id = OLD.application_id AND c.selected_at IS NOT NULL) THEN
        RAISE EXCEPTION 'scores are final after selection' USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_scores_open';
      END IF;
      RETURN OLD;
    END $f$;
    CREATE TRIGGER contest_jury_scores_freeze BEFORE DELETE ON contest_jury_scores FOR EACH ROW EXECUTE FUNCTION contest_scores_freeze();
    CREATE TRIGGER contest_peer_scores_freeze BEFORE DELETE ON contest_peer_scores FOR EACH ROW EXECUTE FUNCTION contest_scores_freeze();

    -- Criteria are frozen once anyone has scored against them.
    CREATE FUNCTION contest_criteria_freeze() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE row_contest bigint := CASE WHEN TG_OP = 'INSERT' THEN NEW.contest_id ELSE OLD.contest_id END;
    BEGIN
      IF EXISTS (SELECT 1 FROM contest_jury_scores s JOIN contest_applications a ON a.id = s.application_id WHERE a.contest_id = row_contest)
         OR EXISTS (SELECT 1 FROM contest_peer_scores s JOIN contest_applications a ON a.id = s.application_id WHERE a.contest_id = row_contest) THEN
        RAISE EXCEPTION 'criteria of contest % are frozen: scoring has started', row_contest USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_criteria_frozen';
      END IF;
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $f$;
    CREATE TRIGGER contest_criteria_freeze BEFORE INSERT OR UPDATE OR DELETE ON contest_criteria FOR EACH ROW EXECUTE FUNCTION contest_criteria_freeze();

    -- Grants after a pitch contest. Versioned like loan products: a change is a new version.
    CREATE TABLE contest_grant_rules (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      contest_id bigint NOT NULL REFERENCES contests ON DELETE CASCADE,
      version integer NOT NULL CHECK (version >= 1),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      pool_won bigint NOT NULL CHECK (pool_won BETWEEN 1 AND 100000000000),
      cap_per_awardee_won bigint NOT NULL CHECK (cap_per_awardee_won >= 1),
      funding_source text NOT NULL CHECK (length(funding_source) BETWEEN 1 AND 200),
      eligible_expenses text[] NOT NULL CHECK (cardinality(eligible_expenses) BETWEEN 1 AND 30),
      period_from date,
      period_to date,
      is_current boolean NOT NULL DEFAULT true,
      created_by bigint REFERENCES users,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (contest_id, version),
      CHECK (cap_per_awardee_won <= pool_won),
      CHECK ((period_from IS NULL) = (period_to IS NULL) AND (period_to IS NULL OR period_to >= period_from))
    );
    CREATE UNIQUE INDEX contest_grant_rules_current_idx ON contest_grant_rules (contest_id) WHERE is_current;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE contest_grant_rules, contest_peer_scores, contest_jury_scores, contest_conflicts, contest_jurors,
      contest_screening_results, contest_screening_steps, contest_application_documents, contest_applications,
      contest_event_registrations, contest_events, contest_criteria;
    DROP FUNCTION contest_criteria_freeze, contest_scores_freeze, contest_peer_scores_guard, contest_conflicts_guard,
      contest_jury_scores_guard, contest_jurors_check_role, contest_applications_guard, contest_event_registrations_count, contest_events_guard_seats,
      contests_check_publish, contest_close_at;
    ALTER TABLE contests DROP CONSTRAINT contests_window, DROP CONSTRAINT contests_age_band,
      DROP CONSTRAINT contests_weights_sum, DROP COLUMN selected_by, DROP COLUMN selected_at, DROP COLUMN peer_weight_pct,
      DROP COLUMN jury_weight_pct, DROP COLUMN applications_close_on, DROP COLUMN applications_open_on, DROP COLUMN age_max,
      DROP COLUMN age_min, DROP COLUMN eligible_types, DROP COLUMN eligible_regions, DROP COLUMN fields;
  `.execute(db);
}
