// The model registry in PostgreSQL (migration 0003_model_registry.sql): versioned ONNX models with
// hash, metrics, state and reason, readable by every runtime replica. Writes happen in one
// transaction under a per-name advisory lock, so two trainers can never both promote (the CronJob
// also forbids concurrent runs); the runtime only reads.
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../store/db.ts';
import { fromTimestamp } from '../store/numeric.ts';
import type { PromotionDecision } from './promotion.ts';

export type ModelState = 'promoted' | 'candidate' | 'retired';

export type RegistryErrorCode = 'NOT_FOUND' | 'DUPLICATE_VERSION' | 'CORRUPT';

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  constructor(code: RegistryErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'RegistryError';
    this.code = code;
  }
}

/** The cheap per-cycle answer: which version of a model is served now. */
export interface PromotedRef {
  version: string;
  sha256: string;
}

export interface NewModel {
  name: string;
  version: string;
  /** lgbm | lstm. */
  kind: string;
  onnx: Uint8Array;
  score: number;
  metrics: unknown;
}

export interface ModelRecord extends PromotedRef {
  name: string;
  kind: string;
  score: number;
  metrics: unknown;
  state: ModelState;
  reason: string;
  createdAt: number;
  promotedAt?: number;
  retiredAt?: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const COLUMNS =
  'name, version, kind, sha256, score, metrics, state, reason, created_at, promoted_at, retired_at';

function toRecord(r: Record<string, unknown>): ModelRecord {
  return {
    name: r.name as string,
    version: r.version as string,
    kind: r.kind as string,
    sha256: r.sha256 as string,
    score: Number(r.score),
    metrics: typeof r.metrics === 'string' ? JSON.parse(r.metrics) : r.metrics,
    state: r.state as ModelState,
    reason: r.reason as string,
    createdAt: fromTimestamp(r.created_at),
    ...(r.promoted_at != null ? { promotedAt: fromTimestamp(r.promoted_at) } : {}),
    ...(r.retired_at != null ? { retiredAt: fromTimestamp(r.retired_at) } : {}),
  };
}

export class ModelRegistry {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** One indexed row: what the runtime compares each cycle to notice a promotion. */
  async promoted(name: string): Promise<PromotedRef | undefined> {
    const r = await this.#db.query<{ version: string; sha256: string }>(
      `SELECT version, sha256 FROM model_versions WHERE name = $1 AND state = 'promoted'`,
      [name],
    );
    const row = r.rows[0];
    return row ? { version: row.version, sha256: row.sha256 } : undefined;
  }

  /** The ONNX bytes of one version, checked against the stored hash. */
  async onnx(name: string, version: string): Promise<Uint8Array> {
    // bytea travels as base64 text: the Db seam binds strings, and PGlite and pg decode it alike.
    const r = await this.#db.query<{ b64: string; sha256: string }>(
      `SELECT encode(onnx, 'base64') AS b64, sha256 FROM model_versions WHERE name = $1 AND version = $2`,
      [name, version],
    );
    const row = r.rows[0];
    if (!row) throw new RegistryError('NOT_FOUND', `model ${name} version ${version} is not in the registry`);
    const bytes = new Uint8Array(Buffer.from(row.b64, 'base64'));
    if (sha256Hex(bytes) !== row.sha256) {
      throw new RegistryError(
        'CORRUPT',
        `model ${name} version ${version}: bytes do not match the stored sha256`,
      );
    }
    return bytes;
  }

  async get(name: string, version: string): Promise<ModelRecord | undefined> {
    const r = await this.#db.query(`SELECT ${COLUMNS} FROM model_versions WHERE name = $1 AND version = $2`, [
      name,
      version,
    ]);
    return r.rows[0] ? toRecord(r.rows[0]) : undefined;
  }

  /** Every version of a model, oldest first. */
  async list(name: string): Promise<ModelRecord[]> {
    const r = await this.#db.query(
      `SELECT ${COLUMNS} FROM model_versions WHERE name = $1 ORDER BY created_at, version`,
      [name],
    );
    return r.rows.map(toRecord);
  }

  /**
   * Stores a trained model as decided: promoted (the previous promoted version is retired in the
   * same transaction) or kept as a candidate with the reason.
   */
  async add(model: NewModel, decision: PromotionDecision): Promise<ModelRecord> {
    return this.#db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('kubetrade.model.' || $1))`, [model.name]);
      const exists = await tx.query('SELECT 1 FROM model_versions WHERE name = $1 AND version = $2', [
        model.name,
        model.version,
      ]);
      if (exists.rowCount > 0) {
        throw new RegistryError(
          'DUPLICATE_VERSION',
          `model ${model.name} version ${model.version} already exists`,
        );
      }
      if (decision.promote) await retirePromoted(tx, model.name);
      const r = await tx.query(
        `INSERT INTO model_versions (name, version, kind, sha256, onnx, score, metrics, state, reason, promoted_at)
         VALUES ($1, $2, $3, $4, decode($5, 'base64'), $6, $7::jsonb, $8, $9, ${decision.promote ? 'now()' : 'NULL'})
         RETURNING ${COLUMNS}`,
        [
          model.name,
          model.version,
          model.kind,
          sha256Hex(model.onnx),
          Buffer.from(model.onnx).toString('base64'),
          model.score,
          JSON.stringify(model.metrics),
          decision.promote ? 'promoted' : 'candidate',
          decision.reason,
        ],
      );
      return toRecord(r.rows[0]!);
    });
  }
}

async function retirePromoted(tx: Queryable, name: string): Promise<void> {
  await tx.query(
    `UPDATE model_versions SET state = 'retired', retired_at = now() WHERE name = $1 AND state = 'promoted'`,
    [name],
  );
}
