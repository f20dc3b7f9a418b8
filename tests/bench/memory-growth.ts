/**
 * "Memory flat" (P2, P3): the work run at a tenth of its size and at full size, each in a fresh
 * process or database, and the peak resident memory compared. Ten times the work may cost at most
 * half as much memory again: what a process holds for the run itself (code, pools, buffers) does
 * not count as growth, what it holds per item would show as several times more. Judged at the
 * benchmarks' own sizes: at a quick look's small sizes the fixed buffers may not yet be full at a
 * tenth of the work.
 */
export const FLAT_MEMORY_RATIO = 1.5;

export function memoryGrowth(smallPeak: number, fullPeak: number): { ratio: number; flat: boolean } {
  const ratio = fullPeak / smallPeak;
  return { ratio, flat: ratio <= FLAT_MEMORY_RATIO };
}
