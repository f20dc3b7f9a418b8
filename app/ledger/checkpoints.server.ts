import { generateKeyPairSync } from "node:crypto";
import type { Services } from "../server/services";
import type { DbOrTx } from "../utils/db.server";
import type { Env } from "../utils/env.server";
import {
  checkCheckpointDocuments,
  createSigner,
  defaultLedgerOrigin,
  parseSigningKey,
  publicKeyJson,
  signCheckpoint,
  signedNote,
  type CheckpointCheck,
  type CheckpointJson,
  type CheckpointsDocument,
  type LedgerSigner,
  type PublicKeyJson,
} from "./checkpoints";
import { getLedgerHead } from "./ledger.server";
import { drainLedger } from "./sequencer.server";

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
  chainHash: string;
  keyId: string;
  signedAt: string;
}

async function latestCheckpoint(db: DbOrTx) {
  return db.selectFrom("ledger_checkpoints").select(["tree_size", "signed_at"]).orderBy("tree_size", "desc").limit(1).executeTakeFirst();
}

/**
 * Sequences what was committed, then signs the head if the ledger grew since the last
 * checkpoint. Idempotent and safe to run concurrently: Ed25519 is deterministic and a size is
 * stored once. Call it after the transaction that wrote the entries has committed (e.g. right
 * after a campaign closes) to cover them.
 */
export async function createCheckpoint(services: Pick<Services, "db" | "clock" | "ledgerSigner">): Promise<CheckpointRow | null> {
  const { db, clock, ledgerSigner: signer } = services;
  await drainLedger(db);
  const head = await db.selectFrom("ledger_head").select(["seq", "chain_hash"]).executeTakeFirstOrThrow();
  if (head.seq === 0) return null;
  const latest = await latestCheckpoint(db);
  if (latest && latest.tree_size >= head.seq) return null;
  const signed = signCheckpoint(signer, head.seq, head.chain_hash);
  const signedAt = clock.now();
  const inserted = await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("ledger_signing_keys")
      .values({ key_id: signer.keyId, key_name: signer.origin, public_key: signer.publicKey })
      // Concurrent first checkpoints race on either unique key (key_id, or key_name + public_key).
      .onConflict((oc) => oc.doNothing())
      .execute();
    return trx
      .insertInto("ledger_checkpoints")
      .values({
        tree_size: signed.size,
        origin: signed.origin,
        chain_hash: signed.chainHash,
        note: signed.note,
        key_id: signed.keyId,
        signature: signed.signature,
        signed_at: signedAt,
      })
      .onConflict((oc) => oc.column("tree_size").doNothing())
      .returning("tree_size")
      .executeTakeFirst();
  });
  if (!inserted) return null;
  return { size: signed.size, origin: signed.origin, chainHash: signed.chainHash.toString("hex"), keyId: signed.keyId, signedAt: signedAt.toISOString() };
}

/** The sweeper: a checkpoint when the ledger grew and LEDGER_CHECKPOINT_MINUTES passed since the last one. */
export async function createCheckpointIfDue(services: Services): Promise<number> {
  const latest = await latestCheckpoint(services.db);
  const intervalMs = services.env.LEDGER_CHECKPOINT_MINUTES * 60_000;
  if (latest && services.clock.now().getTime() - latest.signed_at.getTime() < intervalMs) return 0;
  return (await createCheckpoint(services)) ? 1 : 0;
}

export interface CheckpointListItem extends CheckpointJson {
  recorded_at: string;
}

/** Checkpoints, newest first, in keyset pages by size. */
export async function listCheckpoints(db: DbOrTx, options: { beforeSize?: number; limit?: number } = {}): Promise<CheckpointListItem[]> {
  let query = db
    .selectFrom("ledger_checkpoints")
    .innerJoin("ledger_signing_keys", "ledger_signing_keys.key_id", "ledger_checkpoints.key_id")
    .select([
      "ledger_checkpoints.tree_size",
      "ledger_checkpoints.origin",
      "ledger_checkpoints.chain_hash",
      "ledger_checkpoints.note",
      "ledger_checkpoints.key_id",
      "ledger_checkpoints.signature",
      "ledger_checkpoints.signed_at",
      "ledger_checkpoints.recorded_at",
      "ledger_signing_keys.key_name",
    ])
    .orderBy("ledger_checkpoints.tree_size", "desc");
  if (options.beforeSize !== undefined) query = query.where("ledger_checkpoints.tree_size", "<", options.beforeSize);
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.execute();
  return rows.map((row) => ({
    size: row.tree_size,
    origin: row.origin,
    chain_hash: row.chain_hash.toString("hex"),
    note: row.note,
    key_id: row.key_id,
    signature: row.signature.toString("base64"),
    signed_note: signedNote(row.note, row.key_name, row.key_id, row.signature),
    signed_at: row.signed_at.toISOString(),
    recorded_at: row.recorded_at.toISOString(),
  }));
}

export async function listSigningKeys(db: DbOrTx): Promise<PublicKeyJson[]> {
  const rows = await db.selectFrom("ledger_signing_keys").select(["key_name", "public_key"]).orderBy("first_used_at").execute();
  return rows.map((row) => publicKeyJson(row.key_name, row.public_key));
}

/** GET /api/v1/ledger/checkpoints: every signed checkpoint (oldest first) with the keys that signed them. */
export async function checkpointsDocument(db: DbOrTx, signer: LedgerSigner): Promise<CheckpointsDocument> {
  const [checkpoints, keys] = await Promise.all([listCheckpoints(db), listSigningKeys(db)]);
  const current = publicKeyJson(signer.origin, signer.publicKey);
  const latestKeyId = checkpoints[0]?.key_id;
  return {
    origin: signer.origin,
    public_key: keys.find((k) => k.key_id === latestKeyId) ?? current,
    keys: keys.some((k) => k.key_id === current.key_id) ? keys : [...keys, current],
    checkpoints: checkpoints.reverse().map(({ recorded_at: _recorded, ...checkpoint }) => checkpoint),
  };
}

/**
 * The stored checkpoints checked as an outsider would: every signature, and every checkpoint
 * against the stored chain hash at its size.
 */
export async function verifyStoredCheckpoints(db: DbOrTx): Promise<CheckpointCheck> {
  const [checkpoints, keys] = await Promise.all([listCheckpoints(db), listSigningKeys(db)]);
  const check = checkCheckpointDocuments([{ source: "the database", json: { keys, checkpoints } }]);
  if (check.problem) return check;
  const head = await getLedgerHead(db);
  for (const claim of check.claims) {
    const entry = await db.selectFrom("sequenced_entries").select("chain_hash").where("seq", "=", claim.size).executeTakeFirst();
    if (!entry || entry.chain_hash.toString("hex") !== claim.chainHash) {
      return {
        ...check,
        problem: {
          seq: claim.size,
          reason: entry
            ? `the stored chain hash at seq ${claim.size} differs from the signed checkpoint for that size`
            : `a signed checkpoint covers ${claim.size} entries but the ledger ends at seq ${head.seq}`,
        },
      };
    }
  }
  return check;
}
