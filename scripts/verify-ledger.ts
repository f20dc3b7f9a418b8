import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parsePublicKey, parseWitnessKey, type CheckpointCheck, type WitnessKey } from "../app/ledger/checkpoints";
import type { VerifyResult } from "../app/ledger/ledger";
import { verifyStoredCheckpoints } from "../app/ledger/checkpoints.server";
import { verifyStoredLedger } from "../app/ledger/ledger.server";
import { verifyStoredTree } from "../app/ledger/merkle.server";
import { getSequencingStatus } from "../app/ledger/sequencer.server";
import { readCheckpointFiles, verifyExportFile } from "../app/ledger/verify-file.server";
import { logSource, verifyLog } from "../app/ledger/verify-log.server";
import { readEnv } from "../app/utils/env.server";

const USAGE = `Usage:
  npm run ledger:verify -- <export.ndjson> [checkpoints.json ...] [--key <public key>] [--balances]
      Verifies a downloaded export offline: every leaf and chain hash, gapless seq, balanced
      entries, every checkpoint's Ed25519 signature and witness cosignatures, and that each
      checkpoint matches the entries at its size (its Merkle root; for checkpoints signed before
      the Merkle tree, the chain hash). Give archived checkpoint files too: a rewritten history
      disagrees with them.
      --key       trust only this signing key (vkey, PEM or base64 of the 32 raw bytes, or a file)
      --witness   check cosignatures with this witness key (cosigner vkey; repeatable) instead of
                  the witness keys the checkpoint files publish
      --balances  print the recomputed balance of every account
      --workers   threads checking batches in parallel (default: the cores, up to 4; 0 = this thread)
      --batch-kb  size of a batch in KiB (default 4096)
  npm run ledger:verify -- --log <URL prefix or directory> --key <public key> [checkpoints.json ...]
      Verifies the ledger as a C2SP tlog-tiles log, served by Hamkke Fund (e.g.
      https://fund.example.kr/ledger) or by any mirror of it: the checkpoint's signature (and
      cosignatures, with --witness), every entry bundle, every tile against the entries and the
      tiles below, the root against the checkpoint, and archived checkpoints against the log.
  npm run ledger:verify
      Verifies the local database (DATABASE_URL or the embedded one): the journal, balances and
      totals, the stored checkpoints, and the Merkle tree: every stored tile hash recomputed from
      the entries, consistency proofs between the checkpoints and inclusion proofs of sample
      entries, as the API serves them.

Exit code 0 when everything checks out, 1 with the first problem otherwise, 2 for bad usage.`;

function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

function describeCheckpoints(check: CheckpointCheck, checked: number, latest: number | null): string[] {
  if (check.claims.length === 0) {
    return ["Checkpoints: none given. Without a signed checkpoint a truncated or rewritten export cannot be told from the real one: also download /api/v1/ledger/checkpoints and keep old copies."];
  }
  const keys = [...check.keys.entries()].map(([id, key]) => `${id} (${key.keyName})`).join(", ");
  const merkle = check.claims.filter((c) => c.kind === "merkle").length;
  const kinds = `${formatCount(merkle)} of the Merkle root, ${formatCount(check.claims.length - merkle)} of the chain hash (before the Merkle tree)`;
  const lines = [`Checkpoints: ${formatCount(checked)} signature(s) verified with key ${keys} (${kinds}); each matches the entries${latest === null ? "" : ` (latest: size ${formatCount(latest)})`}.`];
  const cosigned = new Map<string, number>();
  for (const claim of check.claims) for (const name of claim.cosignedBy) cosigned.set(name, (cosigned.get(name) ?? 0) + 1);
  for (const witness of check.witnesses.values()) {
    lines.push(`Witness ${witness.name} (${witness.keyId}): cosigned ${formatCount(cosigned.get(witness.name) ?? 0)} checkpoint(s); every cosignature verified.`);
  }
  return lines;
}

