import { sql, type Kysely } from "kysely";

// A contest's round after selection: consultants on the campaign drafts, matching pools with
// versioned rules and their matches, and grant awards. The database refuses a consultant
// without the role, a match above the pool or twice for one pledge, and an award above the
// grant's cap or pool.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE campaign_consultants (
      campaign_id bigint NOT NULL REFERENCES campaigns ON DELETE CASCADE,
      consultant_id bigint NOT NULL REFERENCES users,
      assigned_by bigint NOT NULL REFERENCES users,
      assigned_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (campaign_id, consultant_id)
    );
    CREATE INDEX campaign_consultants_user_idx ON campaign_consultants (consultant_id);

    CREATE FUNCTION campaign_host_id(campaign bigint) RETURNS bigint LANGUAGE sql STABLE AS $f$
      SELECT coalesce(ct.host_id, e.host_id) FROM campaigns c JOIN enterprises e ON e.id = c.enterprise_id
      LEFT JOIN contests ct ON ct.id = c.contest_id WHERE c.id = campaign;
    $f$;

    CREATE FUNCTION campaign_consultants_check() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM staff_roles WHERE user_id = NEW.consultant_id AND host_id = campaign_host_id(NEW.campaign_id) AND role = 'consultant') THEN
        RAISE EXCEPTION 'user % is not a consultant of the campaign''s host', NEW.consultant_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER campaign_consultants_check BEFORE INSERT ON campaign_consultants FOR EACH ROW EXECUTE FUNCTION campaign_consultants_check();

    CREATE TABLE campaign_consultations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id bigint NOT NULL REFERENCES campaigns ON DELETE CASCADE,
      author_id bigint NOT NULL REFERENCES users,
      topic text NOT NULL CHECK (topic IN ('direction', 'content', 'rewards', 'other')),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
      requests_changes boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX campaign_consultations_campaign_idx ON campaign_consultations (campaign_id, id);
    REVOKE UPDATE, DELETE, TRUNCATE ON campaign_consultations FROM hamkke_app;

    CREATE FUNCTION campaign_consultations_check() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM campaign_consultants WHERE campaign_id = NEW.campaign_id AND consultant_id = NEW.author_id) THEN
        RAISE EXCEPTION 'only a consultant assigned to campaign % can advise on it', NEW.campaign_id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER campaign_consultations_check BEFORE INSERT ON campaign_consultations FOR EACH ROW EXECUTE FUNCTION campaign_consultations_check();

    -- Matching funds: a sponsor's pool for a contest round, its published rule versions, its matches.
    CREATE TABLE matching_pools (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      contest_id bigint NOT NULL UNIQUE REFERENCES contests,
      sponsor_name text NOT NULL CHECK (length(sponsor_name) BETWEEN 1 AND 120),
      total_won bigint NOT NULL CHECK (total_won BETWEEN 1 AND 100000000000),
      committed_won bigint NOT NULL DEFAULT 0,
      created_by bigint NOT NULL REFERENCES users,
      created_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz,
      -- Σ live matches (committed or released, not returned) never exceeds the pool.
      CONSTRAINT matching_pools_not_overcommitted CHECK (committed_won BETWEEN 0 AND total_won)
    );
    REVOKE DELETE, TRUNCATE ON matching_pools FROM hamkke_app;

    CREATE TABLE matching_rule_versions (
      pool_id bigint NOT NULL REFERENCES matching_pools,
      version integer NOT NULL CHECK (version >= 1),
      factor_bp integer NOT NULL CHECK (factor_bp BETWEEN 1 AND 100000),
      cap_per_pledge_won bigint CHECK (cap_per_pledge_won >= 1),
      cap_per_campaign_won bigint CHECK (cap_per_campaign_won >= 1),
      cap_per_backer_won bigint CHECK (cap_per_backer_won >= 1),
      min_distinct_backers integer NOT NULL DEFAULT 0 CHECK (min_distinct_backers BETWEEN 0 AND 100000),
      threshold_bp integer NOT NULL DEFAULT 0 CHECK (threshold_bp BETWEEN 0 AND 10000),
      allocation text NOT NULL CHECK (allocation IN ('first_come', 'reserved')),
      published_by bigint NOT NULL REFERENCES users,
      published_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (pool_id, version)
    );
    REVOKE UPDATE, DELETE, TRUNCATE ON matching_rule_versions FROM hamkke_app;

    CREATE TABLE matches (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      pool_id bigint NOT NULL REFERENCES matching_pools,
      pledge_id bigint NOT NULL UNIQUE REFERENCES pledges,
      campaign_id bigint NOT NULL REFERENCES campaigns,
      backer_id bigint NOT NULL REFERENCES users,
      amount_won bigint NOT NULL CHECK (amount_won >= 1),
      rules_version integer NOT NULL,
      state text NOT NULL DEFAULT 'committed' CHECK (state IN ('committed', 'released', 'returned')),
      created_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      FOREIGN KEY (pool_id, rules_version) REFERENCES matching_rule_versions (pool_id, version)
    );
    CREATE INDEX matches_campaign_idx ON matches (campaign_id, state);
    CREATE INDEX matches_backer_idx ON matches (pool_id, backer_id, state);
    REVOKE DELETE, TRUNCATE ON matches FROM hamkke_app;

    -- The pool's committed total follows its matches, in the same statement, under the row lock.
    CREATE FUNCTION matches_track_pool() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      delta bigint := 0;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'committed' THEN
          RAISE EXCEPTION 'a match starts committed' USING ERRCODE = 'check_violation';
        END IF;
        delta := NEW.amount_won;
      ELSE
        IF NEW.amount_won <> OLD.amount_won OR NEW.pledge_id <> OLD.pledge_id OR NEW.pool_id <> OLD.pool_id THEN
          RAISE EXCEPTION 'match % terms cannot change', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.state = 'returned' AND NEW.state <> 'returned' THEN
          RAISE EXCEPTION 'match % was returned', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        IF OLD.state <> 'returned' AND NEW.state = 'returned' THEN
          delta := -OLD.amount_won;
        END IF;
      END IF;
      IF delta <> 0 THEN
        UPDATE matching_pools SET committed_won = committed_won + delta WHERE id = NEW.pool_id;
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER matches_track_pool BEFORE INSERT OR UPDATE ON matches FOR EACH ROW EXECUTE FUNCTION matches_track_pool();
    REVOKE UPDATE ON matching_pools FROM hamkke_app;
    GRANT UPDATE (closed_at) ON matching_pools TO hamkke_app;

    -- Grants after a pitch contest: one award per selected application, split by expense category.
    CREATE TABLE grant_awards (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      contest_id bigint NOT NULL REFERENCES contests,
      application_id bigint NOT NULL UNIQUE REFERENCES contest_applications,
      enterprise_id bigint NOT NULL REFERENCES enterprises,
      rules_id bigint NOT NULL REFERENCES contest_grant_rules,
      amount_won bigint NOT NULL CHECK (amount_won >= 1),
      awarded_by bigint NOT NULL REFERENCES users,
      awarded_at timestamptz NOT NULL DEFAULT now(),
      ledger_seq bigint NOT NULL REFERENCES journal_entries (seq)
    );
    REVOKE UPDATE, DELETE, TRUNCATE ON grant_awards FROM hamkke_app;

    CREATE TABLE grant_award_lines (
      award_id bigint NOT NULL REFERENCES grant_awards,
      expense_category text NOT NULL,
      amount_won bigint NOT NULL CHECK (amount_won >= 1),
      PRIMARY KEY (award_id, expense_category)
    );
    REVOKE UPDATE, DELETE, TRUNCATE ON grant_award_lines FROM hamkke_app;

    -- An award stays within its rules: the cap per awardee and, with the others, the pool.
    CREATE FUNCTION grant_awards_check() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      rules record;
      awarded bigint;
    BEGIN
      SELECT pool_won, cap_per_awardee_won, contest_id INTO rules FROM contest_grant_rules WHERE id = NEW.rules_id;
      IF rules.contest_id <> NEW.contest_id THEN
        RAISE EXCEPTION 'grant rules % are not the rules of contest %', NEW.rules_id, NEW.contest_id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.amount_won > rules.cap_per_awardee_won THEN
        RAISE EXCEPTION 'award above the cap per awardee' USING ERRCODE = 'check_violation', CONSTRAINT = 'grant_awards_cap';
      END IF;
      PERFORM 1 FROM contests WHERE id = NEW.contest_id FOR UPDATE;
      SELECT coalesce(sum(amount_won), 0) INTO awarded FROM grant_awards WHERE contest_id = NEW.contest_id;
      IF awarded + NEW.amount_won > rules.pool_won THEN
        RAISE EXCEPTION 'awards above the grant pool' USING ERRCODE = 'check_violation', CONSTRAINT = 'grant_awards_pool';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM contest_applications WHERE id = NEW.application_id AND contest_id = NEW.contest_id AND outcome = 'selected') THEN
        RAISE EXCEPTION 'only a selected application can be awarded' USING ERRCODE = 'check_violation', CONSTRAINT = 'grant_awards_selected';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER grant_awards_check BEFORE INSERT ON grant_awards FOR EACH ROW EXECUTE FUNCTION grant_awards_check();

    ALTER TABLE disbursements ADD CONSTRAINT disbursements_grant_award_fk FOREIGN KEY (grant_award_id) REFERENCES grant_awards;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE disbursements DROP CONSTRAINT disbursements_grant_award_fk;
    DROP TABLE grant_award_lines, grant_awards, matches, matching_rule_versions, matching_pools, campaign_consultations, campaign_consultants;
    DROP FUNCTION grant_awards_check, matches_track_pool, campaign_consultations_check, campaign_consultants_check, campaign_host_id;
  `.execute(db);
}
