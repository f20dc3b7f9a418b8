import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";
import {
  checkpointText,
  COSIGNATURE_V1_TYPE,
  cosignatureMessage,
  ED25519_TYPE,
  joinCosignature,
  keyIdFor as noteKeyId,
  signedNoteText,
  verifierKeyText,
  type NoteSignature,
} from "./signed-note";

// Signed checkpoints of the ledger: C2SP tlog-checkpoint notes
//
//   <origin>\n<size>\n<base64 Merkle root of the first <size> entries>\n
//
// signed with Ed25519 (RFC 8032) as C2SP signed notes, so any tlog client or witness can check
// them: the key name is the origin and key ID = SHA-256(name || 0x0A || 0x01 || 32-byte public
// key)[:4]. Witnesses add cosignatures (C2SP tlog-cosignature). Before decision 61 the third line
// was the chain hash after entry <size>: those checkpoints are still published and verified.

export interface LedgerSigner {
  /** Names the log; also the key name in signed notes. */
  origin: string;
  privateKey: KeyObject;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  /** 8 hex digits. */
  keyId: string;
}

export class SigningKeyError extends Error {}

/** The log's name when LEDGER_ORIGIN is not set: the public host, e.g. "fund.example.kr/ledger". */
export function defaultLedgerOrigin(appOrigin: string): string {
  return `${new URL(appOrigin).host}/ledger`;
}

export function isValidOrigin(origin: string): boolean {
  return origin.length >= 1 && origin.length <= 200 && !/[\s+]/.test(origin);
}

/** LEDGER_SIGNING_KEY: an Ed25519 private key as PKCS#8 PEM, or the same DER bytes in base64. */
export function parseSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith("-----BEGIN")
      ? createPrivateKey({ key: trimmed.replace(/\\n/g, "\n"), format: "pem" })
      : createPrivateKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "pkcs8" });
  } catch {
    throw new SigningKeyError("LEDGER_SIGNING_KEY is not a PKCS#8 private key (PEM or base64 DER)");
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new SigningKeyError(`LEDGER_SIGNING_KEY must be an Ed25519 key, not ${key.asymmetricKeyType ?? "unknown"}`);
  }
  return key;
}

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = (key.type === "public" ? key : createPublicKey(key)).export({ format: "jwk" });
  if (typeof jwk.x !== "string") throw new SigningKeyError("not an Ed25519 key");
  return Buffer.from(jwk.x, "base64url");
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new SigningKeyError("an Ed25519 public key has 32 bytes");
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
}

const sha256 = (data: Uint8Array): Buffer => createHash("sha256").update(data).digest();

/** The C2SP key ID (8 hex digits) of an Ed25519 note key, or of a cosigner key with COSIGNATURE_V1_TYPE. */
export function keyIdFor(keyName: string, publicKey: Buffer, type = ED25519_TYPE): string {
  return noteKeyId(sha256, keyName, type, publicKey);
}

/** The verifier key string of golang.org/x/mod/sumdb/note: <name>+<key id>+<base64(type || key)>. */
export function verifierKey(keyName: string, publicKey: Buffer, type = ED25519_TYPE): string {
  return verifierKeyText(keyName, keyIdFor(keyName, publicKey, type), type, publicKey);
}

export function createSigner(origin: string, privateKey: KeyObject): LedgerSigner {
  if (!isValidOrigin(origin)) throw new SigningKeyError(`LEDGER_ORIGIN "${origin}" must be 1–200 characters without spaces or "+"`);
  const publicKey = rawPublicKey(privateKey);
  return { origin, privateKey, publicKey, keyId: keyIdFor(origin, publicKey) };
}

export interface SignedCheckpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  note: string;
  keyId: string;
  signature: Buffer;
}

export function signCheckpoint(signer: LedgerSigner, size: number, rootHash: Buffer): SignedCheckpoint {
  const note = checkpointText(signer.origin, size, rootHash);
  const signature = sign(null, Buffer.from(note, "utf8"), signer.privateKey);
  return { origin: signer.origin, size, rootHash, note, keyId: signer.keyId, signature };
}

/** A witness's cosignature on a checkpoint (C2SP tlog-cosignature, Ed25519). */
export interface Cosignature {
  witnessName: string;
  keyId: string;
  /** POSIX seconds, as signed ("time <n>"). */
  time: number;
  signature: Buffer;
}

/** A witness the log asks for cosignatures (LEDGER_WITNESSES). */
export interface WitnessKey {
  name: string;
  keyId: string;
  publicKey: Buffer;
}

