// C2SP signed notes, checkpoints and cosignatures as text (c2sp.org/signed-note,
// c2sp.org/tlog-checkpoint, c2sp.org/tlog-cosignature). Pure and free of Node APIs, so the
// browser reads the same formats; signing and verifying take the crypto from the caller.

/** Signature type bytes of signed-note: Ed25519 note signatures and Ed25519 cosignatures (v1). */
export const ED25519_TYPE = 0x01;
export const COSIGNATURE_V1_TYPE = 0x04;

export type Sha256 = (data: Uint8Array) => Uint8Array;

const encoder = new TextEncoder();

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Standard base64 (RFC 4648 section 4) with padding, or null. */
export function fromBase64(text: string): Uint8Array | null {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function fromHex(text: string): Uint8Array | null {
  if (!/^(?:[0-9a-f]{2})*$/.test(text)) return null;
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** A key name: non-empty, without Unicode spaces or "+". */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/** key ID = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], as 8 hex digits. */
export function keyIdFor(sha256: Sha256, name: string, type: number, publicKey: Uint8Array): string {
  const nameBytes = encoder.encode(name);
  const input = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  input.set(nameBytes);
  input.set([0x0a, type], nameBytes.length);
  input.set(publicKey, nameBytes.length + 2);
  return toHex(sha256(input).subarray(0, 4));
}

/** <name>+<key id>+<base64(type ‖ public key)> */
export function verifierKeyText(name: string, keyId: string, type: number, publicKey: Uint8Array): string {
  const material = new Uint8Array(1 + publicKey.length);
  material[0] = type;
  material.set(publicKey, 1);
  return `${name}+${keyId}+${toBase64(material)}`;
}

export interface NoteSignature {
  name: string;
  keyId: string;
  /** The signature bytes after the 4-byte key ID. */
  signature: Uint8Array;
}

/** "— <name> base64(key ID ‖ signature)\n" */
export function signatureLine(signature: NoteSignature): string {
  const keyId = fromHex(signature.keyId) ?? new Uint8Array(4);
  const bytes = new Uint8Array(4 + signature.signature.length);
  bytes.set(keyId);
  bytes.set(signature.signature, 4);
  return `\u2014 ${signature.name} ${toBase64(bytes)}\n`;
}

export function signedNoteText(text: string, signatures: readonly NoteSignature[]): string {
  return `${text}\n${signatures.map(signatureLine).join("")}`;
}

/**
 * Splits a signed note into its text (up to and including the newline before the last blank
 * line) and its signature lines. Null when it is not a signed note.
 */
export function parseSignedNote(note: string): { text: string; signatures: NoteSignature[] } | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note) || !note.endsWith("\n")) return null;
  const split = note.lastIndexOf("\n\n");
  if (split < 0) return null;
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split("\n");
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    const bytes = match ? fromBase64(match[2]!) : null;
    if (!match || !bytes || bytes.length < 5 || !isValidKeyName(match[1]!)) return null;
    signatures.push({ name: match[1]!, keyId: toHex(bytes.subarray(0, 4)), signature: bytes.subarray(4) });
  }
  return { text, signatures };
}

export interface CheckpointBody {
  origin: string;
  size: number;
  rootHash: Uint8Array;
}

/** "<origin>\n<size>\n<base64 root hash>\n" (no extension lines: this log writes none). */
export function checkpointText(origin: string, size: number, rootHash: Uint8Array): string {
  return `${origin}\n${size}\n${toBase64(rootHash)}\n`;
}

/** The first three lines of a checkpoint's text; null when they are not origin, size, hash. */
export function parseCheckpointText(text: string): CheckpointBody | null {
  const [origin = "", sizeText = "", hashText = ""] = text.split("\n");
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(sizeText) || !text.endsWith("\n")) return null;
  const size = Number(sizeText);
  const rootHash = fromBase64(hashText);
  if (!Number.isSafeInteger(size) || !rootHash || rootHash.length !== 32) return null;
  return { origin, size, rootHash };
}

/** What an Ed25519 cosigner signs: "cosignature/v1\ntime <t>\n" and the checkpoint text. */
export function cosignatureMessage(time: number, checkpoint: string): string {
  return `cosignature/v1\ntime ${time}\n${checkpoint}`;
}

/** A cosignature's bytes: the big-endian u64 time, then the 64-byte Ed25519 signature. */
export function splitCosignature(bytes: Uint8Array): { time: number; signature: Uint8Array } | null {
  if (bytes.length !== 8 + 64) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const time = view.getBigUint64(0);
  if (time === 0n || time > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { time: Number(time), signature: bytes.subarray(8) };
}

export function joinCosignature(time: number, signature: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(8 + signature.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(time));
  bytes.set(signature, 8);
  return bytes;
}
