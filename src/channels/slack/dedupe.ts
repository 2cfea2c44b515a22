/**
 * A bounded "seen recently" set: keys expire after `ttlMs`, and the oldest
 * are evicted once `max` is reached, so memory stays flat however many
 * events arrive. Insertion order is expiry order, so pruning is cheap.
 */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the keys; true when any of them was already seen (and not expired). */
  checkAndAdd(keys: readonly string[]): boolean {
    const now = this.now();
    this.prune(now);
    const duplicate = keys.some((key) => this.seen.has(key));
    for (const key of keys) {
      this.seen.delete(key);
      this.seen.set(key, now + this.ttlMs);
    }
    while (this.seen.size > this.max) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    return duplicate;
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    for (const [key, expires] of this.seen) {
      if (expires > now) break;
      this.seen.delete(key);
    }
  }
}
