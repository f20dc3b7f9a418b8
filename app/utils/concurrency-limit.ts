// A bound on how many of one kind of task a process runs at once (decision 86).

/** Runs at most `slots` tasks at once; the others wait and start in the order they came. */
export function concurrencyLimit(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
  if (!Number.isSafeInteger(slots) || slots < 1) throw new Error(`a concurrency limit needs at least one slot (got ${slots})`);
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return async (task) => {
    if (running < slots) running += 1;
    else await new Promise<void>((start) => waiting.push(start));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
