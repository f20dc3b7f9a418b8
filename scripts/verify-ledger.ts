import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { startEmbeddedPostgres } from "../db/embedded";
import { LedgerVerifier, type ExportedEntry, type VerifyResult } from "../app/ledger/ledger";
import { verifyStoredLedger } from "../app/ledger/ledger.server";
import { createDatabase } from "../app/utils/db.server";

// Usage:
//   npm run ledger:verify                      verify the local database (DATABASE_URL or the embedded one)
//   npm run ledger:verify -- export.ndjson     verify a downloaded export, offline
// Exit code 0 when every hash, seq and balance checks out; 1 with the first bad seq otherwise.

async function verifyFile(path: string): Promise<VerifyResult> {
  const verifier = new LedgerVerifier();
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === "") continue;
    let entry: ExportedEntry;
    try {
      entry = JSON.parse(line) as ExportedEntry;
    } catch {
      return { ...verifier.finish(), ok: false, problem: { seq: verifier.finish().headSeq + 1, reason: `line ${lineNumber} is not JSON` } };
    }
    if (!verifier.push(entry)) break;
  }
  return verifier.finish();
}

async function verifyDatabase(): Promise<VerifyResult> {
  const url =
    process.env.DATABASE_URL ??
    (await startEmbeddedPostgres({ dataDir: process.env.EMBEDDED_PG_DIR ?? resolve(import.meta.dirname, "../.data/pg"), port: Number(process.env.EMBEDDED_PG_PORT ?? 54329) })).urlFor("postgres");
  const db = createDatabase(url, { max: 2 });
  try {
    return await verifyStoredLedger(db);
  } finally {
    await db.destroy();
  }
}

const file = process.argv[2];
const result = file ? await verifyFile(file) : await verifyDatabase();
if (result.ok) {
  console.log(`OK: ${result.entries} entries verified; head seq ${result.headSeq}, chain hash ${result.headHash}`);
  console.log(`${result.balances.size} account balances recomputed.`);
  process.exit(0);
} else {
  console.error(`FAILED at seq ${result.problem?.seq}: ${result.problem?.reason}`);
  process.exit(1);
}
