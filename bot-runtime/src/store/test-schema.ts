// Test isolation on the shared PostgreSQL: every test file works in a schema of its own, dropped
// afterwards, so files running in parallel (and other engineers' tests) never see each other's rows.
import { randomBytes } from 'node:crypto';
import { PgDb, type PgDbOptions, quoteIdent } from './pg-db.ts';

export interface TestSchema {
  schema: string;
  /** A pool confined to the schema (search_path); the caller closes it. A connectionString
   * overrides the server's URL (e.g. to go through a FaultProxy). */
  connect(opts?: Omit<PgDbOptions, 'connectionString' | 'schema'> & { connectionString?: string }): PgDb;
  drop(): Promise<void>;
}

export async function createTestSchema(databaseUrl: string, prefix = 'kt_store'): Promise<TestSchema> {
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new PgDb({ connectionString: databaseUrl, maxConnections: 1 });
  await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  return {
    schema,
    connect: (opts = {}) => new PgDb({ connectionString: databaseUrl, schema, ...opts }),
    async drop() {
      try {
        await admin.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
      } finally {
        await admin.close();
      }
    },
  };
}
