import { sql } from "kysely";
import type { DbOrTx, Tx } from "../utils/db.server";
import { entryBundle, TILE_WIDTH, verifyConsistency, verifyInclusion, type Tile } from "./merkle";
import {
  consistencyProofFromTiles,
  hashChildren,
  inclusionProofFromTiles,
  MerkleBuilder,
  rootFromTiles,
  type TileHash,
  type TileReader,
} from "./merkle-tree";

// The ledger's Merkle tree in PostgreSQL (decision 61): level 0 is journal_entries.leaf_hash
// (leaf index = seq − 1), levels 1 and up are the rows of ledger_tile_hashes, one per full tile
// below, each checked by the database against its 256 children when inserted.

/** Hashes `from` … `to` − 1 of tile (level, index), concatenated; shorter when the tree has fewer. */
export async function readTileHashes(db: DbOrTx, level: number, index: number, from: number, to: number): Promise<Buffer> {
  const first = index * TILE_WIDTH + from;
  const end = index * TILE_WIDTH + to;
  if (level === 0) {
    const rows = await db.selectFrom("sequenced_entries").select("leaf_hash").where("seq", ">", first).where("seq", "<=", end).orderBy("seq").execute();
    return Buffer.concat(rows.map((r) => r.leaf_hash));
  }
  const rows = await db
    .selectFrom("ledger_tile_hashes")
    .select("hash")
    .where("tile_level", "=", level)
    .where("idx", ">=", first)
    .where("idx", "<", end)
    .orderBy("idx")
    .execute();
  return Buffer.concat(rows.map((r) => r.hash));
}

export function tileReader(db: DbOrTx): TileReader {
  return (level, index, from, to) => readTileHashes(db, level, index, from, to);
}

const TILE_HASH_INSERT_CHUNK = 5000;

/**
 * Extends the stored tree by the leaves of seq firstSeq, firstSeq + 1, … (the tree must end at
 * firstSeq − 1), inside the transaction that sequences them: writes the tile hashes the new
 * leaves complete. Reads the unfinished tiles only of the levels where one fills, so most small
 * batches read and write nothing. Returns how many tile hashes it wrote.
 */
export async function extendMerkleTree(trx: Tx, firstSeq: number, leafHashes: readonly Uint8Array[]): Promise<number> {
  const size = firstSeq - 1;
  const end = size + leafHashes.length;
  let levels = 0;
  while (Math.floor(end / TILE_WIDTH ** (levels + 1)) > Math.floor(size / TILE_WIDTH ** (levels + 1))) levels += 1;
  if (levels === 0) return 0;
  const unfinished = await Promise.all(
    Array.from({ length: levels }, (_, level) => {
      const index = Math.floor(size / TILE_WIDTH ** (level + 1));
      const width = Math.floor(size / TILE_WIDTH ** level) % TILE_WIDTH;
      return width === 0 ? Buffer.alloc(0) : readTileHashes(trx, level, index, 0, width);
    }),
  );
  const written: TileHash[] = [];
  const builder = new MerkleBuilder(size, unfinished, (tileHash) => written.push(tileHash));
  for (const leaf of leafHashes) builder.push(leaf);
  // In the order they were completed: a hash is inserted after the 256 below it.
  for (let i = 0; i < written.length; i += TILE_HASH_INSERT_CHUNK) {
    await trx
      .insertInto("ledger_tile_hashes")
      .values(written.slice(i, i + TILE_HASH_INSERT_CHUNK).map((t) => ({ tile_level: t.level, idx: t.index, hash: t.hash })))
      .execute();
  }
  return written.length;
}

const CATCH_UP_PAGE = 50_000;
// Any fixed number, the same in every process: serialises catching up.
const CATCH_UP_LOCK = 0x6c65_6467_6572;

/**
 * Brings the stored tree up to the ledger's head and returns the head's size. The sequencer calls
 * it inside each batch's transaction (which sees its own new head) and the checkpoint job before
 * signing; the advisory lock serialises them, so no tile hash is computed twice.
 */
