import { generateKeyPairSync } from "node:crypto";
import type { Services } from "../server/services";
import type { DbOrTx } from "../utils/db.server";
import type { Env } from "../utils/env.server";
import {
  checkCheckpointDocuments,
  checkpointJson,
  createSigner,
  defaultLedgerOrigin,
  parseSigningKey,
  publicKeyJson,
  signCheckpoint,
  signedNote,
  witnessJson,
  type CheckpointCheck,
  type CheckpointJson,
  type CheckpointsDocument,
  type Cosignature,
  type LedgerSigner,
  type PublicKeyJson,
  type StoredCheckpoint,
} from "./checkpoints";
import { getLedgerHead } from "./ledger.server";
import { catchUpMerkleTree, merkleRoot } from "./merkle.server";
import { drainLedger } from "./sequencer.server";
import { ledgerWitnesses } from "./witnesses";

/**
 * The signer for this process: LEDGER_SIGNING_KEY when set; otherwise, only for a demo (dev tools
 * on, or the embedded database), a development key generated once and kept in the database it
 * signs for (owner-only table), so it lives and dies with that ledger and never in the repo.
 */
export async function loadLedgerSigner(ownerDb: DbOrTx, env: Env, options: { origin: string; developmentKeyAllowed: boolean }): Promise<LedgerSigner> {
  const origin = env.LEDGER_ORIGIN ?? defaultLedgerOrigin(options.origin);
  if (env.LEDGER_SIGNING_KEY) return createSigner(origin, parseSigningKey(env.LEDGER_SIGNING_KEY));
  if (!options.developmentKeyAllowed) {
    throw new Error(
      "LEDGER_SIGNING_KEY is not set. Ledger checkpoints must be signed with a key from configuration unless this is a demo (DEV_TOOLS on or the embedded database); " +
        "create one with: openssl genpkey -algorithm ed25519",
    );
  }
  const pem = generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  await ownerDb
    .insertInto("ledger_dev_signing_key")
    .values({ private_key_pem: pem })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
  const stored = await ownerDb.selectFrom("ledger_dev_signing_key").select("private_key_pem").executeTakeFirstOrThrow();
  return createSigner(origin, parseSigningKey(stored.private_key_pem));
}

export interface CheckpointRow {
  size: number;
  origin: string;
  rootHash: string;
  chainHash: string;
  keyId: string;
  signedAt: string;
}

/** The newest checkpoint that signs a Merkle root. */
async function latestMerkleCheckpoint(db: DbOrTx) {
  return db
    .selectFrom("ledger_checkpoints")
    .select(["tree_size", "signed_at"])
    .where("root_hash", "is not", null)
    .orderBy("tree_size", "desc")
    .limit(1)
    .executeTakeFirst();
}

/**
 * Sequences what was committed, then signs the head if the ledger grew since the last
 * checkpoint: its size, Merkle root (C2SP tlog-checkpoint) and, stored beside it, the chain hash
 * there. Idempotent and safe to run
 * concurrently: Ed25519 is deterministic and a size is stored once. Call it after the
 * transaction that wrote the entries has committed (e.g. right after a campaign closes).
 */
export async function createCheckpoint(services: Pick<Services, "db" | "clock" | "ledgerSigner">): Promise<CheckpointRow | null> {
  const { db, clock, ledgerSigner: signer } = services;
  await drainLedger(db);
  return db.transaction().execute(async (trx) => {
    const size = await catchUpMerkleTree(trx);
    if (size === 0) return null;
    const latest = await latestMerkleCheckpoint(trx);
    if (latest && latest.tree_size >= size) return null;
    const [rootHash, entry] = await Promise.all([
      merkleRoot(trx, size),
      trx.selectFrom("sequenced_entries").select("chain_hash").where("seq", "=", size).executeTakeFirstOrThrow(),
    ]);
    const signed = signCheckpoint(signer, size, rootHash);
    const signedAt = clock.now();
    await trx
      .insertInto("ledger_signing_keys")
      .values({ key_id: signer.keyId, key_name: signer.origin, public_key: signer.publicKey })
      // Concurrent first checkpoints race on either unique key (key_id, or key_name + public_key).
      .onConflict((oc) => oc.doNothing())
      .execute();
    const inserted = await trx
      .insertInto("ledger_checkpoints")
      .values({
        tree_size: signed.size,
        origin: signed.origin,
        root_hash: rootHash,
        chain_hash: entry.chain_hash,
        note: signed.note,
        key_id: signed.keyId,
        signature: signed.signature,
        signed_at: signedAt,
      })
      .onConflict((oc) => oc.column("tree_size").where("root_hash", "is not", null).doNothing())
      .returning("tree_size")
      .executeTakeFirst();
    if (!inserted) return null;
    return {
      size: signed.size,
      origin: signed.origin,
      rootHash: rootHash.toString("hex"),
      chainHash: entry.chain_hash.toString("hex"),
      keyId: signed.keyId,
      signedAt: signedAt.toISOString(),
    };
  });
}

