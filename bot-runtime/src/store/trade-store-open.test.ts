// Opening the store: engine choice from the environment, and PGlite in a data directory keeping
// its data (and its migration record) across a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import { intentFor } from './test-data.ts';
import { openTradeStore, storeOptionsFromEnv } from './trade-store.ts';

describe('openTradeStore', () => {
  it('picks PostgreSQL from DATABASE_URL, else a PGlite data dir, else PGlite in memory', () => {
    expect(
      storeOptionsFromEnv({ DATABASE_URL: 'postgres://x@127.0.0.1/db', KUBETRADE_DATA_DIR: '/d' }),
    ).toEqual({
      databaseUrl: 'postgres://x@127.0.0.1/db',
    });
    expect(storeOptionsFromEnv({ KUBETRADE_DATA_DIR: '/d' })).toEqual({ dataDir: '/d' });
    expect(storeOptionsFromEnv({})).toEqual({});
  });

  it('PGlite in a data directory keeps orders across a restart and does not migrate twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-pglite-'));
    try {
      const first = await openTradeStore({ dataDir: dir });
      expect(first.db.kind).toBe('pglite');
      await first.orders.createIntent(intentFor('bot-a', 'kt-persisted'), 3);
      await first.close();

      const second = await openTradeStore({ dataDir: dir });
      try {
        expect((await second.orders.order('kt-persisted'))?.intent.bot).toBe('bot-a');
        expect(await second.orders.fenceToken('bot-a')).toBe(3);
        expect((await migrate(second.db)).applied).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
