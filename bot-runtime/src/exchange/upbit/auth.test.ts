import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isExchangeError } from '../errors.ts';
import {
  credentialsFromEnv,
  hashedQuery,
  queryHash,
  queryString,
  signUpbitJwt,
  verifyUpbitJwt,
} from './auth.ts';

const creds = { accessKey: 'test-access-key-0001', secretKey: 'test-secret-key-0001-abcdefghijklmnop' };

function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.') as [string, string];
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()),
  };
}

describe('Upbit JWT', () => {
  it('is an HS512 token whose signature an independent HMAC-SHA512 reproduces', () => {
    const token = signUpbitJwt(creds, '');
    const [h, p, s] = token.split('.') as [string, string, string];
    const expected = createHmac('sha512', creds.secretKey).update(`${h}.${p}`).digest('base64url');
    expect(s).toBe(expected);
    const { header, payload } = decode(token);
    expect(header).toEqual({ alg: 'HS512', typ: 'JWT' });
    expect(payload.access_key).toBe(creds.accessKey);
    expect(payload.nonce).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(payload).not.toHaveProperty('query_hash');
  });

  it('uses a fresh nonce on every call', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => decode(signUpbitJwt(creds, '')).payload.nonce));
    expect(nonces.size).toBe(50);
  });

  it('sends a percent-encoded query and hashes the same parameters unencoded with SHA512', () => {
    const params = { market: 'KRW-BTC', count: 3, to: '2026-01-01T00:00:00Z' };
    expect(queryString(params)).toBe('market=KRW-BTC&count=3&to=2026-01-01T00%3A00%3A00Z');
    const hashed = hashedQuery(params);
    expect(hashed).toBe('market=KRW-BTC&count=3&to=2026-01-01T00:00:00Z');
    const { payload } = decode(signUpbitJwt(creds, hashed));
    expect(payload.query_hash).toBe(createHash('sha512').update(hashed).digest('hex'));
    expect(payload.query_hash_alg).toBe('SHA512');
  });

  it('writes array parameters as key[]=v with literal brackets, as Upbit hashes them', () => {
    expect(queryString({ states: ['wait', 'watch'], market: 'KRW-ETH' })).toBe(
      'states[]=wait&states[]=watch&market=KRW-ETH',
    );
  });

  it('hashes a POST body as the query string of its fields in order', () => {
    const body = { market: 'KRW-BTC', side: 'bid', ord_type: 'price', price: '10000', identifier: 'kt-1' };
    const query = hashedQuery(body);
    expect(query).toBe('market=KRW-BTC&side=bid&ord_type=price&price=10000&identifier=kt-1');
    expect(queryHash(query)).toBe(createHash('sha512').update(query).digest('hex'));
  });

  it('verifies its own tokens and refuses a wrong secret or a tampered payload', () => {
    const token = signUpbitJwt(creds, 'a=1');
    expect(verifyUpbitJwt(token, () => creds.secretKey).ok).toBe(true);
    expect(verifyUpbitJwt(token, () => 'another-secret-key-xyz')).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ access_key: creds.accessKey, nonce: 'n' })).toString(
      'base64url',
    );
    expect(verifyUpbitJwt(`${h}.${forged}.${s}`, () => creds.secretKey)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('takes credentials only from the environment and names the variables when they are missing', () => {
    expect(
      credentialsFromEnv({ UPBIT_ACCESS_KEY: 'a-key-123456', UPBIT_SECRET_KEY: 's-key-123456' }),
    ).toEqual({
      accessKey: 'a-key-123456',
      secretKey: 's-key-123456',
    });
    try {
      credentialsFromEnv({ UPBIT_ACCESS_KEY: 'a-key-123456' });
      expect.unreachable();
    } catch (error) {
      expect(isExchangeError(error, 'EXCHANGE_CREDENTIALS_MISSING')).toBe(true);
      expect((error as Error).message).toContain('UPBIT_SECRET_KEY');
    }
  });
});
