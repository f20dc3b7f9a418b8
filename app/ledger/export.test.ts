import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seeded } from "../../tests/support/fast-check";
import { chainCheckpointJson, merkleCheckpointJson, rootOfLeaves } from "../../tests/support/checkpoints";
import { MTH } from "../../tests/support/rfc9162";
import { checkCheckpointDocuments, createSigner, publicKeyJson, type CheckpointClaim, type CheckpointsDocument, type LedgerSigner } from "./checkpoints";
import { csvCell, csvRow, parseCsv } from "../utils/csv";
import { exportLine, verifyExportText } from "./export";
import { buildCanonicalEntry, canonicalText, chainHash, GENESIS_HASH, leafHash, type AccountSpec, type ExportedEntry } from "./ledger";
import { backerRefs, newReceiptCode } from "./receipts";

const N = 30;
const CHECKPOINT_SIZES = [10, 20, N];
const account = (code: string, mayGoNegative = false): AccountSpec => ({ code, kind: "test", nameKo: code, nameEn: code, mayGoNegative });
const signer: LedgerSigner = createSigner("test.hamkke.local/ledger", generateKeyPairSync("ed25519").privateKey);

function entryText(seq: number, amount: number) {
  return canonicalText(
    buildCanonicalEntry(seq, {
      kind: seq % 4 === 0 ? "pledge.refunded" : "pledge.collected",
      occurredAt: new Date(Date.UTC(2026, 10, 1, 0, 0, seq)),
      memo: seq % 3 === 0 ? "현장 기부 \"함께\" 100%" : "온라인 후원",
      refs: { campaign: `c-${seq % 3}`, ...backerRefs(newReceiptCode()) },
      lines: [
        { account: account("external:card", true), amountWon: -amount },
        { account: account(`campaign:${seq % 3}:escrow`), amountWon: amount },
      ],
    }),
  );
}

/** Entries chained from `previous`, the way the ledger module writes them. */
function chainFrom(texts: string[], firstSeq = 1, previous: Buffer = GENESIS_HASH): ExportedEntry[] {
  let prev = previous;
  return texts.map((canonical, i) => {
    const leaf = leafHash(canonical);
    const chain = chainHash(prev, leaf);
    prev = chain;
    return { seq: firstSeq + i, canonical, leaf_hash: leaf.toString("hex"), chain_hash: chain.toString("hex") };
  });
}

type Kind = "merkle" | "chain";

/** Checkpoints as the log signs them now (Merkle root), or as it signed them before decision 61 (chain hash). */
function documentFor(entries: ExportedEntry[], sizes: number[], kind: Kind = "merkle"): CheckpointsDocument {
  const leaves = entries.map((e) => e.leaf_hash);
  return {
    origin: signer.origin,
    public_key: publicKeyJson(signer.origin, signer.publicKey),
    keys: [publicKeyJson(signer.origin, signer.publicKey)],
    witnesses: [],
    checkpoints: sizes.map((size) => {
      const chainHash = Buffer.from(entries[size - 1]!.chain_hash, "hex");
      return kind === "merkle" ? merkleCheckpointJson(signer, size, rootOfLeaves(leaves, size), { chainHash }) : (chainCheckpointJson(signer, size, chainHash) as never);
    }),
  };
}

function claimsOf(...documents: CheckpointsDocument[]): CheckpointClaim[] {
  const check = checkCheckpointDocuments(documents.map((json, i) => ({ source: `checkpoints-${i}.json`, json })));
  expect(check.problem).toBeNull();
  return check.claims;
}

const entries = chainFrom(Array.from({ length: N }, (_, i) => entryText(i + 1, 1000 * (i + 1))));
const lines = entries.map((e) => exportLine(e).slice(0, -1));
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join("");

