import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { checkpointJson, createSigner, publicKeyJson, signCheckpoint, type CheckpointsDocument } from "../app/ledger/checkpoints";
import { exportLine } from "../app/ledger/export";
import { HASH_BYTES, verifyConsistency, verifyInclusion } from "../app/ledger/merkle";
import { consistencyProofFromTiles, hashChildren, inclusionProofFromTiles, MerkleBuilder, rootFromTiles, type TileReader } from "../app/ledger/merkle-tree";
import { buildCanonicalEntry, canonicalText, chainHash, GENESIS_HASH, leafHash, type AccountSpec, type LineDraft } from "../app/ledger/ledger";
import { backerCommitment, newReceiptCode } from "../app/ledger/receipts";
import { defaultVerifyWorkers, readCheckpointFiles, verifyExportFile } from "../app/ledger/verify-file.server";
import { memoryGrowth } from "../tests/bench/memory-growth";

// P3: verifying a 1,000,000-entry export takes < 10 s in constant memory, and the Merkle tree of
// a 1,000,000-entry ledger builds and verifies within the same budget.
// Generates exports shaped like the real ledger (pledges with fees, disbursements, refunds over
// 10,000 campaigns, a Merkle checkpoint every 100,000 entries), then times `verifyExportFile` in a
// fresh process for each size and reports its peak RSS: flat across sizes means constant memory.
// Then, in another fresh process: the tree built from the export's leaf hashes (every tile hash,
// as extendMerkleTree stores them), and verified from those tiles as a client would — each
// checkpoint's root, a consistency proof between each two checkpoints, 1,000 inclusion proofs.
//
//   npm run bench                       (all benchmarks)
//   tsx scripts/bench-ledger-verify.ts [--entries 1000000]

const GOAL_SECONDS = 10;

const account = (code: string, mayGoNegative = false): AccountSpec => ({ code, kind: "bench", nameKo: code, nameEn: code, mayGoNegative });

function linesFor(seq: number): { kind: string; memo: string; refs: Record<string, string | number>; lines: LineDraft[] } {
  const campaign = seq % 10_000;
  const escrow = account(`campaign:${campaign}:escrow`);
  const amount = 10_000 + (seq % 97) * 1_000;
  switch (seq % 20) {
    case 0:
      return {
        kind: "disbursement.paid",
        memo: "예산 항목 집행",
        refs: { campaign: `campaign-${campaign}`, disbursement: seq },
        lines: [
          { account: escrow, amountWon: -5_000 },
          { account: account(`enterprise:${campaign % 2_000}:payable`), amountWon: 5_000 },
        ],
      };
    case 7:
      return {
        kind: "pledge.refunded",
        memo: "후원 환불",
        refs: { campaign: `campaign-${campaign}` },
        lines: [
          { account: escrow, amountWon: -1_000 },
          { account: account("external:refunds", true), amountWon: 1_000 },
        ],
      };
    default: {
      const fee = Math.floor(amount * 0.03);
      return {
        kind: "pledge.collected",
        memo: "온라인 후원 결제",
        refs: { campaign: `campaign-${campaign}`, backer: backerCommitment(newReceiptCode()) },
        lines: [
          { account: account(`campaign:${campaign}:in:online`, true), amountWon: -amount },
          { account: escrow, amountWon: amount - fee },
          { account: account("platform:processor-fees"), amountWon: fee },
        ],
      };
    }
  }
}

