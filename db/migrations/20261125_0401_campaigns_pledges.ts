import { sql, type Kysely } from "kysely";

// Campaign editing and review, budget lines, rewards, updates, pledges, offline donations and the
// payment-event inbox. The database holds the rules that must never break: the campaign state
// machine, budget lines summing to the goal once submitted, rewards never over-claimed, pledge
// transitions, one pledge per idempotency key and one effect per provider event.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE campaigns
      ADD COLUMN cover_file_id bigint REFERENCES stored_files,
      ADD COLUMN submitted_at timestamptz,
      ADD COLUMN approved_at timestamptz,
      ADD COLUMN approved_by bigint REFERENCES users,
      ADD COLUMN went_live_at timestamptz,
      ADD COLUMN closed_at timestamptz,
      ADD COLUMN settlement text NOT NULL DEFAULT 'open' CHECK (settlement IN ('open', 'charging', 'settled')),
      ADD COLUMN collection_deadline timestamptz,
      ADD COLUMN settled_at timestamptz;

    CREATE TABLE campaign_state_transitions (
      from_state text NOT NULL,
      to_state text NOT NULL,
      PRIMARY KEY (from_state, to_state)
    );
    INSERT INTO campaign_state_transitions (from_state, to_state) VALUES
      ('draft', 'in_review'), ('in_review', 'changes_requested'), ('changes_requested', 'in_review'),
      ('in_review', 'approved'), ('approved', 'live'), ('live', 'succeeded'), ('live', 'failed'),
      ('draft', 'cancelled'), ('in_review', 'cancelled'), ('changes_requested', 'cancelled'),
      ('approved', 'cancelled'), ('live', 'cancelled');
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON campaign_state_transitions FROM hamkke_app;

    CREATE TABLE budget_lines (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id bigint NOT NULL REFERENCES campaigns ON DELETE CASCADE,
      position integer NOT NULL DEFAULT 0,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      amount_won bigint NOT NULL CHECK (amount_won BETWEEN 1 AND 10000000000),
      required boolean NOT NULL DEFAULT true,
      explanation text NOT NULL DEFAULT '' CHECK (length(explanation) <= 2000)
    );
    CREATE INDEX budget_lines_campaign_idx ON budget_lines (campaign_id, position);

    CREATE TABLE rewards (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id bigint NOT NULL REFERENCES campaigns ON DELETE CASCADE,
      position integer NOT NULL DEFAULT 0,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
      min_amount_won bigint NOT NULL CHECK (min_amount_won BETWEEN 1000 AND 100000000),
      quantity_limit integer CHECK (quantity_limit BETWEEN 1 AND 1000000),
      claimed_count integer NOT NULL DEFAULT 0 CHECK (claimed_count >= 0),
      delivery_month text CHECK (delivery_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
      CONSTRAINT rewards_never_over_claimed CHECK (quantity_limit IS NULL OR claimed_count <= quantity_limit)
    );
    CREATE INDEX rewards_campaign_idx ON rewards (campaign_id, position);

    CREATE TABLE campaign_reviews (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id bigint NOT NULL REFERENCES campaigns ON DELETE CASCADE,
      reviewer_id bigint NOT NULL REFERENCES users,
      decision text NOT NULL CHECK (decision IN ('approved', 'changes_requested')),
      comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 5000),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (decision = 'approved' OR length(comment) > 0)
    );
    CREATE INDEX campaign_reviews_campaign_idx ON campaign_reviews (campaign_id, id);

    CREATE TABLE campaign_updates (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id bigint NOT NULL REFERENCES campaigns ON DELETE CASCADE,
      author_id bigint NOT NULL REFERENCES users,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
      body_md text NOT NULL CHECK (length(body_md) BETWEEN 1 AND 20000),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX campaign_updates_campaign_idx ON campaign_updates (campaign_id, id);

    -- The one place the campaign state machine lives in the database: any other move is refused,
    -- and a campaign leaves the draft only with budget lines that add up to its goal.
    CREATE FUNCTION campaigns_guard_state() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      budget_total numeric;
    BEGIN
      IF NEW.state IS DISTINCT FROM OLD.state THEN
        IF NOT EXISTS (SELECT 1 FROM campaign_state_transitions WHERE from_state = OLD.state AND to_state = NEW.state) THEN
          RAISE EXCEPTION 'campaign % cannot move from % to %', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.state = 'in_review' THEN
          SELECT coalesce(sum(amount_won), 0) INTO budget_total FROM budget_lines WHERE campaign_id = NEW.id;
          IF budget_total <> NEW.goal_won THEN
            RAISE EXCEPTION 'campaign % budget lines sum to % but the goal is %', NEW.id, budget_total, NEW.goal_won
              USING ERRCODE = 'check_violation';
          END IF;
        END IF;
      END IF;
      IF OLD.state NOT IN ('draft', 'changes_requested') AND (NEW.goal_won <> OLD.goal_won
          OR NEW.funding_model <> OLD.funding_model OR NEW.starts_on <> OLD.starts_on OR NEW.ends_on <> OLD.ends_on) THEN
        RAISE EXCEPTION 'campaign % terms are fixed once submitted', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER campaigns_guard_state BEFORE UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION campaigns_guard_state();

    -- Budget lines and rewards are edited only while the campaign is a draft or being revised
    -- (a reward's claimed count and a line's explanation change later, through their own paths).
    CREATE FUNCTION campaign_parts_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    DECLARE
      owner_state text;
    BEGIN
      SELECT state INTO owner_state FROM campaigns WHERE id = coalesce(NEW.campaign_id, OLD.campaign_id);
      IF owner_state IN ('draft', 'changes_requested') THEN
        RETURN coalesce(NEW, OLD);
      END IF;
      IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'rewards' AND NEW.title = OLD.title AND NEW.min_amount_won = OLD.min_amount_won
         AND NEW.quantity_limit IS NOT DISTINCT FROM OLD.quantity_limit AND NEW.description = OLD.description
         AND NEW.delivery_month IS NOT DISTINCT FROM OLD.delivery_month THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'budget_lines' AND NEW.name = OLD.name AND NEW.amount_won = OLD.amount_won
         AND NEW.required = OLD.required THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION '% of campaign in state % cannot be changed', TG_TABLE_NAME, owner_state USING ERRCODE = 'check_violation';
    END $f$;
    CREATE TRIGGER budget_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON budget_lines FOR EACH ROW EXECUTE FUNCTION campaign_parts_guard();
    CREATE TRIGGER rewards_guard BEFORE INSERT OR UPDATE OR DELETE ON rewards FOR EACH ROW EXECUTE FUNCTION campaign_parts_guard();

    CREATE TABLE pledges (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      public_id text NOT NULL UNIQUE CHECK (public_id ~ '^[A-Za-z0-9_-]{16,64}$'),
      campaign_id bigint NOT NULL REFERENCES campaigns,
      backer_id bigint NOT NULL REFERENCES users,
      backer_kind text NOT NULL CHECK (backer_kind IN ('individual', 'company')),
      company_name text CHECK (length(company_name) BETWEEN 1 AND 100),
      business_number text CHECK (business_number ~ '^[0-9]{3}-[0-9]{2}-[0-9]{5}$'),
      kind text NOT NULL CHECK (kind IN ('sponsorship', 'donation', 'investment')),
      amount_won bigint NOT NULL CHECK (amount_won BETWEEN 1000 AND 100000000),
      reward_id bigint REFERENCES rewards,
      message text NOT NULL DEFAULT '' CHECK (length(message) <= 500),
      anonymous boolean NOT NULL DEFAULT false,
      funding_model text NOT NULL CHECK (funding_model IN ('all_or_nothing', 'keep_it_all')),
      state text NOT NULL CHECK (state IN ('pending_authorization', 'saved', 'charging', 'collected', 'collection_failed',
        'failed', 'cancelled', 'released', 'refunded')),
      provider text NOT NULL CHECK (provider IN ('demo', 'stripe')),
      provider_customer_id text,
      provider_payment_method_id text,
      provider_setup_intent_id text UNIQUE,
      provider_payment_intent_id text UNIQUE,
      card_last4 text CHECK (card_last4 ~ '^[0-9]{4}$'),
      charge_attempts integer NOT NULL DEFAULT 0 CHECK (charge_attempts >= 0),
      next_charge_at timestamptz,
      last_error text,
      fee_won bigint CHECK (fee_won >= 0),
      refund_requested_at timestamptz,
      refund_reason text,
      idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 100),
      request_hash text NOT NULL,
      receipt_secret text NOT NULL CHECK (receipt_secret ~ '^[A-Za-z0-9_-]{20,64}$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      collected_at timestamptz,
      UNIQUE (backer_id, idempotency_key),
      CHECK (kind <> 'donation' OR reward_id IS NULL),
      CHECK ((backer_kind = 'company') = (company_name IS NOT NULL)),
      CHECK (fee_won IS NULL OR fee_won <= amount_won)
    );
    CREATE INDEX pledges_campaign_state_idx ON pledges (campaign_id, state);
    CREATE INDEX pledges_backer_idx ON pledges (backer_id, id);
    CREATE INDEX pledges_charge_due_idx ON pledges (next_charge_at) WHERE state IN ('saved', 'collection_failed');
    CREATE INDEX pledges_charging_idx ON pledges (updated_at) WHERE state IN ('charging', 'pending_authorization');
    CREATE INDEX pledges_refund_idx ON pledges (refund_requested_at) WHERE refund_requested_at IS NOT NULL AND state = 'collected';

    CREATE TABLE pledge_state_transitions (
      from_state text NOT NULL,
      to_state text NOT NULL,
      PRIMARY KEY (from_state, to_state)
    );
    INSERT INTO pledge_state_transitions (from_state, to_state) VALUES
      ('pending_authorization', 'saved'), ('pending_authorization', 'charging'), ('pending_authorization', 'collected'),
      ('pending_authorization', 'failed'), ('pending_authorization', 'cancelled'),
      ('saved', 'charging'), ('saved', 'cancelled'), ('saved', 'released'),
      ('charging', 'collected'), ('charging', 'collection_failed'), ('charging', 'failed'),
      ('collection_failed', 'charging'), ('collection_failed', 'released'),
      ('collected', 'refunded');
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON pledge_state_transitions FROM hamkke_app;

    -- Each pledge resolves at most once: only listed moves are allowed, and a resolved pledge
    -- (collected, failed, cancelled, released, refunded) never changes its amount or campaign.
    CREATE FUNCTION pledges_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF NEW.state IS DISTINCT FROM OLD.state
         AND NOT EXISTS (SELECT 1 FROM pledge_state_transitions WHERE from_state = OLD.state AND to_state = NEW.state) THEN
        RAISE EXCEPTION 'pledge % cannot move from % to %', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.amount_won <> OLD.amount_won OR NEW.campaign_id <> OLD.campaign_id OR NEW.backer_id <> OLD.backer_id
         OR NEW.reward_id IS DISTINCT FROM OLD.reward_id OR NEW.request_hash <> OLD.request_hash THEN
        RAISE EXCEPTION 'pledge % terms cannot change', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER pledges_guard BEFORE UPDATE ON pledges FOR EACH ROW EXECUTE FUNCTION pledges_guard();
    REVOKE DELETE, TRUNCATE ON pledges FROM hamkke_app;

    CREATE TABLE offline_donations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      campaign_id bigint NOT NULL REFERENCES campaigns,
      recorded_by bigint NOT NULL REFERENCES users,
      source text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
      amount_won bigint NOT NULL CHECK (amount_won BETWEEN 1 AND 10000000000),
      received_on date NOT NULL,
      evidence_file_id bigint REFERENCES stored_files,
      idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 100),
      ledger_seq bigint NOT NULL REFERENCES journal_entries (seq),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX offline_donations_campaign_idx ON offline_donations (campaign_id);
    REVOKE UPDATE, DELETE, TRUNCATE ON offline_donations FROM hamkke_app;

    -- Provider events are handled once: the row is written in the same transaction as the effect.
    CREATE TABLE payment_events (
      event_id text PRIMARY KEY CHECK (length(event_id) BETWEEN 3 AND 255),
      provider text NOT NULL CHECK (provider IN ('demo', 'stripe')),
      type text NOT NULL,
      object_id text,
      received_at timestamptz NOT NULL DEFAULT now(),
      outcome text NOT NULL CHECK (length(outcome) <= 200)
    );
    REVOKE UPDATE, DELETE, TRUNCATE ON payment_events FROM hamkke_app;

    -- The built-in demo payment provider keeps its intents here (it plays the card network when no
    -- Stripe key is configured). Card numbers are never stored: only the last four digits.
    CREATE TABLE demo_payment_intents (
      id text PRIMARY KEY CHECK (id ~ '^(seti|pi|re)_demo_[A-Za-z0-9_-]{8,64}$'),
      kind text NOT NULL CHECK (kind IN ('setup', 'payment', 'refund')),
      status text NOT NULL CHECK (status IN ('requires_payment_method', 'requires_action', 'processing', 'succeeded', 'canceled')),
      customer_id text NOT NULL,
      amount_won bigint CHECK (amount_won > 0),
      payment_method_id text,
      card_last4 text,
      pending_method_id text,
      fee_won bigint CHECK (fee_won >= 0),
      decline_code text,
      target_id text,
      idempotency_key text UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE demo_payment_intents, payment_events, offline_donations, pledges, pledge_state_transitions, campaign_updates, campaign_reviews,
      rewards, budget_lines, campaign_state_transitions;
    DROP FUNCTION campaigns_guard_state, campaign_parts_guard, pledges_guard;
    ALTER TABLE campaigns DROP COLUMN cover_file_id, DROP COLUMN submitted_at, DROP COLUMN approved_at,
      DROP COLUMN approved_by, DROP COLUMN went_live_at, DROP COLUMN closed_at, DROP COLUMN settlement,
      DROP COLUMN collection_deadline, DROP COLUMN settled_at;
  `.execute(db);
}