export async function catchUpMerkleTree(trx: Tx): Promise<number> {
  await sql`SELECT pg_advisory_xact_lock(${CATCH_UP_LOCK})`.execute(trx);
  const head = await trx.selectFrom("ledger_head").select("seq").executeTakeFirstOrThrow();
  const stored = await trx.selectFrom("ledger_tile_hashes").select((eb) => eb.fn.max("idx").as("last")).where("tile_level", "=", 1).executeTakeFirst();
  let size = stored?.last === null || stored?.last === undefined ? 0 : (Number(stored.last) + 1) * TILE_WIDTH;
  while (size + TILE_WIDTH <= head.seq) {
    const rows = await trx
      .selectFrom("sequenced_entries")
      .select("leaf_hash")
      .where("seq", ">", size)
      .where("seq", "<=", Math.min(head.seq, size + CATCH_UP_PAGE))
      .orderBy("seq")
      .execute();
    await extendMerkleTree(
      trx,
      size + 1,
      rows.map((r) => r.leaf_hash),
    );
    size += rows.length;
  }
  return head.seq;
}

export async function merkleRoot(db: DbOrTx, size: number): Promise<Buffer> {
  return rootFromTiles(size, tileReader(db));
}

export async function inclusionProof(db: DbOrTx, leafIndex: number, size: number): Promise<Buffer[]> {
  return inclusionProofFromTiles(leafIndex, size, tileReader(db));
}

export async function consistencyProof(db: DbOrTx, oldSize: number, newSize: number): Promise<Buffer[]> {
  return consistencyProofFromTiles(oldSize, newSize, tileReader(db));
}

/** A tile or entry bundle as served at /ledger/tile/…, or null when the tree does not have it (yet). */
export async function readTile(db: DbOrTx, tile: Tile & { kind: "hashes" | "entries" }): Promise<Buffer | null> {
  return tile.kind === "entries" ? readEntryBundle(db, tile) : readHashTile(db, tile);
}

/** A tile as served (tlog-tiles): its hashes concatenated, or null when the tree has not got them all. */
export async function readHashTile(db: DbOrTx, tile: Tile): Promise<Buffer | null> {
  const data = await readTileHashes(db, tile.level, tile.index, 0, tile.width);
  return data.length === tile.width * 32 ? data : null;
}

/**
 * An entry bundle (tlog-tiles): the canonical texts of the tile's entries, each behind its length
 * in bytes as a big-endian uint16. Each hashes (SHA-256(0x00 ‖ text)) to its leaf hash.
 */
export async function readEntryBundle(db: DbOrTx, tile: Tile): Promise<Buffer | null> {
  const first = tile.index * TILE_WIDTH;
  const rows = await db
    .selectFrom("sequenced_entries")
    .select("canonical")
    .where("seq", ">", first)
    .where("seq", "<=", first + tile.width)
    .orderBy("seq")
    .execute();
  return rows.length === tile.width ? Buffer.from(entryBundle(rows.map((row) => new TextEncoder().encode(row.canonical)))) : null;
}

export interface TreeVerification {
  problem: { seq: number; reason: string } | null;
  size: number;
  rootHash: string;
  tileHashes: number;
  consistencyProofs: number;
  inclusionProofs: number;
}

const VERIFY_PAGE = 10_000;

/**
 * The stored tree checked as an outsider would: recomputed from the journal's leaf hashes, every
 * stored tile hash compared and none extra; every Merkle checkpoint's root equal to the root at
 * its size; then the proofs the API serves — consistency between each checkpoint and the next,
 * and inclusion of the first, last and `samples` more entries in the newest — verified.
 */