async function generate(dir: string, entries: number): Promise<{ exportPath: string; checkpointsPath: string }> {
  const exportPath = join(dir, `ledger-${entries}.ndjson`);
  const checkpointsPath = join(dir, `checkpoints-${entries}.json`);
  const signer = createSigner("bench.hamkke.local/ledger", generateKeyPairSync("ed25519").privateKey);
  const document: CheckpointsDocument = { origin: signer.origin, public_key: publicKeyJson(signer.origin, signer.publicKey), keys: [], witnesses: [], checkpoints: [] };
  const tree = new MerkleBuilder();
  document.keys.push(document.public_key!);
  const out = createWriteStream(exportPath);
  let previous: Buffer = GENESIS_HASH;
  const start = Date.UTC(2026, 0, 1);
  for (let seq = 1; seq <= entries; seq++) {
    const canonical = canonicalText(buildCanonicalEntry(seq, { ...linesFor(seq), occurredAt: new Date(start + seq * 30_000) }));
    const leaf = leafHash(canonical);
    const chain = chainHash(previous, leaf);
    previous = chain;
    tree.push(leaf);
    if (!out.write(exportLine({ seq, canonical, leaf_hash: leaf.toString("hex"), chain_hash: chain.toString("hex") }))) await once(out, "drain");
    if (seq % 100_000 === 0 || seq === entries) {
      const signed = signCheckpoint(signer, seq, tree.root());
      document.checkpoints.push(checkpointJson({ ...signed, chainHash: chain, keyName: signer.origin, cosignatures: [], signedAt: new Date(start + seq * 30_000) }));
    }
  }
  out.end();
  await once(out, "finish");
  writeFileSync(checkpointsPath, JSON.stringify(document));
  return { exportPath, checkpointsPath };
}

interface ChildReport {
  ok: boolean;
  entries: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  problem: string | null;
}

/** Runs in a fresh process so its peak RSS is the verifier's alone. */
async function child(exportPath: string, checkpointsPath: string, workers: number): Promise<void> {
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const checkpoints = await readCheckpointFiles([checkpointsPath]);
  const result = await verifyExportFile(exportPath, checkpoints, { workers });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report: ChildReport = {
    ok: result.ok && !checkpoints.problem,
    entries: result.entries,
    seconds,
    cpuSeconds: (() => {
      const cpu = process.cpuUsage(cpuBefore);
      return (cpu.user + cpu.system) / 1e6;
    })(),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    problem: result.problem ? `seq ${result.problem.seq}: ${result.problem.reason}` : null,
  };
  console.log(JSON.stringify(report));
}

interface TreeReport {
  ok: boolean;
  leaves: number;
  readSeconds: number;
  buildSeconds: number;
  verifySeconds: number;
  tileHashes: number;
  consistencyProofs: number;
  inclusionProofs: number;
  problem: string | null;
}

const INCLUSION_PROOFS = 1_000;

