import type { DrainReport } from './channel.js';

/**
 * Counts the work a channel has accepted and not yet finished, so shutdown
 * can wait for it (up to a deadline) and say honestly how much it finished
 * and how much it gave up.
 */
export class InFlight {
  private open = 0;
  private done = 0;
  private dropped = 0;
  private readonly idle = new Set<() => void>();

  get pending(): number {
    return this.open;
  }

  /**
   * One piece of work accepted; call the returned function once it is finished, or with 'dropped'
   * when it was given up without being done (safe to call twice).
   */
  start(): (outcome?: 'done' | 'dropped') => void {
    this.open += 1;
    let finished = false;
    return (outcome = 'done') => {
      if (finished) return;
      finished = true;
      this.open -= 1;
      if (outcome === 'done') this.done += 1;
      else this.dropped += 1;
      if (this.open === 0) for (const wake of this.idle) wake();
    };
  }

  /**
   * Wait until nothing is pending or `deadline` (a Date.now() value) passes. The report counts
   * from the call on and stays live: read after the channel has closed, `abandoned` is what was
   * dropped or never finished, and work under way at the deadline that finished while closing
   * counts as answered.
   */
  async settle(deadline: number): Promise<DrainReport> {
    const doneBefore = this.done;
    const droppedBefore = this.dropped;
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
    const counts = (): { done: number; dropped: number; open: number } => ({ done: this.done, dropped: this.dropped, open: this.open });
    return {
      get answered() {
        return counts().done - doneBefore;
      },
      get abandoned() {
        const now = counts();
        return now.dropped - droppedBefore + now.open;
      },
    };
  }
}
