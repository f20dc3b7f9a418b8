import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chainCheckpointJson, cosign, createTestWitness, merkleCheckpointJson } from "../../tests/support/checkpoints";
import {
  checkCheckpointDocuments,
  createSigner,
  defaultLedgerOrigin,
  keyIdFor,
  parsePublicKey,
  parseSigningKey,
  publicKeyJson,
  SigningKeyError,
  signCheckpoint,
  signedNote,
  verifierKey,
  witnessJson,
  type CheckpointsDocument,
  type LedgerSigner,
} from "./checkpoints";
import { checkpointText } from "./signed-note";

// RFC 8032, section 7.1, TEST 1.
const RFC_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const rfcKeyDer = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.from(RFC_SEED, "hex")]);

function documentFor(signer: LedgerSigner, sizes: number[], hashFor: (size: number) => Buffer = (size) => Buffer.alloc(32, size)): CheckpointsDocument {
  return {
    origin: signer.origin,
    public_key: publicKeyJson(signer.origin, signer.publicKey),
    keys: [publicKeyJson(signer.origin, signer.publicKey)],
    witnesses: [],
    checkpoints: sizes.map((size) => merkleCheckpointJson(signer, size, hashFor(size))),
  };
}

describe("signing keys", () => {
  it("read PKCS#8 as base64 DER or PEM (also with escaped newlines) and give the RFC 8032 public key", () => {
    const fromDer = parseSigningKey(rfcKeyDer.toString("base64"));
    const pem = createPrivateKey({ key: rfcKeyDer, format: "der", type: "pkcs8" }).export({ format: "pem", type: "pkcs8" }).toString();
    const fromPem = parseSigningKey(pem);
    const fromEnvFile = parseSigningKey(pem.replace(/\n/g, "\\n"));
    for (const key of [fromDer, fromPem, fromEnvFile]) {
      expect(createSigner("example.org/ledger", key).publicKey.toString("hex")).toBe(RFC_PUBLIC);
    }
  });

  it("refuse anything that is not an Ed25519 private key", () => {
    expect(() => parseSigningKey("not a key")).toThrow(SigningKeyError);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(() => parseSigningKey(rsa)).toThrow(/Ed25519/);
  });

  it("name the log after the public host and refuse names a signed note cannot carry", () => {
    expect(defaultLedgerOrigin("https://fund.example.kr")).toBe("fund.example.kr/ledger");
    expect(defaultLedgerOrigin("http://localhost:3000")).toBe("localhost:3000/ledger");
    const key = parseSigningKey(rfcKeyDer.toString("base64"));
    expect(() => createSigner("has space", key)).toThrow(SigningKeyError);
    expect(() => createSigner("a+b", key)).toThrow(SigningKeyError);
  });

  it("derive the C2SP key ID and verifier key", () => {
    const publicKey = Buffer.from(RFC_PUBLIC, "hex");
    // Computed outside the project: hashlib.sha256(b"example.org/ledger\n\x01" + public_key).hexdigest()[:8]
    expect(keyIdFor("example.org/ledger", publicKey)).toBe("47c1c1b2");
    const vkey = verifierKey("example.org/ledger", publicKey);
    expect(vkey).toBe(`example.org/ledger+47c1c1b2+${Buffer.concat([Buffer.from([1]), publicKey]).toString("base64")}`);
    expect(parsePublicKey(vkey).toString("hex")).toBe(RFC_PUBLIC);
    expect(parsePublicKey(publicKey.toString("base64")).toString("hex")).toBe(RFC_PUBLIC);
    expect(parsePublicKey(publicKeyJson("example.org/ledger", publicKey).public_key_pem).toString("hex")).toBe(RFC_PUBLIC);
    expect(() => parsePublicKey("AAAA")).toThrow(SigningKeyError);
  });
});

