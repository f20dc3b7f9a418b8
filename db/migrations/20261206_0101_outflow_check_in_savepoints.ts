import { sql, type Kysely } from "kysely";

// Money leaving an account that may not go negative was checked only when the transaction's own
// waiting lines on it summed below zero, and they were found by `xmin = pg_current_xact_id()`.
// A row written inside a savepoint carries the savepoint's own transaction id, so an outflow made
// in a savepoint (an online loan repayment records in one) counted as nothing and was not checked.
// The check now runs whenever the lines of the statement that inserts them take money out of
// such an account, net; it still counts every waiting line the statement can see, its own
// transaction's included, under the account's lock. The function's settings are those of
// decision 78 (one generic plan per connection, no sequential scans).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION ledger_after_lines_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $f$
    DECLARE
      account record;
      statement_net bigint;
      available bigint;
      bad record;
      touched bigint[];
    BEGIN
      -- The entries this statement touched, as an array: a transition table has no statistics, and
      -- joined to a large table it was planned as a scan of all of it.
      SELECT array_agg(DISTINCT nl.entry_id) INTO touched FROM new_lines nl;
      IF EXISTS (SELECT 1 FROM new_lines nl WHERE nl.entry_seq IS NOT NULL)
         OR EXISTS (SELECT 1 FROM journal_entries e WHERE e.id = ANY (touched) AND e.seq IS NOT NULL) THEN
        RAISE EXCEPTION 'lines are added only to journal entries not yet sequenced' USING ERRCODE = 'insufficient_privilege';
      END IF;

      -- Each touched entry's lines are exactly those its canonical text states...
      WITH stated AS (
        SELECT e.id AS entry_id, t.ord::smallint AS line_no, t.l->>'account' AS code, (t.l->>'amount_won')::bigint AS amount_won
        FROM journal_entries e,
             jsonb_array_elements((e.canonical_before_seq || '0' || e.canonical_after_seq)::jsonb->'lines') WITH ORDINALITY AS t(l, ord)
        WHERE e.id = ANY (touched)
      ), stored AS (
        SELECT jl.entry_id, jl.line_no, a.code, jl.amount_won
        FROM journal_lines jl JOIN ledger_accounts a ON a.id = jl.account_id
        WHERE jl.entry_id = ANY (touched)
      )
      SELECT d.entry_id INTO bad FROM ((SELECT * FROM stated EXCEPT SELECT * FROM stored) UNION ALL (SELECT * FROM stored EXCEPT SELECT * FROM stated)) d
      ORDER BY d.entry_id LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'journal entry % lines disagree with its canonical text', bad.entry_id USING ERRCODE = 'check_violation';
      END IF;
      -- ... and they are at least two and balance.
      SELECT jl.entry_id, count(*) AS line_count, sum(jl.amount_won) AS line_sum INTO bad
      FROM journal_lines jl WHERE jl.entry_id = ANY (touched)
      GROUP BY jl.entry_id HAVING count(*) < 2 OR sum(jl.amount_won) <> 0
      ORDER BY jl.entry_id LIMIT 1;
      IF FOUND AND bad.line_count < 2 THEN
        RAISE EXCEPTION 'journal entry % has % line(s); at least 2 are required', bad.entry_id, bad.line_count USING ERRCODE = 'check_violation';
      ELSIF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance (sum %)', bad.entry_id, bad.line_sum USING ERRCODE = 'check_violation';
      END IF;

      FOR account IN
        SELECT a.id, a.code FROM ledger_accounts a
        WHERE NOT a.may_go_negative AND a.id IN (SELECT nl.account_id FROM new_lines nl WHERE nl.amount_won < 0)
        ORDER BY a.id
      LOOP
        SELECT coalesce(sum(nl.amount_won), 0) INTO statement_net FROM new_lines nl WHERE nl.account_id = account.id;
        CONTINUE WHEN statement_net >= 0;
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'money leaves ledger account % only in a READ COMMITTED transaction', account.code USING ERRCODE = 'check_violation';
        END IF;
        PERFORM pg_advisory_xact_lock(1279608903, (account.id % 2147483647)::integer);
        SELECT a.balance_won + coalesce((SELECT sum(jl.amount_won) FROM journal_lines jl WHERE jl.account_id = a.id AND jl.entry_seq IS NULL), 0)
          INTO available FROM ledger_accounts a WHERE a.id = account.id;
        IF available < 0 THEN
          RAISE EXCEPTION 'ledger account % would go negative (%)', account.code, available
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_accounts_balance_not_negative';
        END IF;
      END LOOP;
      RETURN NULL;
    END $f$;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("20261206_0101_outflow_check_in_savepoints is not undone: a migration that restores the xmin test would reopen the hole it closed");
}
