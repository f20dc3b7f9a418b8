import { createHash } from "node:crypto";

// A second Merkle tree implementation, written from the text of RFC 9162 (section 2.1, which
// restates RFC 6962 2.1) and nothing else: the tree hash and the proofs by their recursive
// definitions over the list of entries, the verifications by the numbered steps of 2.1.3.2 and
// 2.1.4.2. It shares no code with app/ledger/merkle*.ts and is meant to be obvious, not fast: the
// only concession is that MTH remembers the ranges it hashed for a given list of entries.
// The tests check the product against it; the fake witness checks proofs with it.

const HASH = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

/** "the largest power of two smaller than n (i.e., k < n <= 2k)" */
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const remembered = new WeakMap<readonly Uint8Array[], Map<string, Buffer>>();

/** D[start:end] of a list of n entries, as the Merkle Tree Hash MTH(D[n]) defines it (2.1.1). */
export function MTH(entries: readonly Uint8Array[], start = 0, end = entries.length): Buffer {
  const known = remembered.get(entries) ?? new Map<string, Buffer>();
  remembered.set(entries, known);
  const key = `${start}:${end}`;
  const hash = known.get(key) ?? mth(entries, start, end);
  known.set(key, hash);
  return hash;
}

function mth(entries: readonly Uint8Array[], start: number, end: number): Buffer {
  const n = end - start;
  // "The hash of an empty list is the hash of an empty string"
  if (n === 0) return HASH();
  // "The hash of a list with one entry (also known as a leaf hash) is MTH({d(0)}) = HASH(0x00 || d(0))"
  if (n === 1) return HASH(LEAF, entries[start]!);
  // "MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))"
  const k = largestPowerOfTwoBelow(n);
  return HASH(NODE, MTH(entries, start, start + k), MTH(entries, start + k, end));
}

