import { sql, type Kysely } from "kysely";

// A loan repayment paid online by a member of the borrowing enterprise: one row per payment the
// provider is asked for. It becomes a `loan_repayments` row (method 'online', the provider's
// payment id as reference) exactly once, whichever of the card form, the webhook or the
// reconciler sees the success first. A payment that succeeds but can no longer be applied (the
// loan changed meanwhile) is refunded, never left unaccounted.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE loan_online_payments (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      public_id text NOT NULL UNIQUE CHECK (public_id ~ '^lp_[A-Za-z0-9_-]{16,40}$'),
      loan_id bigint NOT NULL REFERENCES loans,
      started_by bigint NOT NULL REFERENCES users,
      amount_won bigint NOT NULL CHECK (amount_won BETWEEN 1 AND 10000000000),
      due_date date NOT NULL,
      provider text NOT NULL CHECK (provider IN ('demo', 'stripe')),
      idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 100),
      provider_intent_id text UNIQUE,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'superseded', 'recorded', 'refunded')),
      last_error text CHECK (length(last_error) <= 100),
      card_last4 text CHECK (card_last4 ~ '^[0-9]{4}$'),
      fee_won bigint CHECK (fee_won >= 0),
      repayment_id bigint UNIQUE REFERENCES loan_repayments,
      refund_id text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK ((state = 'recorded') = (repayment_id IS NOT NULL)),
      CHECK ((state = 'refunded') = (refund_id IS NOT NULL))
    );
    -- One payment the member is being asked to confirm per loan at a time.
    CREATE UNIQUE INDEX loan_online_payments_one_pending ON loan_online_payments (loan_id) WHERE state = 'pending';
    CREATE INDEX loan_online_payments_loan_idx ON loan_online_payments (loan_id, id);

    CREATE FUNCTION loan_online_payments_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF OLD.state IN ('recorded', 'refunded') THEN
        RAISE EXCEPTION 'online payment % is settled (%)', OLD.id, OLD.state USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.loan_id <> OLD.loan_id OR NEW.amount_won <> OLD.amount_won OR NEW.idempotency_key <> OLD.idempotency_key OR NEW.public_id <> OLD.public_id
        OR (OLD.provider_intent_id IS NOT NULL AND NEW.provider_intent_id IS DISTINCT FROM OLD.provider_intent_id) THEN
        RAISE EXCEPTION 'online payment % cannot change what was asked for', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      IF NEW.repayment_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM loan_repayments r WHERE r.id = NEW.repayment_id AND r.loan_id = NEW.loan_id AND r.method = 'online'
          AND r.external_reference = NEW.provider_intent_id AND r.amount_won = NEW.amount_won
      ) THEN
        RAISE EXCEPTION 'online payment % must be recorded as its own online repayment', OLD.id USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER loan_online_payments_guard BEFORE UPDATE ON loan_online_payments FOR EACH ROW EXECUTE FUNCTION loan_online_payments_guard();

    REVOKE DELETE, TRUNCATE ON loan_online_payments FROM hamkke_app;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE loan_online_payments;
    DROP FUNCTION loan_online_payments_guard;
  `.execute(db);
}
