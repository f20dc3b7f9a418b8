import type { CheckpointClaim } from "./checkpoints";
import { chainHash, checkEntryContent, GENESIS_HASH, seqProblem, type ExportedEntry, type VerifyProblem, type VerifyResult } from "./ledger";
import { HASH_BYTES, TILE_WIDTH } from "./merkle";
import { foldPerfect, MerkleBuilder } from "./merkle-tree";

// The open-data formats of the ledger and the offline verification of an export.

/** One NDJSON line of GET /api/v1/ledger/entries.ndjson (hashes in lower-case hex). */
export function exportLine(entry: ExportedEntry): string {
  return `${JSON.stringify({ seq: entry.seq, canonical: entry.canonical, leaf_hash: entry.leaf_hash, chain_hash: entry.chain_hash })}\n`;
}

function parseExportLine(line: string): ExportedEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "is not JSON";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "is not a JSON object";
  const { seq, canonical, leaf_hash, chain_hash } = value as Record<string, unknown>;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq)) return 'has no whole-number "seq"';
  if (typeof canonical !== "string") return 'has no "canonical" text';
  if (typeof leaf_hash !== "string" || typeof chain_hash !== "string") return 'lacks "leaf_hash" or "chain_hash"';
  return { seq, canonical, leaf_hash, chain_hash };
}

// An export is verified in batches of whole lines. A batch is checked on its own (possibly on a
// worker thread): its entries' content and hashes, seq and chain continuity inside it. The
// merger then joins batches in order: the first entry's seq and chain hash against the batch
// before, the checkpoints, the balances. Every chain hash is checked against its predecessor, so
// the joined result is exactly that of checking entry by entry, first problem included.

export interface BatchProblem {
  /** Index of the entry (among the batch's entries) at which the problem was found. */
  index: number;
  /** Physical line in the batch, 1-based. */
  line: number;
  /** The line could not be read as an entry (named by line number), or the entry is wrong. */
  framing: boolean;
  reason: string;
}

export interface BatchResult {
  /** Physical lines, blank ones included. */
  lines: number;
  /** Entries accepted before any problem. */
  entries: number;
  firstSeq: number | null;
  firstLeaf: string | null;
  firstChain: string | null;
  lastChain: string | null;
  /** Chain hash at each requested checkpoint size within the accepted entries. */
  claims: [number, string][];
  /**
   * The accepted entries for the Merkle tree, in the order of treeSegments: the hashes of the
   * full tiles it marks (level 1 hashes, worked out here in parallel) and the leaf hashes of the rest.
   */
  tileHashes: Uint8Array;
  leafHashes: Uint8Array;
  accounts: string[];
  sums: number[];
  problem: BatchProblem | null;
}

/**
 * How a batch of entries [start, end) (leaf indexes) goes into the Merkle tree: a full level 0
 * tile as its one hash, unless a checkpoint size falls inside it (the root there needs its leaves);
 * everything else leaf by leaf.
 */
export function treeSegments(start: number, end: number, claimSizes: readonly number[]): { tile: boolean; from: number; to: number }[] {
  const segments: { tile: boolean; from: number; to: number }[] = [];
  let at = start;
  while (at < end) {
    const tileEnd = at + TILE_WIDTH;
    const whole = at % TILE_WIDTH === 0 && tileEnd <= end && !claimSizes.some((size) => size > at && size < tileEnd);
    const to = whole ? tileEnd : Math.min(end, Math.floor(at / TILE_WIDTH) * TILE_WIDTH + TILE_WIDTH);
    const last = segments.at(-1);
    if (!whole && last && !last.tile) last.to = to;
    else segments.push({ tile: whole, from: at, to });
    at = to;
  }
  return segments;
}

