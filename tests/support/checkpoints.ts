import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import {
  checkpointJson,
  keyIdFor,
  rawPublicKey,
  signCheckpoint,
  type CheckpointJson,
  type Cosignature,
  type LedgerSigner,
  type WitnessKey,
} from "../../app/ledger/checkpoints";
import { buildTree } from "../../app/ledger/merkle-tree";
import { COSIGNATURE_V1_TYPE } from "../../app/ledger/signed-note";

// Checkpoint documents for tests, in both forms: the Merkle checkpoints the log signs now, and
// the chain-hash checkpoints it signed before decision 61 (as an old server published them).

export function merkleCheckpointJson(signer: LedgerSigner, size: number, rootHash: Buffer, options: { chainHash?: Buffer; cosignatures?: Cosignature[] } = {}): CheckpointJson {
  const signed = signCheckpoint(signer, size, rootHash);
  return checkpointJson({
    ...signed,
    chainHash: options.chainHash ?? Buffer.alloc(32),
    keyName: signer.origin,
    cosignatures: options.cosignatures ?? [],
    signedAt: new Date("2026-11-25T00:00:00Z"),
  });
}

/** A checkpoint exactly as the log published it before decision 61: the note signs the chain hash. */
export function chainCheckpointJson(signer: LedgerSigner, size: number, chainHash: Buffer): Record<string, unknown> {
  const note = `${signer.origin}\n${size}\n${chainHash.toString("base64")}\n`;
  const signature = sign(null, Buffer.from(note, "utf8"), signer.privateKey);
  return {
    size,
    origin: signer.origin,
    chain_hash: chainHash.toString("hex"),
    note,
    key_id: signer.keyId,
    signature: signature.toString("base64"),
    signed_note: `${note}\n\u2014 ${signer.origin} ${Buffer.concat([Buffer.from(signer.keyId, "hex"), signature]).toString("base64")}\n`,
    signed_at: "2026-11-20T00:00:00.000Z",
  };
}

/** The Merkle root of the first `size` leaves given as hex. */
export function rootOfLeaves(leafHashesHex: readonly string[], size: number): Buffer {
  return buildTree(leafHashesHex.slice(0, size).map((h) => Buffer.from(h, "hex"))).root;
}

export interface TestWitness extends WitnessKey {
  privateKey: KeyObject;
}

export function createTestWitness(name: string): TestWitness {
  const { privateKey } = generateKeyPairSync("ed25519");
  const publicKey = rawPublicKey(privateKey);
  return { name, keyId: keyIdFor(name, publicKey, COSIGNATURE_V1_TYPE), publicKey, privateKey };
}

/** A cosignature written from tlog-cosignature's text, not with the product's helpers. */
export function cosign(witness: TestWitness, note: string, time: number): Cosignature {
  const message = `cosignature/v1\ntime ${time}\n${note}`;
  return { witnessName: witness.name, keyId: witness.keyId, time, signature: sign(null, Buffer.from(message, "utf8"), witness.privateKey) };
}
