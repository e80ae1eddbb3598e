// The runtime's dependencies wired into a DependencyGate: a probe each, plus push updates from
// the Redis connection and the lease so the gate closes the moment they report trouble instead
// of at the next probe.
import type { Redis } from 'ioredis';
import type { TraderLease } from '../lease/trader-lease.ts';
import type { TradeStore } from '../store/trade-store.ts';
import type { DependencyGate } from './dependency-gate.ts';

export interface GateWiring {
  store: Pick<TradeStore, 'ping'>;
  redis: Redis;
  lease: TraderLease;
  /** A cheap exchange call that fails when the exchange is unreachable or erroring (e.g. a ticker). */
  exchangeCheck: () => Promise<unknown>;
  probeTimeoutMs: number;
}

/** Adds postgres, redis, lease and exchange to the gate; returns a function that unhooks the listeners. */
export function wireDependencies(gate: DependencyGate, w: GateWiring): () => void {
  const timeoutMs = w.probeTimeoutMs;
  gate.add('postgres', () => w.store.ping(), { timeoutMs });
  gate.add(
    'redis',
    async () => {
      if (w.redis.status !== 'ready') throw new Error(`Redis connection ${w.redis.status}`);
      await w.redis.ping();
    },
    { timeoutMs, gatesExits: false },
  );
  gate.add(
    'lease',
    () => {
      if (!w.lease.isHeld()) throw new Error(w.lease.reason());
    },
    { timeoutMs },
  );
  gate.add('exchange', w.exchangeCheck, { timeoutMs });

  const onClose = () => gate.report('redis', false, 'Redis connection closed');
  const onReady = () => gate.report('redis', true);
  w.redis.on('close', onClose);
  w.redis.on('ready', onReady);
  const offLease = w.lease.on((e) => {
    if (e.type === 'acquired') gate.report('lease', true);
    else
      gate.report(
        'lease',
        false,
        e.type === 'lost' ? `trader lease lost: ${e.reason}` : 'trader lease released',
      );
  });
  return () => {
    w.redis.off('close', onClose);
    w.redis.off('ready', onReady);
    offLease();
  };
}
