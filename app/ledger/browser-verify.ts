import { HASH_BYTES, verifyInclusion } from "./merkle";
import { cosignatureMessage, fromBase64, fromHex, parseCheckpointText, parseSignedNote, splitCosignature, toHex } from "./signed-note";

// What the receipt page and /ledger/find check in the visitor's own browser, with Web Crypto
// (SubtleCrypto): the entry's leaf hash from its text, the inclusion proof up to the checkpoint's
// root, the log's Ed25519 signature on the checkpoint and each witness's cosignature.

export interface ProofToCheck {
  canonical: string;
  leafIndex: number;
  /** Hex, bottom up. */
  inclusionPath: readonly string[];
  /** The checkpoint as a C2SP signed note, cosignatures included. */
  checkpoint: string;
  /** The checkpoint size the proof is for. */
  size: number;
  log: { origin: string; keyId: string; publicKey: string };
  witnesses: readonly { name: string; key_id: string; public_key: string }[];
}

/** "unsupported": this browser's Web Crypto has no Ed25519. */
export type SignatureStatus = "valid" | "invalid" | "missing" | "unsupported";

export interface ProofResult {
  leafHash: string;
  /** The proof leads from the entry to the root the checkpoint states. */
  included: boolean;
  checkpointSignature: SignatureStatus;
  witnesses: { name: string; status: SignatureStatus; time: number | null }[];
}

async function digest(subtle: SubtleCrypto, parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const input = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    input.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await subtle.digest("SHA-256", input));
}

async function verifyEd25519(subtle: SubtleCrypto, publicKey: Uint8Array, signature: Uint8Array, message: string): Promise<SignatureStatus> {
  let key: CryptoKey;
  try {
    key = await subtle.importKey("raw", new Uint8Array(publicKey), { name: "Ed25519" }, false, ["verify"]);
  } catch {
    return "unsupported";
  }
  try {
    return (await subtle.verify({ name: "Ed25519" }, key, new Uint8Array(signature), new TextEncoder().encode(message))) ? "valid" : "invalid";
  } catch {
    return "invalid";
  }
}

export async function checkReceiptProof(subtle: SubtleCrypto, proof: ProofToCheck): Promise<ProofResult> {
  const leafHash = await digest(subtle, [new Uint8Array([0]), new TextEncoder().encode(proof.canonical)]);
  const note = parseSignedNote(proof.checkpoint);
  const body = note ? parseCheckpointText(note.text) : null;
  const path = proof.inclusionPath.map((hash) => fromHex(hash) ?? new Uint8Array(0));
  const hashNode = (left: Uint8Array, right: Uint8Array) => digest(subtle, [new Uint8Array([1]), left, right]);
  const included =
    body !== null &&
    body.size === proof.size &&
    body.origin === proof.log.origin &&
    path.every((hash) => hash.length === HASH_BYTES) &&
    (await verifyInclusion(hashNode, { index: proof.leafIndex, size: body.size, leafHash, path, root: body.rootHash }));

  const lineOf = (name: string, keyId: string) => note?.signatures.find((s) => s.name === name && s.keyId === keyId);
  const logLine = lineOf(proof.log.origin, proof.log.keyId);
  const logKey = fromBase64(proof.log.publicKey);
  const checkpointSignature: SignatureStatus = !note || !logLine || !logKey ? "missing" : await verifyEd25519(subtle, logKey, logLine.signature, note.text);

  const witnesses: ProofResult["witnesses"] = [];
  for (const witness of proof.witnesses) {
    const line = lineOf(witness.name, witness.key_id);
    const cosignature = line ? splitCosignature(line.signature) : null;
    const key = fromBase64(witness.public_key);
    if (!note || !cosignature || !key) {
      witnesses.push({ name: witness.name, status: "missing", time: null });
      continue;
    }
    const status = await verifyEd25519(subtle, key, cosignature.signature, cosignatureMessage(cosignature.time, note.text));
    witnesses.push({ name: witness.name, status, time: cosignature.time });
  }
  return { leafHash: toHex(leafHash), included, checkpointSignature, witnesses };
}