function report(result: VerifyResult, extra: string[], printBalances: boolean): never {
  if (!result.ok) {
    console.error(`FAILED at seq ${result.problem?.seq}: ${result.problem?.reason}`);
    process.exit(1);
  }
  const range = result.headSeq > 0 ? ` (seq 1–${formatCount(result.headSeq)})` : "";
  console.log(`OK: ${formatCount(result.entries)} entries verified${range}; chain hash at the end: ${result.headHash}`);
  for (const line of extra) console.log(line);
  console.log(`Balances: ${formatCount(result.balances.size)} accounts recomputed from the entries${printBalances ? ":" : " (--balances lists them)."}`);
  if (printBalances) {
    for (const [code, balance] of [...result.balances.entries()].sort(([a], [b]) => a.localeCompare(b))) console.log(`  ${code}\t${balance}`);
  }
  process.exit(0);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        key: { type: "string", multiple: true },
        witness: { type: "string", multiple: true },
        log: { type: "string" },
        balances: { type: "boolean" },
        workers: { type: "string" },
        "batch-kb": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const [exportPath, ...checkpointPaths] = positionals;
if (values.log) {
  if (!values.key || values.key.length !== 1) usageError("--log needs the log's public key: --key <vkey, PEM or base64 of the 32 raw bytes, or a file>");
  const readKey = (key: string) => parsePublicKey(existsSync(key) ? readFileSync(key, "utf8") : key);
  let publicKey: Buffer = Buffer.alloc(0);
  let witnesses: WitnessKey[] = [];
  try {
    publicKey = readKey(values.key[0]!);
    witnesses = (values.witness ?? []).map((key) => parseWitnessKey(key));
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  for (const path of positionals) {
    if (!existsSync(path)) usageError(`No such file: ${path}`);
  }
  const archived = await readCheckpointFiles(positionals, [publicKey], witnesses);
  if (archived.problem) report({ ok: false, entries: 0, headSeq: 0, headHash: "", balances: new Map(), problem: archived.problem }, [], false);
  const result = await verifyLog(logSource(values.log), publicKey, { witnesses, claims: archived.claims });
  report(
    result,
    [
      `Log: the checkpoint for ${formatCount(result.size)} entries is signed by key ${result.keyId}; ${formatCount(result.tiles)} tiles and their entry bundles match it; Merkle root ${result.rootHash}.`,
      ...(result.cosignedBy.length > 0 ? [`Witnesses: cosigned by ${result.cosignedBy.join(", ")}; every cosignature verified.`] : []),
      `Archived checkpoints: ${formatCount(result.checkpointsChecked)} matched the log.`,
    ],
    values.balances ?? false,
  );
} else if (exportPath) {
  for (const path of [exportPath, ...checkpointPaths]) {
    if (!existsSync(path)) usageError(`No such file: ${path}`);
  }
  let trustedKeys: Buffer[] = [];
  let trustedWitnesses: WitnessKey[] = [];
  try {
    trustedKeys = (values.key ?? []).map((key) => parsePublicKey(existsSync(key) ? readFileSync(key, "utf8") : key));
  } catch (error) {
    usageError(`--key: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    trustedWitnesses = (values.witness ?? []).map((key) => parseWitnessKey(key));
  } catch (error) {
    usageError(`--witness: ${error instanceof Error ? error.message : String(error)}`);
  }
  const checkpoints = await readCheckpointFiles(checkpointPaths, trustedKeys, trustedWitnesses);
  if (checkpoints.problem) {
    const at = checkpoints.problem.seq > 0 ? `FAILED at seq ${checkpoints.problem.seq}` : "FAILED";
    console.error(`${at}: ${checkpoints.problem.reason}`);
    process.exit(1);
  }
  const whole = (name: string, value: string | undefined, min: number) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= min ? n : usageError(`--${name} takes a whole number ≥ ${min}`);
  };
  const workers = whole("workers", values.workers, 0);
  const batchKb = whole("batch-kb", values["batch-kb"], 1);
  const result = await verifyExportFile(exportPath, checkpoints, { workers, batchBytes: batchKb === undefined ? undefined : batchKb * 1024 });
  report(result, [`Merkle root of all ${formatCount(result.entries)} entries: ${result.rootHash}`, ...describeCheckpoints(checkpoints, result.checkpointsChecked, result.latestCheckpoint)], values.balances ?? false);
} else {
  const { startEmbeddedPostgres } = await import("../db/embedded");
  const { createDatabase } = await import("../app/utils/db.server");
  const url =
    process.env.DATABASE_URL ??
    (await startEmbeddedPostgres({ dataDir: process.env.EMBEDDED_PG_DIR ?? resolve(import.meta.dirname, "../.data/pg"), port: Number(process.env.EMBEDDED_PG_PORT ?? 54329) })).urlFor(
      "postgres",
    );
  const db = createDatabase(url, { max: 2 });
  try {
    const result = await verifyStoredLedger(db);
    if (!result.ok) report(result, [], false);
    const checkpoints = await verifyStoredCheckpoints(db, readEnv());
    if (checkpoints.problem) report({ ...result, ok: false, problem: checkpoints.problem }, [], false);
    const tree = await verifyStoredTree(db);
    if (tree.problem) report({ ...result, ok: false, problem: tree.problem }, [], false);
    const { waiting } = await getSequencingStatus(db);
    await db.destroy();
    report(
      result,
      [
        ...describeCheckpoints(checkpoints, checkpoints.claims.length, checkpoints.claims.at(-1)?.size ?? null),
        `Merkle tree: ${formatCount(tree.tileHashes)} stored tile hash(es) recomputed from the entries; root of all ${formatCount(tree.size)}: ${tree.rootHash}; ${formatCount(tree.consistencyProofs)} consistency proof(s) between checkpoints and ${formatCount(tree.inclusionProofs)} inclusion proof(s) verified.`,
        ...(waiting > 0 ? [`${formatCount(waiting)} committed entries wait for their seq (the sequencer numbers them; they are not verified yet).`] : []),
      ],
      values.balances ?? false,
    );
  } finally {
    await db.destroy().catch(() => {});
  }
}