describe("checkpoints", () => {
  const signer = createSigner("example.org/ledger", parseSigningKey(rfcKeyDer.toString("base64")));

  it("sign exactly <origin>\\n<size>\\n<base64 Merkle root>\\n, in a C2SP signed note", () => {
    const hash = Buffer.alloc(32, 7);
    expect(checkpointText("example.org/ledger", 42, hash)).toBe(`example.org/ledger\n42\n${hash.toString("base64")}\n`);
    const signed = signCheckpoint(signer, 42, hash);
    expect(signed.signature).toHaveLength(64);
    expect(signCheckpoint(signer, 42, hash).signature.equals(signed.signature)).toBe(true);
    const note = signedNote(signed.note, signer.origin, signer.keyId, signed.signature);
    expect(note).toBe(`${signed.note}\n— example.org/ledger ${Buffer.concat([Buffer.from("47c1c1b2", "hex"), signed.signature]).toString("base64")}\n`);
  });

  it("verify when untouched, in the order of their sizes", () => {
    const check = checkCheckpointDocuments([{ source: "a.json", json: documentFor(signer, [30, 10, 20]) }]);
    expect(check.problem).toBeNull();
    expect(check.claims.map((c) => c.size)).toEqual([10, 20, 30]);
    expect([...check.keys.keys()]).toEqual(["47c1c1b2"]);
  });

  it.each([
    ["a flipped signature", (d: CheckpointsDocument) => (d.checkpoints[1]!.signature = Buffer.alloc(64, 1).toString("base64")), 20, /signature does not verify/],
    ["a changed root", (d: CheckpointsDocument) => (d.checkpoints[1]!.root_hash = "ab".repeat(32)), 20, /note is not/],
    ["a changed size", (d: CheckpointsDocument) => (d.checkpoints[0]!.size = 11), 11, /note is not/],
    ["a changed note and hash", (d: CheckpointsDocument) => {
      const checkpoint = d.checkpoints[2]!;
      checkpoint.root_hash = "cd".repeat(32);
      checkpoint.note = checkpointText(checkpoint.origin, checkpoint.size, Buffer.from(checkpoint.root_hash, "hex"));
    }, 30, /signature does not verify/],
    ["an unpublished key", (d: CheckpointsDocument) => (d.keys = []), 10, /does not publish/],
    ["an edited signed note", (d: CheckpointsDocument) => (d.checkpoints[0]!.signed_note = "x"), 10, /signed_note/],
  ])("name the checkpoint with %s", (_name, tamper, size, reason) => {
    const document = documentFor(signer, [10, 20, 30]);
    tamper(document);
    const check = checkCheckpointDocuments([{ source: "a.json", json: document }]);
    expect(check.problem?.seq).toBe(size);
    expect(check.problem?.reason).toMatch(reason);
  });

  it("refuse a document that is not one, or a key that does not match its ID", () => {
    expect(checkCheckpointDocuments([{ source: "x.json", json: { hello: 1 } }]).problem?.reason).toMatch(/x\.json is not a checkpoints document/);
    const document = documentFor(signer, [10]);
    document.keys[0]!.key_id = "00000000";
    expect(checkCheckpointDocuments([{ source: "k.json", json: document }]).problem?.reason).toMatch(/does not match its public key/);
  });

  it("with a trusted key, refuse checkpoints signed by any other key", () => {
    const other = createSigner("example.org/ledger", generateKeyPairSync("ed25519").privateKey);
    const document = documentFor(other, [10]);
    expect(checkCheckpointDocuments([{ source: "a.json", json: document }]).problem).toBeNull();
    const pinned = checkCheckpointDocuments([{ source: "a.json", json: document }], [signer.publicKey]);
    expect(pinned.problem).toEqual({ seq: 10, reason: expect.stringMatching(/not the trusted key/) as unknown as string });
    expect(checkCheckpointDocuments([{ source: "a.json", json: documentFor(signer, [10]) }], [signer.publicKey]).problem).toBeNull();
  });

  it("notice two validly signed checkpoints of one size that disagree: a forked history", () => {
    const archived = documentFor(signer, [10, 20]);
    const rewritten = documentFor(signer, [10, 20, 30], (size) => Buffer.alloc(32, size === 20 ? 99 : size));
    const check = checkCheckpointDocuments([
      { source: "archived.json", json: archived },
      { source: "today.json", json: rewritten },
    ]);
    expect(check.problem?.seq).toBe(20);
    expect(check.problem?.reason).toMatch(/archived\.json and today\.json.*rewritten/);
  });

  it("still verify the checkpoints signed over the chain hash before the Merkle tree, beside the new ones", () => {
    const old = { origin: signer.origin, public_key: publicKeyJson(signer.origin, signer.publicKey), keys: [publicKeyJson(signer.origin, signer.publicKey)], checkpoints: [chainCheckpointJson(signer, 10, Buffer.alloc(32, 10))] };
    const check = checkCheckpointDocuments([
      { source: "old.json", json: old },
      { source: "today.json", json: documentFor(signer, [10, 20]) },
    ]);
    expect(check.problem).toBeNull();
    expect(check.claims.map((c) => `${c.size}:${c.kind}`)).toEqual(["10:chain", "10:merkle", "20:merkle"]);
    expect(check.claims[0]!.hash).toBe(Buffer.alloc(32, 10).toString("hex"));
    // A chain checkpoint whose hash was changed no longer matches its signed note.
    old.checkpoints[0]!.chain_hash = "ef".repeat(32);
    expect(checkCheckpointDocuments([{ source: "old.json", json: old }]).problem?.reason).toMatch(/base64 chain hash/);
  });
});