export function verifyCosignature(witness: WitnessKey, note: string, cosignature: Pick<Cosignature, "time" | "signature">): boolean {
  try {
    return cosignature.signature.length === 64 && verify(null, Buffer.from(cosignatureMessage(cosignature.time, note), "utf8"), publicKeyFromRaw(witness.publicKey), cosignature.signature);
  } catch {
    return false;
  }
}

/** The note with the log's signature line, then one line per cosignature: what /ledger/checkpoint serves. */
export function signedNote(note: string, keyName: string, keyId: string, signature: Buffer, cosignatures: readonly Cosignature[] = []): string {
  const lines: NoteSignature[] = [
    { name: keyName, keyId, signature },
    ...cosignatures.map((c) => ({ name: c.witnessName, keyId: c.keyId, signature: joinCosignature(c.time, c.signature) })),
  ];
  return signedNoteText(note, lines);
}

// The published document (GET /api/v1/ledger/checkpoints) and what the verifier reads back.

export interface PublicKeyJson {
  key_id: string;
  key_name: string;
  algorithm: "Ed25519";
  /** Raw 32-byte key, base64. */
  public_key: string;
  public_key_pem: string;
  vkey: string;
}

export interface WitnessJson {
  name: string;
  key_id: string;
  /** Raw 32-byte Ed25519 key, base64. */
  public_key: string;
  /** Cosigner vkey (signature type 0x04). */
  vkey: string;
}

export interface CosignatureJson {
  witness: string;
  key_id: string;
  time: number;
  /** The 64-byte Ed25519 signature, base64. */
  signature: string;
}

export interface CheckpointJson {
  size: number;
  origin: string;
  /** The Merkle root the note signs (hex); null for a checkpoint signed over the chain hash (before decision 61). */
  root_hash: string | null;
  /** The chain hash after entry <size> (hex): signed only by checkpoints without root_hash. */
  chain_hash: string;
  note: string;
  key_id: string;
  signature: string;
  cosignatures: CosignatureJson[];
  signed_note: string;
  signed_at: string;
}

export interface CheckpointsDocument {
  origin: string;
  public_key: PublicKeyJson | null;
  keys: PublicKeyJson[];
  witnesses: WitnessJson[];
  checkpoints: CheckpointJson[];
}

export function publicKeyJson(keyName: string, publicKey: Buffer): PublicKeyJson {
  return {
    key_id: keyIdFor(keyName, publicKey),
    key_name: keyName,
    algorithm: "Ed25519",
    public_key: publicKey.toString("base64"),
    public_key_pem: publicKeyFromRaw(publicKey).export({ format: "pem", type: "spki" }).toString(),
    vkey: verifierKey(keyName, publicKey),
  };
}

export function witnessJson(witness: WitnessKey): WitnessJson {
  return {
    name: witness.name,
    key_id: witness.keyId,
    public_key: witness.publicKey.toString("base64"),
    vkey: verifierKey(witness.name, witness.publicKey, COSIGNATURE_V1_TYPE),
  };
}

/** A stored checkpoint as published. `rootHash` null: signed over `chainHash` (before decision 61). */
export interface StoredCheckpoint {
  size: number;
  origin: string;
  rootHash: Buffer | null;
  chainHash: Buffer;
  note: string;
  keyId: string;
  keyName: string;
  signature: Buffer;
  cosignatures: Cosignature[];
  signedAt: Date;
}

export function checkpointJson(checkpoint: StoredCheckpoint): CheckpointJson {
  return {
    size: checkpoint.size,
    origin: checkpoint.origin,
    root_hash: checkpoint.rootHash ? checkpoint.rootHash.toString("hex") : null,
    chain_hash: checkpoint.chainHash.toString("hex"),
    note: checkpoint.note,
    key_id: checkpoint.keyId,
    signature: checkpoint.signature.toString("base64"),
    cosignatures: checkpoint.cosignatures.map((c) => ({ witness: c.witnessName, key_id: c.keyId, time: c.time, signature: c.signature.toString("base64") })),
    signed_note: signedNote(checkpoint.note, checkpoint.keyName, checkpoint.keyId, checkpoint.signature, checkpoint.cosignatures),
    signed_at: checkpoint.signedAt.toISOString(),
  };
}

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const keySchema = z.object({ key_id: hex(4), key_name: z.string().min(1), public_key: base64 });
const witnessSchema = z.object({ name: z.string().min(1), key_id: hex(4), public_key: base64 });
const cosignatureSchema = z.object({ witness: z.string().min(1), key_id: hex(4), time: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), signature: base64 });
const checkpointSchema = z.object({
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  origin: z.string().min(1),
  root_hash: hex(32).nullable().optional(),
  chain_hash: hex(32),
  note: z.string(),
  key_id: hex(4),
  signature: base64,
  cosignatures: z.array(cosignatureSchema).optional(),
  signed_note: z.string().optional(),
});
const documentSchema = z.object({ keys: z.array(keySchema), witnesses: z.array(witnessSchema).optional(), checkpoints: z.array(checkpointSchema) });

