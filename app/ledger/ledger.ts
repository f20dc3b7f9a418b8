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

export function leafHash(canonical: string): Buffer {
  return createHash("sha256").update(Buffer.from([0])).update(canonical, "utf8").digest();
}

export function chainHash(previous: Buffer, leaf: Buffer): Buffer {
  return createHash("sha256").update(previous).update(leaf).digest();
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

export interface VerifyResult {
  ok: boolean;
  entries: number;
  headSeq: number;
  headHash: string;
  balances: Map<string, number>;
  problem: VerifyProblem | null;
}

/**
 * Streaming verifier: push entries in seq order, then finish. Memory grows with the number of
 * accounts, never with the number of entries. Stops at the first problem and names its seq.
 */
export class LedgerVerifier {
  private expectedSeq = 1;
  private previous: Buffer = GENESIS_HASH;
  private readonly balances = new Map<string, number>();
  private problem: VerifyProblem | null = null;
  private count = 0;

  push(entry: ExportedEntry): boolean {
    if (this.problem) return false;
    const fail = (reason: string) => {
      this.problem = { seq: entry.seq === this.expectedSeq ? entry.seq : this.expectedSeq, reason };
      return false;
    };
    if (entry.seq !== this.expectedSeq) {
      return fail(
        entry.seq > this.expectedSeq
          ? `seq ${this.expectedSeq} is missing (next entry has seq ${entry.seq})`
          : `seq ${entry.seq} appears out of order or twice (expected ${this.expectedSeq})`,
      );
    }
    let parsed: CanonicalEntry;
    try {
      parsed = JSON.parse(entry.canonical) as CanonicalEntry;
    } catch {
      return fail("canonical text is not valid JSON");
    }
    if (parsed.seq !== entry.seq) return fail(`canonical text names seq ${String(parsed.seq)}`);
    if (!Array.isArray(parsed.lines)) return fail("canonical text has no lines");
    try {
      assertValidLines(parsed.lines.map((l) => ({ account: String(l.account), amountWon: l.amount_won })));
    } catch (error) {
      return fail(error instanceof Error ? error.message : "lines are invalid");
    }
    let reserialised: string;
    try {
      reserialised = canonicalText(parsed);
    } catch {
      return fail("canonical text holds a value that is not canonical");
    }
    if (reserialised !== entry.canonical) return fail("canonical text is not in canonical form");
    const leaf = leafHash(entry.canonical);
    if (leaf.toString("hex") !== entry.leaf_hash) return fail("leaf_hash does not match the canonical text");
    const chain = chainHash(this.previous, leaf);
    if (chain.toString("hex") !== entry.chain_hash) return fail("chain_hash does not follow from the previous entry");
    for (const line of parsed.lines) {
      this.balances.set(line.account, (this.balances.get(line.account) ?? 0) + line.amount_won);
    }
    this.previous = chain;
    this.expectedSeq += 1;
    this.count += 1;
    return true;
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

  finish(): VerifyResult {
    return {
      ok: this.problem === null,
      entries: this.count,
      headSeq: this.expectedSeq - 1,
      headHash: this.previous.toString("hex"),
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
