// Two `kubetrade run` live runtimes of ONE bot against the fake Upbit, the real PostgreSQL and
// Redis (issue 6 "what it must show"): exactly one trades (every stored order carries the holder's
// fencing token); the holder paused (SIGSTOP) -> the other takes over within the lease time and
// trades; the paused one resumed (SIGCONT) creates no intent; the new holder SIGKILLed -> the
// first takes over again and trades. Secrets never appear in either runtime's output.
import { describe, expect, it } from 'vitest';
import { TEST_KEYS } from '../exchange/fake-upbit/test-fixture.ts';
import { type Line, liveEnv, type Runtime, startRuntime, until, useLiveWorld } from './live.fixture.ts';

const LEASE_SECONDS = 3;
/** Takeover bound: the lease time, plus one renew period of the standby (lease/3) and scheduling slack on the loaded machine. */
const TAKEOVER_MS = LEASE_SECONDS * 1000 + 3_000;

const world = useLiveWorld('lease', { maxConnections: 1 });

interface OrderRow {
  client_order_id: string;
  fencing_token: string;
  created_at: Date;
}
const storedOrders = async (): Promise<OrderRow[]> =>
  (
    await world().db.query<OrderRow>(
      'SELECT client_order_id, fencing_token, created_at FROM orders ORDER BY created_at',
    )
  ).rows;
const acquired = (rt: Runtime): Line[] => rt.lines.filter((l) => l.msg === 'lease acquired');
const sentOrders = (rt: Runtime): Line[] => rt.lines.filter((l) => l.msg === 'order');

describe('two live runtimes of one bot', () => {
  it('exactly one trades; pause -> takeover; resumed one is fenced; kill -> takeover', {
    timeout: 120_000,
  }, async () => {
    const { file, fake } = world();
    const env = liveEnv(world(), 'kt-lease-test');
    const args = ['--lease-seconds', String(LEASE_SECONDS)];
    const a = startRuntime(file, env, args);
    const b = startRuntime(file, env, args);
    try {
      // 1. Exactly one holder, and only it trades.
      await until(
        () => storedOrders().then((r) => (r.length >= 2 ? r : undefined)),
        60_000,
        'first orders',
      ).catch((e: Error) => {
        throw new Error(
          `${e.message}\n--- a:\n${a.output().slice(-3000)}\n--- b:\n${b.output().slice(-3000)}`,
        );
      });
      const [holder, standby] = acquired(a).length > 0 ? [a, b] : [b, a];
      expect(acquired(holder)).toHaveLength(1);
      expect(acquired(standby)).toHaveLength(0);
      expect(sentOrders(standby)).toHaveLength(0);
      const firstToken = String(acquired(holder)[0]!.token);
      for (const row of await storedOrders()) expect(row.fencing_token).toBe(firstToken);
      // The orders ON THE EXCHANGE: each one an intent the holder stored first, under its token.
      const tokenOf = async (): Promise<Map<string, string>> =>
        new Map((await storedOrders()).map((o) => [o.client_order_id, o.fencing_token]));
      const before = await tokenOf();
      expect(fake.book.orders.length).toBeGreaterThan(0);
      for (const o of fake.book.orders) expect(before.get(o.identifier ?? '')).toBe(firstToken);

      // 2. Pause the holder: the standby takes over within the lease time and trades.
      holder.child.kill('SIGSTOP');
      const paused = Date.now();
      const takeover = await standby.waitFor((l) => l.msg === 'lease acquired', TAKEOVER_MS + 2_000);
      expect(Date.now() - paused).toBeLessThan(TAKEOVER_MS);
      const secondToken = String(takeover.token);
      expect(Number(secondToken)).toBeGreaterThan(Number(firstToken));
      await until(
        () => storedOrders().then((r) => r.find((o) => o.fencing_token === secondToken)),
        30_000,
        'an order by the new holder',
      );
      // The paused holder's fills are in the store: the new holder rebuilt its arms from them.
      expect(standby.lines.some((l) => l.msg === 'arms restored' && (l.fills as number) > 0)).toBe(true);

      // 3. Resume the old holder: it must not create a single intent with its old token.
      const resumed = new Date();
      holder.child.kill('SIGCONT');
      await holder.waitFor(
        (l) =>
          l.msg === 'lease lost' || (l.msg === 'cycle' && Date.parse(String(l.time)) > resumed.getTime()),
        15_000,
      );
      await new Promise((r) => setTimeout(r, 3_000));
      const late = (await storedOrders()).filter(
        (o) => o.fencing_token === firstToken && o.created_at > resumed,
      );
      expect(late).toEqual([]);
      expect(acquired(holder)).toHaveLength(1);

      // 4. Kill the new holder: the first runtime takes over (a newer token) and trades again.
      standby.child.kill('SIGKILL');
      const killed = Date.now();
      await until(
        () => (acquired(holder).length >= 2 ? true : undefined),
        TAKEOVER_MS + 2_000,
        'takeover after SIGKILL',
      );
      expect(Date.now() - killed).toBeLessThan(TAKEOVER_MS + 1_000);
      const thirdToken = String(acquired(holder)[1]!.token);
      expect(Number(thirdToken)).toBeGreaterThan(Number(secondToken));
      await until(
        () => storedOrders().then((r) => r.find((o) => o.fencing_token === thirdToken)),
        30_000,
        'an order after the takeover',
      );
      // Every order on the exchange was stored first by a lease holder, each identifier once.
      const all = await tokenOf();
      const ids = fake.book.orders.map((o) => o.identifier ?? '');
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect([firstToken, secondToken, thirdToken]).toContain(all.get(id));
      // Every stored order came from a lease holder's token.
      for (const row of await storedOrders())
        expect([firstToken, secondToken, thirdToken]).toContain(row.fencing_token);

      expect((await holder.stop()).code).toBe(0);
    } finally {
      for (const rt of [a, b])
        if (rt.child.exitCode === null && rt.child.signalCode === null) rt.child.kill('SIGKILL');
    }
    for (const rt of [a, b]) {
      expect(rt.output()).not.toContain(TEST_KEYS.secretKey);
      expect(rt.output()).not.toContain(TEST_KEYS.accessKey);
    }
  });
});