/** The sweeper: a checkpoint when the ledger grew and LEDGER_CHECKPOINT_MINUTES passed since the last one. */
export async function createCheckpointIfDue(services: Services): Promise<number> {
  const latest = await latestMerkleCheckpoint(services.db);
  const intervalMs = services.env.LEDGER_CHECKPOINT_MINUTES * 60_000;
  if (latest && services.clock.now().getTime() - latest.signed_at.getTime() < intervalMs) return 0;
  return (await createCheckpoint(services)) ? 1 : 0;
}

async function cosignaturesOf(db: DbOrTx, sizes: readonly number[]): Promise<Map<number, Cosignature[]>> {
  const bySize = new Map<number, Cosignature[]>();
  if (sizes.length === 0) return bySize;
  const rows = await db
    .selectFrom("ledger_cosignatures")
    .select(["tree_size", "witness_name", "key_id", "signed_time", "signature"])
    .where("tree_size", "in", [...sizes])
    .orderBy("tree_size")
    .orderBy("witness_name")
    .orderBy("key_id")
    .execute();
  for (const row of rows) {
    const list = bySize.get(row.tree_size) ?? [];
    list.push({ witnessName: row.witness_name, keyId: row.key_id, time: row.signed_time, signature: row.signature });
    bySize.set(row.tree_size, list);
  }
  return bySize;
}

/**
 * Stored checkpoints, newest first (a Merkle one before a chain one of the same size), in keyset
 * pages by size, with their cosignatures. A page never splits the two checkpoints of one size;
 * `more` says whether older ones follow.
 */
export async function readCheckpoints(db: DbOrTx, options: { beforeSize?: number; limit?: number } = {}): Promise<{ checkpoints: (StoredCheckpoint & { recordedAt: Date })[]; more: boolean }> {
  let query = db
    .selectFrom("ledger_checkpoints")
    .innerJoin("ledger_signing_keys", "ledger_signing_keys.key_id", "ledger_checkpoints.key_id")
    .select([
      "ledger_checkpoints.tree_size",
      "ledger_checkpoints.origin",
      "ledger_checkpoints.root_hash",
      "ledger_checkpoints.chain_hash",
      "ledger_checkpoints.note",
      "ledger_checkpoints.key_id",
      "ledger_checkpoints.signature",
      "ledger_checkpoints.signed_at",
      "ledger_checkpoints.recorded_at",
      "ledger_signing_keys.key_name",
    ])
    .orderBy("ledger_checkpoints.tree_size", "desc")
    .orderBy("ledger_checkpoints.root_hash", (ob) => ob.asc().nullsLast());
  if (options.beforeSize !== undefined) query = query.where("ledger_checkpoints.tree_size", "<", options.beforeSize);
  // At most two checkpoints share a size (one of each kind): two more rows tell whether the page
  // must grow by one and whether older ones follow.
  if (options.limit !== undefined) query = query.limit(options.limit + 2);
  const fetched = await query.execute();
  const limit = options.limit ?? fetched.length;
  const rows = fetched.filter((row, i) => i < limit || (i === limit && row.tree_size === fetched[limit - 1]?.tree_size));
  const cosignatures = await cosignaturesOf(
    db,
    rows.filter((r) => r.root_hash).map((r) => r.tree_size),
  );
  return {
    more: fetched.length > rows.length,
    checkpoints: rows.map((row) => ({
      size: row.tree_size,
      origin: row.origin,
      rootHash: row.root_hash,
      chainHash: row.chain_hash,
      note: row.note,
      keyId: row.key_id,
      keyName: row.key_name,
      signature: row.signature,
      cosignatures: row.root_hash ? (cosignatures.get(row.tree_size) ?? []) : [],
      signedAt: row.signed_at,
      recordedAt: row.recorded_at,
    })),
  };
}

export interface CheckpointListItem extends CheckpointJson {
  recorded_at: string;
}

/** Checkpoints as published, newest first, in keyset pages by size; `older` is the next page's `beforeSize`. */
export async function listCheckpoints(db: DbOrTx, options: { beforeSize?: number; limit?: number } = {}): Promise<{ checkpoints: CheckpointListItem[]; older: number | null }> {
  const { checkpoints, more } = await readCheckpoints(db, options);
  return {
    checkpoints: checkpoints.map((checkpoint) => ({ ...checkpointJson(checkpoint), recorded_at: checkpoint.recordedAt.toISOString() })),
    older: more ? (checkpoints.at(-1)?.size ?? null) : null,
  };
}

