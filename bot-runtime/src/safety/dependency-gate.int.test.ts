// Fail closed against the real PostgreSQL and Redis: each dependency made unreachable for this
// test's clients only (Redis CLIENT KILL on our own connection id; a FaultProxy in front of
// either server), never by stopping the shared servers.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { connectRedis } from '../lease/redis-client.ts';
import { TraderLease } from '../lease/trader-lease.ts';
import { isStoreError } from '../store/errors.ts';
import { migrate } from '../store/migrate.ts';
import type { PgDb } from '../store/pg-db.ts';
import { intentFor } from '../store/test-data.ts';
import { createTestSchema } from '../store/test-schema.ts';
import { TradeStore } from '../store/trade-store.ts';
import { DependencyGate, type GateLogRecord } from './dependency-gate.ts';
import { FaultProxy, portOf, withPort } from './fault-proxy.ts';
import { wireDependencies } from './probes.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Rig {
  gate: DependencyGate;
  logs: GateLogRecord[];
  store: TradeStore;
  db: PgDb;
  admin: PgDb;
  redisProxy: FaultProxy;
  pgProxy: FaultProxy;
  bot: string;
  lease: TraderLease;
  redisConn: ReturnType<typeof connectRedis>;
}

async function rig(): Promise<Rig> {
  const schema = await createTestSchema(inject('databaseUrl'));
  cleanups.push(() => schema.drop());
  const admin = schema.connect({ maxConnections: 2 });
  cleanups.push(() => admin.close());
  await migrate(admin);
  const pgProxy = new FaultProxy(portOf(inject('databaseUrl')));
  await pgProxy.up();
  cleanups.push(() => pgProxy.down());
  const db = schema.connect({
    maxConnections: 2,
    connectTimeoutMs: 500,
    applicationName: `kt-gate-${schema.schema}`,
    connectionString: withPort(inject('databaseUrl'), pgProxy.port),
  });
  cleanups.push(() => db.close());
  const redisProxy = new FaultProxy(portOf(inject('redisUrl')));
  await redisProxy.up();
  cleanups.push(() => redisProxy.down());
  const redisConn = connectRedis(withPort(inject('redisUrl'), redisProxy.port), {
    minBackoffMs: 50,
    maxBackoffMs: 200,
    commandTimeoutMs: 300,
  });
  cleanups.push(() => redisConn.disconnect());
  const bot = `bot-${randomBytes(4).toString('hex')}`;
  const lease = new TraderLease(redisConn, { bot, keyPrefix: `kt-test-${bot}`, ttlMs: 1_200 });
  cleanups.push(() => lease.stop());
  const logs: GateLogRecord[] = [];
  const gate = new DependencyGate({ log: (r) => logs.push(r) });
  const store = new TradeStore(db);
  const unhook = wireDependencies(gate, {
    store,
    redis: redisConn,
    lease,
    exchangeCheck: async () => undefined,
    probeTimeoutMs: 500,
  });
  cleanups.push(unhook);
  cleanups.push(() => gate.stop());
  await until('redis ready', () => redisConn.status === 'ready');
  await lease.start();
  await gate.start(100);
  await until('gate open', () => gate.canOpenPositions());
  return { gate, logs, store, db, admin, redisProxy, pgProxy, bot, lease, redisConn };
}

const transitions = (logs: GateLogRecord[], dep: string) =>
  logs.filter((l) => l.dependency === dep).map((l) => l.msg.replace('dependency ', ''));

describe('fail closed on real PostgreSQL and Redis', () => {
  it('Redis connection killed (CLIENT KILL): the gate closes, then reopens by itself', async () => {
    const r = await rig();
    const id = await r.redisConn.client('ID');
    const killer = connectRedis(inject('redisUrl'));
    cleanups.push(() => killer.disconnect());
    await until('killer ready', () => killer.status === 'ready');
    expect(await killer.client('KILL', 'ID', String(id))).toBe(1);
    await until('redis down seen', () => transitions(r.logs, 'redis').includes('down'));
    await until('gate reopened', () => r.gate.canOpenPositions());
    expect(transitions(r.logs, 'redis')).toEqual(['up', 'down', 'up']);
    expect(r.lease.isHeld()).toBe(true);
  });

  it('Redis unreachable beyond the lease TTL: no trading at all (lease lost), then back with a new token', async () => {
    const r = await rig();
    const token = r.lease.fencingToken();
    await r.redisProxy.down();
    await until('lease lost', () => !r.gate.canClosePositions());
    expect(r.gate.canOpenPositions()).toBe(false);
    expect(r.gate.readiness().reasons.join('; ')).toMatch(/redis: .*; lease: .*trader lease lost/);
    await r.redisProxy.up();
    await until('gate reopened', () => r.gate.canOpenPositions(), 20_000);
    expect(r.lease.fencingToken()).toBeGreaterThan(token);
  });

  it('PostgreSQL unreachable: the gate closes, an intent fails as UNAVAILABLE with nothing written, then recovers', async () => {
    const r = await rig();
    await r.pgProxy.down();
    await until('postgres down', () => !r.gate.canOpenPositions());
    expect(r.gate.readiness().reasons[0]).toMatch(/^postgres: /);
    const intent = intentFor(r.bot, `kt-${r.bot}-down`);
    const err = await r.store.orders.createIntent(intent, r.lease.fencingToken()).catch((e: unknown) => e);
    expect(isStoreError(err, 'UNAVAILABLE')).toBe(true);
    const seen = await r.admin.query('SELECT 1 FROM orders WHERE client_order_id = $1', [
      intent.clientOrderId,
    ]);
    expect(seen.rowCount).toBe(0);
    await r.pgProxy.up();
    await until('gate reopened', () => r.gate.canOpenPositions());
    expect((await r.store.orders.createIntent(intent, r.lease.fencingToken())).created).toBe(true);
    expect(transitions(r.logs, 'postgres')).toEqual(['up', 'down', 'up']);
  });

  it('a backend terminated mid-transaction (pg_terminate_backend) leaves nothing half-written', async () => {
    const r = await rig();
    const id = `kt-${r.bot}-half`;
    const err = await r.db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO trader_fences (bot, token) VALUES ($1, 99)`, [r.bot]);
        const pid = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await r.admin.query('SELECT pg_terminate_backend($1)', [pid.rows[0]!.pid]);
        await tx.query(
          `INSERT INTO orders (client_order_id, bot, revision, arm, market, side, quote_amount, decision_time,
             confidence, signal, fencing_token) VALUES ($1, $2, 'r', 'a', 'KRW-BTC', 'buy', 5000, now(), 0.9, '{}', 99)`,
          [id, r.bot],
        );
      })
      .catch((e: unknown) => e);
    expect(isStoreError(err, 'UNAVAILABLE')).toBe(true);
    const fences = await r.admin.query('SELECT 1 FROM trader_fences WHERE bot = $1', [r.bot]);
    const orders = await r.admin.query('SELECT 1 FROM orders WHERE client_order_id = $1', [id]);
    expect([fences.rowCount, orders.rowCount]).toEqual([0, 0]);
    // The pool replaced the dead connection: the next call works.
    await until(
      'store usable again',
      async () =>
        await r.store
          .ping()
          .then(() => true)
          .catch(() => false),
    );
  });
});
