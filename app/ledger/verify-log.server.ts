import { verify } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { keyIdFor, publicKeyFromRaw, verifyCosignature, type CheckpointClaim, type WitnessKey } from "./checkpoints";
import { chainHash, GENESIS_HASH, leafHash, LedgerVerifier, type VerifyResult } from "./ledger";
import { HASH_BYTES, parseEntryBundle, tilePath, tilesOfTree, TILE_WIDTH, type Tile } from "./merkle";
import { foldPerfect, MerkleBuilder } from "./merkle-tree";
import { parseCheckpointText, parseSignedNote, splitCosignature, toHex } from "./signed-note";

// Verifies the ledger as a C2SP tlog-tiles log, from the server or from any mirror of it (a
// static host, a CDN, a directory): the checkpoint's signature and cosignatures, every entry
// bundle (each entry checked as in an export), every tile against the entries and the tiles
// below, the root against the checkpoint, and archived checkpoints against the tree at their size.

export type LogSource = (path: string) => Promise<Buffer | null>;

/** An https:// or http:// prefix (fetched), or a directory holding the same paths. */
export function logSource(location: string): LogSource {
  if (/^https?:\/\//.test(location)) {
    const prefix = location.replace(/\/+$/, "");
    return async (path) => {
      const response = await fetch(`${prefix}/${path}`);
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`GET ${prefix}/${path}: HTTP ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    };
  }
  return async (path) => readFile(join(location, path)).catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? null : Promise.reject(error)));
}

export interface LogVerifyResult extends VerifyResult {
  size: number;
  keyId: string;
  rootHash: string;
  tiles: number;
  cosignedBy: string[];
  checkpointsChecked: number;
}

/** `publicKey`: the log's Ed25519 key, which must have signed the checkpoint under the name on its origin line. */
export async function verifyLog(source: LogSource, publicKey: Buffer, options: { witnesses?: WitnessKey[]; claims?: CheckpointClaim[] } = {}): Promise<LogVerifyResult> {
  const verifier = new LedgerVerifier();
  const result = (size: number, problem: { seq: number; reason: string } | null, extra: Partial<LogVerifyResult> = {}): LogVerifyResult => {
    if (problem) verifier.reportProblem(problem);
    return { ...verifier.finish(), size, keyId: "", rootHash: "", tiles: 0, cosignedBy: [], checkpointsChecked: 0, ...extra };
  };

  const noteBytes = await source("checkpoint");
  if (!noteBytes) return result(0, { seq: 0, reason: "the log serves no checkpoint" });
  const note = parseSignedNote(noteBytes.toString("utf8"));
  const body = note ? parseCheckpointText(note.text) : null;
  if (!note || !body) return result(0, { seq: 0, reason: "the checkpoint is not a C2SP signed checkpoint" });
  const keyId = keyIdFor(body.origin, publicKey);
  const line = note.signatures.find((s) => s.name === body.origin && s.keyId === keyId);
  if (!line || !verify(null, Buffer.from(note.text, "utf8"), publicKeyFromRaw(publicKey), line.signature)) {
    return result(body.size, { seq: body.size, reason: `the checkpoint for size ${body.size} carries no valid signature by key ${keyId}` });
  }
  const cosignedBy: string[] = [];
  for (const witness of options.witnesses ?? []) {
    const cosignature = note.signatures.find((s) => s.name === witness.name && s.keyId === witness.keyId);
    if (!cosignature) continue;
    const parts = splitCosignature(cosignature.signature);
    if (!parts || !verifyCosignature(witness, note.text, { time: parts.time, signature: Buffer.from(parts.signature) })) {
      return result(body.size, { seq: body.size, reason: `the cosignature of witness ${witness.name} does not verify` });
    }
    cosignedBy.push(witness.name);
  }

  const size = body.size;
  const claims = [...(options.claims ?? [])].sort((a, b) => a.size - b.size);
  const beyond = claims.find((c) => c.size > size);
  if (beyond) return result(size, { seq: size + 1, reason: `the log's checkpoint covers ${size} entries, but a signed checkpoint (${beyond.source}) covers ${beyond.size}: the log was cut` });
  const tiles = tilesOfTree(size);
  const builder = new MerkleBuilder();
  const levelHashes = new Map<number, Buffer[]>();
  let previousChain: Buffer = GENESIS_HASH;
  let nextClaim = 0;
  const fetchTile = async (tile: Tile, kind: "hashes" | "entries") => {
    const data = await source(tilePath(tile, kind));
    // A mirror may keep only full tiles: a prefix of the full tile is the partial one.
    if (!data && tile.width < TILE_WIDTH) return (await source(tilePath({ ...tile, width: TILE_WIDTH }, kind))) ?? null;
    return data;
  };

  for (const tile of tiles.filter((t) => t.level === 0)) {
    const first = tile.index * TILE_WIDTH + 1;
    const [bundleBytes, hashes] = await Promise.all([fetchTile(tile, "entries"), fetchTile(tile, "hashes")]);
    if (!bundleBytes || !hashes) return result(size, { seq: first, reason: `the log does not serve ${tilePath(tile, bundleBytes ? "hashes" : "entries")}` });
    const entries = parseEntryBundle(bundleBytes);
    if (!entries || entries.length < tile.width) return result(size, { seq: first, reason: `${tilePath(tile, "entries")} does not hold ${tile.width} entries` });
    for (let i = 0; i < tile.width; i++) {
      const seq = first + i;
      const canonical = Buffer.from(entries[i]!).toString("utf8");
      const leaf = leafHash(canonical);
      if (!leaf.equals(hashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES))) return result(size, { seq, reason: `the leaf hash in ${tilePath(tile)} is not the hash of the entry in ${tilePath(tile, "entries")}` });
      const chain = chainHash(previousChain, leaf);
      if (!verifier.push({ seq, canonical, leaf_hash: leaf.toString("hex"), chain_hash: chain.toString("hex") })) return result(size, null);
      previousChain = chain;
      builder.push(leaf);
      while (claims[nextClaim]?.size === seq) {
        const claim = claims[nextClaim++]!;
        const stated = claim.kind === "merkle" ? builder.root().toString("hex") : chain.toString("hex");
        if (stated !== claim.hash) return result(size, { seq, reason: `the log differs from the signed checkpoint for size ${seq} (${claim.source}): its history was rewritten` });
      }
    }
    if (tile.width === TILE_WIDTH) {
      const level = levelHashes.get(1) ?? [];
      level.push(foldPerfect(hashes, 0, TILE_WIDTH));
      levelHashes.set(1, level);
    }
  }
  // The tiles above level 0: each hash is the root of the full tile below it.
  for (const tile of tiles.filter((t) => t.level > 0)) {
    const data = await fetchTile(tile, "hashes");
    const expected = Buffer.concat((levelHashes.get(tile.level) ?? []).slice(tile.index * TILE_WIDTH, tile.index * TILE_WIDTH + tile.width));
    if (!data) return result(size, { seq: tile.index * TILE_WIDTH ** (tile.level + 1) + 1, reason: `the log does not serve ${tilePath(tile)}` });
    if (!data.subarray(0, tile.width * HASH_BYTES).equals(expected)) {
      return result(size, { seq: tile.index * TILE_WIDTH ** (tile.level + 1) + 1, reason: `${tilePath(tile)} is not made of the hashes of the tiles below it` });
    }
    if (tile.width === TILE_WIDTH) {
      const level = levelHashes.get(tile.level + 1) ?? [];
      level.push(foldPerfect(data, 0, TILE_WIDTH));
      levelHashes.set(tile.level + 1, level);
    }
  }
  const root = builder.root();
  if (!root.equals(Buffer.from(body.rootHash))) return result(size, { seq: size, reason: `the root of the log's ${size} entries is not the root its checkpoint signs` });
  return result(size, null, { keyId, rootHash: toHex(root), tiles: tiles.length, cosignedBy, checkpointsChecked: nextClaim });
}