/**
 * A checkpoint whose signature verified: what the log committed to at that size — the Merkle
 * root, or for checkpoints before decision 61 the chain hash.
 */
export interface CheckpointClaim {
  size: number;
  kind: "merkle" | "chain";
  /** Hex: the Merkle root of a "merkle" claim, the chain hash of a "chain" one. */
  hash: string;
  keyId: string;
  origin: string;
  /** Witnesses whose cosignature on it verified (names). */
  cosignedBy: string[];
  /** Which file (or source) it came from, for messages. */
  source: string;
}

export interface CheckpointCheck {
  claims: CheckpointClaim[];
  keys: Map<string, { keyName: string; publicKey: Buffer }>;
  /** Witness keys cosignatures were checked with, by "<name>+<key id>". */
  witnesses: Map<string, WitnessKey>;
  /** The problem found, named by the checkpoint's size. */
  problem: { seq: number; reason: string } | null;
}

/**
 * Reads checkpoint documents and checks every signature and cosignature. With trusted keys (raw
 * 32-byte Ed25519 keys the user got elsewhere), a checkpoint signed by any other key is a
 * problem; without them the keys published in the documents are used, and printed so the user
 * can compare them. Cosignatures are checked with the trusted witness keys, or else those the
 * documents publish; cosignatures by keys not known either way are ignored (signed-note).
 */
export function checkCheckpointDocuments(documents: { source: string; json: unknown }[], trustedKeys: Buffer[] = [], trustedWitnesses: WitnessKey[] = []): CheckpointCheck {
  const claims: CheckpointClaim[] = [];
  const keys = new Map<string, { keyName: string; publicKey: Buffer }>();
  const witnesses = new Map<string, WitnessKey>();
  const fail = (seq: number, reason: string): CheckpointCheck => ({ claims, keys, witnesses, problem: { seq, reason } });

  for (const { source, json } of documents) {
    const parsed = documentSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(0, `${source} is not a checkpoints document (${issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid"})`);
    }
    const published = new Map<string, { keyName: string; publicKey: Buffer }>();
    for (const key of parsed.data.keys) {
      const publicKey = Buffer.from(key.public_key, "base64");
      if (publicKey.length !== 32 || keyIdFor(key.key_name, publicKey) !== key.key_id) {
        return fail(0, `${source}: key ${key.key_id} does not match its public key`);
      }
      published.set(key.key_id, { keyName: key.key_name, publicKey });
    }
    const witnessKeys = new Map<string, WitnessKey>(trustedWitnesses.map((w) => [`${w.name}+${w.keyId}`, w]));
    if (trustedWitnesses.length === 0) {
      for (const witness of parsed.data.witnesses ?? []) {
        const publicKey = Buffer.from(witness.public_key, "base64");
        if (publicKey.length !== 32 || keyIdFor(witness.name, publicKey, COSIGNATURE_V1_TYPE) !== witness.key_id) {
          return fail(0, `${source}: witness key ${witness.name}+${witness.key_id} does not match its public key`);
        }
        witnessKeys.set(`${witness.name}+${witness.key_id}`, { name: witness.name, keyId: witness.key_id, publicKey });
      }
    }
    for (const checkpoint of parsed.data.checkpoints) {
      const at = `checkpoint for size ${checkpoint.size} in ${source}`;
      const kind = checkpoint.root_hash ? "merkle" : "chain";
      const hash = checkpoint.root_hash ?? checkpoint.chain_hash;
      if (checkpoint.note !== checkpointText(checkpoint.origin, checkpoint.size, Buffer.from(hash, "hex"))) {
        return fail(
          checkpoint.size,
          `${at}: its note is not "<origin>\\n${checkpoint.size}\\n<base64 ${kind === "merkle" ? "Merkle root" : "chain hash"}>\\n" for the hash it states`,
        );
      }
      const key = trustedKeys.length > 0 ? trustedKeyFor(checkpoint, trustedKeys) : published.get(checkpoint.key_id);
      if (!key) {
        return fail(
          checkpoint.size,
          trustedKeys.length > 0 ? `${at}: signed by key ${checkpoint.key_id}, which is not the trusted key` : `${at}: signed by key ${checkpoint.key_id}, which the document does not publish`,
        );
      }
      const signature = Buffer.from(checkpoint.signature, "base64");
      let valid = false;
      try {
        valid = signature.length === 64 && verify(null, Buffer.from(checkpoint.note, "utf8"), publicKeyFromRaw(key.publicKey), signature);
      } catch {
        valid = false;
      }
      if (!valid) return fail(checkpoint.size, `${at}: the Ed25519 signature does not verify`);
      const cosignatures: Cosignature[] = (checkpoint.cosignatures ?? []).map((c) => ({ witnessName: c.witness, keyId: c.key_id, time: c.time, signature: Buffer.from(c.signature, "base64") }));
      const cosignedBy: string[] = [];
      for (const cosignature of cosignatures) {
        const witness = witnessKeys.get(`${cosignature.witnessName}+${cosignature.keyId}`);
        if (!witness) continue;
        if (kind === "chain" || !verifyCosignature(witness, checkpoint.note, cosignature)) {
          return fail(checkpoint.size, `${at}: the cosignature of witness ${cosignature.witnessName} does not verify`);
        }
        witnesses.set(`${witness.name}+${witness.keyId}`, witness);
        cosignedBy.push(witness.name);
      }
      if (checkpoint.signed_note !== undefined && checkpoint.signed_note !== signedNote(checkpoint.note, key.keyName, checkpoint.key_id, signature, cosignatures)) {
        return fail(checkpoint.size, `${at}: its signed_note disagrees with its note and signatures`);
      }
      keys.set(checkpoint.key_id, key);
      claims.push({ size: checkpoint.size, kind, hash, keyId: checkpoint.key_id, origin: checkpoint.origin, cosignedBy, source });
    }
  }
  claims.sort((a, b) => a.size - b.size || a.kind.localeCompare(b.kind));
  for (let i = 1; i < claims.length; i++) {
    const previous = claims[i - 1]!;
    const current = claims[i]!;
    if (previous.size === current.size && previous.kind === current.kind && previous.hash !== current.hash) {
      return fail(
        current.size,
        `two validly signed checkpoints for size ${current.size} disagree (${previous.source} and ${current.source}): the log's history was rewritten`,
      );
    }
  }
  return { claims, keys, witnesses, problem: null };
}

