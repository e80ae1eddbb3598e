// One live runtime (real process) against the fake Upbit, the real PostgreSQL and Redis, with each
// dependency failing in turn (issue 6 item 5, "fail closed"): the exchange answering 5xx, the
// exchange cutting connections, Redis connections killed (CLIENT KILL from a second connection),
// PostgreSQL backends terminated (pg_terminate_backend by the runtime's application_name). Each
// case: /readyz says 503 naming the dependency, no intent is stored while the exchange is down,
// and trading resumes by itself. The shared servers are never stopped.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FakeUpbit } from '../exchange/fake-upbit/server.ts';
import { TEST_KEYS } from '../exchange/fake-upbit/test-fixture.ts';
import { migrate } from '../store/migrate.ts';
import type { PgDb } from '../store/pg-db.ts';
import { createTestSchema, type TestSchema } from '../store/test-schema.ts';
import { type Runtime, startRuntime, startSyntheticFake, until, writeLiveBot } from './live.fixture.ts';

let fake: FakeUpbit;
let schema: TestSchema;
let db: PgDb;
let redis: Redis;
let dir: string;
let file: string;

beforeAll(async () => {
  fake = await startSyntheticFake();
  schema = await createTestSchema(inject('databaseUrl'), 'kt_live_faults');
  db = schema.connect({ maxConnections: 2 });
  await migrate(db);
  redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
  dir = await mkdtemp(join(tmpdir(), 'kt-live-faults-'));
  file = await writeLiveBot(dir, 'fault-bot', fake.url);
}, 60_000);
afterAll(async () => {
  redis?.disconnect();
  await db?.close();
  await schema?.drop();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ordersSince = async (t: Date): Promise<number> =>
  Number(
    (
      await db.query<{ n: string }>('SELECT count(*)::text AS n FROM orders WHERE created_at > $1', [
        t.toISOString(),
      ])
    ).rows[0]!.n,
  );

async function readyz(url: string): Promise<{ status: number; reasons: string[] }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { reasons?: string[] };
    return { status: res.status, reasons: body.reasons ?? [] };
  } catch {
    return { status: 0, reasons: [] };
  }
}

/** Runs `fault` repeatedly (or once) until /readyz names `dependency`; returns the 503 reasons seen. */
async function whileDown(
  url: string,
  dependency: string,
  inject: () => Promise<void>,
  holdMs: number,
): Promise<{ reasons: string[]; downSeenAt: Date }> {
  let down: { reasons: string[]; downSeenAt: Date } | undefined;
  const end = Date.now() + 20_000;
  let holdUntil = Number.POSITIVE_INFINITY;
  while (Date.now() < Math.min(end, holdUntil)) {
    await inject();
    const r = await readyz(url);
    if (!down && r.status === 503 && r.reasons.some((x) => x.startsWith(`${dependency}:`))) {
      down = { reasons: r.reasons, downSeenAt: new Date() };
      holdUntil = Date.now() + holdMs;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  if (!down) throw new Error(`/readyz never reported ${dependency} down`);
  return down;
}

async function tradesAgain(rt: Runtime, url: string, after: Date): Promise<void> {
  await until(
    async () => ((await readyz(url)).status === 200 ? true : undefined),
    30_000,
    '/readyz 200 again',
  );
  await until(
    async () => ((await ordersSince(after)) > 0 ? true : undefined),
    40_000,
    'a new order after recovery',
  );
  expect(rt.child.exitCode).toBeNull();
}

describe('a live runtime whose dependencies fail', () => {
  it('fails closed on each dependency, names it in /readyz, and resumes by itself', {
    timeout: 150_000,
  }, async () => {
    const prefix = `kt-faults-${process.pid}-${Date.now()}`;
    const rt = startRuntime(
      file,
      {
        DATABASE_URL: inject('databaseUrl'),
        KUBETRADE_DB_SCHEMA: schema.schema,
        REDIS_URL: inject('redisUrl'),
        KUBETRADE_REDIS_PREFIX: prefix,
      },
      ['--lease-seconds', '3'],
    );
    try {
      const started = await rt.waitFor((l) => l.msg === 'started');
      const url = String(started.readyz);
      const pid = String(started.instance);
      await until(
        async () => ((await ordersSince(new Date(0))) > 0 ? true : undefined),
        45_000,
        'first order',
      );

      // 1. The exchange answers 503 to everything: no intent is stored while /readyz says so.
      fake.faults.serverErrorRate = 1;
      const ex = await whileDown(url, 'exchange', async () => undefined, 5_000);
      const noNew = await ordersSince(ex.downSeenAt);
      fake.faults.serverErrorRate = 0;
      expect(noNew).toBe(0);
      const back1 = new Date();
      await tradesAgain(rt, url, back1);

      // 2. The exchange cuts every connection.
      fake.faults.dropRate = 1;
      const drop = await whileDown(url, 'exchange', async () => undefined, 4_000);
      const noNew2 = await ordersSince(drop.downSeenAt);
      fake.faults.dropRate = 0;
      expect(noNew2).toBe(0);
      await tradesAgain(rt, url, new Date());

      // 3. Redis: every connection of this runtime killed from a second connection, again and again.
      const name = `kubetrade-fault-bot-${pid}`;
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
      await tradesAgain(rt, url, new Date());

      // 4. PostgreSQL: every backend with the runtime's application name terminated, repeatedly.
      const killPg = async (): Promise<void> => {
        await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
          `kubetrade-run-${pid}`,
        ]);
      };
      const pg = await whileDown(url, 'postgres', killPg, 2_000);
      expect(pg.reasons.join('\n')).toMatch(/^postgres: /m);
      await tradesAgain(rt, url, new Date());

      // Each outage was logged once as down and once as up; the process kept cycling throughout.
      for (const dep of ['exchange', 'redis', 'postgres'])
        expect(rt.lines.some((l) => l.msg === 'dependency down' && l.dependency === dep)).toBe(true);
      rt.child.kill('SIGTERM');
      expect((await rt.exited).code).toBe(0);
      expect(rt.output()).not.toContain(TEST_KEYS.secretKey);
    } finally {
      if (rt.child.exitCode === null && rt.child.signalCode === null) rt.child.kill('SIGKILL');
    }
  });
});
