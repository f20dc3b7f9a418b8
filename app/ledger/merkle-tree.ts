import * as crypto from "node:crypto";
import { createHash } from "node:crypto";
import {
  consistencyRanges,
  foldRange,
  HASH_BYTES,
  inclusionPath,
  nodeInTile,
  rangeNodes,
  TILE_WIDTH,
  type LeafRange,
} from "./merkle";

// The Merkle tree in Node: hashing, building tile hashes as leaves arrive, roots and proofs from
// tiles. The structure (which ranges a proof holds, where a subtree sits in the tiles) is in
// merkle.ts; this module only computes hashes.

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: "buffer") => Buffer;
const oneShotHash = (crypto as unknown as { hash?: OneShotHash }).hash;
const sha256 = (data: Uint8Array): Buffer => (oneShotHash ? oneShotHash("sha256", data, "buffer") : createHash("sha256").update(data).digest());

/** MTH of the empty tree: SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT = sha256(new Uint8Array(0));

const nodeInput = Buffer.alloc(1 + 2 * HASH_BYTES);

/** SHA-256(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  nodeInput[0] = 1;
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_BYTES);
  return sha256(nodeInput);
}

/** The root of the perfect subtree over `count` (a power of two) hashes of `hashes` from `offset`. */
export function foldPerfect(hashes: Uint8Array, offset: number, count: number): Buffer {
  const work = Buffer.from(hashes.subarray(offset * HASH_BYTES, (offset + count) * HASH_BYTES));
  nodeInput[0] = 1;
  for (let width = count; width > 1; width /= 2) {
    for (let i = 0; i < width / 2; i++) {
      // Siblings are adjacent: one copy makes the node's input, and its hash overwrites the left one.
      work.copy(nodeInput, 1, 2 * i * HASH_BYTES, (2 * i + 2) * HASH_BYTES);
      sha256(nodeInput).copy(work, i * HASH_BYTES);
    }
  }
  return Buffer.from(work.subarray(0, HASH_BYTES));
}

/** A hash of a full tile's worth of the level below: the entry `index` of tile level `level`. */
export interface TileHash {
  level: number;
  index: number;
  hash: Buffer;
}

/**
 * Takes leaf hashes in order and keeps, per tile level, the hashes of the rightmost (unfinished)
 * tile. When a tile fills, its root becomes the next hash one level up, reported to `onTileHash`
 * (what the database stores). Memory: at most 256 hashes a level.
 */
export class MerkleBuilder {
  private readonly pending: Buffer[] = [];
  private readonly widths: number[] = [];
  /** Levels whose unfinished tile is known; a hash carried above them is only reported. */
  private readonly tracked: number;
  private leaves: number;

  /**
   * Continues a tree of `size` leaves given the unfinished tiles of its lowest levels (level 0
   * first), each the first tileWidth(level, …, size) hashes of its tile. Given them all, the
   * builder knows the whole tree; given fewer, it can still report every tile hash the pushes
   * complete as long as no tile fills above the levels given, but has no root.
   */
  constructor(size = 0, unfinished: readonly Uint8Array[] = [], private readonly onTileHash: (tileHash: TileHash) => void = () => {}) {
    this.leaves = size;
    unfinished.forEach((given, level) => {
      const width = Math.floor(size / TILE_WIDTH ** level) % TILE_WIDTH;
      if (given.length !== width * HASH_BYTES) throw new RangeError(`tile level ${level} of a tree of ${size} has ${width} unfinished hashes, not ${given.length / HASH_BYTES}`);
      const buffer = Buffer.alloc(TILE_WIDTH * HASH_BYTES);
      buffer.set(given);
      this.pending.push(buffer);
      this.widths.push(width);
    });
    this.tracked = Math.floor(size / TILE_WIDTH ** unfinished.length) === 0 ? Infinity : unfinished.length;
  }

  get size(): number {
    return this.leaves;
  }

  push(leafHash: Uint8Array): void {
    this.leaves += 1;
    this.carry(0, leafHash);
  }

  /** Adds the 256 leaves a level 1 tile hash stands for; the tree must end on a tile boundary. */
  pushTileHash(hash: Uint8Array): void {
    if ((this.widths[0] ?? 0) !== 0) throw new RangeError(`a tile hash cannot follow ${this.leaves} leaves`);
    this.leaves += TILE_WIDTH;
    this.carry(1, hash);
  }