function trustedKeyFor(checkpoint: { key_id: string; origin: string }, trusted: Buffer[]) {
  for (const publicKey of trusted) {
    if (keyIdFor(checkpoint.origin, publicKey) === checkpoint.key_id) return { keyName: checkpoint.origin, publicKey };
  }
  return undefined;
}

/** A trusted key as given on the command line: vkey, PEM (SPKI) or base64 of the raw 32 bytes. */
export function parsePublicKey(text: string): Buffer {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) {
    const key = createPublicKey({ key: trimmed, format: "pem" });
    if (key.asymmetricKeyType !== "ed25519") throw new SigningKeyError("not an Ed25519 public key");
    return rawPublicKey(key);
  }
  // A vkey is <name>+<8 hex digits>+<base64>; names hold no '+', base64 may.
  const vkey = /^[^+\s]+\+[0-9a-f]{8}\+([A-Za-z0-9+/]+={0,2})$/.exec(trimmed);
  let raw = Buffer.from(vkey ? (vkey[1] ?? "") : trimmed, "base64");
  if (vkey) {
    if (raw[0] !== ED25519_TYPE) throw new SigningKeyError("the vkey is not an Ed25519 key");
    raw = raw.subarray(1);
  }
  if (raw.length !== 32) throw new SigningKeyError("an Ed25519 public key has 32 bytes");
  return raw;
}

/** A witness's cosigner vkey (<name>+<key id>+<base64(0x04 || key)>), as litewitness prints it. */
export function parseWitnessKey(text: string): WitnessKey {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(text.trim());
  const material = match ? Buffer.from(match[3] ?? "", "base64") : Buffer.alloc(0);
  if (!match || material.length !== 33 || material[0] !== COSIGNATURE_V1_TYPE) {
    throw new SigningKeyError(`"${text.trim()}" is not a witness key: <name>+<key id>+<base64 of 0x04 and the 32-byte Ed25519 key>`);
  }
  const witness = { name: match[1] ?? "", keyId: match[2] ?? "", publicKey: material.subarray(1) };
  if (keyIdFor(witness.name, witness.publicKey, COSIGNATURE_V1_TYPE) !== witness.keyId) throw new SigningKeyError(`the key ID of witness key ${witness.name} does not match its key`);
  return witness;
}
