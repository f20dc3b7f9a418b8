import type { Services } from "../server/services";
import type { DbOrTx } from "../utils/db.server";
import { signedNote, verifyCosignature, type StoredCheckpoint } from "./checkpoints";
import { latestCheckpoint } from "./checkpoints.server";
import { consistencyProof } from "./merkle.server";
import { parseSignedNote, splitCosignature } from "./signed-note";
import { ledgerWitnesses, type WitnessEndpoint } from "./witnesses";

// The log's side of C2SP tlog-witness (decision 63): after a checkpoint is signed, each
// configured witness is sent it with a consistency proof from the last size that witness
// cosigned, and the cosignature it returns is verified and kept, to be published with the
// checkpoint. A witness refuses a checkpoint inconsistent with what it saw before, so a log that
// showed different histories to different people is caught by whoever runs one.

const REQUEST_TIMEOUT_MS = 10_000;

export type WitnessOutcome =
  | { witness: string; status: "cosigned" | "already-cosigned" }
  | { witness: string; status: "refused"; reason: string };

async function lastCosignedSize(db: DbOrTx, witness: WitnessEndpoint): Promise<number> {
  const row = await db
    .selectFrom("ledger_cosignatures")
    .select((eb) => eb.fn.max("tree_size").as("size"))
    .where("witness_name", "=", witness.name)
    .where("key_id", "=", witness.keyId)
    .executeTakeFirst();
  return row?.size === null || row?.size === undefined ? 0 : Number(row.size);
}

/** The add-checkpoint body: "old <size>", the proof lines, a blank line, the checkpoint. */
export function addCheckpointBody(oldSize: number, proof: readonly Buffer[], checkpoint: string): string {
  return `old ${oldSize}\n${proof.map((hash) => `${hash.toString("base64")}\n`).join("")}\n${checkpoint}`;
}

async function submit(services: Pick<Services, "db">, witness: WitnessEndpoint, checkpoint: StoredCheckpoint, fetchImpl: typeof fetch): Promise<WitnessOutcome> {
  const note = signedNote(checkpoint.note, checkpoint.keyName, checkpoint.keyId, checkpoint.signature);
  let oldSize = await lastCosignedSize(services.db, witness);
  if (oldSize === checkpoint.size) return { witness: witness.name, status: "already-cosigned" };
  // Once with the size we last saw cosigned, and once more with the size the witness says it has.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (oldSize > checkpoint.size) return { witness: witness.name, status: "refused", reason: `the witness has cosigned size ${oldSize}, beyond this checkpoint (${checkpoint.size})` };
    const proof = await consistencyProof(services.db, oldSize, checkpoint.size);
    let response: Response;
    try {
      response = await fetchImpl(`${witness.url}/add-checkpoint`, {
        method: "POST",
        body: addCheckpointBody(oldSize, proof, note),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      return { witness: witness.name, status: "refused", reason: `unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
    const text = await response.text();
    if (response.status === 409 && /^(0|[1-9][0-9]*)\n$/.test(text)) {
      oldSize = Number(text.trim());
      continue;
    }
    if (response.status !== 200) return { witness: witness.name, status: "refused", reason: `HTTP ${response.status}: ${text.slice(0, 200).trim()}` };
    // The response is signature lines only; read them as a note's (signed-note).
    const lines = parseSignedNote(`x\n\n${text}`);
    const ours = lines?.signatures.filter((s) => s.name === witness.name && s.keyId === witness.keyId) ?? [];
    for (const line of ours) {
      const cosignature = splitCosignature(line.signature);
      if (!cosignature) continue;
      const signature = Buffer.from(cosignature.signature);
      if (!verifyCosignature(witness, checkpoint.note, { time: cosignature.time, signature })) continue;
      await services.db
        .insertInto("ledger_cosignatures")
        .values({ tree_size: checkpoint.size, witness_name: witness.name, key_id: witness.keyId, public_key: witness.publicKey, signed_time: cosignature.time, signature })
        .onConflict((oc) => oc.columns(["tree_size", "witness_name", "key_id"]).doNothing())
        .execute();
      return { witness: witness.name, status: "cosigned" };
    }
    return { witness: witness.name, status: "refused", reason: "the response holds no cosignature by the witness's key that verifies" };
  }
  return { witness: witness.name, status: "refused", reason: "the witness keeps answering 409 (its size changed meanwhile)" };
}

/** Asks every configured witness to cosign the newest checkpoint; safe to run again and concurrently. */
export async function requestCosignatures(services: Pick<Services, "db" | "env">, fetchImpl: typeof fetch = fetch): Promise<WitnessOutcome[]> {
  const witnesses = ledgerWitnesses(services.env);
  if (witnesses.length === 0) return [];
  const checkpoint = await latestCheckpoint(services.db);
  if (!checkpoint) return [];
  return Promise.all(witnesses.map((witness) => submit(services, witness, checkpoint, fetchImpl)));
}

/** The sweeper (after ledger.checkpoint): how many new cosignatures; refusals are logged. */
export async function requestCosignaturesIfDue(services: Services): Promise<number> {
  const outcomes = await requestCosignatures(services);
  for (const outcome of outcomes) {
    if (outcome.status === "refused") console.warn(`[ledger] witness ${outcome.witness} did not cosign: ${outcome.reason}`);
  }
  return outcomes.filter((o) => o.status === "cosigned").length;
}
