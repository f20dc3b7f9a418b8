import * as crypto from "node:crypto";
import { createHash } from "node:crypto";
import { canonicalJson, type JsonValue } from "./canonical-json";

export const CANONICAL_VERSION = 1;
export const GENESIS_HASH = Buffer.alloc(32);

export interface AccountSpec {
  code: string;
  kind: string;
  nameKo: string;
  nameEn: string;
  mayGoNegative?: boolean;
}

export interface LineDraft {
  account: AccountSpec;
  amountWon: number;
}

export interface EntryDraft {
  kind: string;
  occurredAt: Date;
  lines: LineDraft[];
  /** Public text: never personal data. */
  memo?: string;
  /** Public references (campaign slug, disbursement id, salted backer commitment…). */
  refs?: Record<string, string | number>;
  reversesSeq?: number | null;
  idempotencyKey?: string;
}

export interface CanonicalLine {
  account: string;
  amount_won: number;
}

export interface CanonicalEntry {
  v: number;
  seq: number;
  at: string;
  kind: string;
  memo: string;
  refs: Record<string, string | number>;
  reverses: number | null;
  lines: CanonicalLine[];
}

export class UnbalancedEntryError extends Error {}

/** The rules the database also enforces, checked first so callers get a clear error. */
export function assertValidLines(lines: ReadonlyArray<{ account: string; amountWon: number }>): void {
  if (lines.length < 2) throw new UnbalancedEntryError("A journal entry needs at least two lines");
  const seen = new Set<string>();
  let sum = 0;
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amountWon) || line.amountWon === 0) {
      throw new UnbalancedEntryError(`Line amounts are non-zero whole won (got ${line.amountWon})`);
    }
    if (seen.has(line.account)) throw new UnbalancedEntryError(`Account ${line.account} appears twice in one entry`);
    seen.add(line.account);
    sum += line.amountWon;
  }
  if (sum !== 0) throw new UnbalancedEntryError(`Journal entry does not balance (sum ${sum})`);
}

export function buildCanonicalEntry(seq: number, draft: EntryDraft): CanonicalEntry {
  return {
    v: CANONICAL_VERSION,
    seq,
    at: draft.occurredAt.toISOString(),
    kind: draft.kind,
    memo: draft.memo ?? "",
    refs: draft.refs ?? {},
    reverses: draft.reversesSeq ?? null,
    lines: draft.lines.map((line) => ({ account: line.account.code, amount_won: line.amountWon })),
  };
}

export function canonicalText(entry: CanonicalEntry): string {
  return canonicalJson(entry as unknown as JsonValue);
}

/**
 * A draft's canonical text without its seq: `beforeSeq + seq + afterSeq` is the canonical text
 * of the entry at that seq. Keys are sorted, so "seq" is second to last (before "v"); the entry is
 * stored in these two parts and the sequencer numbers it after its commit (decision 41).
 */
export function canonicalTextAround(draft: EntryDraft): { beforeSeq: string; afterSeq: string } {
  const text = canonicalText(buildCanonicalEntry(0, draft));
  const afterSeq = `,"v":${CANONICAL_VERSION}}`;
  const end = `"seq":0${afterSeq}`;
  if (!text.endsWith(end)) throw new Error("canonical text does not end with seq and version");
  return { beforeSeq: text.slice(0, text.length - end.length) + '"seq":', afterSeq };
}

// One-shot hashing (node:crypto's hash(), Node 20.12+) into reused buffers: verifying a million
// entries is dominated by hashing, and a Hash object per call costs more than the hash itself.
interface OneShotHash {
  (algorithm: string, data: Uint8Array, outputEncoding: "buffer"): Buffer;
  (algorithm: string, data: Uint8Array, outputEncoding: "hex"): string;
}
const oneShotHash = (crypto as unknown as { hash?: OneShotHash }).hash;
const sha256 = (data: Uint8Array): Buffer => (oneShotHash ? oneShotHash("sha256", data, "buffer") : createHash("sha256").update(data).digest());
const sha256Hex = (data: Uint8Array): string => (oneShotHash ? oneShotHash("sha256", data, "hex") : createHash("sha256").update(data).digest("hex"));
const leafInput = Buffer.alloc(1 << 16);
const chainInput = Buffer.alloc(64);

export function leafHash(canonical: string): Buffer {
  leafInput[0] = 0;
  const written = leafInput.write(canonical, 1, "utf8");
  // A full buffer may mean the text did not fit.
  if (written < leafInput.length - 1) return sha256(leafInput.subarray(0, written + 1));
  return createHash("sha256").update(Buffer.from([0])).update(canonical, "utf8").digest();
}

