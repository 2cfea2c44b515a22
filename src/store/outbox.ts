import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type CompiledQuery, type Compilable, sql } from 'kysely';
import type { OutboxRow } from './schema.js';
import type { QueryResult, Store } from './store.js';

export type OutboxOutcome = 'answered' | 'failed' | 'gave_up';

export interface NewOutboxEntry {
  id: string;
  kind: string;
  /** The body as JSON text. */
  body: string;
  retryNum?: number;
}

export interface OutboxDepth {
  /** Entries not done yet (waiting, or being delivered). */
  pending: number;
  /** When the oldest of them was accepted (ISO), or null when there are none. */
  oldest: string | null;
}

export interface OutboxStoreOptions {
  /** How long a claim holds an entry before any replica may take it again (ms). */
  leaseMs: number;
  /** This replica's name in `owner`; a random one by default. */
  owner?: string;
  now?: () => number;
}

/** Most writes in one transaction. */
const WRITE_BATCH = 500;

/** A name for this process that no other replica has: host, pid and a random part. */
export const replicaName = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * The outbox's rows, in the store DATABASE_URL names (SQLite for one process,
 * PostgreSQL shared by replicas). Plain Kysely: a claim is one UPDATE of the
 * oldest claimable rows, which PostgreSQL picks with `FOR UPDATE SKIP LOCKED`
 * (replicas claiming at once skip each other's rows instead of waiting), and
 * SQLite, which has one writer at a time, needs nothing more for.
 */
export class OutboxStore {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly now: () => number;
  private readonly pending: { query: CompiledQuery; resolve: (result: QueryResult) => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Pick<Store, 'db' | 'kind' | 'writeQueries'>,
    options: OutboxStoreOptions,
  ) {
    this.owner = options.owner ?? replicaName();
    this.leaseMs = options.leaseMs;
    this.now = options.now ?? Date.now;
  }

  /**
   * Writes issued in the same turn of the event loop go to the store together, in one
   * transaction (on SQLite's writer thread): a burst's thousand "posted" and "done" marks are a
   * few commits, not a thousand.
   */
  private write(query: Compilable, now = false): Promise<QueryResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ query: query.compile(), resolve, reject });
      // `now`: an ack waits on it (the caller has already gathered its burst); take the others along.
      if (now || this.pending.length >= WRITE_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    this.store.writeQueries(batch.map((w) => w.query)).then(
      (results) => {
        batch.forEach((w, i) => {
          w.resolve(results[i] ?? { rows: [], changes: 0 });
        });
      },
      (err: unknown) => {
        for (const w of batch) w.reject(err);
      },
    );
  }

  private at(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString();
  }

  /**
   * Keep newly accepted entries, leased to this replica (it delivers them at
   * once), in one statement. Returns the ids that were new; an id already
   * there is a retry, a twin, or another replica's (and within `entries`,
   * only the first of an id counts).
   */
  async record(entries: readonly NewOutboxEntry[]): Promise<Set<string>> {
    const unique = [...new Map(entries.map((e) => [e.id, e])).values()];
    if (unique.length === 0) return new Set();
    const created = this.at();
    const leased = this.at(this.leaseMs);
    const { rows } = await this.write(
      this.store.db
        .insertInto('outbox')
        .values(
          unique.map((entry) => ({
            id: entry.id,
            kind: entry.kind,
            body: entry.body,
            retry_num: entry.retryNum ?? null,
            created_at: created,
            owner: this.owner,
            lease_until: leased,
            attempts: 1,
            posted_ts: null,
            done_at: null,
            outcome: null,
          })),
        )
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id'),
      true,
    );
    return new Set(rows.map((r) => String(r.id)));
  }

  /** Take up to `limit` entries that are not done and whose lease has run out (or was released), oldest first. */
  async claim(limit: number): Promise<OutboxRow[]> {
    if (limit <= 0) return [];
    const now = this.at();
    const { db } = this.store;
    const claimable = db.selectFrom('outbox').select('id').where('done_at', 'is', null).where('lease_until', '<=', now).orderBy('created_at').limit(limit);
    const claim = { owner: this.owner, lease_until: this.at(this.leaseMs), attempts: sql<number>`outbox.attempts + 1` };
    if (this.store.kind === 'sqlite') {
      // One writer at a time: the UPDATE is the whole claim.
      return (await this.write(db.updateTable('outbox').set(claim).where('id', 'in', claimable).returningAll())).rows as unknown as OutboxRow[];
    }
    // The rows are picked and locked once, in the CTE (an `IN (subquery)` may run the LIMIT more than once);
    // SKIP LOCKED: replicas claiming at the same moment take different rows instead of waiting for each other.
    const claimed = await this.write(
      db
        .with('picked', () => claimable.forUpdate().skipLocked())
        .updateTable('outbox')
        .from('picked')
        .set(claim)
        .whereRef('outbox.id', '=', 'picked.id')
        .returningAll('outbox'),
    );
    return claimed.rows as unknown as OutboxRow[];
  }

  /** Extend the leases of entries this replica is still delivering. */
  async renew(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.write(
      this.store.db
        .updateTable('outbox')
        .set({ lease_until: this.at(this.leaseMs) })
        .where('owner', '=', this.owner)
        .where('done_at', 'is', null)
        .where('id', 'in', [...ids]),
    );
  }

  /** The answer is in Slack: from now on a delivery of this entry posts nothing. */
  async posted(id: string, ts: string): Promise<void> {
    await this.write(this.store.db.updateTable('outbox').set({ posted_ts: ts }).where('id', '=', id));
  }

  /** Done, for good: the body (question text and all) is dropped; the row stays a while for dedupe. */
  async finish(id: string, outcome: OutboxOutcome): Promise<void> {
    await this.write(this.store.db.updateTable('outbox').set({ done_at: this.at(), outcome, body: '', owner: null }).where('id', '=', id));
  }

  /** Hand entries back (not delivered here): any replica may take them after `delayMs`. */
  async release(ids: readonly string[], delayMs = 0): Promise<void> {
    if (ids.length === 0) return;
    await this.write(
      this.store.db
        .updateTable('outbox')
        .set({ owner: null, lease_until: this.at(delayMs) })
        .where('owner', '=', this.owner)
        .where('done_at', 'is', null)
        .where('id', 'in', [...ids]),
    );
  }

  /** Delete entries done before `cutoff` (they only served dedupe). */
  async purgeDone(cutoff: Date): Promise<number> {
    return (await this.write(this.store.db.deleteFrom('outbox').where('done_at', '<', cutoff.toISOString()))).changes;
  }

  async depth(): Promise<OutboxDepth> {
    const row = await this.store.db
      .selectFrom('outbox')
      .select((eb) => [eb.fn.countAll<string | number>().as('pending'), eb.fn.min('created_at').as('oldest')])
      .where('done_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { pending: Number(row.pending), oldest: (row.oldest as string | null) ?? null };
  }

  /** One entry as it is now (tests, tools). */
  async get(id: string): Promise<OutboxRow | undefined> {
    return this.store.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
