import { sql, type Kysely } from "kysely";

// Consultants can be taken off a campaign. The only way to end an assignment is to record who
// ended it and when: inserting an unassignment row deletes the assignment in the same statement
// (the app role may no longer delete assignments itself). The comments the consultant wrote stay
// (they are append-only and do not depend on the assignment). A consultant comments only while
// assigned and still holding the consultant role at the campaign's host.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE campaign_consultant_unassignments (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id bigint NOT NULL REFERENCES campaigns ON DELETE CASCADE,
      consultant_id bigint NOT NULL REFERENCES users,
      -- Copied by the trigger from the assignment that ended.
      assigned_by bigint NOT NULL REFERENCES users,
      assigned_at timestamptz NOT NULL,
      unassigned_by bigint NOT NULL REFERENCES users,
      unassigned_at timestamptz NOT NULL
    );
    CREATE INDEX campaign_consultant_unassignments_campaign_idx ON campaign_consultant_unassignments (campaign_id, id);
    REVOKE UPDATE, DELETE, TRUNCATE ON campaign_consultant_unassignments FROM hamkke_app;
    REVOKE DELETE, TRUNCATE ON campaign_consultants FROM hamkke_app;

    CREATE FUNCTION campaign_consultant_unassignments_apply() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      ended record;
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM staff_roles WHERE user_id = NEW.unassigned_by AND host_id = campaign_host_id(NEW.campaign_id) AND role = 'operator') THEN
        RAISE EXCEPTION 'user % is not an operator of the host of campaign %', NEW.unassigned_by, NEW.campaign_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'campaign_consultant_unassignments_operator';
      END IF;
      DELETE FROM campaign_consultants WHERE campaign_id = NEW.campaign_id AND consultant_id = NEW.consultant_id
        RETURNING assigned_by, assigned_at INTO ended;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'user % is not assigned to campaign %', NEW.consultant_id, NEW.campaign_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'campaign_consultant_unassignments_assigned';
      END IF;
      NEW.assigned_by := ended.assigned_by;
      NEW.assigned_at := ended.assigned_at;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER campaign_consultant_unassignments_apply BEFORE INSERT ON campaign_consultant_unassignments
      FOR EACH ROW EXECUTE FUNCTION campaign_consultant_unassignments_apply();

    CREATE OR REPLACE FUNCTION campaign_consultations_check() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM campaign_consultants WHERE campaign_id = NEW.campaign_id AND consultant_id = NEW.author_id)
         OR NOT EXISTS (SELECT 1 FROM staff_roles WHERE user_id = NEW.author_id AND host_id = campaign_host_id(NEW.campaign_id) AND role = 'consultant') THEN
        RAISE EXCEPTION 'only a consultant assigned to campaign % can advise on it', NEW.campaign_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION campaign_consultations_check() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM campaign_consultants WHERE campaign_id = NEW.campaign_id AND consultant_id = NEW.author_id) THEN
        RAISE EXCEPTION 'only a consultant assigned to campaign % can advise on it', NEW.campaign_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    GRANT DELETE, TRUNCATE ON campaign_consultants TO hamkke_app;
    DROP TABLE campaign_consultant_unassignments;
    DROP FUNCTION campaign_consultant_unassignments_apply;
  `.execute(db);
}
