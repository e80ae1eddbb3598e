// One live runtime (real process) against the fake Upbit, PostgreSQL and Redis, with its STORE and
// LEASE dependencies really going away in turn (issue 6 item 5, "fail closed"): its own Redis
// server (safety/private-redis.fixture.ts) killed mid-run and started again empty on the same port,
// and its PostgreSQL connection path (a FaultProxy in front of the shared server) closed, refusing
// connections, then opened again. Each case: /readyz 503 naming the dependency, NO new order intent
// while it says so, trading resumes by itself; and at the end nothing the runtime decided is
// missing from the store (orders, fills, equity). The shared servers are never stopped.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_KEYS } from '../exchange/fake-upbit/test-fixture.ts';
import { FaultProxy, portOf, withPort } from '../safety/fault-proxy.ts';
import { PrivateRedis } from '../safety/private-redis.fixture.ts';
import {
  expectNothingLost,
  liveEnv,
  ordersSince,
  startRuntime,
  tradesAgain,
  until,
  useLiveWorld,
  whileDown,
} from './live.fixture.ts';

const world = useLiveWorld('stfault');
let redis: PrivateRedis;
let pg: FaultProxy;
beforeAll(async () => {
  redis = await PrivateRedis.start();
  pg = new FaultProxy(portOf(inject('databaseUrl')));
  await pg.up();
}, 30_000);
afterAll(async () => {
  await pg?.down();
  await redis?.close();
});

/** This runtime's kubetrade_lease_holder on its /metrics (same server as /readyz). */
async function leaseHolder(readyz: string): Promise<number> {
  const text = await (await fetch(readyz.replace(/\/readyz$/, '/metrics'))).text();
  return Number(/^kubetrade_lease_holder\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

describe('a live runtime whose store and lease dependencies go down', () => {
  it('opens no position while Redis or PostgreSQL is down, loses nothing, and resumes by itself', {
    timeout: 300_000,
  }, async () => {
    const { db, file } = world();
    const env = {
      ...liveEnv(world(), 'kt-faults'),
      REDIS_URL: redis.url,
      DATABASE_URL: withPort(inject('databaseUrl'), pg.port),
    };
    const rt = startRuntime(file, env, ['--lease-seconds', '3']);
    try {
      const started = await rt.waitFor((l) => l.msg === 'started');
      const url = String(started.readyz);
      await until(
        async () => ((await ordersSince(db, new Date(0))) > 0 ? true : undefined),
        45_000,
        'first order',
      );
      expect(await leaseHolder(url)).toBe(1);

      // Layer 2's history is reported (partial: the warm-up is less than the SPEC windows), and
      // the decisions' per-layer signals reach the dashboard's table.
      const history = await rt.waitFor((l) => l.msg === 'history');
      const btc = (history.completeness as Record<string, Record<string, number>>)['KRW-BTC']!;
      expect(btc['5m']).toBeGreaterThan(0);
      expect(btc['1d']).toBeLessThan(1);
      const signals = await db.query<{ n: string }>(
        "SELECT count(*)::text AS n FROM signals WHERE layer = 'technical'",
      );
      expect(Number(signals.rows[0]!.n)).toBeGreaterThan(0);

      // 1. Redis killed: the lease lapses, no intent is stored while /readyz says so.
      await redis.down();
      const rd = await whileDown(url, 'redis', async () => undefined, 4_000);
      expect(rd.reasons.join('\n')).toMatch(/^redis: /m);
      expect(await ordersSince(db, rd.downSeenAt)).toBe(0);
      expect(await leaseHolder(url)).toBe(0);
      // Back EMPTY on the same port: the fencing counter is gone, and the new token must still
      // be above the store's fence (lease/scripts.ts ACQUIRE floor), or nothing would trade again.
      await redis.up();
      await tradesAgain(rt, db, url, new Date());
      expect(await leaseHolder(url)).toBe(1);

      // 2. PostgreSQL unreachable (connections cut, new ones refused): no intent while it is down.
      await pg.down();
      const down = await whileDown(url, 'postgres', async () => undefined, 4_000);
      expect(down.reasons.join('\n')).toMatch(/^postgres: /m);
      // The test reads the store directly, not through the closed proxy.
      expect(await ordersSince(db, down.downSeenAt)).toBe(0);
      await pg.up();
      await tradesAgain(rt, db, url, new Date());

      for (const dep of ['redis', 'postgres'])
        expect(rt.lines.some((l) => l.msg === 'dependency down' && l.dependency === dep)).toBe(true);
      expect((await rt.stop()).code).toBe(0);
      expect(rt.output()).not.toContain(TEST_KEYS.secretKey);
      // The PostgreSQL outage refused equity rows (queued, logged once) that were written afterwards.
      expect(rt.lines.some((l) => l.msg === 'equity not written yet')).toBe(true);
      await expectNothingLost(db, rt.lines);
    } finally {
      if (rt.child.exitCode === null && rt.child.signalCode === null) rt.child.kill('SIGKILL');
    }
  });
});
