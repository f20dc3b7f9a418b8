import type { DbOrTx } from "../utils/db.server";
import type { Env } from "../utils/env.server";
import { signedNote, witnessJson, type StoredCheckpoint, type WitnessJson } from "./checkpoints";
import { readCheckpoints } from "./checkpoints.server";
import { consistencyProof, inclusionProof } from "./merkle.server";
import { countWaitingByBacker, findEntriesByBacker, type LedgerEntryView } from "./public-ledger.server";
import { backerCommitment } from "./receipts";
import { ledgerWitnesses } from "./witnesses";

// Inclusion and consistency proofs against signed Merkle checkpoints (RFC 9162 2.1.3, 2.1.4),
// as the API serves them and the receipt page shows them. Hashes are lower-case hex, as in the
// export; the checkpoint is the signed note /ledger/checkpoint serves, cosignatures included.

export type ProofRefusal = { status: 400 | 404; error: string };

export interface CheckpointForProof {
  size: number;
  root_hash: string;
  /** The C2SP signed note: the log's signature and the witnesses' cosignatures. */
  checkpoint: string;
  /** The log's key that signed it (raw Ed25519, base64) and its key ID. */
  key_id: string;
  public_key: string;
}

export interface InclusionProofJson extends CheckpointForProof {
  seq: number;
  leaf_index: number;
  leaf_hash: string;
  /** The entry's canonical text: SHA-256(0x00 ‖ it) is leaf_hash. */
  canonical: string;
  inclusion_path: string[];
}

export interface ConsistencyProofJson {
  old_size: number;
  new_size: number;
  old_root: string;
  new_root: string;
  consistency_path: string[];
  old_checkpoint: string;
  new_checkpoint: string;
}

async function merkleCheckpointAt(db: DbOrTx, size: number | null): Promise<(StoredCheckpoint & { rootHash: Buffer; publicKey: Buffer }) | null> {
  let query = db
    .selectFrom("ledger_checkpoints")
    .innerJoin("ledger_signing_keys", "ledger_signing_keys.key_id", "ledger_checkpoints.key_id")
    .select(["ledger_checkpoints.tree_size", "ledger_signing_keys.public_key"])
    .where("ledger_checkpoints.root_hash", "is not", null)
    .orderBy("ledger_checkpoints.tree_size", "desc")
    .limit(1);
  if (size !== null) query = query.where("ledger_checkpoints.tree_size", "=", size);
  const found = await query.executeTakeFirst();
  if (!found) return null;
  const [checkpoint] = (await readCheckpoints(db, { beforeSize: found.tree_size + 1, limit: 1 })).checkpoints;
  return checkpoint?.rootHash ? { ...checkpoint, rootHash: checkpoint.rootHash, publicKey: found.public_key } : null;
}

function forProof(checkpoint: StoredCheckpoint & { rootHash: Buffer; publicKey: Buffer }): CheckpointForProof {
  return {
    size: checkpoint.size,
    root_hash: checkpoint.rootHash.toString("hex"),
    checkpoint: signedNote(checkpoint.note, checkpoint.keyName, checkpoint.keyId, checkpoint.signature, checkpoint.cosignatures),
    key_id: checkpoint.keyId,
    public_key: checkpoint.publicKey.toString("base64"),
  };
}

/**
 * The inclusion proof of one entry, named by seq or by leaf hash, in the checkpoint of `size`
 * (default: the newest). An entry after that checkpoint has no proof yet (404, and says so).
 */
export async function getInclusionProof(db: DbOrTx, entry: { seq: number } | { leafHash: Buffer }, size: number | null): Promise<InclusionProofJson | ProofRefusal> {
  const checkpoint = await merkleCheckpointAt(db, size);
  if (!checkpoint) return { status: 404, error: size === null ? "no Merkle checkpoint has been signed yet" : `no signed Merkle checkpoint has size ${size}` };
  let query = db.selectFrom("sequenced_entries").select(["seq", "leaf_hash", "canonical"]);
  query = "seq" in entry ? query.where("seq", "=", entry.seq) : query.where("leaf_hash", "=", entry.leafHash).orderBy("seq").limit(1);
  const row = await query.executeTakeFirst();
  if (!row) return { status: 404, error: "seq" in entry ? `no entry has seq ${entry.seq}` : "no entry has that leaf hash" };
  if (row.seq > checkpoint.size) {
    return { status: 404, error: `entry ${row.seq} is not in the checkpoint of size ${checkpoint.size} yet; it will be in the next one` };
  }
  const path = await inclusionProof(db, row.seq - 1, checkpoint.size);
  return {
    ...forProof(checkpoint),
    seq: row.seq,
    leaf_index: row.seq - 1,
    leaf_hash: row.leaf_hash.toString("hex"),
    canonical: row.canonical,
    inclusion_path: path.map((hash) => hash.toString("hex")),
  };
}

