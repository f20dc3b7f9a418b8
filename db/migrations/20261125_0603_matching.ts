import { sql, type Kysely } from "kysely";

// Matching funds in the money path. Who sponsors the pool (the host or a named company), and what
// the database refuses whatever the code does: a match that is not its pledge's (campaign,
// backer), outside the pool's round, on a closed pool, above the pledge × factor or a cap of its
// rule version (campaign and backer caps summed under the pool's row lock); a match moving
// backwards (released → committed, returned → anything); a rule version that skips a number or
// comes after the round closed; and re-opening a closed round.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE matching_pools ADD COLUMN sponsor_kind text NOT NULL DEFAULT 'host' CHECK (sponsor_kind IN ('host', 'company'));

    CREATE FUNCTION matches_check_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      pledge record;
      pool record;
      rules record;
      taken bigint;
    BEGIN
      -- The pool's row lock first: the sums below then see every committed match of the round.
      SELECT contest_id, closed_at INTO pool FROM matching_pools WHERE id = NEW.pool_id FOR UPDATE;
      IF pool.closed_at IS NOT NULL THEN
        RAISE EXCEPTION 'matching pool % is closed', NEW.pool_id USING ERRCODE = 'check_violation', CONSTRAINT = 'matches_pool_open';
      END IF;
      SELECT campaign_id, backer_id, amount_won INTO pledge FROM pledges WHERE id = NEW.pledge_id;
      IF pledge.campaign_id <> NEW.campaign_id OR pledge.backer_id <> NEW.backer_id THEN
        RAISE EXCEPTION 'match is not its pledge''s campaign and backer' USING ERRCODE = 'check_violation', CONSTRAINT = 'matches_of_pledge';
      END IF;
      IF NOT EXISTS (SELECT 1 FROM campaigns WHERE id = NEW.campaign_id AND contest_id = pool.contest_id) THEN
        RAISE EXCEPTION 'campaign % is not in the pool''s round', NEW.campaign_id USING ERRCODE = 'check_violation', CONSTRAINT = 'matches_in_round';
      END IF;
      SELECT * INTO rules FROM matching_rule_versions WHERE pool_id = NEW.pool_id AND version = NEW.rules_version;
      IF NEW.amount_won::numeric * 10000 > pledge.amount_won::numeric * rules.factor_bp THEN
        RAISE EXCEPTION 'match above pledge × factor' USING ERRCODE = 'check_violation', CONSTRAINT = 'matches_factor';
      END IF;
      IF rules.cap_per_pledge_won IS NOT NULL AND NEW.amount_won > rules.cap_per_pledge_won THEN
        RAISE EXCEPTION 'match above the cap per pledge' USING ERRCODE = 'check_violation', CONSTRAINT = 'matches_pledge_cap';
      END IF;
      IF rules.cap_per_campaign_won IS NOT NULL THEN
        SELECT coalesce(sum(amount_won), 0) INTO taken FROM matches WHERE campaign_id = NEW.campaign_id AND pool_id = NEW.pool_id AND state <> 'returned';
        IF taken + NEW.amount_won > rules.cap_per_campaign_won THEN
          RAISE EXCEPTION 'matches above the cap per campaign' USING ERRCODE = 'check_violation', CONSTRAINT = 'matches_campaign_cap';
        END IF;
      END IF;
      IF rules.cap_per_backer_won IS NOT NULL THEN
        SELECT coalesce(sum(amount_won), 0) INTO taken FROM matches WHERE backer_id = NEW.backer_id AND pool_id = NEW.pool_id AND state <> 'returned';
        IF taken + NEW.amount_won > rules.cap_per_backer_won THEN
          RAISE EXCEPTION 'matches above the cap per backer' USING ERRCODE = 'check_violation', CONSTRAINT = 'matches_backer_cap';
        END IF;
      END IF;
      RETURN NEW;
    END $f$;
    -- Fires before matches_track_pool (triggers run in name order), so the lock is taken here.
    CREATE TRIGGER matches_check_insert BEFORE INSERT ON matches FOR EACH ROW EXECUTE FUNCTION matches_check_insert();

    CREATE FUNCTION matches_check_transition() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NEW.state IS DISTINCT FROM OLD.state AND NOT (
           (OLD.state = 'committed' AND NEW.state IN ('released', 'returned'))
        OR (OLD.state = 'released' AND NEW.state = 'returned')) THEN
        RAISE EXCEPTION 'match % cannot move from % to %', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.campaign_id <> OLD.campaign_id OR NEW.backer_id <> OLD.backer_id OR NEW.rules_version <> OLD.rules_version OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'match % terms cannot change', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER matches_check_transition BEFORE UPDATE ON matches FOR EACH ROW EXECUTE FUNCTION matches_check_transition();

    CREATE FUNCTION matching_pools_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF OLD.closed_at IS NOT NULL AND NEW.closed_at IS DISTINCT FROM OLD.closed_at THEN
        RAISE EXCEPTION 'matching pool % is closed', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER matching_pools_guard BEFORE UPDATE ON matching_pools FOR EACH ROW EXECUTE FUNCTION matching_pools_guard();

    CREATE FUNCTION matching_rule_versions_check() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
    DECLARE
      pool record;
      latest integer;
    BEGIN
      SELECT closed_at INTO pool FROM matching_pools WHERE id = NEW.pool_id FOR UPDATE;
      IF pool.closed_at IS NOT NULL THEN
        RAISE EXCEPTION 'matching pool % is closed', NEW.pool_id USING ERRCODE = 'check_violation', CONSTRAINT = 'matching_rules_pool_open';
      END IF;
      SELECT coalesce(max(version), 0) INTO latest FROM matching_rule_versions WHERE pool_id = NEW.pool_id;
      IF NEW.version <> latest + 1 THEN
        RAISE EXCEPTION 'rule version % does not follow %', NEW.version, latest USING ERRCODE = 'check_violation', CONSTRAINT = 'matching_rules_next_version';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER matching_rule_versions_check BEFORE INSERT ON matching_rule_versions FOR EACH ROW EXECUTE FUNCTION matching_rule_versions_check();

    CREATE INDEX matches_pool_state_idx ON matches (pool_id, state);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX matches_pool_state_idx;
    DROP TRIGGER matching_rule_versions_check ON matching_rule_versions;
    DROP TRIGGER matching_pools_guard ON matching_pools;
    DROP TRIGGER matches_check_transition ON matches;
    DROP TRIGGER matches_check_insert ON matches;
    DROP FUNCTION matching_rule_versions_check, matching_pools_guard, matches_check_transition, matches_check_insert;
    ALTER TABLE matching_pools DROP COLUMN sponsor_kind;
  `.execute(db);
}
