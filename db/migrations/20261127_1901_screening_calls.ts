import { sql, type Kysely } from "kysely";

// Calls decided by screening alone (decision 65) and training programmes whose applicants are
// people (decision 66). Two new contest kinds: `grant_call` (enterprises apply; everyone who passes
// every screening step is selected) and `training` (people apply through the centre; each
// application is a numbered intake entry for one course, with no personal data on the platform).
// The database refuses an application of the wrong shape for its contest, a changed intake entry,
// a kind changed once applications exist, and a screening selection of anyone who did not pass
// every step.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE contests DROP CONSTRAINT contests_kind_check;
    ALTER TABLE contests ADD CONSTRAINT contests_kind_check CHECK (kind IN ('crowdfunding', 'pitch', 'grant_call', 'training'));

    -- The certificate courses of a training programme.
    CREATE TABLE contest_courses (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      contest_id bigint NOT NULL REFERENCES contests ON DELETE CASCADE,
      position integer NOT NULL CHECK (position BETWEEN 1 AND 30),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
      note text NOT NULL DEFAULT '' CHECK (length(note) <= 300),
      UNIQUE (contest_id, position),
      UNIQUE (contest_id, title),
      UNIQUE (id, contest_id)
    );

    ALTER TABLE contest_applications
      ALTER COLUMN enterprise_id DROP NOT NULL,
      ADD COLUMN intake_no integer CHECK (intake_no BETWEEN 1 AND 100000),
      ADD COLUMN course_id bigint,
      ADD CONSTRAINT contest_applications_course_fk FOREIGN KEY (course_id, contest_id) REFERENCES contest_courses (id, contest_id),
      ADD CONSTRAINT contest_applications_one_applicant CHECK ((enterprise_id IS NULL) = (intake_no IS NOT NULL) AND (intake_no IS NULL) = (course_id IS NULL)),
      ADD CONSTRAINT contest_applications_intake_no_key UNIQUE (contest_id, intake_no),
      DROP CONSTRAINT contest_applications_submitted_complete,
      ADD CONSTRAINT contest_applications_submitted_complete CHECK (status = 'draft' OR intake_no IS NOT NULL
        OR (budget_won IS NOT NULL AND length(summary) > 0 AND length(social_value) > 0));

    -- 0601's guard, plus: the applicant fits the contest's kind, an intake entry never changes, and
    -- a call decided by screening selects only an application that passed every step.
    CREATE OR REPLACE FUNCTION contest_applications_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE c record;
    BEGIN
      SELECT kind, applications_open_on, applications_close_on, selected_at INTO c FROM contests WHERE id = NEW.contest_id;
      IF (c.kind = 'training') <> (NEW.intake_no IS NOT NULL) THEN
        RAISE EXCEPTION 'a training programme takes intake entries, other contests take enterprises' USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_applications_applicant_kind';
      END IF;
      IF TG_OP = 'UPDATE' AND OLD.status = 'submitted' THEN
        IF (NEW.contest_id, NEW.enterprise_id, NEW.intake_no, NEW.course_id, NEW.title, NEW.summary, NEW.social_value, NEW.budget_won, NEW.residence_district,
            NEW.representative_birth_date, NEW.status, NEW.eligible, NEW.submitted_at)
           IS DISTINCT FROM (OLD.contest_id, OLD.enterprise_id, OLD.intake_no, OLD.course_id, OLD.title, OLD.summary, OLD.social_value, OLD.budget_won,
            OLD.residence_district, OLD.representative_birth_date, OLD.status, OLD.eligible, OLD.submitted_at) THEN
          RAISE EXCEPTION 'application % was submitted and cannot change', OLD.id USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_applications_final';
        END IF;
        IF NEW.outcome = 'selected' AND OLD.outcome IS DISTINCT FROM 'selected' AND c.kind IN ('grant_call', 'training')
           AND EXISTS (SELECT 1 FROM contest_screening_steps s WHERE s.contest_id = NEW.contest_id
                       AND NOT EXISTS (SELECT 1 FROM contest_screening_results r WHERE r.step_id = s.id AND r.application_id = NEW.id AND r.passed)) THEN
          RAISE EXCEPTION 'application % did not pass every screening step', NEW.id USING ERRCODE = 'check_violation', CONSTRAINT = 'contest_applications_screened_selection';
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

    -- 0601's publish check, plus: calls decided by screening publish without criteria, and the kind
    -- (which fixes who applies) cannot change once anyone applied.
    CREATE OR REPLACE FUNCTION contests_check_publish() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE total integer;
    BEGIN
      IF NEW.kind <> OLD.kind AND EXISTS (SELECT 1 FROM contest_applications WHERE contest_id = NEW.id) THEN
        RAISE EXCEPTION 'contest % has applications: its kind is fixed', NEW.id USING ERRCODE = 'check_violation', CONSTRAINT = 'contests_kind_fixed';
      END IF;
      IF NEW.published AND NOT OLD.published THEN
        IF NEW.select_count IS NULL OR NEW.applications_close_on IS NULL THEN
          RAISE EXCEPTION 'contest % cannot be published without a window and a number to select', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'contests_published_complete';
        END IF;
        IF NEW.kind IN ('crowdfunding', 'pitch') THEN
          SELECT coalesce(sum(weight_pct), 0) INTO total FROM contest_criteria WHERE contest_id = NEW.id;
          IF total <> 100 THEN
            RAISE EXCEPTION 'contest % cannot be published: criteria weights sum to %', NEW.id, total USING ERRCODE = 'check_violation', CONSTRAINT = 'contests_criteria_sum';
          END IF;
        END IF;
      END IF;
      IF OLD.selected_at IS NOT NULL AND (NEW.selected_at IS DISTINCT FROM OLD.selected_at OR NEW.jury_weight_pct <> OLD.jury_weight_pct
          OR NEW.peer_weight_pct <> OLD.peer_weight_pct OR NEW.select_count IS DISTINCT FROM OLD.select_count) THEN
        RAISE EXCEPTION 'contest % was already selected', NEW.id USING ERRCODE = 'check_violation', CONSTRAINT = 'contests_selection_final';
      END IF;
      RETURN NEW;
    END $f$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION contests_check_publish() RETURNS trigger LANGUAGE plpgsql AS $f$
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
    CREATE OR REPLACE FUNCTION contest_applications_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
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
    DELETE FROM contest_applications WHERE enterprise_id IS NULL;
    ALTER TABLE contest_applications
      DROP CONSTRAINT contest_applications_submitted_complete,
      ADD CONSTRAINT contest_applications_submitted_complete CHECK (status = 'draft' OR (budget_won IS NOT NULL AND length(summary) > 0 AND length(social_value) > 0)),
      DROP CONSTRAINT contest_applications_intake_no_key,
      DROP CONSTRAINT contest_applications_one_applicant,
      DROP CONSTRAINT contest_applications_course_fk,
      DROP COLUMN course_id,
      DROP COLUMN intake_no,
      ALTER COLUMN enterprise_id SET NOT NULL;
    DROP TABLE contest_courses;
    ALTER TABLE contests DROP CONSTRAINT contests_kind_check;
    ALTER TABLE contests ADD CONSTRAINT contests_kind_check CHECK (kind IN ('crowdfunding', 'pitch'));
  `.execute(db);
}
