/**
 * Runs a test's steps under a deadline shorter than the test's timeout, so that a step that never
 * ends fails the test with its name (and `context()`, e.g. a server's stderr) instead of a bare
 * timeout.
 */
export async function inSteps(ms: number, context: () => string, body: (step: (name: string) => void) => Promise<void>): Promise<void> {
  let current = "starting";
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`still ${current} after ${ms / 1000} s\n${context()}`)), ms);
  });
  try {
    await Promise.race([body((name) => (current = name)), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
