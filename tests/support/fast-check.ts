import type fc from "fast-check";

/**
 * Options for fc.assert with a seed that is always printed, so any run can be replayed:
 * FC_SEED=<seed> npx vitest run <file>.
 */
export function seeded(name: string, numRuns: number): fc.Parameters<unknown> {
  const fromEnv = Number(process.env.FC_SEED);
  const seed = Number.isSafeInteger(fromEnv) && process.env.FC_SEED ? fromEnv : Math.floor(Math.random() * 0x7fffffff);
  console.log(`[fast-check] ${name}: seed ${seed} (replay with FC_SEED=${seed})`);
  return { seed, numRuns };
}
