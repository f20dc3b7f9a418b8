import type { CheckpointClaim } from "./checkpoints";
import { chainHash, checkEntryContent, GENESIS_HASH, seqProblem, type ExportedEntry, type VerifyProblem, type VerifyResult } from "./ledger";

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
  accounts: string[];
  sums: number[];
  problem: BatchProblem | null;
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
  let previous: Buffer | null = null;
  let lastChain: string | null = null;
  let claimIndex = 0;
  let problem: BatchProblem | null = null;
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
      firstLeaf = checked.leaf.toString("hex");
      firstChain = entry.chain_hash;
    }
    for (const { account, amountWon } of checked.lines) balances.set(account, (balances.get(account) ?? 0) + amountWon);
    while (claimIndex < claimSizes.length && claimSizes[claimIndex]! < entry.seq) claimIndex += 1;
    if (claimSizes[claimIndex] === entry.seq) claims.push([entry.seq, entry.chain_hash]);
    previous = checked.chain;
    lastChain = entry.chain_hash;
    entries += 1;
  }
  return { lines, entries, firstSeq, firstLeaf, firstChain, lastChain, claims, accounts: [...balances.keys()], sums: [...balances.values()], problem };
}

export interface ExportVerifyResult extends VerifyResult {
  checkpointsChecked: number;
  /** The largest checkpoint size that matched the chain. */
  latestCheckpoint: number | null;
}

/**
 * Joins batch results in file order. Checks every hash, gapless seq, balanced lines, and every
 * signed checkpoint against the chain at its size. A checkpoint beyond the last entry means the
 * export was truncated; a checkpoint the chain disagrees with means the history was rewritten
 * (even if the rewritten chain was re-hashed and re-signed). Memory: the accounts, not the entries.
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
    while (this.nextClaim < this.claims.length && this.claims[this.nextClaim]!.size <= lastSeq) {
      const claim = this.claims[this.nextClaim]!;
      this.nextClaim += 1;
      if (chains.get(claim.size) !== claim.chainHash) {
        const since = this.lastMatched === null ? "" : `; it agreed with the checkpoint for size ${this.lastMatched}, so an entry after seq ${this.lastMatched} was changed`;
        return this.fail(
          claim.size,
          `the chain hash at seq ${claim.size} differs from the signed checkpoint for size ${claim.size} (${claim.source}): the history up to seq ${claim.size} is not the one that was signed${since}`,
        );
      }
      this.lastMatched = claim.size;
    }
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

