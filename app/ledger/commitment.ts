import { createHash, randomBytes } from "node:crypto";

/**
 * A backer appears in the public ledger only as a salted commitment: the SHA-256 of a random
 * secret printed on their receipt. Anyone holding the receipt can find their entries; nobody
 * else learns who they are.
 */
export function backerCommitment(receiptSecret: string): string {
  return createHash("sha256").update(`hamkke-backer-v1:${receiptSecret}`, "utf8").digest("hex");
}

export function newReceiptSecret(): string {
  return randomBytes(18).toString("base64url");
}
