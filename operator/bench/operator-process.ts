// The operator as a child process of the benchmark, so its RSS is its own (VmRSS from
// /proc/self/status after a full GC) and not the benchmark's watches and bookkeeping.
// Talks to the parent over the IPC channel: 'writes' | 'memory' | 'stop'.
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { parseConfig } from '../src/config.ts';
import { Manager, silentLogger } from '../src/controller/index.ts';
import { tradingBotController } from '../src/tradingbot/index.ts';

export type Request = { type: 'writes' } | { type: 'memory' } | { type: 'stop' };
export interface Reply {
  type: 'ready' | 'writes' | 'memory' | 'stopped';
  writes?: number;
  /** Writes by `METHOD resource`, to tell what a non-zero steady state wrote. */
  writesByResource?: Record<string, number>;
  reconciles?: number;
  vmRssBytes?: number;
  heapUsedBytes?: number;
}

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

function vmRssBytes(): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

async function main(): Promise<void> {
  const namespace = process.env.BENCH_NAMESPACE ?? '';
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const config = { ...parseConfig(process.argv.slice(2), process.env), watchNamespace: namespace };
  const manager = new Manager({
    kubeConfig,
    log: silentLogger(),
    bindAddress: false,
    leaderElection: false,
    watchNamespace: namespace,
    informerTimings: { resyncPeriodMs: config.syncPeriodMs },
  });
  const controller = tradingBotController({ manager, config });
  manager.addController({ ...controller, concurrency: config.maxConcurrentReconciles });
  await manager.start();
  const send = (reply: Reply) => process.send?.(reply);
  process.on('message', async (req: Request) => {
    if (req.type === 'writes') {
      const records = manager.requests
        .records()
        .filter((r) => WRITE_METHODS.includes(r.method) && r.resource !== 'leases');
      const writesByResource: Record<string, number> = {};
      for (const r of records)
        writesByResource[`${r.method} ${r.resource}`] =
          (writesByResource[`${r.method} ${r.resource}`] ?? 0) + r.count;
      const reconciles = (await manager.metrics.reconcileTotal.get()).values.reduce((n, v) => n + v.value, 0);
      send({
        type: 'writes',
        writes: records.reduce((n, r) => n + r.count, 0),
        writesByResource,
        reconciles,
      });
    } else if (req.type === 'memory') {
      globalThis.gc?.();
      send({ type: 'memory', vmRssBytes: vmRssBytes(), heapUsedBytes: process.memoryUsage().heapUsed });
    } else if (req.type === 'stop') {
      await manager.stop();
      // Exit once the reply is flushed: a lingering operator would skew the next measurement.
      process.send?.({ type: 'stopped' } satisfies Reply, () => process.exit(0));
    }
  });
  send({ type: 'ready' });
}

await main();
