// The ledger's Merkle tree (RFC 9162, section 2.1, as RFC 6962) and its tiles (C2SP tlog-tiles).
// Pure and free of Node APIs: the browser verifies receipts with it through Web Crypto, the server
// with node:crypto. Positions are plain numbers (exact up to 2^53); no bitwise operators, which
// would cut them to 32 bits.
//
// A proof element is the Merkle Tree Hash of a range of leaves, D[start:end]. Every range the
// proofs use starts at a multiple of the largest power of two not above its length, so it splits
// into the perfect subtrees of its length's binary digits (`rangeNodes`), and a perfect subtree of
// height 8q + r is 2^r consecutive hashes of one tile at level q (`nodeInTile`).

export const HASH_BYTES = 32;
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** SHA-256(0x01 ‖ left ‖ right), synchronously (node:crypto) or not (Web Crypto). */
export type NodeHasher = (left: Uint8Array, right: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** The leaves D[start:end], start < end. */
export interface LeafRange {
  start: number;
  end: number;
}

/** The perfect subtree of 2^height leaves starting at leaf index × 2^height. */
export interface TreeNode {
  height: number;
  index: number;
}

function assertSize(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0 (got ${value})`);
}

/** The largest power of two strictly below n, for n ≥ 2: where RFC 9162 splits D[n]. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** The perfect subtrees that make up D[start:end], left to right (largest first). */
export function rangeNodes(range: LeafRange): TreeNode[] {
  const nodes: TreeNode[] = [];
  let start = range.start;
  while (start < range.end) {
    const length = range.end - start;
    const size = isPowerOfTwo(length) ? length : splitPoint(length);
    if (start % size !== 0) throw new RangeError(`D[${range.start}:${range.end}] is not a range of the tree`);
    let height = 0;
    while (2 ** height < size) height += 1;
    nodes.push({ height, index: start / size });
    start += size;
  }
  return nodes;
}

/** Folds the hashes of a range's perfect subtrees into its Merkle Tree Hash (right to left). */
export async function foldRange(nodeHashes: readonly Uint8Array[], hashNode: NodeHasher): Promise<Uint8Array> {
  let hash = nodeHashes.at(-1);
  if (!hash) throw new RangeError("an empty range has no hash here");
  for (let i = nodeHashes.length - 2; i >= 0; i--) hash = await hashNode(nodeHashes[i]!, hash);
  return hash;
}

// Inclusion proofs (RFC 9162 2.1.3): the siblings on the path from the leaf up to the root.

export interface InclusionStep {
  sibling: LeafRange;
  /** Where the sibling sits next to the path. */
  side: "left" | "right";
}

/** The ranges of the audit path of leaf `index` in a tree of `size` leaves, bottom up. */
export function inclusionPath(index: number, size: number): InclusionStep[] {
  assertSize(index, "leaf index");
  assertSize(size, "tree size");
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const topDown: InclusionStep[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      topDown.push({ sibling: { start: start + k, end }, side: "right" });
      end = start + k;
    } else {
      topDown.push({ sibling: { start, end: start + k }, side: "left" });
      start += k;
    }
  }
  return topDown.reverse();
}

/** True when `proof` proves that `leafHash` is leaf `index` of the tree of `size` with `root`. */
export async function verifyInclusion(
  hashNode: NodeHasher,
  proof: { index: number; size: number; leafHash: Uint8Array; path: readonly Uint8Array[]; root: Uint8Array },
): Promise<boolean> {
  if (!validProofSizes(proof.index, proof.size) || proof.index >= proof.size || !allHashes([proof.leafHash, proof.root, ...proof.path])) return false;
  const steps = inclusionPath(proof.index, proof.size);
  if (steps.length !== proof.path.length) return false;
  let hash = proof.leafHash;
  for (let i = 0; i < steps.length; i++) {
    const sibling = proof.path[i]!;
    hash = steps[i]!.side === "right" ? await hashNode(hash, sibling) : await hashNode(sibling, hash);
  }
  return equalBytes(hash, proof.root);
}

// Consistency proofs (RFC 9162 2.1.4): the old tree is a prefix of the new one.

export interface ConsistencyStep {
  range: LeafRange;
  /** In both trees (left of the old tree's edge), or only in the new one. */
  shared: boolean;
}

export interface ConsistencyShape {
  /** The subtree both trees share at the bottom of the path; null when it is the old tree itself. */
  seed: LeafRange | null;
  steps: ConsistencyStep[];
}

/**
 * The ranges of the consistency proof from `oldSize` to `newSize` (0 < oldSize < newSize):
 * the proof is [seed (unless null), ...steps], as SUBPROOF of RFC 6962 2.1.2 lists it.
 */
export function consistencyPath(oldSize: number, newSize: number): ConsistencyShape {
  assertSize(oldSize, "old size");
  assertSize(newSize, "new size");
  if (!(oldSize > 0 && oldSize < newSize)) throw new RangeError(`no consistency proof from ${oldSize} to ${newSize}`);
  const topDown: ConsistencyStep[] = [];
  let start = 0;
  let end = newSize;
  let old = oldSize;
  let wholeOldTree = true;
  while (old !== end - start) {
    const k = splitPoint(end - start);
    if (old <= k) {
      topDown.push({ range: { start: start + k, end }, shared: false });
      end = start + k;
    } else {
      topDown.push({ range: { start, end: start + k }, shared: true });
      start += k;
      old -= k;
      wholeOldTree = false;
    }
  }
  return { seed: wholeOldTree ? null : { start, end }, steps: topDown.reverse() };
}

/** The proof's ranges in the order the proof lists them. */
export function consistencyRanges(oldSize: number, newSize: number): LeafRange[] {
  const shape = consistencyPath(oldSize, newSize);
  return [...(shape.seed ? [shape.seed] : []), ...shape.steps.map((s) => s.range)];
}

/**
 * True when `path` proves that the tree of `oldSize` with `oldRoot` is a prefix of the tree of
 * `newSize` with `newRoot`. Equal sizes need an empty proof and equal roots; so does old size 0
 * (the empty tree is a prefix of every tree), as C2SP tlog-witness asks.
 */
export async function verifyConsistency(
  hashNode: NodeHasher,
  proof: { oldSize: number; newSize: number; oldRoot: Uint8Array; newRoot: Uint8Array; path: readonly Uint8Array[] },
): Promise<boolean> {
  const { oldSize, newSize, path } = proof;
  if (!validProofSizes(oldSize, newSize) || oldSize > newSize || !allHashes([proof.oldRoot, proof.newRoot, ...path])) return false;
  if (oldSize === 0) return path.length === 0;
  if (oldSize === newSize) return path.length === 0 && equalBytes(proof.oldRoot, proof.newRoot);
  const shape = consistencyPath(oldSize, newSize);
  if (path.length !== shape.steps.length + (shape.seed ? 1 : 0)) return false;
  let next = 0;
  let oldHash = shape.seed ? path[next++]! : proof.oldRoot;
  let newHash = oldHash;
  for (const step of shape.steps) {
    const hash = path[next++]!;
    if (step.shared) {
      oldHash = await hashNode(hash, oldHash);
      newHash = await hashNode(hash, newHash);
    } else {
      newHash = await hashNode(newHash, hash);
    }
  }
  return equalBytes(oldHash, proof.oldRoot) && equalBytes(newHash, proof.newRoot);
}

function validProofSizes(a: number, b: number): boolean {
  return Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= 0 && b >= 0;
}

function allHashes(hashes: readonly Uint8Array[]): boolean {
  return hashes.every((hash) => hash instanceof Uint8Array && hash.length === HASH_BYTES);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Tiles (C2SP tlog-tiles): tile n at level l holds the hashes of the perfect subtrees of height
// 8·l numbered n·256 … n·256+255; level 0 holds leaf hashes. Entry bundles hold the entries of
// the level 0 tile with the same number.

export interface Tile {
  level: number;
  index: number;
  /** 256 for a full tile, 1–255 for a partial one. */
  width: number;
}

/** The tile hashes that make up a perfect subtree: `count` hashes of tile (level, index) from `offset`. */
export interface TileSpan {
  level: number;
  index: number;
  offset: number;
  count: number;
}

export function nodeInTile(node: TreeNode): TileSpan {
  const level = Math.floor(node.height / TILE_HEIGHT);
  const count = 2 ** (node.height - level * TILE_HEIGHT);
  const first = node.index * count;
  return { level, index: Math.floor(first / TILE_WIDTH), offset: first % TILE_WIDTH, count };
}

/** How many hashes tile (level, index) holds in a tree of `size` leaves: 0 (none yet) to 256. */
export function tileWidth(level: number, index: number, size: number): number {
  const hashesAtLevel = Math.floor(size / TILE_WIDTH ** level);
  return Math.max(0, Math.min(TILE_WIDTH, hashesAtLevel - index * TILE_WIDTH));
}

/** Every tile of a tree of `size` leaves, full and partial, level by level. */
export function tilesOfTree(size: number): Tile[] {
  assertSize(size, "tree size");
  const tiles: Tile[] = [];
  for (let level = 0; Math.floor(size / TILE_WIDTH ** level) > 0; level++) {
    const hashes = Math.floor(size / TILE_WIDTH ** level);
    for (let index = 0; index * TILE_WIDTH < hashes; index++) tiles.push({ level, index, width: tileWidth(level, index, size) });
  }
  return tiles;
}

/** "x001/x234/067" for 1234067: three digits a path element, all but the last behind an "x". */
export function tileIndexPath(index: number): string {
  assertSize(index, "tile index");
  let rest = Math.floor(index / 1000);
  let path = String(index % 1000).padStart(3, "0");
  while (rest > 0) {
    path = `x${String(rest % 1000).padStart(3, "0")}/${path}`;
    rest = Math.floor(rest / 1000);
  }
  return path;
}

/** The tile's path under the log's prefix: tile/<L>/<N>[.p/<W>], or tile/entries/<N>[.p/<W>]. */
export function tilePath(tile: Tile, kind: "hashes" | "entries" = "hashes"): string {
  const partial = tile.width < TILE_WIDTH ? `.p/${tile.width}` : "";
  return `tile/${kind === "entries" ? "entries" : tile.level}/${tileIndexPath(tile.index)}${partial}`;
}

export interface ParsedTilePath extends Tile {
  kind: "hashes" | "entries";
}

/** The tile a path names (after "tile/"), or null when it is not a path tlog-tiles defines. */
export function parseTilePath(path: string): ParsedTilePath | null {
  const match = /^(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!match) return null;
  const [, levelText = "", indexText = "", widthText] = match;
  const kind = levelText === "entries" ? "entries" : "hashes";
  const level = kind === "entries" ? 0 : Number(levelText);
  if (level > 63) return null;
  const parts = indexText.split("/");
  // "x000/…" would be a second spelling of a smaller index.
  if (parts.length > 1 && parts[0] === "x000") return null;
  let index = 0;
  for (const part of parts) index = index * 1000 + Number(part.replace("x", ""));
  if (!Number.isSafeInteger(index)) return null;
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (width > TILE_WIDTH - 1 && widthText !== undefined) return null;
  return { kind, level, index, width };
}

/** An entry bundle: each entry behind its length in bytes as a big-endian uint16 (tlog-tiles). */
export function entryBundle(entries: readonly Uint8Array[]): Uint8Array {
  const bundle = new Uint8Array(entries.reduce((total, entry) => total + 2 + entry.length, 0));
  let at = 0;
  for (const entry of entries) {
    if (entry.length > 0xffff) throw new RangeError(`an entry of ${entry.length} bytes does not fit an entry bundle`);
    bundle[at] = entry.length >> 8;
    bundle[at + 1] = entry.length & 0xff;
    bundle.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return bundle;
}

/** The entries of a bundle, or null when its framing is broken. */
export function parseEntryBundle(bundle: Uint8Array): Uint8Array[] | null {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) return null;
    const length = bundle[at]! * 256 + bundle[at + 1]!;
    if (at + 2 + length > bundle.length) return null;
    entries.push(bundle.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}
