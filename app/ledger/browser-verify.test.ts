import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cosign, createTestWitness } from "../../tests/support/checkpoints";
import { PATH, MTH } from "../../tests/support/rfc9162";
import { checkReceiptProof, type ProofToCheck } from "./browser-verify";
import { createSigner, signCheckpoint, signedNote } from "./checkpoints";

// The browser's check runs here on Node's Web Crypto (the same SubtleCrypto API), against proofs
// made with the RFC implementation of the tests and notes signed with node:crypto.

const subtle = globalThis.crypto.subtle;
const signer = createSigner("fund.example.kr/ledger", generateKeyPairSync("ed25519").privateKey);
const witness = createTestWitness("gwangsan.example.kr/witness");
const entries = Array.from({ length: 300 }, (_, i) => Buffer.from(`{"seq":${i + 1},"memo":"후원 ${i + 1}"}`, "utf8"));
const size = 300;
const signed = signCheckpoint(signer, size, MTH(entries));
const cosignature = cosign(witness, signed.note, 1_790_000_000);

function proofFor(index: number): ProofToCheck {
  return {
    canonical: entries[index]!.toString("utf8"),
    leafIndex: index,
    inclusionPath: PATH(index, entries).map((h) => h.toString("hex")),
    checkpoint: signedNote(signed.note, signer.origin, signer.keyId, signed.signature, [cosignature]),
    size,
    log: { origin: signer.origin, keyId: signer.keyId, publicKey: signer.publicKey.toString("base64") },
    witnesses: [{ name: witness.name, key_id: witness.keyId, public_key: witness.publicKey.toString("base64") }],
  };
}

describe("checking a receipt's proof with Web Crypto", () => {
  it("accepts the entry, the inclusion proof, the log's signature and the witness's cosignature", async () => {
    for (const index of [0, 1, 255, 256, 299]) {
      expect(await checkReceiptProof(subtle, proofFor(index))).toEqual({
        leafHash: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown as string,
        included: true,
        checkpointSignature: "valid",
        witnesses: [{ name: witness.name, status: "valid", time: 1_790_000_000 }],
      });
    }
  });

  it.each<[string, (p: ProofToCheck) => ProofToCheck, Partial<Awaited<ReturnType<typeof checkReceiptProof>>>]>([
    ["an entry whose text was changed", (p) => ({ ...p, canonical: p.canonical.replace("후원", "환불") }), { included: false }],
    ["a proof with an altered hash", (p) => ({ ...p, inclusionPath: [p.inclusionPath[1]!, ...p.inclusionPath.slice(1)] }), { included: false }],
    ["a proof for another position", (p) => ({ ...p, leafIndex: p.leafIndex + 1 }), { included: false }],
    ["a checkpoint of another size", (p) => ({ ...p, size: 299 }), { included: false }],
    ["a checkpoint signed by another key", (p) => ({ ...p, log: { ...p.log, publicKey: witness.publicKey.toString("base64") } }), { checkpointSignature: "invalid" }],
    ["a checkpoint whose root was swapped", (p) => ({ ...p, checkpoint: p.checkpoint.replace(signed.note, signed.note.replace(/\n(.+)\n$/, `\n${Buffer.alloc(32, 1).toString("base64")}\n`)) }), { included: false, checkpointSignature: "invalid" }],
    ["a cosignature removed", (p) => ({ ...p, checkpoint: p.checkpoint.split("\n").slice(0, -2).join("\n") + "\n" }), { witnesses: [{ name: witness.name, status: "missing", time: null }] }],
  ])("refuses %s", async (_name, alter, expected) => {
    expect(await checkReceiptProof(subtle, alter(proofFor(7)))).toMatchObject(expected);
  });
});
