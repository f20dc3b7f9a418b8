import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seeded } from "../../tests/support/fast-check";
import { MTH, PATH, PROOF, TILE, verifyConsistencyRfc, verifyInclusionRfc } from "../../tests/support/rfc9162";
import {
  HASH_BYTES,
  inclusionPath,
  parseTilePath,
  tileIndexPath,
  tilePath,
  tilesOfTree,
  TILE_WIDTH,
  verifyConsistency,
  verifyInclusion,
  type Tile,
} from "./merkle";
import {
  buildTree,
  consistencyProofFromTiles,
  EMPTY_TREE_ROOT,
  hashChildren,
  inclusionProofFromTiles,
  MerkleBuilder,
  rootFromTiles,
  type TileHash,
  type TileReader,
} from "./merkle-tree";

// The product's tree (merkle.ts, merkle-tree.ts) against the implementation written from the RFC
// text in tests/support/rfc9162.ts, at the sizes where tiles and subtrees begin and end.

const EDGE_SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 127, 128, 129, 255, 256, 257, 511, 512, 513, 767, 1000, 65_535, 65_536, 65_537];

// One list of entries for every tree (the tree of n is over its first n), so the reference
// implementation hashes each range of it once.
const ENTRIES: Buffer[] = Array.from({ length: Math.max(...EDGE_SIZES) + 2 }, (_, i) => Buffer.from(`{"entry":${i},"text":"원장 항목"}`, "utf8"));
const mthOf = (n: number) => MTH(ENTRIES, 0, n);
const leafOf = (entry: Uint8Array) => createHash("sha256").update(Buffer.from([0])).update(entry).digest();

interface BuiltTree {
  size: number;
  leaves: Buffer[];
  root: Buffer;
  readTile: TileReader;
  tileHashes: TileHash[];
}

const built = new Map<number, BuiltTree>();
/** The product's tree over the first n entries, with a tile reader over what it stored. */
function productTree(n: number): BuiltTree {
  const cached = built.get(n);
  if (cached) return cached;
  const leaves = ENTRIES.slice(0, n).map(leafOf);
  const { root, tileHashes } = buildTree(leaves);
  const levels = new Map<number, Buffer[]>([[0, leaves]]);
  for (const t of tileHashes) {
    const level = levels.get(t.level) ?? [];
    level[t.index] = t.hash;
    levels.set(t.level, level);
  }
  const readTile: TileReader = async (level, index, from, to) => Buffer.concat((levels.get(level) ?? []).slice(index * TILE_WIDTH + from, index * TILE_WIDTH + to));
  const tree = { size: n, leaves, root, readTile, tileHashes };
  built.set(n, tree);
  return tree;
}

/** Leaf indexes worth checking in a tree of n: all for small trees, else the edges and a few more. */
function indexesIn(n: number): number[] {
  if (n <= 300) return Array.from({ length: n }, (_, i) => i);
  return [...new Set([0, 1, 2, 127, 128, 254, 255, 256, 257, Math.floor(n / 2), n - 257, n - 256, n - 255, n - 2, n - 1].filter((i) => i >= 0 && i < n))];
}

/** Sizes below n worth checking consistency from. */
function oldSizesFor(n: number): number[] {
  if (n <= 64) return Array.from({ length: n - 1 }, (_, i) => i + 1);
  return [...new Set([1, 2, 3, 7, 8, 255, 256, 257, Math.floor(n / 2), n - 256, n - 255, n - 1].filter((m) => m >= 1 && m < n))];
}

/** Every way we alter a proof: each must be refused. */
function alterations(path: readonly Buffer[]): { what: string; path: Buffer[] }[] {
  const altered: { what: string; path: Buffer[] }[] = [];
  path.forEach((hash, i) => {
    const flipped = Buffer.from(hash);
    flipped[i % HASH_BYTES]! ^= 0x01;
    altered.push({ what: `bit flipped in element ${i}`, path: path.map((h, j) => (j === i ? flipped : h)) });
    altered.push({ what: `element ${i} dropped`, path: path.filter((_, j) => j !== i) });
  });
  if (path.length >= 2) altered.push({ what: "first two swapped", path: [path[1]!, path[0]!, ...path.slice(2)] });
  altered.push({ what: "an element appended", path: [...path, Buffer.alloc(HASH_BYTES, 7)] });
  altered.push({ what: "an element prepended", path: [Buffer.alloc(HASH_BYTES, 7), ...path] });
  return altered;
}

