// One live runtime (real process) against the fake Upbit, the real PostgreSQL and Redis, with its
// STORE and LEASE dependencies failing in turn (issue 6 item 5, "fail closed"): its Redis
// connections killed again and again (CLIENT KILL from a second connection), its PostgreSQL
// backends terminated (pg_terminate_backend by its application_name). Each case: /readyz 503
// naming the dependency, and trading resumes by itself. The shared servers are never stopped.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_KEYS } from '../exchange/fake-upbit/test-fixture.ts';
import {
  liveEnv,
  ordersSince,
  startRuntime,
  tradesAgain,
  until,
  useLiveWorld,
  whileDown,
} from './live.fixture.ts';

const world = useLiveWorld('stfault');
let redis: Redis;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
});
afterAll(() => redis?.disconnect());

describe('a live runtime whose dependencies fail', () => {
  it('fails closed when its Redis or PostgreSQL connections die, and resumes by itself', {
    timeout: 150_000,
  }, async () => {
    const { db, file } = world();
    const env = liveEnv(world(), 'kt-faults');
    const rt = startRuntime(file, env, ['--lease-seconds', '3']);
    try {
      const started = await rt.waitFor((l) => l.msg === 'started');
      const url = String(started.readyz);
      const pid = String(started.instance);
      await until(
        async () => ((await ordersSince(db, new Date(0))) > 0 ? true : undefined),
        45_000,
        'first order',
      );

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

      // 1. Redis: every connection of this runtime killed from a second connection, again and again.
      const name = `kubetrade-${world().bot}-${pid}`;
      const killRedis = async (): Promise<void> => {
        const list = String(await redis.client('LIST'));
        for (const line of list.split('\n')) {
          const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
          if (id && line.includes(` name=${name} `))
            await redis.client('KILL', 'ID', id).catch(() => undefined);
        }
      };
      const rd = await whileDown(url, 'redis', killRedis, 2_000);
      expect(rd.reasons.join('\n')).toMatch(/^redis: /m);
      await tradesAgain(rt, db, url, new Date());

      // 2. PostgreSQL: every backend with the runtime's application name terminated, repeatedly.
      const killPg = async (): Promise<void> => {
        await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
          `kubetrade-run-${pid}`,
        ]);
      };
      const pg = await whileDown(url, 'postgres', killPg, 2_000);
      expect(pg.reasons.join('\n')).toMatch(/^postgres: /m);
      await tradesAgain(rt, db, url, new Date());

      // Each outage was logged once as down and once as up; the process kept cycling throughout.
      for (const dep of ['redis', 'postgres'])
        expect(rt.lines.some((l) => l.msg === 'dependency down' && l.dependency === dep)).toBe(true);
      rt.child.kill('SIGTERM');
      expect((await rt.exited).code).toBe(0);
      expect(rt.output()).not.toContain(TEST_KEYS.secretKey);
    } finally {
      if (rt.child.exitCode === null && rt.child.signalCode === null) rt.child.kill('SIGKILL');
    }
  });
});