async function treeChild(exportPath: string, checkpointsPath: string): Promise<void> {
  const fail = (problem: string) => console.log(JSON.stringify({ ok: false, problem }));
  const checkpoints = await readCheckpointFiles([checkpointsPath]);
  const claims = checkpoints.claims.filter((c) => c.kind === "merkle");
  let started = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - started) / 1e9;
  // The leaf hashes, as a server holds them in its journal (level 0 tiles).
  // Read line by line: a 1,000,000-entry export is larger than the longest string V8 allows.
  const leafHashes = Buffer.alloc(Math.ceil(statSync(exportPath).size / 100) * HASH_BYTES);
  let leaves = 0;
  for await (const line of createInterface({ input: createReadStream(exportPath), crlfDelay: Infinity })) {
    const match = /"leaf_hash":"([0-9a-f]{64})"/.exec(line);
    if (match) leafHashes.write(match[1]!, leaves++ * HASH_BYTES, "hex");
  }
  const readSeconds = since();

  started = process.hrtime.bigint();
  const levels = new Map<number, Buffer[]>();
  const builder = new MerkleBuilder(0, [], (tileHash) => {
    const level = levels.get(tileHash.level) ?? [];
    level.push(tileHash.hash);
    levels.set(tileHash.level, level);
  });
  const roots = new Map<number, Buffer>();
  const sizes = new Set(claims.map((c) => c.size));
  for (let i = 0; i < leaves; i++) {
    builder.push(leafHashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES));
    if (sizes.has(i + 1)) roots.set(i + 1, builder.root());
  }
  const buildSeconds = since();

  started = process.hrtime.bigint();
  const tiles = new Map<number, Buffer>([[0, leafHashes.subarray(0, leaves * HASH_BYTES)], ...[...levels].map(([level, hashes]) => [level, Buffer.concat(hashes)] as [number, Buffer])]);
  const readTile: TileReader = async (level, index, from, to) => (tiles.get(level) ?? Buffer.alloc(0)).subarray((index * 256 + from) * HASH_BYTES, (index * 256 + to) * HASH_BYTES);
  for (const claim of claims) {
    const root = await rootFromTiles(claim.size, readTile);
    if (root.toString("hex") !== claim.hash || !roots.get(claim.size)?.equals(root)) return fail(`the root at ${claim.size} differs from the signed checkpoint`);
  }
  let consistencyProofs = 0;
  for (let i = 1; i < claims.length; i++) {
    const [older, newer] = [claims[i - 1]!, claims[i]!];
    const path = await consistencyProofFromTiles(older.size, newer.size, readTile);
    const proof = { oldSize: older.size, newSize: newer.size, oldRoot: Buffer.from(older.hash, "hex"), newRoot: Buffer.from(newer.hash, "hex"), path };
    if (!(await verifyConsistency(hashChildren, proof))) return fail(`the consistency proof ${older.size} → ${newer.size} does not verify`);
    consistencyProofs += 1;
  }
  const latest = claims.at(-1);
  let inclusionProofs = 0;
  for (let i = 0; latest && i < INCLUSION_PROOFS; i++) {
    // Spread over the tree, both ends included.
    const index = Math.floor((i * (latest.size - 1)) / (INCLUSION_PROOFS - 1));
    const path = await inclusionProofFromTiles(index, latest.size, readTile);
    const leafHash = leafHashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
    if (!(await verifyInclusion(hashChildren, { index, size: latest.size, leafHash, path, root: Buffer.from(latest.hash, "hex") }))) return fail(`the inclusion proof of leaf ${index} does not verify`);
    inclusionProofs += 1;
  }
  const report: TreeReport = {
    ok: true,
    leaves,
    readSeconds,
    buildSeconds,
    verifySeconds: since(),
    tileHashes: [...levels.values()].reduce((n, level) => n + level.length, 0),
    consistencyProofs,
    inclusionProofs,
    problem: null,
  };
  console.log(JSON.stringify(report));
}

function measureTree(exportPath: string, checkpointsPath: string): TreeReport {
  const run = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, "--tree-child", exportPath, checkpointsPath], { encoding: "utf8", maxBuffer: 1 << 20 });
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as TreeReport;
  } catch {
    throw new Error(`the tree process failed:\n${run.stdout}\n${run.stderr}`);
  }
}

function measure(exportPath: string, checkpointsPath: string, workers: number): ChildReport {
  const run = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, "--child", exportPath, checkpointsPath, String(workers)], { encoding: "utf8", maxBuffer: 1 << 20 });
  const line = run.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line) as ChildReport;
  } catch {
    throw new Error(`the verify process failed:\n${run.stdout}\n${run.stderr}`);
  }
}