describe("Merkle tree hash", () => {
  it("is SHA-256 of the empty string for no entries", () => {
    expect(EMPTY_TREE_ROOT.equals(mthOf(0))).toBe(true);
    expect(buildTree([]).root.equals(mthOf(0))).toBe(true);
  });

  it.each(EDGE_SIZES)("equals the RFC's MTH at size %i, built leaf by leaf and read back from tiles", async (n) => {
    const tree = productTree(n);
    const expected = mthOf(n);
    expect(tree.root.equals(expected)).toBe(true);
    expect((await rootFromTiles(n, tree.readTile)).equals(expected)).toBe(true);
  });

  it("continues from stored tiles exactly as if built in one go (as each ledger batch extends it)", () => {
    const n = 65_537;
    const leaves = ENTRIES.slice(0, n).map(leafOf);
    const whole = buildTree(leaves);
    const stored: TileHash[] = [];
    const levels = new Map<number, Buffer[]>([[0, leaves]]);
    const unfinished = (size: number) => {
      const tiles: Buffer[] = [];
      for (let level = 0; Math.floor(size / TILE_WIDTH ** level) > 0; level++) {
        const width = Math.floor(size / TILE_WIDTH ** level) % TILE_WIDTH;
        const first = Math.floor(size / TILE_WIDTH ** (level + 1)) * TILE_WIDTH;
        tiles.push(Buffer.concat((levels.get(level) ?? []).slice(first, first + width)));
      }
      return tiles;
    };
    let size = 0;
    for (const batch of [1, 254, 1, 1, 300, 63_000, 1_979, 1]) {
      const builder = new MerkleBuilder(size, unfinished(size), (t) => {
        stored.push(t);
        const level = levels.get(t.level) ?? [];
        level[t.index] = t.hash;
        levels.set(t.level, level);
      });
      for (const leaf of leaves.slice(size, size + batch)) builder.push(leaf);
      size += batch;
      expect(builder.root().equals(mthOf(size))).toBe(true);
    }
    expect(size).toBe(n);
    expect(stored.map((t) => `${t.level}/${t.index}/${t.hash.toString("hex")}`)).toEqual(whole.tileHashes.map((t) => `${t.level}/${t.index}/${t.hash.toString("hex")}`));
  });
});

describe("inclusion proofs", () => {
  it.each(EDGE_SIZES)("at size %i equal the RFC's PATH, and both verifiers accept them", async (n) => {
    const tree = productTree(n);
    for (const index of indexesIn(n)) {
      const proof = await inclusionProofFromTiles(index, n, tree.readTile);
      const expected = PATH(index, ENTRIES, 0, n);
      expect(proof.map((h) => h.toString("hex"))).toEqual(expected.map((h) => h.toString("hex")));
      expect(await verifyInclusion(hashChildren, { index, size: n, leafHash: tree.leaves[index]!, path: proof, root: tree.root })).toBe(true);
      expect(verifyInclusionRfc(index, n, tree.leaves[index]!, proof, tree.root)).toBe(true);
    }
  });

  it.each([1, 2, 3, 7, 8, 255, 256, 257, 1000])("at size %i: every altered proof, leaf, index or root is refused by both verifiers", async (n) => {
    const tree = productTree(n);
    for (const index of indexesIn(n).filter((_, i) => i % 17 === 0 || n < 20)) {
      const proof = await inclusionProofFromTiles(index, n, tree.readTile);
      const leafHash = tree.leaves[index]!;
      const refused = async (what: string, p: { index: number; size: number; leafHash: Buffer; path: readonly Buffer[]; root: Buffer }) => {
        const ours = await verifyInclusion(hashChildren, p);
        const rfc = verifyInclusionRfc(p.index, p.size, p.leafHash, p.path, p.root);
        expect({ what, index, n, ours, rfc }).toEqual({ what, index, n, ours: false, rfc: false });
      };
      for (const { what, path } of alterations(proof)) await refused(what, { index, size: n, leafHash, path, root: tree.root });
      const otherLeaf = Buffer.from(leafHash);
      otherLeaf[0]! ^= 0x80;
      await refused("other leaf", { index, size: n, leafHash: otherLeaf, path: proof, root: tree.root });
      if (n > 1) await refused("other index", { index: (index + 1) % n, size: n, leafHash, path: proof, root: tree.root });
      await refused("index = size", { index: n, size: n, leafHash, path: proof, root: tree.root });
      // The tree size is not bound by the proof but by the signed checkpoint that states it (a
      // proof of leaf 0 in a tree of 3 is also one in a tree of 4 with the same root): the two
      // verifiers need only agree.
      const larger = { index, size: n + 1, leafHash, path: proof, root: tree.root };
      expect(await verifyInclusion(hashChildren, larger)).toBe(verifyInclusionRfc(larger.index, larger.size, leafHash, proof, tree.root));
      await refused("other root", { index, size: n, leafHash, path: proof, root: hashChildren(tree.root, tree.root) });
    }
  });

  it("never accepts a leaf at a position other than its own, in any tree up to 24 leaves", async () => {
    for (let n = 1; n <= 24; n++) {
      const tree = productTree(n);
      for (let index = 0; index < n; index++) {
        const proof = await inclusionProofFromTiles(index, n, tree.readTile);
        for (let other = 0; other < n; other++) {
          if (other === index) continue;
          expect(await verifyInclusion(hashChildren, { index: other, size: n, leafHash: tree.leaves[index]!, path: proof, root: tree.root })).toBe(false);
        }
      }
    }
  });
});

