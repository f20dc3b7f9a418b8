import { sql, type Kysely } from "kysely";

// Korean payment methods (domestic cards through the issuer's app, Kakao Pay, Naver Pay, PAYCO,
// Samsung Pay) beside cards: each pledge and online loan payment records the method type it was
// paid or saved with. The database refuses what Stripe cannot do: saving PAYCO or Samsung Pay
// for a later charge (all-or-nothing), and a Samsung Pay payment above 2,000,000 won. The demo
// provider's intents remember the methods they allow, the one being confirmed and where its
// approval page returns the payer.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE pledges
      ADD COLUMN payment_method_type text
        CHECK (payment_method_type IN ('kr_card', 'kakao_pay', 'naver_pay', 'payco', 'samsung_pay', 'card')),
      ADD CONSTRAINT pledges_saved_method_can_be_charged_later
        CHECK (funding_model <> 'all_or_nothing' OR payment_method_type IS NULL OR payment_method_type IN ('kr_card', 'kakao_pay', 'naver_pay', 'card')),
      ADD CONSTRAINT pledges_samsung_pay_limit
        CHECK (payment_method_type IS DISTINCT FROM 'samsung_pay' OR amount_won <= 2000000);
    UPDATE pledges SET payment_method_type = 'card' WHERE provider_payment_method_id IS NOT NULL OR collected_at IS NOT NULL;

    ALTER TABLE loan_online_payments
      ADD COLUMN payment_method_type text
        CHECK (payment_method_type IN ('kr_card', 'kakao_pay', 'naver_pay', 'payco', 'samsung_pay', 'card')),
      ADD CONSTRAINT loan_online_payments_samsung_pay_limit
        CHECK (payment_method_type IS DISTINCT FROM 'samsung_pay' OR amount_won <= 2000000);
    -- Settled rows are frozen by their guard; before this migration every online payment was a card.
    ALTER TABLE loan_online_payments DISABLE TRIGGER loan_online_payments_guard;
    UPDATE loan_online_payments SET payment_method_type = 'card' WHERE state = 'recorded' OR card_last4 IS NOT NULL;
    ALTER TABLE loan_online_payments ENABLE TRIGGER loan_online_payments_guard;

    ALTER TABLE demo_payment_intents
      ADD COLUMN method_types text[] NOT NULL DEFAULT '{card}',
      ADD COLUMN method_type text,
      ADD COLUMN return_url text CHECK (length(return_url) <= 2000);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE demo_payment_intents DROP COLUMN method_types, DROP COLUMN method_type, DROP COLUMN return_url;
    ALTER TABLE loan_online_payments DROP COLUMN payment_method_type;
    ALTER TABLE pledges DROP COLUMN payment_method_type;
  `.execute(db);
}