/** leafHash in lower-case hex, as the export and the API write it. */
export function leafHashHex(canonical: string): string {
  leafInput[0] = 0;
  const written = leafInput.write(canonical, 1, "utf8");
  if (written < leafInput.length - 1) return sha256Hex(leafInput.subarray(0, written + 1));
  return createHash("sha256").update(Buffer.from([0])).update(canonical, "utf8").digest("hex");
}

/** chainHash of two hashes given in hex, in hex. */
export function chainHashHex(previous: string, leaf: string): string {
  chainInput.write(previous, 0, 32, "hex");
  chainInput.write(leaf, 32, 32, "hex");
  return sha256Hex(chainInput);
}

export function chainHash(previous: Buffer, leaf: Buffer): Buffer {
  previous.copy(chainInput, 0, 0, 32);
  leaf.copy(chainInput, 32, 0, 32);
  return sha256(chainInput);
}

/**
 * True when `text` is exactly canonicalJson(parsed). The fast path holds for every text the ledger
 * writes: JSON.parse keeps the text's key order, so a canonical text re-stringifies to itself and
 * has its keys sorted. Anything else (integer-like keys, which JSON objects reorder) takes the
 * exact, slower path.
 */
export function isCanonicalText(parsed: unknown, text: string): boolean {
  if (JSON.stringify(parsed) === text && keysSortedAndIntegral(parsed)) return true;
  try {
    return canonicalJson(parsed as JsonValue) === text;
  } catch {
    return false;
  }
}

