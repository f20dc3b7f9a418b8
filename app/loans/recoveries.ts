import { z } from "zod";
import { idempotencyKeyField } from "../fund/fund";
import type { ErrorKey } from "../i18n/messages/errors";
import { isoDateField, requiredText, wonAmount } from "../utils/fields";

// Money received on a loan after it was written off (a guarantor, a court order, the borrower
// paying late) goes back into the fund's cash. Nothing is owed beyond the principal written off
// (decision 14: interest is booked when paid, never accrued), so recoveries stop there.

export const recoverySchema = z.object({
  amountWon: wonAmount(),
  receivedOn: isoDateField,
  reference: requiredText(100),
  idempotencyKey: idempotencyKeyField,
});
export type RecoveryInput = z.output<typeof recoverySchema>;

export interface RecoveryFacts {
  writtenOffWon: number;
  recoveredWon: number;
  /** The Seoul date the loan was written off. */
  writtenOffOn: string;
  today: string;
}

/** Why a recovery cannot be recorded, with the field to show it on; null when it can. */
export function recoveryProblem(input: Pick<RecoveryInput, "amountWon" | "receivedOn">, facts: RecoveryFacts): { error: ErrorKey; field: keyof RecoveryInput } | null {
  if (input.receivedOn > facts.today) return { error: "dateInFuture", field: "receivedOn" };
  if (input.receivedOn < facts.writtenOffOn) return { error: "dateBeforeWriteOff", field: "receivedOn" };
  if (input.amountWon > facts.writtenOffWon - facts.recoveredWon) return { error: "recoveryAboveWrittenOff", field: "amountWon" };
  return null;
}

/** Of the principal written off: recovered so far, and what is still lost. */
export function recoveryPosition(writtenOffWon: number, recoveredWon: number): { recoveredWon: number; stillLostWon: number } {
  return { recoveredWon, stillLostWon: writtenOffWon - recoveredWon };
}
