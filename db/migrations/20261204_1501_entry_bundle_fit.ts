import { sql, type Kysely } from "kysely";

// The ledger sequencer's migration rebuilt journal_entries.canonical as a generated column, which
// dropped the check the Merkle tree's migration had put on it: an entry bundle frames each entry
// with a 16-bit length (tlog-tiles), so no canonical text may be longer than 65,535 bytes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE journal_entries DROP CONSTRAINT IF EXISTS journal_entries_canonical_fits_entry_bundle;
    ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_canonical_fits_entry_bundle CHECK (octet_length(canonical) <= 65535);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_canonical_fits_entry_bundle`.execute(db);
}
