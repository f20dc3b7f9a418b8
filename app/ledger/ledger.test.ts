import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seeded } from "../../tests/support/fast-check";
import {
  assertValidLines,
  buildCanonicalEntry,
  canonicalText,
  canonicalTextAround,
  chainHash,
  GENESIS_HASH,
  leafHash,
  UnbalancedEntryError,
  verifyEntries,
  type AccountSpec,
  type ExportedEntry,
} from "./ledger";

const account = (code: string, mayGoNegative = false): AccountSpec => ({ code, kind: "test", nameKo: code, nameEn: code, mayGoNegative });

/** A valid chain of n entries, built the way the ledger module builds them. */
function buildChain(n: number): ExportedEntry[] {
  const entries: ExportedEntry[] = [];
  let previous: Buffer = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const amount = 1000 * seq;
    const canonical = canonicalText(
      buildCanonicalEntry(seq, {
        kind: "test.transfer",
        occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
        memo: `entry ${seq}`,
        lines: [
          { account: account("external:card", true), amountWon: -amount },
          { account: account(`campaign:${seq % 3}:escrow`), amountWon: amount },
        ],
      }),
    );
    const leaf = leafHash(canonical);
    const chain = chainHash(previous, leaf);
    entries.push({ seq, canonical, leaf_hash: leaf.toString("hex"), chain_hash: chain.toString("hex") });
    previous = chain;
  }
  return entries;
}

describe("canonicalTextAround", () => {
  it("puts any seq between the two parts to make the entry's canonical text", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.string(),
        fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
        fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
        (seq, memo, refs, reversesSeq) => {
          const draft = {
            kind: "test.transfer",
            occurredAt: new Date(Date.UTC(2026, 10, 24)),
            memo,
            refs,
            reversesSeq,
            lines: [
              { account: account("external:card", true), amountWon: -500 },
              { account: account("campaign:1:escrow"), amountWon: 500 },
            ],
          };
          const { beforeSeq, afterSeq } = canonicalTextAround(draft);
          expect(`${beforeSeq}${seq}${afterSeq}`).toBe(canonicalText(buildCanonicalEntry(seq, draft)));
        },
      ),
      seeded("canonicalTextAround", 300),
    );
  });

  it("is not fooled by a memo that spells the end of the text", () => {
    const draft = { kind: "test.transfer", occurredAt: new Date(0), memo: '"seq":0,"v":1}', lines: [{ account: account("a:x", true), amountWon: -1 }, { account: account("b:y"), amountWon: 1 }] };
    const { beforeSeq, afterSeq } = canonicalTextAround(draft);
    expect(`${beforeSeq}7${afterSeq}`).toBe(canonicalText(buildCanonicalEntry(7, draft)));
  });
});

describe("assertValidLines", () => {
  it("accepts a balanced entry", () => {
    expect(() => assertValidLines([{ account: "a", amountWon: 5 }, { account: "b", amountWon: -5 }])).not.toThrow();
  });
  it.each([
    [[{ account: "a", amountWon: 5 }]],
    [[{ account: "a", amountWon: 5 }, { account: "b", amountWon: -4 }]],
    [[{ account: "a", amountWon: 0 }, { account: "b", amountWon: 0 }]],
    [[{ account: "a", amountWon: 0.5 }, { account: "b", amountWon: -0.5 }]],
    [[{ account: "a", amountWon: 5 }, { account: "a", amountWon: -5 }]],
  ])("refuses %j", (lines) => {
    expect(() => assertValidLines(lines)).toThrow(UnbalancedEntryError);
  });
});

describe("hashes", () => {
  it("follow the published formulas", () => {
    // Vectors computed outside the project: printf '\x00{}' | sha256sum, and Python's hashlib for the chain.
    const leaf = leafHash("{}");
    expect(leaf.toString("hex")).toBe("28a3a18f6cd6406b086e9ffda1f9b8a13dbcf44b0f3f32cb9031a11fd053acf9");
    expect(chainHash(GENESIS_HASH, leaf).toString("hex")).toBe("434eaf4fd45762606eecbf1c003303ac0eba650b9145065bb1eb46afc1b4e6d2");
  });
});

describe("verifyEntries", () => {
  it("accepts an untouched chain and recomputes balances", () => {
    const result = verifyEntries(buildChain(30));
    expect(result.ok).toBe(true);
    expect(result.entries).toBe(30);
    expect(result.balances.get("external:card")).toBe(-465_000);
    const escrow = [0, 1, 2].reduce((sum, i) => sum + (result.balances.get(`campaign:${i}:escrow`) ?? 0), 0);
    expect(escrow).toBe(465_000);
  });

  it("names the first bad seq for every random single edit, deletion, insertion and swap", () => {
    const chain = buildChain(25);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("edit" as const), at: fc.nat(24), offset: fc.nat(200), char: fc.string({ minLength: 1, maxLength: 1 }) }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(23) }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(24), from: fc.nat(24) }),
      fc.record({ kind: fc.constant("swap" as const), at: fc.nat(23) }),
      fc.record({ kind: fc.constant("rehash" as const), at: fc.nat(24), amount: fc.integer({ min: 1, max: 9 }) }),
    );
    fc.assert(
      fc.property(mutation, (m) => {
        const entries = chain.map((e) => ({ ...e }));
        let expectedSeq: number;
        switch (m.kind) {
          case "edit": {
            const target = entries[m.at]!;
            const i = m.offset % target.canonical.length;
            const edited = target.canonical.slice(0, i) + m.char + target.canonical.slice(i + 1);
            fc.pre(edited !== target.canonical);
            target.canonical = edited;
            expectedSeq = m.at + 1;
            break;
          }
          case "delete":
            entries.splice(m.at, 1);
            expectedSeq = m.at + 1;
            break;
          case "insert":
            entries.splice(m.at, 0, { ...chain[m.from]! });
            // Re-inserting an entry right before itself leaves the first copy in place.
            expectedSeq = m.from === m.at ? m.at + 2 : m.at + 1;
            break;
          case "swap": {
            const a = entries[m.at]!;
            entries[m.at] = entries[m.at + 1]!;
            entries[m.at + 1] = a;
            expectedSeq = m.at + 1;
            break;
          }
          case "rehash": {
            // A careful forger changes an amount and recomputes this entry's hashes: the chain still breaks after it.
            const target = entries[m.at]!;
            const parsed = JSON.parse(target.canonical) as { lines: { amount_won: number }[] };
            parsed.lines[0]!.amount_won -= m.amount;
            parsed.lines[1]!.amount_won += m.amount;
            target.canonical = canonicalText(parsed as never);
            target.leaf_hash = leafHash(target.canonical).toString("hex");
            const previous = m.at === 0 ? GENESIS_HASH : Buffer.from(entries[m.at - 1]!.chain_hash, "hex");
            target.chain_hash = chainHash(previous, Buffer.from(target.leaf_hash, "hex")).toString("hex");
            expectedSeq = m.at + 2;
            if (m.at === 24) return; // the last entry re-signed needs a checkpoint to catch: see the checkpoint tests
            break;
          }
        }
        const result = verifyEntries(entries);
        expect(result.ok).toBe(false);
        expect(result.problem?.seq).toBe(expectedSeq);
      }),
      seeded("verifyEntries single mutations", 300),
    );
  });
});
