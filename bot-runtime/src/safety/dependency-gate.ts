// Fail closed (issue 6 item 5, DESIGN.md "Money safety first"): PostgreSQL, Redis, the trader
// lease and the exchange each have a health probe; while any is down the bot opens no new
// positions (existing ones are kept and reported), /readyz fails with the reason, the gauge
// kubetrade_dependency_up{dependency} says 0 and ONE log line marks each transition (not one per
// cycle). Probing keeps going, so the gate reopens by itself when the dependency is back.
import { Gauge, type Registry } from 'prom-client';

export interface DependencyOptions {
  /** A probe slower than this counts as a failure (a hung connection is a down dependency). */
  timeoutMs: number;
  /**
   * Whether the dependency is also needed to CLOSE positions. Exits need the lease, the store
   * (the intent is written before the order is sent) and the exchange; Redis itself only matters
   * through the lease, so it gates entries only.
   */
  gatesExits?: boolean;
}

export interface DependencyStatus {
  name: string;
  /** undefined until the first probe answered: treated as down (fail closed at start-up). */
  up: boolean | undefined;
  since: number;
  lastError: string;
}

export interface GateLogRecord {
  level: 'info' | 'warn';
  msg: 'dependency down' | 'dependency up';
  dependency: string;
  error?: string;
  downForMs?: number;
}

export interface DependencyGateOptions {
  registry?: Registry;
  log?: (record: GateLogRecord) => void;
  now?: () => number;
}

interface Dependency extends DependencyStatus {
  check: () => unknown;
  opts: DependencyOptions;
}

export class DependencyGate {
  private readonly deps = new Map<string, Dependency>();
  private readonly gauge: Gauge<'dependency'> | undefined;
  private readonly log: (record: GateLogRecord) => void;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  /** Bumped by start() and stop(): a probe loop of an earlier run stops re-arming itself. */
  private runs = 0;

  constructor(opts: DependencyGateOptions = {}) {
    this.log = opts.log ?? ((r) => console.log(JSON.stringify({ time: new Date().toISOString(), ...r })));
    this.now = opts.now ?? Date.now;
    if (opts.registry) {
      const name = 'kubetrade_dependency_up';
      this.gauge =
        (opts.registry.getSingleMetric(name) as Gauge<'dependency'> | undefined) ??
        new Gauge({
          name,
          help: '1 while a dependency (postgres, redis, lease, exchange) is healthy; any 0 stops new positions',
          labelNames: ['dependency'],
          registers: [opts.registry],
        });
    }
  }

  /** Registers a dependency; `check` throws (or rejects) when it is down. */
  add(name: string, check: () => unknown, opts: DependencyOptions): this {
    this.deps.set(name, { name, check, opts, up: undefined, since: this.now(), lastError: 'not probed yet' });
    this.gauge?.set({ dependency: name }, 0);
    return this;
  }

  /** Pushes a health observation (a connection event, a failed exchange call) without waiting for a probe. */
  report(name: string, up: boolean, error = ''): void {
    const dep = this.deps.get(name);
    if (!dep) throw new Error(`dependency gate: unknown dependency ${name}; add() it first`);
    const changed = dep.up !== up;
    const wasDownSince = dep.since;
    dep.lastError = up ? '' : error || 'down';
    if (!changed) return;
    const now = this.now();
    dep.up = up;
    dep.since = now;
    this.gauge?.set({ dependency: name }, up ? 1 : 0);
    if (up)
      this.log({ level: 'info', msg: 'dependency up', dependency: name, downForMs: now - wasDownSince });
    else this.log({ level: 'warn', msg: 'dependency down', dependency: name, error: dep.lastError });
  }

  /** Runs every probe once, concurrently, each bounded by its timeout. */
  async probe(): Promise<void> {
    await Promise.all(
      [...this.deps.values()].map(async (dep) => {
        try {
          await withTimeout(Promise.resolve().then(dep.check), dep.opts.timeoutMs, dep.name);
          this.report(dep.name, true);
        } catch (err) {
          this.report(dep.name, false, err instanceof Error ? err.message : String(err));
        }
      }),
    );
  }

  /** Probes now and then every `intervalMs` until stop(). */
  async start(intervalMs: number): Promise<void> {
    this.stop();
    const run = ++this.runs;
    await this.probe();
    // A probe in flight when stop() is called must not arm the next one: that timer would keep a
    // stopped runtime's process alive (measured: "stopped" logged, no exit within 20 s of SIGTERM).
    const loop = () => {
      if (run !== this.runs) return;
      this.timer = setTimeout(() => void this.probe().finally(loop), intervalMs);
    };
    loop();
  }

  stop(): void {
    this.runs++;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** New positions only while every dependency is up. */
  canOpenPositions(): boolean {
    for (const dep of this.deps.values()) if (dep.up !== true) return false;
    return true;
  }

  /** Exits need only the dependencies that gate exits (lease, store, exchange). */
  canClosePositions(): boolean {
    for (const dep of this.deps.values()) if (dep.opts.gatesExits !== false && dep.up !== true) return false;
    return true;
  }

  /** For /readyz: ready, or the reason per down dependency ("postgres: connect ECONNREFUSED ..."). */
  readiness(): { ready: boolean; reasons: string[] } {
    const reasons = [...this.deps.values()]
      .filter((d) => d.up !== true)
      .map((d) => `${d.name}: ${d.lastError}`);
    return { ready: reasons.length === 0, reasons };
  }

  /** The /readyz answer: 200 "ok", or 503 with one line per down dependency (kubelet shows it). */
  readyz(): { status: 200 | 503; body: string } {
    const { ready, reasons } = this.readiness();
    return ready
      ? { status: 200, body: 'ok\n' }
      : { status: 503, body: `not ready:\n${reasons.join('\n')}\n` };
  }

  status(): DependencyStatus[] {
    return [...this.deps.values()].map(({ name, up, since, lastError }) => ({ name, up, since, lastError }));
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} probe timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
