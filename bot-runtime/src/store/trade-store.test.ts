import { PgliteDb } from './pglite-db.ts';
import { describeStore } from './store-suite.ts';

describeStore('PGlite (in memory)', async () => {
  const db = await PgliteDb.open();
  return { db, cleanup: () => db.close() };
});
