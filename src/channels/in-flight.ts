import type { DrainReport } from './channel.js';

/**
 * Counts the work a channel has accepted and not yet finished, so shutdown
 * can wait for it (up to a deadline) and say honestly how much it finished
 * and how much it gave up.
 */
export class InFlight {
  private open = 0;
  private done = 0;
  private readonly idle = new Set<() => void>();

  get pending(): number {
    return this.open;
  }

  /** One piece of work accepted; call the returned function once it is finished (safe to call twice). */
  start(): () => void {
    this.open += 1;
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      this.open -= 1;
      this.done += 1;
      if (this.open === 0) for (const wake of this.idle) wake();
    };
  }

  /** Wait until nothing is pending or `deadline` (a Date.now() value) passes; report what got done meanwhile. */
  async settle(deadline: number): Promise<DrainReport> {
    const before = this.done;
    if (this.open > 0) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.idle.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
        this.idle.add(wake);
      });
    }
    return { answered: this.done - before, abandoned: this.open };
  }
}
