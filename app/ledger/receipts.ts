import { createHash, randomBytes } from "node:crypto";

// How a backer finds their own entries in the public ledger without the ledger naming them.
//
// Every pledge gets a random receipt code, printed on the backer's receipt and never published.
// Ledger entries about the pledge carry only its commitment in `refs.backer`:
//
//   receipt code  = 24 random Crockford base32 digits (120 bits) + 1 check digit,
//                   shown as XXXXX-XXXXX-XXXXX-XXXXX-XXXXX
//   commitment    = hex(SHA-256("hamkke-backer-v1:" || the 25 digits, upper case, no hyphens))
//
// The code is its own salt: with 120 random bits nobody can guess a code from a commitment, and
// two pledges of one person share nothing, so entries cannot be linked to each other or to a name.

export const BACKER_COMMITMENT_PREFIX = "hamkke-backer-v1:";
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DATA_DIGITS = 24;
const DIGITS = DATA_DIGITS + 1;

function checkDigit(data: string): string {
  const digest = createHash("sha256").update(`hamkke-receipt-check:${data}`).digest();
  return ALPHABET[(digest[0] ?? 0) & 31] ?? "0";
}

function group(digits: string): string {
  return digits.match(/.{1,5}/g)?.join("-") ?? digits;
}

/** A fresh receipt code for a pledge: store it with the pledge (private) and print it on the receipt. */
export function newReceiptCode(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(15);
  let bits = 0;
  let value = 0;
  let data = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      data += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return group(data + checkDigit(data));
}

/**
 * Reads a code as a person typed or pasted it: case, spaces and hyphens do not matter, and the
 * look-alikes O→0 and I/L→1 are forgiven. Null when it is not a receipt code (or has a typo the
 * check digit catches).
 */
export function normaliseReceiptCode(input: string): string | null {
  const digits = input
    .toUpperCase()
    .replace(/[\s\-–—]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (digits.length !== DIGITS || [...digits].some((c) => !ALPHABET.includes(c))) return null;
  const data = digits.slice(0, DATA_DIGITS);
  return checkDigit(data) === digits.slice(DATA_DIGITS) ? digits : null;
}

export function formatReceiptCode(code: string): string {
  const normalised = normaliseReceiptCode(code);
  if (!normalised) throw new RangeError("Not a receipt code");
  return group(normalised);
}

/** The public commitment to a receipt code: what ledger entries carry in `refs.backer`. */
export function backerCommitment(receiptCode: string): string {
  const normalised = normaliseReceiptCode(receiptCode);
  if (!normalised) throw new RangeError("Not a receipt code");
  return createHash("sha256").update(BACKER_COMMITMENT_PREFIX + normalised, "utf8").digest("hex");
}

/** Refs to merge into a pledge's ledger entries: `appendEntry(trx, { …, refs: { …, ...backerRefs(code) } })`. */
export function backerRefs(receiptCode: string): { backer: string } {
  return { backer: backerCommitment(receiptCode) };
}

export function isBackerCommitment(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
}