const args = process.argv.slice(2);
if (args[0] === "--child") {
  await child(args[1] ?? "", args[2] ?? "", Number(args[3] ?? 0));
} else if (args[0] === "--tree-child") {
  await treeChild(args[1] ?? "", args[2] ?? "");
} else {
  const entriesFlag = args.indexOf("--entries");
  const largest = entriesFlag >= 0 ? Number(args[entriesFlag + 1]) : 1_000_000;
  if (!Number.isSafeInteger(largest) || largest < 1) throw new Error("--entries takes a whole number ≥ 1");
  const sizes = [...new Set([Math.max(1, Math.floor(largest / 10)), largest])];
  const dir = mkdtempSync(join(tmpdir(), "hamkke-bench-verify-"));
  try {
    console.log(`Ledger verify benchmark (P3: ${largest.toLocaleString("en-US")} entries in < ${GOAL_SECONDS} s, constant memory)`);
    const parallel = defaultVerifyWorkers();
    const modes = [...new Set([0, parallel])];
    const rows: { entries: number; mb: number; workers: number; report: ChildReport }[] = [];
    let tree: TreeReport | null = null;
    for (const entries of sizes) {
      const generated = Date.now();
      const { exportPath, checkpointsPath } = await generate(dir, entries);
      const mb = statSync(exportPath).size / 1e6;
      console.log(`  generated ${entries.toLocaleString("en-US")} entries (${mb.toFixed(0)} MB) in ${((Date.now() - generated) / 1000).toFixed(1)} s`);
      for (const workers of modes) {
        const report = measure(exportPath, checkpointsPath, workers);
        if (!report.ok || report.entries !== entries) throw new Error(`verification of the generated export failed: ${report.problem ?? "entry count differs"}`);
        rows.push({ entries, mb, workers, report });
      }
      if (entries === largest) {
        tree = measureTree(exportPath, checkpointsPath);
        if (!tree.ok) throw new Error(`the tree of the generated export failed: ${tree.problem}`);
      }
      rmSync(exportPath);
    }
    console.log(`\n  entries      export  threads     verify   CPU time     entries/s   peak RSS   (${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)})`);
    for (const { entries, mb, workers, report } of rows) {
      console.log(
        [
          entries.toLocaleString("en-US").padStart(9),
          `${mb.toFixed(0)} MB`.padStart(8),
          (workers === 0 ? "1" : `1+${workers}`).padStart(7),
          `${report.seconds.toFixed(2)} s`.padStart(9),
          `${report.cpuSeconds.toFixed(2)} s`.padStart(9),
          Math.round(entries / report.seconds)
            .toLocaleString("en-US")
            .padStart(12),
          `${report.maxRssMb.toFixed(0)} MB`.padStart(9),
        ].join("  "),
      );
    }
    const best = (entries: number) => rows.filter((r) => r.entries === entries).sort((a, b) => a.report.seconds - b.report.seconds)[0]!;
    const last = best(largest);
    const first = rows.filter((r) => r.entries === sizes[0] && r.workers === last.workers)[0]!;
    const memory = memoryGrowth(first.report.maxRssMb, last.report.maxRssMb);
    const verdict = last.report.seconds < GOAL_SECONDS && memory.flat ? "met" : "NOT met";
    console.log(
      `\nP3: ${last.report.seconds.toFixed(2)} s for ${last.entries.toLocaleString("en-US")} entries (goal < ${GOAL_SECONDS} s, constant memory): ${verdict}; ` +
        `peak RSS ${last.report.maxRssMb.toFixed(0)} MB vs ${first.report.maxRssMb.toFixed(0)} MB for ${first.entries.toLocaleString("en-US")} entries ` +
        `(ratio ${memory.ratio.toFixed(2)}: memory ${memory.flat ? "does not grow" : "GROWS"} with the export).`,
    );
    if (tree) {
      const treeSeconds = tree.buildSeconds + tree.verifySeconds;
      console.log(
        `P3 tree: ${treeSeconds.toFixed(2)} s for the Merkle tree of ${tree.leaves.toLocaleString("en-US")} entries (goal < ${GOAL_SECONDS} s): ${treeSeconds < GOAL_SECONDS ? "met" : "NOT met"}; ` +
          `built in ${tree.buildSeconds.toFixed(2)} s (${tree.tileHashes.toLocaleString("en-US")} tile hashes), verified from its tiles in ${tree.verifySeconds.toFixed(2)} s ` +
          `(${tree.consistencyProofs} consistency and ${tree.inclusionProofs.toLocaleString("en-US")} inclusion proofs); ${(treeSeconds / last.report.seconds).toFixed(2)}× the export verify of the same run ` +
          `(reading the leaf hashes: ${tree.readSeconds.toFixed(2)} s).`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