function keysSortedAndIntegral(value: unknown): boolean {
  if (typeof value === "number") return Number.isSafeInteger(value) && !Object.is(value, -0);
  if (typeof value !== "object" || value === null) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!keysSortedAndIntegral(item)) return false;
    return true;
  }
  let previous: string | null = null;
  for (const key of Object.keys(value)) {
    if (previous !== null && !(previous < key)) return false;
    previous = key;
    if (!keysSortedAndIntegral((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** One entry as exported (NDJSON) and as read back for verification. */
export interface ExportedEntry {
  seq: number;
  canonical: string;
  leaf_hash: string;
  chain_hash: string;
}

export interface VerifyProblem {
  seq: number;
  reason: string;
}

export interface KindTotal {
  entries: number;
  inWon: number;
  outWon: number;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  headSeq: number;
  headHash: string;
  balances: Map<string, number>;
  problem: VerifyProblem | null;
}

export function seqProblem(expected: number, found: number): string {
  return found > expected ? `seq ${expected} is missing (next entry has seq ${found})` : `seq ${found} appears out of order or twice (expected ${expected})`;
}

export interface CheckedEntry {
  kind: string;
  /** The leaf hash (hex), equal to the entry's stated one. */
  leaf: string;
  lines: { account: string; amountWon: number }[];
}

/**
 * Everything about one entry except its place in the sequence: canonical JSON that names its seq,
 * balanced lines, the leaf hash and, given the previous chain hash (hex), the chain hash. Returns what
 * is wrong, or the checked entry.
 */
export function checkEntryContent(entry: ExportedEntry, previous: string | null): CheckedEntry | string {
  let parsed: CanonicalEntry;
  try {
    parsed = JSON.parse(entry.canonical) as CanonicalEntry;
  } catch {
    return "canonical text is not valid JSON";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "canonical text is not a JSON object";
  if (parsed.seq !== entry.seq) return `canonical text names seq ${String(parsed.seq)}`;
  if (!Array.isArray(parsed.lines)) return "canonical text has no lines";
  const lines: { account: string; amountWon: number }[] = [];
  for (const line of parsed.lines as unknown[]) {
    const { account, amount_won } = (typeof line === "object" && line !== null ? line : {}) as Record<string, unknown>;
    if (typeof account !== "string" || typeof amount_won !== "number") return "a line lacks its account or amount_won";
    lines.push({ account, amountWon: amount_won });
  }
  try {
    assertValidLines(lines);
  } catch (error) {
    return error instanceof Error ? error.message : "lines are invalid";
  }
  if (!isCanonicalText(parsed, entry.canonical)) return "canonical text is not in canonical form";
  const leaf = leafHashHex(entry.canonical);
  if (leaf !== entry.leaf_hash) return "leaf_hash does not match the canonical text";
  if (previous !== null && chainHashHex(previous, leaf) !== entry.chain_hash) return "chain_hash does not follow from the previous entry";
  return { kind: String(parsed.kind), leaf, lines };
}

/**
 * Streaming verifier: push entries in seq order, then finish. Memory grows with the number of
 * accounts, never with the number of entries. Stops at the first problem and names its seq.
 */
export class LedgerVerifier {
  private expectedSeq = 1;
  /** The chain hash after the last accepted entry (hex). */
  private previous = GENESIS_HASH.toString("hex");
  private readonly balances = new Map<string, number>();
  private problem: VerifyProblem | null = null;
  private count = 0;
  /** Per "<account>\0<kind>": entries, money in, money out (only when asked for). */
  private readonly kindTotals: Map<string, KindTotal> | null;

  constructor(options: { trackKindTotals?: boolean } = {}) {
    this.kindTotals = options.trackKindTotals ? new Map() : null;
  }

  push(entry: ExportedEntry): boolean {
    if (this.problem) return false;
    const reason = this.check(entry);
    if (reason === null) return true;
    this.problem = { seq: this.expectedSeq, reason };
    return false;
  }

  /** Null when the entry is good (and accepted); otherwise what is wrong with it. */
  private check(entry: ExportedEntry): string | null {
    if (entry.seq !== this.expectedSeq) return seqProblem(this.expectedSeq, entry.seq);
    const checked = checkEntryContent(entry, this.previous);
    if (typeof checked === "string") return checked;
    for (const line of checked.lines) {
      this.balances.set(line.account, (this.balances.get(line.account) ?? 0) + line.amountWon);
      if (this.kindTotals) {
        const key = `${line.account}\0${checked.kind}`;
        const total = this.kindTotals.get(key) ?? { entries: 0, inWon: 0, outWon: 0 };
        total.entries += 1;
        if (line.amountWon > 0) total.inWon += line.amountWon;
        else total.outWon -= line.amountWon;
        this.kindTotals.set(key, total);
      }
    }
    this.previous = entry.chain_hash;
    this.expectedSeq += 1;
    this.count += 1;
    return null;
  }

  /** The seq the next entry must have. */
  get nextSeq(): number {
    return this.expectedSeq;
  }

  /** The chain hash after the last accepted entry (hex). */
  get headHash(): string {
    return this.previous;
  }

  /** Records a problem found outside the entries themselves (a checkpoint, the export's framing). */
  reportProblem(problem: VerifyProblem): void {
    this.problem ??= problem;
  }

  /** Compares recomputed balances with the ones a source claims (e.g. the database's). */
  checkBalances(claimed: ReadonlyMap<string, number>): boolean {
    if (this.problem) return false;
    const codes = new Set([...claimed.keys(), ...this.balances.keys()]);
    for (const code of [...codes].sort()) {
      const recomputed = this.balances.get(code) ?? 0;
      const stated = claimed.get(code) ?? 0;
      if (recomputed !== stated) {
        this.problem = {
          seq: this.expectedSeq - 1,
          reason: `balance of ${code} is ${stated} but the entries add up to ${recomputed}`,
        };
        return false;
      }
    }
    return true;
  }

  /** Compares recomputed totals per account and kind with claimed ones (keys "<account>\0<kind>"). */
  checkKindTotals(claimed: ReadonlyMap<string, KindTotal>): boolean {
    if (this.problem || !this.kindTotals) return this.problem === null;
    const keys = new Set([...claimed.keys(), ...this.kindTotals.keys()]);
    for (const key of [...keys].sort()) {
      const recomputed = this.kindTotals.get(key) ?? { entries: 0, inWon: 0, outWon: 0 };
      const stated = claimed.get(key) ?? { entries: 0, inWon: 0, outWon: 0 };
      if (recomputed.entries !== stated.entries || recomputed.inWon !== stated.inWon || recomputed.outWon !== stated.outWon) {
        const [account, kind] = key.split("\0");
        this.problem = {
          seq: this.expectedSeq - 1,
          reason: `totals of ${account} for ${kind} are ${JSON.stringify(stated)} but the entries add up to ${JSON.stringify(recomputed)}`,
        };
        return false;
      }
    }
    return true;
  }

  finish(): VerifyResult {
    return {
      ok: this.problem === null,
      entries: this.count,
      headSeq: this.expectedSeq - 1,
      headHash: this.previous,
      balances: new Map(this.balances),
      problem: this.problem,
    };
  }
}

export function verifyEntries(entries: Iterable<ExportedEntry>): VerifyResult {
  const verifier = new LedgerVerifier();
  for (const entry of entries) {
    if (!verifier.push(entry)) break;
  }
  return verifier.finish();
}