export async function listSigningKeys(db: DbOrTx): Promise<PublicKeyJson[]> {
  const rows = await db.selectFrom("ledger_signing_keys").select(["key_name", "public_key"]).orderBy("first_used_at").execute();
  return rows.map((row) => publicKeyJson(row.key_name, row.public_key));
}

/** GET /api/v1/ledger/checkpoints: every signed checkpoint (oldest first) with the keys that signed them and the witnesses. */
export async function checkpointsDocument(db: DbOrTx, signer: LedgerSigner, env: Env): Promise<CheckpointsDocument> {
  const [{ checkpoints }, keys] = await Promise.all([listCheckpoints(db), listSigningKeys(db)]);
  const current = publicKeyJson(signer.origin, signer.publicKey);
  const latestKeyId = checkpoints[0]?.key_id;
  return {
    origin: signer.origin,
    public_key: keys.find((k) => k.key_id === latestKeyId) ?? current,
    keys: keys.some((k) => k.key_id === current.key_id) ? keys : [...keys, current],
    witnesses: ledgerWitnesses(env).map(witnessJson),
    checkpoints: checkpoints.reverse().map(({ recorded_at: _recorded, ...checkpoint }) => checkpoint),
  };
}

/** The size and signing time of the newest checkpoint of either kind (Merkle or chain). */
export async function latestCheckpointSummary(db: DbOrTx) {
  return db.selectFrom("ledger_checkpoints").select(["tree_size", "signed_at"]).orderBy("tree_size", "desc").limit(1).executeTakeFirst();
}

/** The newest Merkle checkpoint with its cosignatures, or null before the first. */
export async function latestCheckpoint(db: DbOrTx): Promise<StoredCheckpoint | null> {
  const latest = await latestMerkleCheckpoint(db);
  if (!latest) return null;
  const [checkpoint] = (await readCheckpoints(db, { beforeSize: latest.tree_size + 1, limit: 1 })).checkpoints;
  return checkpoint?.rootHash ? checkpoint : null;
}

/** GET /ledger/checkpoint (C2SP tlog-tiles): the newest checkpoint as a signed note with every cosignature. */
export async function latestCheckpointNote(db: DbOrTx): Promise<string | null> {
  const checkpoint = await latestCheckpoint(db);
  return checkpoint ? signedNote(checkpoint.note, checkpoint.keyName, checkpoint.keyId, checkpoint.signature, checkpoint.cosignatures) : null;
}

/**
 * The stored checkpoints checked as an outsider would: every signature and cosignature, and every
 * checkpoint against the ledger at its size — the Merkle root recomputed from the entries' tiles,
 * or for the older checkpoints the stored chain hash.
 */
export async function verifyStoredCheckpoints(db: DbOrTx, env: Env): Promise<CheckpointCheck> {
  const [{ checkpoints }, keys, cosigners] = await Promise.all([
    listCheckpoints(db),
    listSigningKeys(db),
    db.selectFrom("ledger_cosignatures").select(["witness_name", "key_id", "public_key"]).distinct().execute(),
  ]);
  // Every stored cosignature is checked with the key stored beside it (which must give its key
  // ID), also those of witnesses no longer configured.
  const witnesses = new Map(ledgerWitnesses(env).map((w) => [`${w.name}+${w.keyId}`, witnessJson(w)]));
  for (const c of cosigners) witnesses.set(`${c.witness_name}+${c.key_id}`, witnessJson({ name: c.witness_name, keyId: c.key_id, publicKey: c.public_key }));
  const check = checkCheckpointDocuments([{ source: "the database", json: { keys, witnesses: [...witnesses.values()], checkpoints } }]);
  if (check.problem) return check;
  const head = await getLedgerHead(db);
  for (const claim of check.claims) {
    if (claim.size > head.seq) {
      return { ...check, problem: { seq: claim.size, reason: `a signed checkpoint covers ${claim.size} entries but the ledger ends at seq ${head.seq}` } };
    }
    if (claim.kind === "merkle") {
      const root = await merkleRoot(db, claim.size);
      if (root.toString("hex") !== claim.hash) {
        return { ...check, problem: { seq: claim.size, reason: `the Merkle root of the first ${claim.size} entries differs from the signed checkpoint for that size` } };
      }
      continue;
    }
    const entry = await db.selectFrom("sequenced_entries").select("chain_hash").where("seq", "=", claim.size).executeTakeFirstOrThrow();
    if (entry.chain_hash.toString("hex") !== claim.hash) {
      return { ...check, problem: { seq: claim.size, reason: `the stored chain hash at seq ${claim.size} differs from the signed checkpoint for that size` } };
    }
  }
  return check;
}
