import { sql, type Kysely } from "kysely";

// The programmes a host runs: contests with dated stages, campaigns (optionally in a contest
// and/or a series), and the self-sufficiency fund with its loan products. Later migrations add
// the workflow tables (applications, pledges, loans) that hang off these.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE contests (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,79}$'),
      host_id bigint NOT NULL REFERENCES host_organisations,
      kind text NOT NULL DEFAULT 'crowdfunding' CHECK (kind IN ('crowdfunding', 'pitch')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      purpose text NOT NULL DEFAULT '' CHECK (length(purpose) <= 2000),
      select_count integer CHECK (select_count BETWEEN 1 AND 1000),
      published boolean NOT NULL DEFAULT false,
      created_by bigint REFERENCES users,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX contests_host_idx ON contests (host_id);

    CREATE TABLE contest_stages (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      contest_id bigint NOT NULL REFERENCES contests ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('pre_workshop', 'application', 'screening', 'selection', 'jury',
        'consulting', 'campaign_window', 'results_meeting', 'pitch', 'grant_period')),
      starts_on date NOT NULL,
      ends_on date,
      note text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
      UNIQUE (contest_id, kind),
      CHECK (ends_on IS NULL OR ends_on >= starts_on)
    );

    CREATE TABLE campaign_series (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,79}$'),
      enterprise_id bigint NOT NULL REFERENCES enterprises,
      cause text NOT NULL CHECK (length(cause) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE campaigns (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,79}$'),
      enterprise_id bigint NOT NULL REFERENCES enterprises,
      contest_id bigint REFERENCES contests,
      series_id bigint REFERENCES campaign_series,
      series_round integer CHECK (series_round BETWEEN 1 AND 1000),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
      summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 300),
      story_md text NOT NULL DEFAULT '' CHECK (length(story_md) <= 50000),
      goal_won bigint NOT NULL CHECK (goal_won BETWEEN 10000 AND 10000000000),
      funding_model text NOT NULL DEFAULT 'all_or_nothing' CHECK (funding_model IN ('all_or_nothing', 'keep_it_all')),
      state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'in_review', 'changes_requested', 'approved',
        'live', 'succeeded', 'failed', 'cancelled')),
      starts_on date NOT NULL,
      ends_on date NOT NULL,
      created_by bigint REFERENCES users,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_on > starts_on),
      CHECK ((series_id IS NULL) = (series_round IS NULL)),
      UNIQUE (series_id, series_round)
    );
    CREATE INDEX campaigns_state_idx ON campaigns (state, ends_on);
    CREATE INDEX campaigns_enterprise_idx ON campaigns (enterprise_id);
    CREATE INDEX campaigns_contest_idx ON campaigns (contest_id);

    CREATE TABLE funds (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,79}$'),
      host_id bigint NOT NULL REFERENCES host_organisations,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    -- Versioned: a change inserts a new version; contracts keep the version they were made under.
    CREATE TABLE loan_products (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      fund_id bigint NOT NULL REFERENCES funds,
      code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,59}$'),
      version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      purpose text NOT NULL DEFAULT '' CHECK (length(purpose) <= 2000),
      cap_won bigint NOT NULL CHECK (cap_won BETWEEN 10000 AND 10000000000),
      rate_bp integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 2000),
      term_months integer NOT NULL CHECK (term_months BETWEEN 1 AND 360),
      repayment_method text NOT NULL CHECK (repayment_method IN ('bullet', 'equal_instalment', 'equal_principal')),
      grace_months integer NOT NULL DEFAULT 0 CHECK (grace_months >= 0),
      penalty_bp integer NOT NULL DEFAULT 300 CHECK (penalty_bp BETWEEN 0 AND 2000),
      eligible_types text[] NOT NULL DEFAULT ARRAY['self_sufficiency_enterprise'],
      is_current boolean NOT NULL DEFAULT true,
      created_by bigint REFERENCES users,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (fund_id, code, version),
      CHECK (grace_months < term_months)
    );
    CREATE UNIQUE INDEX loan_products_current_idx ON loan_products (fund_id, code) WHERE is_current;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE loan_products, funds, campaigns, campaign_series, contest_stages, contests;`.execute(db);
}
