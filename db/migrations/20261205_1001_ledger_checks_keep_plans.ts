import { sql, type Kysely } from "kysely";

// Decision 78: the checks every ledger write runs (the lines check at the end of the statement that
// inserts them, and the commit-time "an entry has lines") keep one plan per connection instead of
// being planned on every call. Decision 31 planned them per call because a generic plan made while
// the journal was small scanned it on every later commit of that connection; here sequential scans
// are switched off inside these two functions, so a plan made on a small journal reads it by its
// indexes too (tests/integration/ledger-check-plans.test.ts runs that case). Planning them was
// about a tenth of PostgreSQL's time in a pledge (P1) and 8 s of P2's charging.
const KEPT = ["ledger_after_lines_insert()", "ledger_after_entry_insert()"];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const fn of KEPT) {
    await sql.raw(`ALTER FUNCTION ${fn} SET plan_cache_mode = force_generic_plan`).execute(db);
    await sql.raw(`ALTER FUNCTION ${fn} SET enable_seqscan = off`).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const fn of KEPT) {
    await sql.raw(`ALTER FUNCTION ${fn} RESET enable_seqscan`).execute(db);
    await sql.raw(`ALTER FUNCTION ${fn} SET plan_cache_mode = force_custom_plan`).execute(db);
  }
}