describe("witness cosignatures", () => {
  const signer = createSigner("example.org/ledger", parseSigningKey(rfcKeyDer.toString("base64")));
  const gwangsan = createTestWitness("gwangsan.example.kr/witness");
  const newspaper = createTestWitness("news.example.kr/witness");

  function cosignedDocument(): CheckpointsDocument {
    const document = documentFor(signer, [10, 20]);
    document.witnesses = [witnessJson(gwangsan), witnessJson(newspaper)];
    document.checkpoints = [10, 20].map((size) => {
      const note = checkpointText(signer.origin, size, Buffer.alloc(32, size));
      return merkleCheckpointJson(signer, size, Buffer.alloc(32, size), { cosignatures: [cosign(gwangsan, note, 1_790_000_000 + size), cosign(newspaper, note, 1_790_000_100 + size)] });
    });
    return document;
  }

  it("verify, and say which witness cosigned which checkpoint", () => {
    const document = cosignedDocument();
    const check = checkCheckpointDocuments([{ source: "a.json", json: document }]);
    expect(check.problem).toBeNull();
    expect(check.claims.map((c) => c.cosignedBy)).toEqual([
      [gwangsan.name, newspaper.name],
      [gwangsan.name, newspaper.name],
    ]);
    // The signed note carries the log's line and one per witness: key ID, then the big-endian time, then the signature.
    const lines = document.checkpoints[0]!.signed_note.trim().split("\n").slice(-2);
    const bytes = Buffer.from(lines[0]!.split(" ")[2]!, "base64");
    expect(lines[0]!.startsWith(`\u2014 ${gwangsan.name} `)).toBe(true);
    expect(bytes.subarray(0, 4).toString("hex")).toBe(gwangsan.keyId);
    expect(bytes.readBigUInt64BE(4)).toBe(1_790_000_010n);
    expect(bytes).toHaveLength(4 + 8 + 64);
  });

  it.each([
    ["an altered signature", (d: CheckpointsDocument) => (d.checkpoints[1]!.cosignatures[0]!.signature = Buffer.alloc(64, 3).toString("base64"))],
    ["an altered time", (d: CheckpointsDocument) => (d.checkpoints[1]!.cosignatures[1]!.time += 1)],
    ["a cosignature moved to another checkpoint", (d: CheckpointsDocument) => (d.checkpoints[1]!.cosignatures[0] = d.checkpoints[0]!.cosignatures[0]!)],
  ])("refuse %s", (_name, tamper) => {
    const document = cosignedDocument();
    tamper(document);
    const check = checkCheckpointDocuments([{ source: "a.json", json: document }]);
    expect(check.problem).toMatchObject({ seq: 20, reason: expect.stringMatching(/cosignature of witness .* does not verify/) as unknown as string });
  });

  it("ignore cosignatures by keys it does not know, and check only the trusted witnesses when given", () => {
    const document = cosignedDocument();
    document.witnesses = [witnessJson(gwangsan)];
    document.checkpoints[0]!.cosignatures[1]!.signature = Buffer.alloc(64, 3).toString("base64");
    document.checkpoints[0]!.signed_note = signedNote(document.checkpoints[0]!.note, signer.origin, signer.keyId, Buffer.from(document.checkpoints[0]!.signature, "base64"), document.checkpoints[0]!.cosignatures.map((c) => ({ witnessName: c.witness, keyId: c.key_id, time: c.time, signature: Buffer.from(c.signature, "base64") })));
    const check = checkCheckpointDocuments([{ source: "a.json", json: document }]);
    expect(check.problem).toBeNull();
    expect(check.claims[0]!.cosignedBy).toEqual([gwangsan.name]);
    expect(checkCheckpointDocuments([{ source: "a.json", json: document }], [], [newspaper]).problem?.reason).toMatch(/news\.example\.kr\/witness does not verify/);
  });
});
