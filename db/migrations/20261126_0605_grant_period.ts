import { sql, type Kysely } from "kysely";

// A grant's money is requested only inside the grant period of the rules its award was made
// under (inclusive Seoul calendar days; rules without a period have no limit). A request is
// dated by its created_at, which the app writes from its clock (real time plus the demo/test
// offset), as contest submissions are dated by submitted_at (0601); that date can never change
// afterwards, so a request cannot be moved into the period later.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION disbursements_grant_period_check() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      period record;
      requested_on date;
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        IF (OLD.grant_award_id IS NOT NULL OR NEW.grant_award_id IS NOT NULL)
           AND (NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.grant_award_id IS DISTINCT FROM OLD.grant_award_id) THEN
          RAISE EXCEPTION 'the date and award of grant disbursement % are fixed', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'disbursements_grant_request_fixed';
        END IF;
        RETURN NEW;
      END IF;
      IF NEW.grant_award_id IS NULL THEN
        RETURN NEW;
      END IF;
      SELECT r.period_from, r.period_to INTO period
        FROM grant_awards a JOIN contest_grant_rules r ON r.id = a.rules_id
        WHERE a.id = NEW.grant_award_id;
      IF period.period_from IS NULL THEN
        RETURN NEW;
      END IF;
      requested_on := (NEW.created_at AT TIME ZONE 'Asia/Seoul')::date;
      IF requested_on < period.period_from THEN
        RAISE EXCEPTION 'grant award % is spent from %, not on %', NEW.grant_award_id, period.period_from, requested_on
          USING ERRCODE = 'check_violation', CONSTRAINT = 'disbursements_grant_period_not_started';
      END IF;
      IF requested_on > period.period_to THEN
        RAISE EXCEPTION 'grant award % was spent until %, not on %', NEW.grant_award_id, period.period_to, requested_on
          USING ERRCODE = 'check_violation', CONSTRAINT = 'disbursements_grant_period_ended';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER disbursements_grant_period_check BEFORE INSERT OR UPDATE OF created_at, grant_award_id ON disbursements
      FOR EACH ROW EXECUTE FUNCTION disbursements_grant_period_check();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER disbursements_grant_period_check ON disbursements;
    DROP FUNCTION disbursements_grant_period_check;
  `.execute(db);
}
