/** A processor fee in whole won: the rate in basis points, truncated (원 미만 절사). */
export function processorFeeWon(grossWon: number, feeBp: number): number {
  if (!Number.isSafeInteger(grossWon) || grossWon < 0) throw new RangeError(`gross must be whole won, got ${grossWon}`);
  return Math.floor((grossWon * feeBp) / 10_000);
}
