import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyConsistencyRfc } from "../support/rfc9162";

// A witness as a district office or a newspaper would run one (litewitness, omniwitness), written
// from the text of C2SP tlog-witness, tlog-cosignature and signed-note, not from the product's
// code: its notes, key IDs and cosignatures are built here, and consistency proofs are checked
// with tests/support/rfc9162.ts. It keeps the latest cosigned checkpoint per log in memory.

export interface FakeWitness {
  url: string;
  name: string;
  /** The cosigner vkey the log operator configures: <name>+<key id>+<base64(0x04 ‖ key)>. */
  vkey: string;
  /** Every add-checkpoint request with the status it got. */
  requests: { oldSize: number; proofLines: number; size: number; status: number; body: string }[];
  /** The latest cosigned size per origin (0: none). */
  sizeOf(origin: string): number;
  /** Forget everything, as a witness whose database was lost. */
  reset(): void;
  close(): Promise<void>;
}

const keyId = (name: string, type: number, key: Buffer) =>
  createHash("sha256")
    .update(Buffer.concat([Buffer.from(name, "utf8"), Buffer.from([0x0a, type]), key]))
    .digest()
    .subarray(0, 4);

const rawKey = (key: KeyObject) => Buffer.from(createPublicKey(key).export({ format: "jwk" }).x!, "base64url");
const EMPTY_ROOT = createHash("sha256").update(Buffer.alloc(0)).digest();

/**
 * Starts a witness that knows the logs given (origin → the log's raw Ed25519 public key). `now`
 * gives its clock in POSIX seconds.
 */
export async function startFakeWitness(name: string, logs: Record<string, Buffer>, now: () => number = () => Math.floor(Date.now() / 1000)): Promise<FakeWitness> {
  const { privateKey } = generateKeyPairSync("ed25519");
  const publicKey = rawKey(privateKey);
  const cosignerId = keyId(name, 0x04, publicKey);
  const latest = new Map<string, { size: number; root: Buffer }>();
  const requests: FakeWitness["requests"] = [];

  function handle(body: string): { status: number; body: string; type?: string } {
    // "a sequence of an old size line, zero or more consistency proof lines, and an empty line, followed by a checkpoint"
    const blank = body.indexOf("\n\n");
    if (blank < 0) return { status: 400, body: "malformed request\n" };
    const head = body.slice(0, blank).split("\n");
    const note = body.slice(blank + 2);
    const old = /^old (0|[1-9][0-9]*)$/.exec(head[0] ?? "");
    if (!old) return { status: 400, body: "bad old size line\n" };
    const oldSize = Number(old[1]);
    const proof = head.slice(1).map((line) => Buffer.from(line, "base64"));
    if (proof.length > 63 || proof.some((p, i) => p.length !== 32 || p.toString("base64") !== head[i + 1])) return { status: 400, body: "bad proof line\n" };
    // The note text ends at the last blank line; the rest are signature lines.
    const split = note.lastIndexOf("\n\n");
    if (split < 0) return { status: 400, body: "not a signed note\n" };
    const text = note.slice(0, split + 1);
    const [origin = "", sizeLine = "", rootLine = ""] = text.split("\n");
    const size = Number(sizeLine);
    const root = Buffer.from(rootLine, "base64");
    if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || root.length !== 32) return { status: 400, body: "not a checkpoint\n" };
    const logKey = logs[origin];
    if (!logKey) return { status: 404, body: "unknown log\n" };
    const expectedId = keyId(origin, 0x01, logKey);
    let signed = false;
    for (const line of note.slice(split + 2).split("\n").filter(Boolean)) {
      const match = /^\u2014 (\S+) (\S+)$/.exec(line);
      const bytes = match ? Buffer.from(match[2]!, "base64") : Buffer.alloc(0);
      if (!match || match[1] !== origin || !bytes.subarray(0, 4).equals(expectedId)) continue;
      const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: logKey.toString("base64url") }, format: "jwk" });
      if (!verify(null, Buffer.from(text, "utf8"), key, bytes.subarray(4))) return { status: 403, body: "invalid signature\n" };
      signed = true;
    }
    if (!signed) return { status: 403, body: "no signature by the log's key\n" };
    if (oldSize > size) return { status: 400, body: "old size is larger than the checkpoint\n" };
    const known = latest.get(origin) ?? { size: 0, root: EMPTY_ROOT };
    if (oldSize !== known.size) return { status: 409, body: `${known.size}\n`, type: "text/x.tlog.size" };
    if (size === 0 && !root.equals(EMPTY_ROOT)) return { status: 422, body: "an empty tree has the empty root\n" };
    if (oldSize === 0 && proof.length > 0) return { status: 422, body: "a proof from size 0 must be empty\n" };
    if (oldSize === size && !root.equals(known.root)) return { status: 422, body: "same size, different root: consistency proof failed\n" };
    if (oldSize > 0 && oldSize < size && !verifyConsistencyRfc(oldSize, size, known.root, root, proof)) return { status: 422, body: "consistency proof does not verify\n" };
    latest.set(origin, { size, root });
    const time = now();
    const signature = sign(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`, "utf8"), privateKey);
    const timestamp = Buffer.alloc(8);
    timestamp.writeBigUInt64BE(BigInt(time));
    return { status: 200, body: `\u2014 ${name} ${Buffer.concat([cosignerId, timestamp, signature]).toString("base64")}\n` };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const result = req.method === "POST" && req.url === "/add-checkpoint" ? handle(body) : { status: 404, body: "not found\n" };
      const old = /^old (\d+)/.exec(body);
      const size = /\n\n[^\n]*\n(\d+)\n/.exec(body);
      requests.push({ oldSize: Number(old?.[1] ?? -1), proofLines: Math.max(0, body.slice(0, body.indexOf("\n\n")).split("\n").length - 1), size: Number(size?.[1] ?? -1), status: result.status, body: result.body });
      res.writeHead(result.status, { "Content-Type": result.type ?? "text/plain; charset=utf-8" });
      res.end(result.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    name,
    vkey: `${name}+${cosignerId.toString("hex")}+${Buffer.concat([Buffer.from([0x04]), publicKey]).toString("base64")}`,
    requests,
    sizeOf: (origin) => latest.get(origin)?.size ?? 0,
    reset: () => latest.clear(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
