// The single-trader lease against the real Redis (and, for fencing, the real PostgreSQL).
// Every test uses its own key prefix; the shared servers are never stopped (a FaultProxy in front
// of Redis plays "unreachable" for one client only).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { FaultProxy, portOf, withPort } from '../safety/fault-proxy.ts';
import { isStoreError } from '../store/errors.ts';
import { migrate } from '../store/migrate.ts';
import { intentFor } from '../store/test-data.ts';
import { createTestSchema } from '../store/test-schema.ts';
import { TradeStore } from '../store/trade-store.ts';
import { LatestCache } from './latest-cache.ts';
import { connectRedis } from './redis-client.ts';
import { EXTEND, RELEASE } from './scripts.ts';
import { type LeaseEvent, TraderLease } from './trader-lease.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function prefix(): string {
  return `kt-test-${randomBytes(4).toString('hex')}`;
}

function redis(url = inject('redisUrl')): Redis {
  const r = connectRedis(url, { minBackoffMs: 50, maxBackoffMs: 200, commandTimeoutMs: 300 });
  cleanups.push(() => r.disconnect());
  return r;
}

function lease(r: Redis, cfg: ConstructorParameters<typeof TraderLease>[1]): TraderLease {
  const l = new TraderLease(r, cfg);
  cleanups.push(() => l.stop());
  return l;
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function ready(r: Redis): Promise<void> {
  await until('redis ready', () => r.status === 'ready');
}

describe('trader lease on Redis', () => {
  it('two contenders started at once: exactly one holds the lease', async () => {
    const p = prefix();
    const [ra, rb] = [redis(), redis()];
    await Promise.all([ready(ra), ready(rb)]);
    const a = lease(ra, { bot: 'b1', keyPrefix: p, ttlMs: 2_000 });
    const b = lease(rb, { bot: 'b1', keyPrefix: p, ttlMs: 2_000 });
    await Promise.all([a.start(), b.start()]);
    expect([a.isHeld(), b.isHeld()].filter(Boolean)).toHaveLength(1);
    const holder = a.isHeld() ? a : b;
    const other = holder === a ? b : a;
    expect(holder.fencingToken()).toBe(1);
    expect(() => other.fencingToken()).toThrow(/trader lease not held/);
    // Renewals keep it with the same holder for well over a TTL.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(holder.isHeld()).toBe(true);
    expect(other.isHeld()).toBe(false);
  });

  it('only the holder can renew or release (compare-and-extend, compare-and-delete)', async () => {
    const p = prefix();
    const r = redis();
    await ready(r);
    const a = lease(r, { bot: 'b1', keyPrefix: p, ttlMs: 5_000, holderId: 'holder-a' });
    await a.start();
    expect(Number(await r.eval(EXTEND, 1, `${p}:lease:b1`, 'intruder', '60000'))).toBe(0);
    expect(Number(await r.eval(RELEASE, 1, `${p}:lease:b1`, 'intruder'))).toBe(0);
    expect(await r.get(`${p}:lease:b1`)).toBe('holder-a');
    expect(await r.pttl(`${p}:lease:b1`)).toBeLessThanOrEqual(5_000);
    await a.stop();
    expect(await r.get(`${p}:lease:b1`)).toBeNull();
  });

  it('a holder that stops renewing (crash) is replaced within the TTL, with a newer token', async () => {
    const p = prefix();
    const ttlMs = 1_500;
    const [ra, rb] = [redis(), redis()];
    await Promise.all([ready(ra), ready(rb)]);
    const a = lease(ra, { bot: 'b1', keyPrefix: p, ttlMs });
    await a.start();
    const tokenA = a.fencingToken();
    const b = lease(rb, { bot: 'b1', keyPrefix: p, ttlMs });
    const events: LeaseEvent[] = [];
    b.on((e) => events.push(e));
    await b.start();
    expect(b.isHeld()).toBe(false);
    const crashedAt = Date.now();
    await a.stop({ release: false });
    await until('b acquires', () => b.isHeld(), ttlMs * 3);
    // The key expires at most ttl after A's last renewal; B retries every ttl/3.
    expect(Date.now() - crashedAt).toBeLessThanOrEqual(ttlMs + b.renewEveryMs + 1_000);
    expect(b.fencingToken()).toBeGreaterThan(tokenA);
    expect(events).toEqual([{ type: 'acquired', token: b.fencingToken() }]);
  });

  it('a graceful release hands over at the next attempt, not after the TTL', async () => {
    const p = prefix();
    const [ra, rb] = [redis(), redis()];
    await Promise.all([ready(ra), ready(rb)]);
    const a = lease(ra, { bot: 'b1', keyPrefix: p, ttlMs: 30_000, renewEveryMs: 200 });
    const b = lease(rb, { bot: 'b1', keyPrefix: p, ttlMs: 30_000, renewEveryMs: 200 });
    await a.start();
    await b.start();
    await a.stop();
    await until('b acquires', () => b.isHeld(), 5_000);
    expect(b.fencingToken()).toBe(2);
  });

  it('Redis unreachable: the holder gives the lease up once its TTL could have run out, then re-takes it', async () => {
    const p = prefix();
    const proxy = new FaultProxy(portOf(inject('redisUrl')));
    await proxy.up();
    cleanups.push(() => proxy.down());
    const r = redis(withPort(inject('redisUrl'), proxy.port));
    await ready(r);
    const ttlMs = 1_200;
    const a = lease(r, { bot: 'b1', keyPrefix: p, ttlMs });
    const events: LeaseEvent[] = [];
    a.on((e) => events.push(e));
    await a.start();
    const first = a.fencingToken();
    const cutAt = Date.now();
    await proxy.down();
    await until('lease lost', () => events.some((e) => e.type === 'lost'), ttlMs * 3);
    // Lost no later than the TTL after the last successful renewal (renewals run every ttl/3);
    // the slack is for timer lateness on a loaded shared machine. That it gives up BEFORE Redis
    // expires the key is exact arithmetic, unit-tested with an injected clock (trader-lease.test.ts).
    expect(Date.now() - cutAt).toBeLessThanOrEqual(ttlMs + 1_000);
    expect(a.isHeld()).toBe(false);
    expect(a.reason()).toMatch(/trader lease lost/);
    await proxy.up();
    await until('lease re-acquired', () => a.isHeld(), 10_000);
    expect(a.fencingToken()).toBeGreaterThan(first);
    expect(events.map((e) => e.type)).toEqual(['acquired', 'lost', 'acquired']);
  });

  it('a holder frozen with SIGSTOP cannot create an order intent after SIGCONT (fenced in PostgreSQL)', async () => {
    const p = prefix();
    const bot = `bot-${p}`;
    const ttlMs = 1_000;
    const schema = await createTestSchema(inject('databaseUrl'));
    cleanups.push(() => schema.drop());
    const db = schema.connect({ maxConnections: 2 });
    cleanups.push(() => db.close());
    await migrate(db);
    const store = new TradeStore(db);

    const child = spawnHolder([
      inject('redisUrl'),
      inject('databaseUrl'),
      schema.schema,
      p,
      bot,
      String(ttlMs),
    ]);
    const oldToken = Number((await child.line(/^acquired (\d+)$/))[1]);
    expect((await childWrite(child, 'before-pause')).trim()).toBe('result written');

    child.proc.kill('SIGSTOP');
    const r = redis();
    await ready(r);
    const b = lease(r, { bot, keyPrefix: p, ttlMs });
    await b.start();
    await until('b takes over from the frozen holder', () => b.isHeld(), ttlMs * 4);
    const newToken = b.fencingToken();
    expect(newToken).toBeGreaterThan(oldToken);
    expect((await store.orders.createIntent(intentFor(bot, 'by-new-holder'), newToken)).created).toBe(true);

    child.proc.kill('SIGCONT');
    expect((await childWrite(child, 'after-pause')).trim()).toBe('result FENCED');
    expect(await store.orders.order('after-pause')).toBeUndefined();
    const err = await store.orders.createIntent(intentFor(bot, 'again'), oldToken).catch((e: unknown) => e);
    expect(isStoreError(err, 'FENCED')).toBe(true);
  });

  it("a Redis that lost its fencing counter still hands out tokens above the store's fence", async () => {
    const p = prefix();
    const bot = `bot-${p}`;
    const schema = await createTestSchema(inject('databaseUrl'));
    cleanups.push(() => schema.drop());
    const db = schema.connect({ maxConnections: 2 });
    cleanups.push(() => db.close());
    await migrate(db);
    const store = new TradeStore(db);
    // An earlier holder wrote under token 41; then Redis restarted empty (no persistence).
    await store.orders.createIntent(intentFor(bot, 'before-restart'), 41);
    const r = redis();
    await ready(r);
    expect(await r.get(`${p}:fence:${bot}`)).toBeNull();

    const unfloored = lease(r, { bot, keyPrefix: p, ttlMs: 2_000 });
    await unfloored.start();
    // Without the floor the counter starts again at 1, and the store refuses every intent.
    expect(unfloored.fencingToken()).toBe(1);
    const fenced = await store.orders.createIntent(intentFor(bot, 'stuck'), 1).catch((e: unknown) => e);
    expect(isStoreError(fenced, 'FENCED')).toBe(true);
    await unfloored.stop();

    const floored = lease(r, {
      bot,
      keyPrefix: p,
      ttlMs: 2_000,
      tokenFloor: () => store.orders.fenceToken(bot),
    });
    await floored.start();
    expect(floored.fencingToken()).toBe(42);
    expect((await store.orders.createIntent(intentFor(bot, 'after-restart'), 42)).created).toBe(true);
    // The counter itself was raised, so the next acquisition (even without a floor) goes on from there.
    expect(Number(await r.get(`${p}:fence:${bot}`))).toBe(42);

    // A store that cannot be read: no acquisition, and the reason says why.
    await floored.stop();
    const blind = lease(r, {
      bot,
      keyPrefix: p,
      ttlMs: 2_000,
      tokenFloor: async () => {
        throw new Error('connect ECONNREFUSED');
      },
    });
    await blind.start();
    expect(blind.isHeld()).toBe(false);
    expect(blind.reason()).toMatch(/cannot read the store's fencing token.*ECONNREFUSED/);
  });

  it('caches the latest ticker and signals as JSON with a TTL', async () => {
    const p = prefix();
    const r = redis();
    await ready(r);
    const cache = new LatestCache(r, { keyPrefix: p, ttlMs: 5_000 });
    expect(await cache.setTicker('KRW-BTC', { price: 101_000_000, time: 1 })).toBe(true);
    expect(await cache.getTicker('KRW-BTC')).toEqual({ price: 101_000_000, time: 1 });
    expect(await r.pttl(`${p}:ticker:KRW-BTC`)).toBeGreaterThan(0);
    expect(await cache.getSignals('nobody')).toBeUndefined();
    await cache.setSignals('b1', [{ market: 'KRW-ETH', action: 'BUY' }]);
    expect(await cache.getSignals('b1')).toEqual([{ market: 'KRW-ETH', action: 'BUY' }]);
    await r.del(`${p}:ticker:KRW-BTC`, `${p}:signals:b1`);
  });
});

interface Holder {
  proc: ChildProcessWithoutNullStreams;
  line(re: RegExp): Promise<RegExpExecArray>;
}

function spawnHolder(args: string[]): Holder {
  const proc = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', 'paused-holder.ts'), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    proc.kill('SIGCONT');
    proc.kill('SIGKILL');
  });
  const lines: string[] = [];
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  let buf = '';
  proc.stdout.on('data', (d: string) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    lines.push(...parts);
  });
  proc.stderr.on('data', (d: string) => {
    stderr += d;
  });
  let seen = 0;
  return {
    proc,
    async line(re) {
      return until(
        `child line ${re} (stderr: ${stderr.slice(-500)})`,
        () => {
          for (; seen < lines.length; seen++) {
            const m = re.exec(lines[seen]!);
            if (m) {
              seen++;
              return m;
            }
          }
          return undefined;
        },
        30_000,
      );
    },
  };
}

async function childWrite(child: Holder, id: string): Promise<string> {
  child.proc.stdin.write(`write ${id}\n`);
  return (await child.line(/^result .*/))[0];
}
