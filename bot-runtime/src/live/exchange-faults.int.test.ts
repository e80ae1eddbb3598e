// One live runtime (real process) against the fake Upbit, the real PostgreSQL and Redis, with the
// EXCHANGE failing in turn (issue 6 item 5, "fail closed"): 5xx answers, cut connections, 429s
// (another client spends the rate budget). Each case: /readyz 503 naming the exchange, no intent
// stored while it says so, trading resumes by itself, and nothing decided is missing from the store.
import { describe, expect, it } from 'vitest';
import { TEST_KEYS } from '../exchange/fake-upbit/test-fixture.ts';
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

const world = useLiveWorld('exfault');

describe('a live runtime whose dependencies fail', () => {
  it('fails closed on 5xx, dropped connections and 429s, and resumes by itself', {
    timeout: 300_000,
  }, async () => {
    const { fake, db, file } = world();
    const rt = startRuntime(file, liveEnv(world(), 'kt-faults'), ['--lease-seconds', '3']);
    try {
      const started = await rt.waitFor((l) => l.msg === 'started');
      const url = String(started.readyz);
      await until(
        async () => ((await ordersSince(db, new Date(0))) > 0 ? true : undefined),
        45_000,
        'first order',
      );

      // 1. The exchange answers 503 to everything: no intent is stored while /readyz says so.
      fake.faults.serverErrorRate = 1;
      const ex = await whileDown(url, 'exchange', async () => undefined, 5_000);
      const noNew = await ordersSince(db, ex.downSeenAt);
      fake.faults.serverErrorRate = 0;
      expect(noNew).toBe(0);
      const back1 = new Date();
      await tradesAgain(rt, db, url, back1);

      // 2. The exchange cuts every connection.
      fake.faults.dropRate = 1;
      const drop = await whileDown(url, 'exchange', async () => undefined, 4_000);
      const noNew2 = await ordersSince(db, drop.downSeenAt);
      fake.faults.dropRate = 0;
      expect(noNew2).toBe(0);
      await tradesAgain(rt, db, url, new Date());

      // 3. Over the rate limit: another client floods the candle and ticker groups, the runtime gets 429s.
      const flood = async (): Promise<void> => {
        await Promise.all(
          Array.from({ length: 30 }, (_, k) =>
            fetch(
              k % 2
                ? `${fake.url}/v1/ticker?markets=KRW-BTC`
                : `${fake.url}/v1/candles/minutes/5?market=KRW-BTC&count=1`,
            )
              .then((r) => r.arrayBuffer())
              .catch(() => undefined),
          ),
        );
      };
      const limited = await whileDown(url, 'exchange', flood, 3_000);
      expect(await ordersSince(db, limited.downSeenAt)).toBe(0);
      expect(fake.log.some((r) => r.status === 429)).toBe(true);
      await tradesAgain(rt, db, url, new Date());

      // Each outage was logged once as down and once as up; the process kept cycling throughout.
      for (const dep of ['exchange'])
        expect(rt.lines.some((l) => l.msg === 'dependency down' && l.dependency === dep)).toBe(true);
      // /metrics (same server as /readyz) counted the outages by endpoint and code, and the budget.
      const metrics = await (await fetch(url.replace(/\/readyz$/, '/metrics'))).text();
      expect(metrics).toMatch(
        /kubetrade_exchange_requests_total\{[^}]*endpoint="GET \/v1\/[^"]+",code="503"[^}]*\} [1-9]/,
      );
      expect(metrics).toMatch(/kubetrade_exchange_requests_total\{[^}]*code="200"[^}]*\} [1-9]/);
      expect(metrics).toMatch(/kubetrade_exchange_remaining_requests\{[^}]*group="[\w-]+"[^}]*\} \d/);
      expect((await rt.stop()).code).toBe(0);
      expect(rt.output()).not.toContain(TEST_KEYS.secretKey);
      // Every order the loop saw sent, every fill it booked and each arm's final equity are stored.
      await expectNothingLost(db, rt.lines);
    } finally {
      if (rt.child.exitCode === null && rt.child.signalCode === null) rt.child.kill('SIGKILL');
    }
  });
});
