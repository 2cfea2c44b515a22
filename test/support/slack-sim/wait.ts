/** Poll `probe` until it returns a value, or fail after `timeoutMs` naming what was awaited. */
export async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 10));
  }
}

/** Resolve after `ms`; for "nothing else happens" checks. */
export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