describe.each<Kind>(["merkle", "chain"])("verifying an export against %s checkpoints", (kind) => {
  const claims = claimsOf(documentFor(entries, CHECKPOINT_SIZES, kind));

  it("accepts the untouched export, whatever the batch size, and recomputes balances", () => {
    for (const batchLines of [1, 2, 7, 5000]) {
      const result = verifyExportText(text(lines), claims, batchLines);
      expect(result).toMatchObject({ ok: true, entries: N, headSeq: N, headHash: entries[N - 1]!.chain_hash, checkpointsChecked: 3, latestCheckpoint: N });
      expect(result.rootHash).toBe(MTH(entries.map((e) => Buffer.from(e.canonical, "utf8"))).toString("hex"));
      expect(result.balances.get("external:card")).toBe(-1000 * ((N * (N + 1)) / 2));
    }
  });

  it("accepts CRLF line ends, blank lines and a missing final newline", () => {
    const messy = `\n${lines.slice(0, 10).join("\r\n")}\r\n\r\n${lines.slice(10).join("\n")}`;
    expect(verifyExportText(messy, claims, 3)).toMatchObject({ ok: true, entries: N });
  });

  it("T1: names the first bad seq for every random single edit, deletion, insertion, swap and truncation", () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant("edit" as const), line: fc.nat(N - 1), offset: fc.nat(2000), char: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), fc.constantFrom("0", "a", "\\", '"', " ", "\n", "}", "한")) }),
      fc.record({ kind: fc.constant("delete" as const), line: fc.nat(N - 1) }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(N), from: fc.nat(N - 1) }),
      fc.record({ kind: fc.constant("swap" as const), a: fc.nat(N - 1), b: fc.nat(N - 1) }),
      fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat(N - 1) }),
      fc.record({ kind: fc.constant("rehash" as const), line: fc.nat(N - 1), delta: fc.integer({ min: 1, max: 999 }) }),
    );
    fc.assert(
      fc.property(mutation, fc.integer({ min: 1, max: 8 }), (m, batchLines) => {
        const mutated = [...lines];
        let firstBad: number;
        switch (m.kind) {
          case "edit": {
            const target = mutated[m.line]!;
            const at = m.offset % target.length;
            const edited = target.slice(0, at) + m.char + target.slice(at + 1);
            fc.pre(edited !== target);
            mutated[m.line] = edited;
            firstBad = m.line + 1;
            break;
          }
          case "delete":
            mutated.splice(m.line, 1);
            firstBad = m.line + 1;
            break;
          case "insert":
            mutated.splice(m.at, 0, lines[m.from]!);
            // A copy inserted right before its original takes the original's place; the original is then the extra one.
            firstBad = m.from === m.at ? m.at + 2 : m.at + 1;
            break;
          case "swap": {
            fc.pre(m.a !== m.b);
            const [a, b] = [Math.min(m.a, m.b), Math.max(m.a, m.b)];
            [mutated[a], mutated[b]] = [mutated[b]!, mutated[a]!];
            firstBad = a + 1;
            break;
          }
          case "truncate":
            mutated.splice(m.keep);
            firstBad = m.keep + 1;
            break;
          case "rehash": {
            // A careful forger changes an amount and recomputes this entry's own hashes.
            const entry = entries[m.line]!;
            const parsed = JSON.parse(entry.canonical) as { lines: { amount_won: number }[] };
            parsed.lines[0]!.amount_won -= m.delta;
            parsed.lines[1]!.amount_won += m.delta;
            const previous = m.line === 0 ? GENESIS_HASH : Buffer.from(entries[m.line - 1]!.chain_hash, "hex");
            const [forged] = chainFrom([canonicalText(parsed as never)], entry.seq, previous);
            mutated[m.line] = exportLine(forged!).slice(0, -1);
            // Its own checkpoint catches it at once; otherwise the next entry no longer chains.
            firstBad = CHECKPOINT_SIZES.includes(entry.seq) ? entry.seq : entry.seq + 1;
            break;
          }
        }
        const result = verifyExportText(text(mutated), claims, batchLines);
        expect(result.ok).toBe(false);
        expect(result.problem?.seq).toBe(firstBad);
        // Checking line by line and in any batches agree exactly.
        expect(verifyExportText(text(mutated), claims, 1).problem).toEqual(result.problem);
      }),
      seeded(`T1 export tampering (${kind} checkpoints)`, 600),
    );
  });

  it("catches a truncated export only with a checkpoint beyond its end", () => {
    const cut = text(lines.slice(0, 25));
    expect(verifyExportText(cut, [], 4)).toMatchObject({ ok: true, entries: 25 });
    const result = verifyExportText(cut, claims, 4);
    expect(result.problem).toEqual({ seq: 26, reason: expect.stringMatching(/ends at seq 25.*covers 30 entries.*truncated/) as unknown as string });
  });

  it("a re-signed rewritten history verifies on its own but disagrees with an archived checkpoint", () => {
    const archived = documentFor(entries, [10, 20], kind);
    // The operator changes entry 14's amount, re-chains everything after it and signs anew.
    const rewrittenTexts = entries.map((e) => e.canonical);
    const parsed = JSON.parse(rewrittenTexts[13]!) as { lines: { amount_won: number }[] };
    parsed.lines[0]!.amount_won -= 5000;
    parsed.lines[1]!.amount_won += 5000;
    rewrittenTexts[13] = canonicalText(parsed as never);
    const rewritten = chainFrom(rewrittenTexts);
    const today = documentFor(rewritten, [10, 20, 30], kind);
    const rewrittenText = text(rewritten.map((e) => exportLine(e).slice(0, -1)));

    expect(verifyExportText(rewrittenText, claimsOf(today), 5)).toMatchObject({ ok: true, entries: N });

    const againstArchive = verifyExportText(rewrittenText, claimsOf(archived), 5);
    expect(againstArchive.ok).toBe(false);
    expect(againstArchive.problem?.seq).toBe(20);
    expect(againstArchive.problem?.reason).toMatch(kind === "merkle" ? /Merkle root of entries 1–20 differs from the signed checkpoint for size 20.*after seq 10 was changed/ : /chain hash at seq 20 differs from the signed checkpoint for size 20.*after seq 10 was changed/);

    const both = checkCheckpointDocuments([
      { source: "archived.json", json: archived },
      { source: "today.json", json: today },
    ]);
    expect(both.problem).toMatchObject({ seq: 20, reason: expect.stringMatching(/disagree/) as unknown as string });
  });

  it("names the line of a line that is not an entry", () => {
    const broken = [...lines];
    broken[4] = '{"seq":5}';
    expect(verifyExportText(text(broken), claims, 2).problem).toEqual({ seq: 5, reason: 'line 5 has no "canonical" text' });
    broken[4] = "[1,2]";
    expect(verifyExportText(`\n${text(broken)}`, claims, 2).problem).toEqual({ seq: 5, reason: "line 6 is not a JSON object" });
  });
});