/** Checks one batch: the UTF-8 bytes of whole lines. */
export function verifyBatch(bytes: Uint8Array, claimSizes: readonly number[]): BatchResult {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const balances = new Map<string, number>();
  const claims: [number, string][] = [];
  let lines = 0;
  let entries = 0;
  let firstSeq: number | null = null;
  let firstLeaf: string | null = null;
  let firstChain: string | null = null;
  let previous: string | null = null;
  let lastChain: string | null = null;
  let claimIndex = 0;
  let problem: BatchProblem | null = null;
  const leaves: string[] = [];
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(10, start);
    if (end === -1) end = buffer.length;
    // Decoded line by line: one non-ASCII line must not make every line a two-byte string.
    const line = buffer.toString("utf8", start, end);
    start = end + 1;
    lines += 1;
    if (line.trim() === "") continue;
    const entry = parseExportLine(line);
    if (typeof entry === "string") {
      problem = { index: entries, line: lines, framing: true, reason: entry };
      break;
    }
    if (firstSeq === null) {
      firstSeq = entry.seq;
    } else if (entry.seq !== firstSeq + entries) {
      problem = { index: entries, line: lines, framing: false, reason: seqProblem(firstSeq + entries, entry.seq) };
      break;
    }
    const checked = checkEntryContent(entry, previous);
    if (typeof checked === "string") {
      problem = { index: entries, line: lines, framing: false, reason: checked };
      break;
    }
    if (entries === 0) {
      firstLeaf = checked.leaf;
      firstChain = entry.chain_hash;
    }
    for (const { account, amountWon } of checked.lines) balances.set(account, (balances.get(account) ?? 0) + amountWon);
    while (claimIndex < claimSizes.length && claimSizes[claimIndex]! < entry.seq) claimIndex += 1;
    if (claimSizes[claimIndex] === entry.seq) claims.push([entry.seq, entry.chain_hash]);
    leaves.push(checked.leaf);
    previous = entry.chain_hash;
    lastChain = entry.chain_hash;
    entries += 1;
  }
  const allLeaves = Buffer.from(leaves.join(""), "hex");
  const tileHashes: Buffer[] = [];
  const leafHashes: Buffer[] = [];
  const first = (firstSeq ?? 1) - 1;
  for (const segment of treeSegments(first, first + entries, claimSizes)) {
    const part = allLeaves.subarray((segment.from - first) * HASH_BYTES, (segment.to - first) * HASH_BYTES);
    if (segment.tile) tileHashes.push(foldPerfect(part, 0, TILE_WIDTH));
    else leafHashes.push(part);
  }
  return {
    lines,
    entries,
    firstSeq,
    firstLeaf,
    firstChain,
    lastChain,
    claims,
    tileHashes: Buffer.concat(tileHashes),
    leafHashes: Buffer.concat(leafHashes),
    accounts: [...balances.keys()],
    sums: [...balances.values()],
    problem,
  };
}

export interface ExportVerifyResult extends VerifyResult {
  /** The Merkle root of the entries verified (hex). */
  rootHash: string;
  checkpointsChecked: number;
  /** The largest checkpoint size that matched the chain. */
  latestCheckpoint: number | null;
}

/**
 * Joins batch results in file order. Checks every hash, gapless seq, balanced lines, and every
 * signed checkpoint against the Merkle root (or, for checkpoints before decision 61, the chain
 * hash) at its size. A checkpoint beyond the last entry means the export was truncated; one the
 * entries disagree with means the history was rewritten (even if it was re-hashed and
 * re-signed). Memory: the accounts and one unfinished tile a level, not the entries.
 */
export class ExportMerger {
  private readonly claims: CheckpointClaim[];
  private nextClaim = 0;
  private lastMatched: number | null = null;
  private expected = 1;
  private previous: Buffer = GENESIS_HASH;
  private readonly balances = new Map<string, number>();
  private count = 0;
  private lineOffset = 0;
  private problem: VerifyProblem | null = null;
  private readonly tree = new MerkleBuilder();

  constructor(claims: readonly CheckpointClaim[] = []) {
    this.claims = [...claims].sort((a, b) => a.size - b.size);
  }

  /** The sorted checkpoint sizes batches should report chain hashes for. */
  get claimSizes(): number[] {
    return [...new Set(this.claims.map((c) => c.size))];
  }