describe("consistency proofs", () => {
  it.each(EDGE_SIZES.filter((n) => n > 1))("to size %i equal the RFC's PROOF, and both verifiers accept them", async (n) => {
    const tree = productTree(n);
    for (const m of oldSizesFor(n)) {
      const proof = await consistencyProofFromTiles(m, n, tree.readTile);
      const expected = PROOF(m, ENTRIES, n);
      expect(proof.map((h) => h.toString("hex"))).toEqual(expected.map((h) => h.toString("hex")));
      const oldRoot = await rootFromTiles(m, tree.readTile);
      expect(oldRoot.equals(mthOf(m))).toBe(true);
      expect(await verifyConsistency(hashChildren, { oldSize: m, newSize: n, oldRoot, newRoot: tree.root, path: proof })).toBe(true);
      expect(verifyConsistencyRfc(m, n, oldRoot, tree.root, proof)).toBe(true);
    }
  });

  it.each([2, 3, 7, 8, 9, 255, 256, 257, 1000])("to size %i: every altered proof or root is refused by both verifiers", async (n) => {
    const tree = productTree(n);
    for (const m of oldSizesFor(n)) {
      const proof = await consistencyProofFromTiles(m, n, tree.readTile);
      const oldRoot = await rootFromTiles(m, tree.readTile);
      const refused = async (what: string, p: { oldSize: number; newSize: number; oldRoot: Buffer; newRoot: Buffer; path: readonly Buffer[] }) => {
        const ours = await verifyConsistency(hashChildren, p);
        const rfc = verifyConsistencyRfc(p.oldSize, p.newSize, p.oldRoot, p.newRoot, p.path);
        expect({ what, m, n, ours, rfc }).toEqual({ what, m, n, ours: false, rfc: false });
      };
      for (const { what, path } of alterations(proof)) await refused(what, { oldSize: m, newSize: n, oldRoot, newRoot: tree.root, path });
      await refused("other old root", { oldSize: m, newSize: n, oldRoot: hashChildren(oldRoot, oldRoot), newRoot: tree.root, path: proof });
      await refused("other new root", { oldSize: m, newSize: n, oldRoot, newRoot: hashChildren(oldRoot, oldRoot), path: proof });
      // As with inclusion, the sizes are bound by the signed checkpoints: the verifiers need only agree.
      for (const [oldSize, newSize] of [[m + 1, n], [m, n + 1]] as const) {
        if (oldSize >= newSize) continue;
        const ours = await verifyConsistency(hashChildren, { oldSize, newSize, oldRoot, newRoot: tree.root, path: proof });
        expect(ours).toBe(verifyConsistencyRfc(oldSize, newSize, oldRoot, tree.root, proof));
      }
    }
  });

  it("between equal sizes is empty and needs equal roots; from the empty tree it is empty", async () => {
    const tree = productTree(7);
    expect(await consistencyProofFromTiles(7, 7, tree.readTile)).toEqual([]);
    expect(await verifyConsistency(hashChildren, { oldSize: 7, newSize: 7, oldRoot: tree.root, newRoot: tree.root, path: [] })).toBe(true);
    expect(await verifyConsistency(hashChildren, { oldSize: 7, newSize: 7, oldRoot: tree.root, newRoot: productTree(6).root, path: [] })).toBe(false);
    expect(await verifyConsistency(hashChildren, { oldSize: 7, newSize: 7, oldRoot: tree.root, newRoot: tree.root, path: [tree.root] })).toBe(false);
    expect(await verifyConsistency(hashChildren, { oldSize: 0, newSize: 7, oldRoot: EMPTY_TREE_ROOT, newRoot: tree.root, path: [] })).toBe(true);
    expect(await verifyConsistency(hashChildren, { oldSize: 0, newSize: 7, oldRoot: EMPTY_TREE_ROOT, newRoot: tree.root, path: [tree.root] })).toBe(false);
    expect(await verifyConsistency(hashChildren, { oldSize: 8, newSize: 7, oldRoot: tree.root, newRoot: tree.root, path: [] })).toBe(false);
  });

  it("verifies the consistency proof from litewitness's test data (filippo.io/torchwood), by both verifiers", async () => {
    // cmd/litewitness/testdata/litewitness.txt: a Sigsum log's checkpoint of size 1 with root
    // KgAA…, then size 3 with root RcCI1Nk…, and the proof "old 1" lines KgEA…, KgIA….
    const hash = (text: string) => Buffer.from(text, "base64");
    const oldRoot = hash("KgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    const newRoot = hash("RcCI1Nk56ZcSmIEfIn0SleqtV7uvrlXNccFx595Iwl0=");
    const path = [hash("KgEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), hash("KgIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")];
    expect(await verifyConsistency(hashChildren, { oldSize: 1, newSize: 3, oldRoot, newRoot, path })).toBe(true);
    expect(verifyConsistencyRfc(1, 3, oldRoot, newRoot, path)).toBe(true);
    // The same test data's rejected request: the second proof hash altered.
    const altered = [path[0]!, hash("KgIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABA=")];
    expect(await verifyConsistency(hashChildren, { oldSize: 1, newSize: 3, oldRoot, newRoot, path: altered })).toBe(false);
    expect(verifyConsistencyRfc(1, 3, oldRoot, newRoot, altered)).toBe(false);
  });
});

describe("random trees against the RFC implementation", () => {
  it("roots, inclusion and consistency proofs agree for random sizes and positions", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2_100 }), fc.nat(), fc.nat(), async (n, a, b) => {
        const tree = productTree(n);
        const index = a % n;
        const m = 1 + (b % n);
        const inclusion = await inclusionProofFromTiles(index, n, tree.readTile);
        expect(verifyInclusionRfc(index, n, tree.leaves[index]!, inclusion, mthOf(n))).toBe(true);
        const consistency = await consistencyProofFromTiles(m, n, tree.readTile);
        if (m < n) {
          expect(consistency.map((h) => h.toString("hex"))).toEqual(PROOF(m, ENTRIES, n).map((h) => h.toString("hex")));
          expect(verifyConsistencyRfc(m, n, mthOf(m), tree.root, consistency)).toBe(true);
        }
        expect(await verifyConsistency(hashChildren, { oldSize: m, newSize: n, oldRoot: await rootFromTiles(m, tree.readTile), newRoot: tree.root, path: consistency })).toBe(true);
      }),
      seeded("merkle vs rfc9162", 60),
    );
  });
});