describe("the Merkle tree of an export", () => {
  // Long enough for full tiles, with checkpoints on, inside and just after tile boundaries.
  const long = chainFrom(Array.from({ length: 700 }, (_, i) => entryText(i + 1, 100 * (i + 1))));
  const longLines = long.map((e) => exportLine(e).slice(0, -1));
  const sizes = [1, 255, 256, 257, 300, 512, 700];
  const longClaims = claimsOf(documentFor(long, sizes));

  it("is the RFC's tree whatever the batches, and every checkpoint root matches", () => {
    const expected = MTH(long.map((e) => Buffer.from(e.canonical, "utf8"))).toString("hex");
    for (const batchLines of [1, 7, 100, 255, 256, 300, 5000]) {
      const result = verifyExportText(text(longLines), longClaims, batchLines);
      expect({ batchLines, ok: result.ok, problem: result.problem, checked: result.checkpointsChecked }).toEqual({ batchLines, ok: true, problem: null, checked: sizes.length });
      expect(result.rootHash).toBe(expected);
    }
  });

  it("a forger who rewrites an entry inside a full tile and re-chains everything after it is caught by the next checkpoint", () => {
    const texts = long.map((e) => e.canonical);
    const parsed = JSON.parse(texts[400]!) as { lines: { amount_won: number }[] };
    parsed.lines[0]!.amount_won -= 1;
    parsed.lines[1]!.amount_won += 1;
    texts[400] = canonicalText(parsed as never);
    const forged = text(chainFrom(texts).map((e) => exportLine(e).slice(0, -1)));
    for (const batchLines of [1, 256, 5000]) {
      expect(verifyExportText(forged, longClaims, batchLines).problem).toEqual({
        seq: 512,
        reason: expect.stringMatching(/Merkle root of entries 1–512 differs.*after seq 300 was changed/) as unknown as string,
      });
    }
  });
});

describe("CSV", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(csvCell("-5")).toBe("'-5");
    expect(csvCell(-5)).toBe("-5");
    expect(csvRow(["a", 1, "b,c"])).toBe('a,1,"b,c"\r\n');
  });

  it("parses back what it writes", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const safe = rows.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `x${cell}` : cell)));
        const written = `\uFEFF${safe.map((row) => csvRow(row)).join("")}`;
        expect(parseCsv(written)).toEqual(safe.map((row) => row.map((cell) => cell)));
      }),
      seeded("CSV round trip", 200),
    );
  });
});