/** The consistency proof between two signed Merkle checkpoints (`to` default: the newest). */
export async function getConsistencyProof(db: DbOrTx, from: number, to: number | null): Promise<ConsistencyProofJson | ProofRefusal> {
  const [older, newer] = await Promise.all([merkleCheckpointAt(db, from), merkleCheckpointAt(db, to)]);
  if (!older) return { status: 404, error: `no signed Merkle checkpoint has size ${from}` };
  if (!newer) return { status: 404, error: to === null ? "no Merkle checkpoint has been signed yet" : `no signed Merkle checkpoint has size ${to}` };
  if (older.size > newer.size) return { status: 400, error: `from (${older.size}) must not be larger than to (${newer.size})` };
  const path = await consistencyProof(db, older.size, newer.size);
  return {
    old_size: older.size,
    new_size: newer.size,
    old_root: older.rootHash.toString("hex"),
    new_root: newer.rootHash.toString("hex"),
    consistency_path: path.map((hash) => hash.toString("hex")),
    old_checkpoint: forProof(older).checkpoint,
    new_checkpoint: forProof(newer).checkpoint,
  };
}

/** What the receipt page and /ledger/find need to prove a backer's entries in the browser. */
export interface ReceiptProofs {
  checkpoint: CheckpointForProof & { origin: string; signed_at: string };
  witnesses: WitnessJson[];
  /** By seq; entries after the checkpoint are absent (the page says they wait for the next one). */
  entries: Record<number, { canonical: string; leaf_index: number; inclusion_path: string[] }>;
}

export async function getReceiptProofs(db: DbOrTx, env: Env, seqs: readonly number[]): Promise<ReceiptProofs | null> {
  const checkpoint = await merkleCheckpointAt(db, null);
  if (!checkpoint) return null;
  const covered = [...new Set(seqs)].filter((seq) => seq >= 1 && seq <= checkpoint.size);
  const rows = covered.length === 0 ? [] : await db.selectFrom("sequenced_entries").select(["seq", "canonical"]).where("seq", "in", covered).execute();
  const entries: ReceiptProofs["entries"] = {};
  await Promise.all(
    rows.map(async (row) => {
      const path = await inclusionProof(db, row.seq - 1, checkpoint.size);
      entries[row.seq] = { canonical: row.canonical, leaf_index: row.seq - 1, inclusion_path: path.map((hash) => hash.toString("hex")) };
    }),
  );
  // Witnesses whose cosignature the page checks: those configured, and any that cosigned this checkpoint.
  const witnesses = new Map(ledgerWitnesses(env).map((w) => [`${w.name}+${w.keyId}`, witnessJson(w)]));
  if (checkpoint.cosignatures.length > 0) {
    const cosigners = await db
      .selectFrom("ledger_cosignatures")
      .select(["witness_name", "key_id", "public_key"])
      .where("tree_size", "=", checkpoint.size)
      .execute();
    for (const c of cosigners) witnesses.set(`${c.witness_name}+${c.key_id}`, witnessJson({ name: c.witness_name, keyId: c.key_id, publicKey: c.public_key }));
  }
  return {
    checkpoint: { ...forProof(checkpoint), origin: checkpoint.origin, signed_at: checkpoint.signedAt.toISOString() },
    witnesses: [...witnesses.values()],
    entries,
  };
}

export interface BackerRecord {
  commitment: string;
  entries: LedgerEntryView[];
  /** Entries already written with the payment that wait for their seq and hash. */
  waiting: number;
  proofs: ReceiptProofs | null;
  /** How long a new entry may wait for the checkpoint that proves it. */
  checkpointMinutes: number;
}

/** A backer's entries found by their receipt code, with proofs to check in the browser. */
export async function findBackerRecord(db: DbOrTx, env: Env, receiptCode: string): Promise<BackerRecord> {
  const commitment = backerCommitment(receiptCode);
  const [entries, waiting] = await Promise.all([findEntriesByBacker(db, commitment), countWaitingByBacker(db, commitment)]);
  const proofs = entries.length === 0 ? null : await getReceiptProofs(db, env, entries.map((e) => e.seq));
  return { commitment, entries, waiting, proofs, checkpointMinutes: env.LEDGER_CHECKPOINT_MINUTES };
}