describe("tiles (C2SP tlog-tiles)", () => {
  it.each([1, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537])("of a tree of %i are the spec's formula over the entries", async (n) => {
    const tree = productTree(n);
    for (const tile of tilesOfTree(n)) {
      const ours = await tree.readTile(tile.level, tile.index, 0, tile.width);
      const expected = TILE(ENTRIES, tile.level, tile.index, tile.width);
      expect({ tile, equal: Buffer.from(ours).equals(expected) }).toEqual({ tile, equal: true });
    }
  });

  it("are the ones the spec lists for sizes 70,000 and 256", () => {
    const summary = (tiles: Tile[]) => tiles.map((t) => `${t.level}:${t.width}`);
    const of70000 = summary(tilesOfTree(70_000));
    expect(of70000.filter((t) => t === "0:256")).toHaveLength(273);
    expect(of70000.filter((t) => t !== "0:256")).toEqual(["0:112", "1:256", "1:17", "2:1"]);
    expect(summary(tilesOfTree(256))).toEqual(["0:256", "1:1"]);
    expect(tilesOfTree(0)).toEqual([]);
  });

  it("are named by the spec's paths, and only those paths are read back", () => {
    expect(tileIndexPath(1_234_067)).toBe("x001/x234/067");
    expect(tileIndexPath(0)).toBe("000");
    expect(tileIndexPath(1000)).toBe("x001/000");
    expect(tilePath({ level: 0, index: 1_234_067, width: 256 })).toBe("tile/0/x001/x234/067");
    expect(tilePath({ level: 2, index: 5, width: 17 })).toBe("tile/2/005.p/17");
    expect(tilePath({ level: 0, index: 3, width: 112 }, "entries")).toBe("tile/entries/003.p/112");
    for (const path of ["0/x001/x234/067", "2/005.p/17", "entries/003.p/112", "entries/000", "63/999"]) {
      const parsed = parseTilePath(path);
      expect(parsed).not.toBeNull();
      expect(tilePath(parsed!, parsed!.kind)).toBe(`tile/${path}`);
    }
    for (const bad of ["0/1", "0/0001", "00/000", "64/000", "0/000.p/0", "0/000.p/256", "0/000.p/07", "0/x000/001", "0/001/", "entries/x1/000", "-1/000", "0/000.p/", "data/000"]) {
      expect({ bad, parsed: parseTilePath(bad) }).toEqual({ bad, parsed: null });
    }
  });

  it("inclusion paths name ranges that sit inside the tree", () => {
    for (const n of [1, 5, 256, 257, 70_000]) {
      for (const index of [0, n - 1]) {
        for (const step of inclusionPath(index, n)) expect(step.sibling.start >= 0 && step.sibling.end <= n && step.sibling.start < step.sibling.end).toBe(true);
      }
    }
  });
});
