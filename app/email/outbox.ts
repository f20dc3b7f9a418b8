export const MAX_ATTEMPTS = 10;

/** Minutes to wait after the n-th failed attempt: 1, 2, 4 … capped at a day. */
export function retryDelayMinutes(attempts: number): number {
  return Math.min(2 ** Math.max(0, attempts - 1), 24 * 60);
}
