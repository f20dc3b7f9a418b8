import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicKeyJson, verifierKey } from "../../app/ledger/checkpoints";
import { chainCheckpointJson } from "../support/checkpoints";
import { checkpointsDocument, createCheckpoint } from "../../app/ledger/checkpoints.server";
import { exportLine } from "../../app/ledger/export";
import { exportEntries } from "../../app/ledger/public-ledger.server";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { writeLedger } from "../support/ledger";
import { createTestServices, type TestServices } from "../support/services";

// `npm run ledger:verify` as an outsider runs it: on files downloaded from the open-data
// endpoints, in a separate process, judged by its exit code and what it prints.

const root = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
let t: TestDatabase;
let services: TestServices;
let dir: string;
const files = { ledger: "", checkpoints: "", tampered: "", truncated: "", oldCheckpoints: "" };

async function verify(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "scripts/verify-ledger.ts", ...args], { cwd: root, env: { ...process.env, DATABASE_URL: t.url } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  services = createTestServices(t.db);
  await writeLedger(t.db, 1_000);
  await createCheckpoint(services);
  await writeLedger(t.db, 500, { from: 1_000 });
  await createCheckpoint(services);
  dir = mkdtempSync(join(tmpdir(), "hamkke-verify-cli-"));
  const lines: string[] = [];
  for await (const row of exportEntries(t.db, { after: 0, upTo: 1_500 })) lines.push(exportLine(row));
  files.ledger = join(dir, "ledger.ndjson");
  files.checkpoints = join(dir, "checkpoints.json");
  files.tampered = join(dir, "tampered.ndjson");
  files.truncated = join(dir, "truncated.ndjson");
  writeFileSync(files.ledger, lines.join(""));
  writeFileSync(files.checkpoints, JSON.stringify(await checkpointsDocument(t.db, services.ledgerSigner, services.env)));
  // A checkpoints file as the log published it before the Merkle tree (decision 61): signed over the chain hash.
  files.oldCheckpoints = join(dir, "old-checkpoints.json");
  const chainAt = (seq: number) => Buffer.from((JSON.parse(lines[seq - 1]!) as { chain_hash: string }).chain_hash, "hex");
  const key = publicKeyJson(services.ledgerSigner.origin, services.ledgerSigner.publicKey);
  writeFileSync(files.oldCheckpoints, JSON.stringify({ origin: key.key_name, public_key: key, keys: [key], checkpoints: [chainCheckpointJson(services.ledgerSigner, 900, chainAt(900))] }));
  const tampered = [...lines];
  const line = JSON.parse(tampered[699]!) as { leaf_hash: string };
  tampered[699] = tampered[699]!.replace(line.leaf_hash, (line.leaf_hash[0] === "0" ? "1" : "0") + line.leaf_hash.slice(1));
  writeFileSync(files.tampered, tampered.join(""));
  writeFileSync(files.truncated, lines.slice(0, 1_200).join(""));
}, 120_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t?.drop();
});

describe("npm run ledger:verify", () => {
  it("accepts a good export with its checkpoints (on worker threads, in many batches) and exits 0", async () => {
    const vkey = verifierKey(services.ledgerSigner.origin, services.ledgerSigner.publicKey);
    const [parallel, single] = await Promise.all([
      verify(files.ledger, files.checkpoints, "--key", vkey, "--workers", "2", "--batch-kb", "64", "--balances"),
      verify(files.ledger, files.checkpoints, "--workers", "0"),
    ]);
    for (const result of [parallel, single]) {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^OK: 1,500 entries verified \(seq 1–1,500\); chain hash at the end: [0-9a-f]{64}$/m);
      expect(result.stdout).toContain(`Checkpoints: 2 signature(s) verified with key ${services.ledgerSigner.keyId}`);
      expect(result.stdout).toContain("(latest: size 1,500)");
      expect(result.stdout).toMatch(/^Merkle root of all 1,500 entries: [0-9a-f]{64}$/m);
      expect(result.stdout).toContain("(2 of the Merkle root, 0 of the chain hash (before the Merkle tree))");
    }
    expect(parallel.stdout).toMatch(/^ {2}campaign:\d+:fees\t\d+$/m);
  });

  it("names the first bad seq of a tampered export and exits 1", async () => {
    const [parallel, single] = await Promise.all([verify(files.tampered, files.checkpoints, "--batch-kb", "32"), verify(files.tampered, "--workers", "0")]);
    for (const result of [parallel, single]) {
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe("FAILED at seq 700: leaf_hash does not match the canonical text");
    }
  });

  it("catches a truncated export with a checkpoint beyond its end, and a foreign key", async () => {
    const [truncated, alone, foreignKey] = await Promise.all([
      verify(files.truncated, files.checkpoints),
      verify(files.truncated),
      verify(files.ledger, files.checkpoints, "--key", Buffer.alloc(32, 7).toString("base64")),
    ]);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toMatch(/^FAILED at seq 1201: the export ends at seq 1200, but a signed checkpoint .* covers 1500 entries: the export is truncated/);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/Checkpoints: none given/);
    expect(foreignKey.code).toBe(1);
    expect(foreignKey.stderr).toMatch(/^FAILED at seq \d+: checkpoint for size \d+ in .*not the trusted key/);
  });

  it("still verifies the export against checkpoints signed over the chain hash before the Merkle tree", async () => {
    const [old, both] = await Promise.all([verify(files.ledger, files.oldCheckpoints), verify(files.truncated, files.oldCheckpoints, files.checkpoints)]);
    expect(old.code).toBe(0);
    expect(old.stdout).toContain("(0 of the Merkle root, 1 of the chain hash (before the Merkle tree))");
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^FAILED at seq 1201: the export ends at seq 1200/);
  });

  it("verifies the database and its stored checkpoints, and exits 2 on bad usage", async () => {
    const [database, missing, badFlag] = await Promise.all([verify(), verify(join(dir, "nope.ndjson")), verify(files.ledger, "--workers", "x")]);
    expect(database.code).toBe(0);
    expect(database.stdout).toMatch(/^OK: 1,500 entries verified/m);
    expect(database.stdout).toContain("Checkpoints: 2 signature(s) verified");
    expect(database.stdout).toMatch(/^Merkle tree: 5 stored tile hash\(es\) recomputed from the entries; root of all 1,500: [0-9a-f]{64}; 1 consistency proof\(s\) between checkpoints and 10 inclusion proof\(s\) verified\.$/m);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("No such file");
    expect(badFlag.code).toBe(2);
    expect(readFileSync(files.ledger, "utf8").split("\n").length).toBe(1_501);
  });
});