/** PATH(m, D[n]) of 2.1.3.1: the inclusion proof of entry m. */
export function PATH(m: number, entries: readonly Uint8Array[], start = 0, end = entries.length): Buffer[] {
  const n = end - start;
  // "The path for the single leaf in a tree with a one-element input list D[1] = {d(0)} is empty"
  if (n === 1 && m === 0) return [];
  const k = largestPowerOfTwoBelow(n);
  // "PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) for m < k; and"
  if (m < k) return [...PATH(m, entries, start, start + k), MTH(entries, start + k, end)];
  // "PATH(m, D[n]) = PATH(m - k, D[k:n]) : MTH(D[0:k]) for m >= k"
  return [...PATH(m - k, entries, start + k, end), MTH(entries, start, start + k)];
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of 2.1.4.1, for 0 < m < n, D[n] the first n entries. */
export function PROOF(m: number, entries: readonly Uint8Array[], n = entries.length): Buffer[] {
  return SUBPROOF(m, entries, 0, n, true);
}

function SUBPROOF(m: number, entries: readonly Uint8Array[], start: number, end: number, b: boolean): Buffer[] {
  const n = end - start;
  if (m === n) {
    // "SUBPROOF(m, D[m], true) = {}" and "SUBPROOF(m, D[m], false) = {MTH(D[m])}"
    return b ? [] : [MTH(entries, start, end)];
  }
  const k = largestPowerOfTwoBelow(n);
  // "If m <= k, the right subtree entries D[k:n] only exist in the current tree ...
  //  SUBPROOF(m, D[n], b) = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])"
  if (m <= k) return [...SUBPROOF(m, entries, start, start + k, b), MTH(entries, start + k, end)];
  // "If m > k, the left subtree entries D[0:k] are identical in both trees ...
  //  SUBPROOF(m, D[n], b) = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])"
  return [...SUBPROOF(m - k, entries, start + k, end, false), MTH(entries, start, start + k)];
}

const LSB = (x: bigint) => (x & 1n) === 1n;

/** 2.1.3.2, step by step. */
export function verifyInclusionRfc(leafIndex: number, treeSize: number, hash: Uint8Array, inclusionPath: readonly Uint8Array[], rootHash: Uint8Array): boolean {
  // 1. "If leaf_index is greater than or equal to tree_size, then fail"
  if (leafIndex >= treeSize) return false;
  // 2. "Set fn to leaf_index and sn to tree_size - 1."
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize) - 1n;
  // 3. "Set r to hash."
  let r: Uint8Array = hash;
  // 4. "For each value p in the inclusion_path array:"
  for (const p of inclusionPath) {
    // a. "If sn is 0, then stop the iteration and fail the proof verification."
    if (sn === 0n) return false;
    // b. "If LSB(fn) is set, or if fn is equal to sn, then:"
    if (LSB(fn) || fn === sn) {
      // i. "Set r to HASH(0x01 || p || r)."
      r = HASH(NODE, p, r);
      // ii. "If LSB(fn) is not set, then right-shift both fn and sn equally until either LSB(fn) is set or fn is 0."
      if (!LSB(fn)) {
        while (!LSB(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      // "Otherwise: Set r to HASH(0x01 || r || p)."
      r = HASH(NODE, r, p);
    }
    // c. "Finally, right-shift both fn and sn one time."
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5. "If sn is equal to 0 and r and the root_hash are equal, then the log has proven the inclusion"
  return sn === 0n && Buffer.from(r).equals(Buffer.from(rootHash));
}

/** 2.1.4.2, step by step (for 0 < first < second, where the algorithm is defined). */
export function verifyConsistencyRfc(first: number, second: number, firstHash: Uint8Array, secondHash: Uint8Array, consistencyPath: readonly Uint8Array[]): boolean {
  if (!(first > 0 && first < second)) return false;
  // 1. "If consistency_path is an empty array, stop and fail the proof verification."
  if (consistencyPath.length === 0) return false;
  const path = [...consistencyPath];
  // 2. "If first is an exact power of 2, then prepend first_hash to the consistency_path array."
  const firstBig = BigInt(first);
  if ((firstBig & (firstBig - 1n)) === 0n) path.unshift(firstHash);
  // 3. "Set fn to first - 1 and sn to second - 1."
  let fn = firstBig - 1n;
  let sn = BigInt(second) - 1n;
  // 4. "If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set."
  while (LSB(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5. "Set both fr and sr to the first value in the consistency_path array."
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  // 6. "For each subsequent value c in the consistency_path array:"
  for (const c of path.slice(1)) {
    // a. "If sn is 0, then stop the iteration and fail the proof verification."
    if (sn === 0n) return false;
    // b. "If LSB(fn) is set, or if fn is equal to sn, then:"
    if (LSB(fn) || fn === sn) {
      fr = HASH(NODE, c, fr);
      sr = HASH(NODE, c, sr);
      // iii. "If LSB(fn) is not set, then right-shift both fn and sn equally until either LSB(fn) is set or fn is 0."
      if (!LSB(fn)) {
        while (!LSB(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      // "Otherwise: Set sr to HASH(0x01 || sr || c)."
      sr = HASH(NODE, sr, c);
    }
    // c. "Finally, right-shift both fn and sn one time."
    fn >>= 1n;
    sn >>= 1n;
  }
  // 7. "verify that the fr calculated is equal to the first_hash supplied, that the sr calculated is
  //    equal to the second_hash supplied, and that sn is 0."
  return Buffer.from(fr).equals(Buffer.from(firstHash)) && Buffer.from(sr).equals(Buffer.from(secondHash)) && sn === 0n;
}

/**
 * Tile n at level l per C2SP tlog-tiles, from its formula: "MTH(D[(n * 256 + i) * 256**l :
 * (n * 256 + i + 1) * 256**l])" for i from 0, as far as the tree of `size` entries reaches.
 */
export function TILE(entries: readonly Uint8Array[], level: number, n: number, width: number): Buffer {
  if ((n * 256 + width) * 256 ** level > entries.length) throw new RangeError("the tile reaches beyond the entries");
  const parts: Buffer[] = [];
  for (let i = 0; i < width; i++) parts.push(MTH(entries, (n * 256 + i) * 256 ** level, (n * 256 + i + 1) * 256 ** level));
  return Buffer.concat(parts);
}
