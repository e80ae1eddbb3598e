// The shared store suite on the real PostgreSQL, plus what only a server can show: two processes'
// worth of migrators and writers racing on separate connections.
import { describe, expect, inject, it } from 'vitest';
import { isStoreError } from './errors.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { describeStore } from './store-suite.ts';
import { intentFor, uniqueName } from './test-data.ts';
import { createTestSchema } from './test-schema.ts';
import { TradeStore } from './trade-store.ts';

describeStore('PostgreSQL', async () => {
  const schema = await createTestSchema(inject('databaseUrl'));
  const db = schema.connect();
  return {
    db,
    async cleanup() {
      await db.close();
      await schema.drop();
    },
  };
});

describe('PostgreSQL under concurrency', () => {
  it('two migrators starting at once: one applies, the other waits and applies nothing', async () => {
    const schema = await createTestSchema(inject('databaseUrl'));
    const a = schema.connect({ maxConnections: 1 });
    const b = schema.connect({ maxConnections: 1 });
    try {
      const results = await Promise.all([migrate(a), migrate(b), migrate(a), migrate(b)]);
      const appliedCounts = results.map((r) => r.applied.length).sort();
      // One migrator applies every migration file; the others wait for its lock and find nothing left.
      const files = loadMigrations().length;
      expect(files).toBeGreaterThan(1);
      expect(appliedCounts).toEqual([0, 0, 0, files]);
      const r = await a.query<{ n: string }>('SELECT count(*)::text AS n FROM schema_migrations');
      expect(Number(r.rows[0]!.n)).toBe(files);
    } finally {
      await a.close();
      await b.close();
      await schema.drop();
    }
  });

  it('racing writers of one bot on separate connections: the older token never lands after the newer', async () => {
    const schema = await createTestSchema(inject('databaseUrl'));
    const old = schema.connect({ maxConnections: 2 });
    const young = schema.connect({ maxConnections: 2 });
    try {
      await migrate(old);
      const bot = uniqueName('bot');
      const oldStore = new TradeStore(old);
      const youngStore = new TradeStore(young);
      // 20 rounds: each round both writers try at once; once token 2 wrote, token 1 must be FENCED.
      let youngWrote = false;
      for (let i = 0; i < 20; i++) {
        const [o, y] = await Promise.allSettled([
          oldStore.orders.createIntent(intentFor(bot, `old-${bot}-${i}`), 1),
          youngStore.orders.createIntent(intentFor(bot, `young-${bot}-${i}`), 2),
        ]);
        expect(y.status).toBe('fulfilled');
        if (youngWrote) {
          expect(o.status === 'rejected' && isStoreError(o.reason, 'FENCED')).toBe(true);
        }
        youngWrote = true;
      }
      const rows = await old.query<{ client_order_id: string }>(
        `SELECT client_order_id FROM orders WHERE bot = $1 AND fencing_token = 1 AND client_order_id NOT LIKE 'old-%-0'`,
        [bot],
      );
      expect(rows.rows).toEqual([]);
    } finally {
      await old.close();
      await young.close();
      await schema.drop();
    }
  });
});

describe('PgDb', () => {
  it('exec runs several statements; a failed transaction leaves nothing behind', async () => {
    const schema = await createTestSchema(inject('databaseUrl'));
    const db = schema.connect({ maxConnections: 1 });
    try {
      await db.exec(
        'CREATE TABLE t (x int PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);',
      );
      const err = await db
        .transaction(async (tx) => {
          await tx.query('INSERT INTO t VALUES (3)');
          await tx.query('INSERT INTO t VALUES (1)');
        })
        .catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('23505');
      const r = await db.query<{ x: number }>('SELECT x FROM t ORDER BY x');
      expect(r.rows.map((row) => row.x)).toEqual([1, 2]);
    } finally {
      await db.close();
      await schema.drop();
    }
  });
});
