import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { z } from "zod";

// Signed checkpoints of the ledger. A checkpoint is the note
//
//   <origin>\n<size>\n<base64 chain hash after entry <size>>\n
//
// signed with Ed25519 (RFC 8032). The note, key ID and signature line follow C2SP signed-note
// (c2sp.org/signed-note), so generic tools can check them too: the key name is the origin and
// key ID = SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]. Anyone who archives a
// checkpoint can later prove that the published history was rewritten or truncated.

const ED25519_SIGNATURE_TYPE = 0x01;

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

export function keyIdFor(keyName: string, publicKey: Buffer): string {
  return createHash("sha256")
    .update(keyName, "utf8")
    .update(Buffer.from([0x0a, ED25519_SIGNATURE_TYPE]))
    .update(publicKey)
    .digest()
    .subarray(0, 4)
    .toString("hex");
}

/** The verifier key string of golang.org/x/mod/sumdb/note: <name>+<key id>+<base64(0x01 || key)>. */
export function verifierKey(keyName: string, publicKey: Buffer): string {
  return `${keyName}+${keyIdFor(keyName, publicKey)}+${Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), publicKey]).toString("base64")}`;
}

export function createSigner(origin: string, privateKey: KeyObject): LedgerSigner {
  if (!isValidOrigin(origin)) throw new SigningKeyError(`LEDGER_ORIGIN "${origin}" must be 1–200 characters without spaces or "+"`);
  const publicKey = rawPublicKey(privateKey);
  return { origin, privateKey, publicKey, keyId: keyIdFor(origin, publicKey) };
}

export function checkpointNote(origin: string, size: number, chainHash: Buffer): string {
  return `${origin}\n${size}\n${chainHash.toString("base64")}\n`;
}

export interface SignedCheckpoint {
  origin: string;
  size: number;
  chainHash: Buffer;
  note: string;
  keyId: string;
  signature: Buffer;
}

export function signCheckpoint(signer: LedgerSigner, size: number, chainHash: Buffer): SignedCheckpoint {
  const note = checkpointNote(signer.origin, size, chainHash);
  const signature = sign(null, Buffer.from(note, "utf8"), signer.privateKey);
  return { origin: signer.origin, size, chainHash, note, keyId: signer.keyId, signature };
}

/** The note with its C2SP signature line. */
export function signedNote(note: string, keyName: string, keyId: string, signature: Buffer): string {
  const tagged = Buffer.concat([Buffer.from(keyId, "hex"), signature]).toString("base64");
  return `${note}\n\u2014 ${keyName} ${tagged}\n`;
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

export interface CheckpointJson {
  size: number;
  origin: string;
  chain_hash: string;
  note: string;
  key_id: string;
  signature: string;
  signed_note: string;
  signed_at: string;
}

export interface CheckpointsDocument {
  origin: string;
  public_key: PublicKeyJson | null;
  keys: PublicKeyJson[];
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

export function checkpointJson(checkpoint: SignedCheckpoint, signedAt: Date): CheckpointJson {
  return {
    size: checkpoint.size,
    origin: checkpoint.origin,
    chain_hash: checkpoint.chainHash.toString("hex"),
    note: checkpoint.note,
    key_id: checkpoint.keyId,
    signature: checkpoint.signature.toString("base64"),
    signed_note: signedNote(checkpoint.note, checkpoint.origin, checkpoint.keyId, checkpoint.signature),
    signed_at: signedAt.toISOString(),
  };
}

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const keySchema = z.object({ key_id: hex(4), key_name: z.string().min(1), public_key: base64 });
const checkpointSchema = z.object({
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  origin: z.string().min(1),
  chain_hash: hex(32),
  note: z.string(),
  key_id: hex(4),
  signature: base64,
  signed_note: z.string().optional(),
});
const documentSchema = z.object({ keys: z.array(keySchema), checkpoints: z.array(checkpointSchema) });

/** A checkpoint whose signature verified: the chain hash the log committed to at that size. */
export interface CheckpointClaim {
  size: number;
  chainHash: string;
  keyId: string;
  origin: string;
  /** Which file (or source) it came from, for messages. */
  source: string;
}

export interface CheckpointCheck {
  claims: CheckpointClaim[];
  keys: Map<string, { keyName: string; publicKey: Buffer }>;
  /** The problem found, named by the checkpoint's size. */
  problem: { seq: number; reason: string } | null;
}

/**
 * Reads checkpoint documents and checks every signature. With trusted keys (raw 32-byte Ed25519
 * keys the user got elsewhere), a checkpoint signed by any other key is a problem; without them
 * the keys published in the documents are used, and printed so the user can compare them.
 */
export function checkCheckpointDocuments(documents: { source: string; json: unknown }[], trustedKeys: Buffer[] = []): CheckpointCheck {
  const claims: CheckpointClaim[] = [];
  const keys = new Map<string, { keyName: string; publicKey: Buffer }>();
  const fail = (seq: number, reason: string): CheckpointCheck => ({ claims, keys, problem: { seq, reason } });

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
    for (const checkpoint of parsed.data.checkpoints) {
      const at = `checkpoint for size ${checkpoint.size} in ${source}`;
      const chainHash = Buffer.from(checkpoint.chain_hash, "hex");
      if (checkpoint.note !== checkpointNote(checkpoint.origin, checkpoint.size, chainHash)) {
        return fail(checkpoint.size, `${at}: its note is not "<origin>\\n${checkpoint.size}\\n<base64 chain hash>\\n" for the hash it states`);
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
      if (checkpoint.signed_note !== undefined && checkpoint.signed_note !== signedNote(checkpoint.note, key.keyName, checkpoint.key_id, signature)) {
        return fail(checkpoint.size, `${at}: its signed_note disagrees with its note and signature`);
      }
      keys.set(checkpoint.key_id, key);
      claims.push({ size: checkpoint.size, chainHash: checkpoint.chain_hash, keyId: checkpoint.key_id, origin: checkpoint.origin, source });
    }
  }
  claims.sort((a, b) => a.size - b.size);
  for (let i = 1; i < claims.length; i++) {
    const previous = claims[i - 1]!;
    const current = claims[i]!;
    if (previous.size === current.size && previous.chainHash !== current.chainHash) {
      return fail(
        current.size,
        `two validly signed checkpoints for size ${current.size} disagree (${previous.source} and ${current.source}): the log's history was rewritten`,
      );
    }
  }
  return { claims, keys, problem: null };
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
    if (raw[0] !== ED25519_SIGNATURE_TYPE) throw new SigningKeyError("the vkey is not an Ed25519 key");
    raw = raw.subarray(1);
  }
  if (raw.length !== 32) throw new SigningKeyError("an Ed25519 public key has 32 bytes");
  return raw;
}
