import { sql, type Kysely } from "kysely";

// The processor's references on a pledge (its intents, its customer) are on no public page, but
// writing them moved the data version (decision 45) like any other change: every visit of a
// payment page re-linked its intent and so made every cached public page render again. An update
// of a pledge now moves the version only when something else in the row changes; a new column
// counts as shown until it is added to the list.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION pledge_as_shown(p pledges) RETURNS jsonb LANGUAGE sql STABLE AS $f$
      SELECT pg_catalog.to_jsonb(p) OPERATOR(pg_catalog.-) ARRAY['provider_setup_intent_id', 'provider_payment_intent_id', 'provider_customer_id']
    $f$;
    REVOKE ALL ON FUNCTION pledge_as_shown(pledges) FROM PUBLIC;

    DROP TRIGGER page_data_changed ON pledges;
    CREATE TRIGGER page_data_changed BEFORE INSERT OR DELETE ON pledges FOR EACH ROW
      WHEN (pg_catalog.current_setting('hamkke.page_data_bumped', true) IS DISTINCT FROM 'on')
      EXECUTE FUNCTION page_data_changed();
    CREATE TRIGGER page_data_changed_on_update BEFORE UPDATE ON pledges FOR EACH ROW
      WHEN (pg_catalog.current_setting('hamkke.page_data_bumped', true) IS DISTINCT FROM 'on' AND pledge_as_shown(OLD) IS DISTINCT FROM pledge_as_shown(NEW))
      EXECUTE FUNCTION page_data_changed();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER page_data_changed_on_update ON pledges;
    DROP TRIGGER page_data_changed ON pledges;
    SELECT page_data_track('pledges'::regclass);
    DROP FUNCTION pledge_as_shown(pledges);
  `.execute(db);
}
