import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportLine, verifyExportText } from "./export";
import { checkCheckpointDocuments } from "./checkpoints";
import { buildCanonicalEntry, canonicalText, chainHash, GENESIS_HASH, leafHash, type AccountSpec } from "./ledger";
import { verifyExportFile } from "./verify-file.server";

const account = (code: string, mayGoNegative = false): AccountSpec => ({ code, kind: "test", nameKo: code, nameEn: code, mayGoNegative });
const noCheckpoints = checkCheckpointDocuments([]);

function exportText(entries: number): string {
  let previous: Buffer = GENESIS_HASH;
  let text = "";
  for (let seq = 1; seq <= entries; seq++) {
    const canonical = canonicalText(
      buildCanonicalEntry(seq, {
        kind: "pledge.collected",
        occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
        // Lines of different lengths, some longer than the smallest batches below.
        memo: "후원 ".repeat(seq % 7 === 0 ? 200 : seq % 5),
        lines: [
          { account: account("external:card", true), amountWon: -1_000 * seq },
          { account: account(`campaign:${seq % 4}:escrow`), amountWon: 1_000 * seq },
        ],
      }),
    );
    const leaf = leafHash(canonical);
    previous = chainHash(previous, leaf);
    text += exportLine({ seq, canonical, leaf_hash: leaf.toString("hex"), chain_hash: previous.toString("hex") });
  }
  return text;
}

describe("verifying an export file in batches", () => {
  const dir = mkdtempSync(join(tmpdir(), "hamkke-verify-file-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const whole = exportText(40);

  it.each([
    ["ends with a newline", whole],
    ["ends without one", whole.slice(0, -1)],
    ["has blank lines", whole.replace(/\n/g, "\n\n")],
  ])("reads every line whatever the batch size when the file %s", async (_, text) => {
    const path = join(dir, "ledger.ndjson");
    writeFileSync(path, text);
    const expected = verifyExportText(text);
    expect(expected.ok).toBe(true);
    expect(expected.entries).toBe(40);
    // 64 bytes: every line is longer than a batch; 700: some are; 1 MiB: one batch.
    for (const batchBytes of [64, 700, 1 << 20]) {
      for (const workers of [0, 2]) {
        const result = await verifyExportFile(path, noCheckpoints, { batchBytes, workers });
        expect({ ok: result.ok, entries: result.entries, head: result.headHash, root: result.rootHash, balances: result.balances }, `${batchBytes} bytes, ${workers} workers`).toEqual({
          ok: true,
          entries: 40,
          head: expected.headHash,
          root: expected.rootHash,
          balances: expected.balances,
        });
      }
    }
  });

  it("names the same first problem as reading it whole", async () => {
    const path = join(dir, "tampered.ndjson");
    const tampered = whole.replace('":-17000', '":-17001');
    writeFileSync(path, tampered);
    const expected = verifyExportText(tampered);
    expect(expected.ok).toBe(false);
    for (const workers of [0, 2]) {
      const result = await verifyExportFile(path, noCheckpoints, { batchBytes: 700, workers });
      expect(result.problem).toEqual(expected.problem);
    }
  });
});