  add(batch: BatchResult): boolean {
    if (this.problem) return false;
    const { problem } = batch;
    const lineOffset = this.lineOffset;
    this.lineOffset += batch.lines;
    const problemReason = (p: BatchProblem) => (p.framing ? `line ${lineOffset + p.line} ${p.reason}` : p.reason);
    if (batch.entries === 0 && !problem) return true;
    if (problem?.index === 0 && (problem.framing || batch.firstSeq === this.expected)) return this.fail(this.expected, problemReason(problem));
    if (batch.firstSeq !== this.expected) return this.fail(this.expected, seqProblem(this.expected, batch.firstSeq ?? 0));
    const firstLeaf = Buffer.from(batch.firstLeaf ?? "", "hex");
    if (chainHash(this.previous, firstLeaf).toString("hex") !== batch.firstChain) {
      return this.fail(this.expected, "chain_hash does not follow from the previous entry");
    }
    const lastSeq = batch.firstSeq + batch.entries - 1;
    const chains = new Map(batch.claims);
    const segments = treeSegments(batch.firstSeq - 1, lastSeq, this.claimSizes);
    let tileAt = 0;
    let leafAt = 0;
    // Grows the tree segment by segment up to `size` leaves (never stopping inside a tile segment).
    const growTo = (size: number) => {
      while (this.tree.size < size) {
        const segment = segments.find((s) => s.to > this.tree.size)!;
        if (segment.tile) {
          this.tree.pushTileHash(batch.tileHashes.subarray(tileAt * HASH_BYTES, ++tileAt * HASH_BYTES));
        } else {
          this.tree.push(batch.leafHashes.subarray(leafAt * HASH_BYTES, ++leafAt * HASH_BYTES));
        }
      }
    };
    while (this.nextClaim < this.claims.length && this.claims[this.nextClaim]!.size <= lastSeq) {
      const claim = this.claims[this.nextClaim]!;
      this.nextClaim += 1;
      growTo(claim.size);
      const stated = claim.kind === "merkle" ? this.tree.root().toString("hex") : chains.get(claim.size);
      if (stated !== claim.hash) {
        const since = this.lastMatched === null ? "" : `; it agreed with the checkpoint for size ${this.lastMatched}, so an entry after seq ${this.lastMatched} was changed`;
        const what = claim.kind === "merkle" ? `the Merkle root of entries 1–${claim.size}` : `the chain hash at seq ${claim.size}`;
        return this.fail(
          claim.size,
          `${what} differs from the signed checkpoint for size ${claim.size} (${claim.source}): the history up to seq ${claim.size} is not the one that was signed${since}`,
        );
      }
      this.lastMatched = claim.size;
    }
    growTo(lastSeq);
    for (let i = 0; i < batch.accounts.length; i++) {
      const account = batch.accounts[i]!;
      this.balances.set(account, (this.balances.get(account) ?? 0) + batch.sums[i]!);
    }
    this.previous = Buffer.from(batch.lastChain ?? "", "hex");
    this.expected = lastSeq + 1;
    this.count += batch.entries;
    if (problem) return this.fail(this.expected, problemReason(problem));
    return true;
  }

  private fail(seq: number, reason: string): false {
    this.problem ??= { seq, reason };
    return false;
  }

  finish(): ExportVerifyResult {
    const pending = this.claims[this.nextClaim];
    if (!this.problem && pending) {
      this.fail(
        this.expected,
        `the export ends at seq ${this.expected - 1}, but a signed checkpoint (${pending.source}) covers ${pending.size} entries: the export is truncated`,
      );
    }
    return {
      ok: this.problem === null,
      entries: this.count,
      headSeq: this.expected - 1,
      headHash: this.previous.toString("hex"),
      rootHash: this.tree.root().toString("hex"),
      balances: new Map(this.balances),
      problem: this.problem,
      checkpointsChecked: this.nextClaim,
      latestCheckpoint: this.lastMatched,
    };
  }
}

/** Verifies an export held in memory, in batches of `batchLines` lines (tests, small exports). */
export function verifyExportText(text: string, claims: readonly CheckpointClaim[] = [], batchLines = 5000): ExportVerifyResult {
  const merger = new ExportMerger(claims);
  const sizes = merger.claimSizes;
  let start = 0;
  while (start < text.length) {
    let stop = start;
    for (let n = 0; n < batchLines; n++) {
      const newline = text.indexOf("\n", stop);
      if (newline === -1) {
        stop = text.length;
        break;
      }
      stop = newline + 1;
    }
    if (!merger.add(verifyBatch(Buffer.from(text.slice(start, stop), "utf8"), sizes))) break;
    start = stop;
  }
  return merger.finish();
}

// CSV (the ledger page's download): one row per journal line, so a spreadsheet can sum by account.

export const LEDGER_CSV_COLUMNS = [
  "seq",
  "occurred_at",
  "kind",
  "memo",
  "refs",
  "line_no",
  "account",
  "account_name_ko",
  "account_name_en",
  "amount_won",
  "leaf_hash",
  "chain_hash",
] as const;

