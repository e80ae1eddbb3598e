// `/metrics` (Prometheus text, prom-client), `/healthz` and `/readyz` for `kubetrade run`. Health means "the
// loop completed a cycle recently": stale for more than `staleAfterMs` -> 503, so a stuck loop is
// restarted by the kubelet's liveness probe.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class RuntimeMetrics {
  readonly registry = new Registry();
  readonly equity: Gauge<'arm'>;
  readonly halted: Gauge<'arm'>;
  readonly trades: Gauge<'arm'>;
  readonly decisions: Counter<'arm' | 'action'>;
  readonly orders: Counter<'arm' | 'side' | 'state'>;
  readonly cycleSeconds: Histogram;
  readonly lastCycle: Gauge;

  constructor(bot: string) {
    this.registry.setDefaultLabels({ bot });
    const registers = [this.registry];
    this.equity = new Gauge({
      name: 'kubetrade_arm_equity',
      help: 'Arm equity in the quote currency, marked at the last close',
      labelNames: ['arm'],
      registers,
    });
    this.halted = new Gauge({
      name: 'kubetrade_arm_daily_loss_halted',
      help: '1 while the daily loss limit stops new entries (KST day)',
      labelNames: ['arm'],
      registers,
    });
    this.trades = new Gauge({
      name: 'kubetrade_arm_trades',
      help: 'Closed round trips (one trade = entry + exit)',
      labelNames: ['arm'],
      registers,
    });
    this.decisions = new Counter({
      name: 'kubetrade_decisions_total',
      help: 'Non-HOLD decisions',
      labelNames: ['arm', 'action'],
      registers,
    });
    this.orders = new Counter({
      name: 'kubetrade_orders_total',
      help: 'Orders by side (buy, sell) and resulting state',
      labelNames: ['arm', 'side', 'state'],
      registers,
    });
    this.cycleSeconds = new Histogram({
      name: 'kubetrade_cycle_compute_seconds',
      help: 'Compute time of one trading cycle (DESIGN.md target: <= 5 ms for 4 markets)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1],
      registers,
    });
    this.lastCycle = new Gauge({
      name: 'kubetrade_last_cycle_timestamp_seconds',
      help: 'Wall time of the last completed cycle',
      registers,
    });
  }
}

export interface HealthSource {
  /** Wall-clock ms of the last completed cycle, or undefined before the first one. */
  lastCycleWallMs(): number | undefined;
  /**
   * Ready to trade (the readiness probe, /readyz): paper mode = warm-up done and not stopping; live
   * mode = the dependency gate, whose reasons name every dependency that is down (issue 6 item 5),
   * so `kubectl describe pod` shows why the bot is not trading.
   */
  readiness(): { ready: boolean; reasons: string[] };
}

/** `/metrics`, `/healthz` and `/readyz` of a runtime (paper and live mode alike). */
export async function startMetricsServer(opts: {
  registry: Registry;
  health: HealthSource;
  staleAfterMs: number;
  host: string;
  port: number;
}): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      opts.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': opts.registry.contentType });
          res.end(text);
        })
        .catch((e: Error) => json(res, 500, { error: e.message }));
      return;
    }
    if (req.url === '/healthz') {
      const last = opts.health.lastCycleWallMs();
      const age = last === undefined ? undefined : Date.now() - last;
      const ok = age !== undefined && age <= opts.staleAfterMs;
      return json(res, ok ? 200 : 503, { ok, lastCycleAgeMs: age ?? null, staleAfterMs: opts.staleAfterMs });
    }
    if (req.url === '/readyz') {
      const r = opts.health.readiness();
      return json(res, r.ready ? 200 : 503, { ok: r.ready, reasons: r.reasons });
    }
    res.writeHead(404);
    res.end('not found: try /metrics, /healthz or /readyz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