export async function verifyStoredTree(db: DbOrTx, samples = 8): Promise<TreeVerification> {
  const checkpoints = await db.selectFrom("ledger_checkpoints").select(["tree_size", "root_hash"]).where("root_hash", "is not", null).orderBy("tree_size").execute();
  const result: TreeVerification = { problem: null, size: 0, rootHash: "", tileHashes: 0, consistencyProofs: 0, inclusionProofs: 0 };
  const fail = (seq: number, reason: string) => ({ ...result, problem: { seq, reason } });
  let expected: TileHash[] = [];
  const builder = new MerkleBuilder(0, [], (tileHash) => expected.push(tileHash));
  let nextCheckpoint = 0;
  for (let after = 0; ; ) {
    const page = await db.selectFrom("sequenced_entries").select(["seq", "leaf_hash"]).where("seq", ">", after).orderBy("seq").limit(VERIFY_PAGE).execute();
    for (const row of page) {
      if (row.seq !== builder.size + 1) return fail(builder.size + 1, `seq ${builder.size + 1} is missing from the journal`);
      builder.push(row.leaf_hash);
      const checkpoint = checkpoints[nextCheckpoint];
      if (checkpoint?.tree_size === row.seq) {
        nextCheckpoint += 1;
        if (!builder.root().equals(checkpoint.root_hash!)) return fail(row.seq, `the Merkle root of entries 1–${row.seq} differs from the stored checkpoint for that size`);
      }
    }
    for (const level of new Set(expected.map((t) => t.level))) {
      const ofLevel = expected.filter((t) => t.level === level);
      const stored = await db
        .selectFrom("ledger_tile_hashes")
        .select(["idx", "hash"])
        .where("tile_level", "=", level)
        .where("idx", ">=", ofLevel[0]!.index)
        .where("idx", "<=", ofLevel.at(-1)!.index)
        .orderBy("idx")
        .execute();
      const byIndex = new Map(stored.map((row) => [row.idx, row.hash]));
      for (const tileHash of ofLevel) {
        const hash = byIndex.get(tileHash.index);
        // Beyond the newest checkpoint the stored tree may still lag the journal (see catchUpMerkleTree).
        if (!hash && (tileHash.index + 1) * TILE_WIDTH ** tileHash.level <= (checkpoints.at(-1)?.tree_size ?? 0)) {
          return fail(tileHash.index * TILE_WIDTH ** tileHash.level + 1, `tile hash ${tileHash.index} of level ${tileHash.level} is missing from the stored tree`);
        }
        if (hash && !hash.equals(tileHash.hash)) {
          return fail(tileHash.index * TILE_WIDTH ** tileHash.level + 1, `stored tile hash ${tileHash.index} of level ${tileHash.level} differs from the one the entries give`);
        }
        if (hash) result.tileHashes += 1;
      }
    }
    expected = [];
    const last = page.at(-1);
    if (!last || page.length < VERIFY_PAGE) break;
    after = last.seq;
  }
  const storedCount = await db.selectFrom("ledger_tile_hashes").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  if (Number(storedCount.n) !== result.tileHashes) return fail(builder.size, `${Number(storedCount.n) - result.tileHashes} stored tile hash(es) match no part of the journal`);
  const pending = checkpoints[nextCheckpoint];
  if (pending) return fail(pending.tree_size, `a checkpoint covers ${pending.tree_size} entries but the journal ends at seq ${builder.size}`);
  result.size = builder.size;
  result.rootHash = builder.root().toString("hex");

  for (let i = 1; i < checkpoints.length; i++) {
    const older = checkpoints[i - 1]!;
    const newer = checkpoints[i]!;
    const path = await consistencyProof(db, older.tree_size, newer.tree_size);
    const proof = { oldSize: older.tree_size, newSize: newer.tree_size, oldRoot: older.root_hash!, newRoot: newer.root_hash!, path };
    if (!(await verifyConsistency(hashChildren, proof))) return fail(newer.tree_size, `the consistency proof from checkpoint ${older.tree_size} to ${newer.tree_size} does not verify`);
    result.consistencyProofs += 1;
  }
  const latest = checkpoints.at(-1);
  if (latest) {
    const size = latest.tree_size;
    const seqs = new Set([1, size, ...Array.from({ length: samples }, (_, i) => 1 + Math.floor(((i + 1) * size) / (samples + 1)))].filter((seq) => seq >= 1 && seq <= size));
    for (const seq of seqs) {
      const [entry, path] = await Promise.all([
        db.selectFrom("sequenced_entries").select("leaf_hash").where("seq", "=", seq).executeTakeFirstOrThrow(),
        inclusionProof(db, seq - 1, size),
      ]);
      if (!(await verifyInclusion(hashChildren, { index: seq - 1, size, leafHash: entry.leaf_hash, path, root: latest.root_hash! }))) {
        return fail(seq, `the inclusion proof of seq ${seq} in checkpoint ${size} does not verify`);
      }
      result.inclusionProofs += 1;
    }
  }
  return result;
}
