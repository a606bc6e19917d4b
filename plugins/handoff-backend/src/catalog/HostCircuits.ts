import { SpecHostState } from '@handoff/backstage-plugin-handoff-common';

/**
 * A circuit per spec host: after `failuresToOpen` reads in a row that the
 * host did not answer, its specs are held back (not read, their last
 * version kept) until a cool-down passes, then one read tries it again; a
 * host that still does not answer waits twice as long, up to `maxCoolDownMs`.
 * So a hanging host costs a pass a few reads' timeouts, not a timeout per spec.
 *
 * @public
 */
export class HostCircuits {
  private readonly hosts = new Map<
    string,
    { failures: number; opens: number; retryAt?: number; probing?: boolean }
  >();

  constructor(
    private readonly options: {
      failuresToOpen?: number;
      coolDownMs?: number;
      maxCoolDownMs?: number;
      now?: () => number;
    } = {},
  ) {}

  private now() {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Whether a spec on `host` may be read now. While the circuit is open it
   * may not; once its cool-down has passed, one read may (the probe).
   */
  mayRead(host: string | undefined): boolean {
    const entry = host ? this.hosts.get(host) : undefined;
    if (!entry?.retryAt) return true;
    if (this.now() < entry.retryAt || entry.probing) return false;
    entry.probing = true;
    return true;
  }

  /** Reads on hosts that answered lately come first; held-back hosts last. */
  rank(host: string | undefined): number {
    const entry = host ? this.hosts.get(host) : undefined;
    if (!entry) return 0;
    if (entry.retryAt) return 2;
    return entry.failures > 0 ? 1 : 0;
  }

  answered(host: string | undefined) {
    if (host) this.hosts.delete(host);
  }

  /** Records a read the host did not answer; resolves to whether the circuit just opened. */
  didNotAnswer(host: string): boolean {
    const entry = this.hosts.get(host) ?? { failures: 0, opens: 0 };
    this.hosts.set(host, entry);
    entry.failures += 1;
    const wasOpen = Boolean(entry.retryAt);
    entry.probing = false;
    if (!wasOpen && entry.failures < (this.options.failuresToOpen ?? 2)) {
      return false;
    }
    const base = this.options.coolDownMs ?? 5 * 60_000;
    const coolDown = Math.min(
      base * 2 ** entry.opens,
      this.options.maxCoolDownMs ?? 60 * 60_000,
    );
    entry.opens += 1;
    entry.retryAt = this.now() + coolDown;
    return !wasOpen;
  }

  /** When a held-back host is tried again. */
  retryAt(host: string): Date | undefined {
    const at = this.hosts.get(host)?.retryAt;
    return at === undefined ? undefined : new Date(at);
  }

  /** Every host that has not answered lately, for logs and status. */
  states(): SpecHostState[] {
    const now = this.now();
    return [...this.hosts].map(([host, e]) => {
      let state: SpecHostState['state'] = 'closed';
      if (e.retryAt) state = now < e.retryAt ? 'open' : 'half-open';
      return {
        host,
        state,
        failures: e.failures,
        ...(e.retryAt && { retryAt: new Date(e.retryAt).toISOString() }),
      };
    });
  }
}
