import { describe, expect, it } from 'vitest';
import { classifyDbError, isStoreError, StoreError } from './errors.ts';

describe('classifyDbError', () => {
  const unavailable = [
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    Object.assign(new Error('connection failure'), { code: '08006' }),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
  ];
  for (const err of unavailable) {
    it(`"${err.message}" is UNAVAILABLE, with the cause kept`, () => {
      const out = classifyDbError(err);
      expect(isStoreError(out, 'UNAVAILABLE')).toBe(true);
      expect((out as StoreError).message).toMatch(/no data of this call was written/);
      expect((out as StoreError).cause).toBe(err);
    });
  }

  it('leaves SQL errors and store errors as they are', () => {
    const unique = Object.assign(new Error('duplicate key value'), { code: '23505' });
    expect(classifyDbError(unique)).toBe(unique);
    const fenced = new StoreError('FENCED', 'stale');
    expect(classifyDbError(fenced)).toBe(fenced);
  });
});