  private carry(from: number, first: Uint8Array): void {
    let hash = first;
    for (let level = from; level < this.tracked; level++) {
      while (this.pending.length <= level) {
        this.pending.push(Buffer.alloc(TILE_WIDTH * HASH_BYTES));
        this.widths.push(0);
      }
      const width = this.widths[level]!;
      this.pending[level]!.set(hash, width * HASH_BYTES);
      if (width + 1 < TILE_WIDTH) {
        this.widths[level] = width + 1;
        return;
      }
      this.widths[level] = 0;
      hash = foldPerfect(this.pending[level]!, 0, TILE_WIDTH);
      this.onTileHash({ level: level + 1, index: Math.floor(this.leaves / TILE_WIDTH ** (level + 1)) - 1, hash: Buffer.from(hash) });
    }
  }

  /** The Merkle Tree Hash of the leaves pushed so far. */
  root(): Buffer {
    if (this.tracked !== Infinity) throw new Error("the builder was not given the whole tree");
    if (this.leaves === 0) return EMPTY_TREE_ROOT;
    // The tree's perfect subtrees, largest first: the unfinished tiles from the top level down,
    // each split by the binary digits of its width.
    const nodes: Buffer[] = [];
    for (let level = this.pending.length - 1; level >= 0; level--) {
      let offset = 0;
      for (let count = TILE_WIDTH / 2; count >= 1; count /= 2) {
        if (this.widths[level]! & count) {
          nodes.push(foldPerfect(this.pending[level]!, offset, count));
          offset += count;
        }
      }
    }
    let hash = nodes.at(-1)!;
    for (let i = nodes.length - 2; i >= 0; i--) hash = hashChildren(nodes[i]!, hash);
    return hash;
  }
}

/** Every tile hash (levels ≥ 1) and the root of a tree over the given leaf hashes. */
export function buildTree(leafHashes: Iterable<Uint8Array>): { root: Buffer; tileHashes: TileHash[]; size: number } {
  const tileHashes: TileHash[] = [];
  const builder = new MerkleBuilder(0, [], (tileHash) => tileHashes.push(tileHash));
  for (const leaf of leafHashes) builder.push(leaf);
  return { root: builder.root(), tileHashes, size: builder.size };
}

/** Reads hashes `from` (inclusive) to `to` (exclusive) of tile (level, index), concatenated. */
export type TileReader = (level: number, index: number, from: number, to: number) => Promise<Uint8Array>;

/** The Merkle Tree Hash of each range, reading every tile it needs once. */
export async function hashRanges(ranges: readonly LeafRange[], readTile: TileReader): Promise<Buffer[]> {
  const nodesOfRanges = ranges.map((range) => rangeNodes(range).map(nodeInTile));
  const wanted = new Map<string, { level: number; index: number; from: number; to: number }>();
  for (const span of nodesOfRanges.flat()) {
    const key = `${span.level}/${span.index}`;
    const known = wanted.get(key);
    wanted.set(key, {
      level: span.level,
      index: span.index,
      from: Math.min(known?.from ?? span.offset, span.offset),
      to: Math.max(known?.to ?? 0, span.offset + span.count),
    });
  }
  const tiles = new Map<string, { from: number; data: Uint8Array }>();
  await Promise.all(
    [...wanted].map(async ([key, want]) => {
      const data = await readTile(want.level, want.index, want.from, want.to);
      if (data.length !== (want.to - want.from) * HASH_BYTES) throw new Error(`tile ${key} has no hashes ${want.from}–${want.to - 1} yet`);
      tiles.set(key, { from: want.from, data });
    }),
  );
  return Promise.all(
    nodesOfRanges.map(async (spans) => {
      const hashes = spans.map((span) => {
        const tile = tiles.get(`${span.level}/${span.index}`)!;
        return foldPerfect(tile.data, span.offset - tile.from, span.count);
      });
      return Buffer.from(await foldRange(hashes, hashChildren));
    }),
  );
}

export async function rootFromTiles(size: number, readTile: TileReader): Promise<Buffer> {
  if (size === 0) return EMPTY_TREE_ROOT;
  const [root] = await hashRanges([{ start: 0, end: size }], readTile);
  return root!;
}

export async function inclusionProofFromTiles(index: number, size: number, readTile: TileReader): Promise<Buffer[]> {
  return hashRanges(
    inclusionPath(index, size).map((step) => step.sibling),
    readTile,
  );
}

export async function consistencyProofFromTiles(oldSize: number, newSize: number, readTile: TileReader): Promise<Buffer[]> {
  if (oldSize === 0 || oldSize === newSize) return [];
  return hashRanges(consistencyRanges(oldSize, newSize), readTile);
}
