import { sql, type Kysely } from "kysely";

// Consulting and grants on top of the rounds schema (0602). One campaign per selected
// application at most, and a grant's money spent only on its award's categories, never more
// than planned for each — under concurrent requests too (the award's row is locked while the
// category's total is read).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE UNIQUE INDEX contest_applications_campaign_idx ON contest_applications (campaign_id) WHERE campaign_id IS NOT NULL;

    -- A grant disbursement names one of its award's categories, and the requests still open or
    -- paid in that category never exceed what the award plans for it.
    CREATE FUNCTION disbursements_grant_category_check() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      planned bigint;
      committed bigint;
    BEGIN
      IF NEW.grant_award_id IS NULL THEN
        RETURN NEW;
      END IF;
      PERFORM 1 FROM grant_awards WHERE id = NEW.grant_award_id FOR NO KEY UPDATE;
      SELECT amount_won INTO planned FROM grant_award_lines WHERE award_id = NEW.grant_award_id AND expense_category = NEW.expense_category;
      IF planned IS NULL THEN
        RAISE EXCEPTION 'expense category % is not part of grant award %', NEW.expense_category, NEW.grant_award_id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'disbursements_grant_category';
      END IF;
      SELECT coalesce(sum(amount_won), 0) INTO committed FROM disbursements
        WHERE grant_award_id = NEW.grant_award_id AND expense_category = NEW.expense_category AND state IN ('requested', 'paid');
      IF committed + NEW.amount_won > planned THEN
        RAISE EXCEPTION 'grant award % category % would exceed its plan of %', NEW.grant_award_id, NEW.expense_category, planned
          USING ERRCODE = 'check_violation', CONSTRAINT = 'disbursements_grant_category_limit';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER disbursements_grant_category_check BEFORE INSERT ON disbursements FOR EACH ROW EXECUTE FUNCTION disbursements_grant_category_check();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER disbursements_grant_category_check ON disbursements;
    DROP FUNCTION disbursements_grant_category_check;
    DROP INDEX contest_applications_campaign_idx;
  `.execute(db);
}
