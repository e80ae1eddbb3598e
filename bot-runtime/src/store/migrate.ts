// Versioned SQL migrations (migrations/NNNN_name.sql), applied at start-up on PostgreSQL and PGlite.
// Idempotent: applied versions are recorded in schema_migrations with a checksum and skipped.
// Two processes starting at once never migrate together: everything runs in ONE transaction that
// first takes a transaction-scoped advisory lock (pg_advisory_xact_lock: released by COMMIT,
// ROLLBACK or a dead connection, so a crashed migrator cannot leave it held). The second migrator
// waits on the lock, then sees the first one's rows and applies nothing. PostgreSQL DDL is
// transactional, so a failing migration leaves no half-built schema. The lock key is per schema so
// tests that isolate themselves in schemas do not wait for each other.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.ts';
import { StoreError } from './errors.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
export const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

/** The migration files of `dir`, ordered by version. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = FILE_NAME.exec(file);
    if (!m) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    out.push({
      version: Number(m[1]),
      name: m[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  return out;
}

export interface MigrationResult {
  applied: number[];
  alreadyApplied: number[];
}

export async function migrate(
  db: Db,
  migrations: readonly Migration[] = loadMigrations(),
): Promise<MigrationResult> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('kubetrade.migrate.' || current_schema()))`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations',
    );
    const done = new Map(rows.map((r) => [Number(r.version), r.checksum]));
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const seen = done.get(m.version);
      if (seen !== undefined) {
        if (seen !== m.checksum) {
          throw new StoreError(
            'MIGRATION_CHANGED',
            `migration ${m.version}_${m.name} was edited after it was applied; add a new migration file instead`,
          );
        }
        result.alreadyApplied.push(m.version);
        continue;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      result.applied.push(m.version);
    }
    return result;
  });
}
