/**
 * Readiness: may this process be sent traffic? A list of named checks that
 * main.ts and the channels register (content loaded, Slack auth ok, store
 * reachable...), plus the draining flag set on SIGTERM. GET /readyz shows
 * each check's result; liveness (GET /healthz) never looks at them.
 */

export interface CheckResult {
  ok: boolean;
  /** Why, in a few words or fields; shown as is in /readyz. */
  detail?: string | Record<string, unknown>;
}

export type ReadinessCheck = () => CheckResult | Promise<CheckResult>;

export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  checks: Record<string, CheckResult>;
}

/** A check that takes longer than this counts as failed: /readyz must answer a load balancer quickly. */
const CHECK_TIMEOUT_MS = 2_000;

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private drainingSince: number | null = null;

  /** Add a named check; a second one with the same name replaces the first. */
  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  get names(): string[] {
    return [...this.checks.keys()];
  }

  /** From now on /readyz answers 503 (SIGTERM: the load balancer should stop sending traffic). */
  startDraining(): void {
    this.drainingSince ??= Date.now();
  }

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all([...this.checks].map(async ([name, check]): Promise<[string, CheckResult]> => [name, await runCheck(check)]));
    const checks = Object.fromEntries(entries);
    checks.draining = this.draining ? { ok: false, detail: 'shutting down' } : { ok: true };
    return { ready: Object.values(checks).every((c) => c.ok), draining: this.draining, checks };
  }
}

async function runCheck(check: ReadinessCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
    });
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
