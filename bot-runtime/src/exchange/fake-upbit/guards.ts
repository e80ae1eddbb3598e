// The checks Upbit runs before it looks at a request: the JWT (HS512 signature, known access key),
// the query hash against the exact query sent, a nonce never seen before; and the per-group,
// per-second request budget reported in `Remaining-Req`. Error names follow docs.upbit.com.
import { hashedQuery, queryHash, verifyUpbitJwt } from '../upbit/auth.ts';

export { UPBIT_GROUP_LIMITS } from '../upbit/rate-limiter.ts';

import { UpbitApiError } from './book.ts';

export class Authenticator {
  readonly #keys: ReadonlyMap<string, string>;
  /** Nonces seen per access key, oldest first, bounded so a long demo cannot grow without limit. */
  readonly #nonces = new Map<string, Set<string>>();
  readonly #maxNonces: number;

  constructor(keys: ReadonlyMap<string, string>, maxNonces = 100_000) {
    this.#keys = keys;
    this.#maxNonces = maxNonces;
  }

  /**
   * Throws a 401 UpbitApiError, or returns the caller's access key. `query` is the unencoded
   * parameter string (hashedQuery / urlQueryForHash).
   */
  check(authorization: string | undefined, query: string): string {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined;
    if (!token)
      throw new UpbitApiError(
        401,
        'no_authorization_token',
        'Authorization header with a Bearer JWT is required',
      );
    const result = verifyUpbitJwt(token, (key) => this.#keys.get(key));
    if (!result.ok) {
      if (result.accessKey !== undefined && !this.#keys.has(result.accessKey)) {
        throw new UpbitApiError(401, 'invalid_access_key', 'unknown access key');
      }
      throw new UpbitApiError(401, 'jwt_verification', `JWT verification failed (${result.reason})`);
    }
    const { payload } = result;
    if (query !== '') {
      if (payload.query_hash_alg !== undefined && payload.query_hash_alg !== 'SHA512') {
        throw new UpbitApiError(401, 'invalid_query_payload', 'query_hash_alg must be SHA512');
      }
      if (payload.query_hash !== queryHash(query)) {
        throw new UpbitApiError(
          401,
          'invalid_query_payload',
          'query_hash does not match the request parameters',
        );
      }
    }
    let seen = this.#nonces.get(payload.access_key);
    if (!seen) {
      seen = new Set();
      this.#nonces.set(payload.access_key, seen);
    }
    if (seen.has(payload.nonce))
      throw new UpbitApiError(401, 'nonce_used', 'this nonce was already used; send a fresh one per request');
    seen.add(payload.nonce);
    if (seen.size > this.#maxNonces) seen.delete(seen.values().next().value!);
    return payload.access_key;
  }
}

/** The string Upbit hashes for a POST body: its fields, in order, as an unencoded query string. */
export function bodyQuery(body: Record<string, unknown>): string {
  const params: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined || v === null) continue;
    params[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return hashedQuery(params);
}

/** The string Upbit hashes for a GET/DELETE: the URL's query, percent-decoding undone. */
export function urlQueryForHash(rawSearch: string): string {
  const raw = rawSearch.replace(/^\?/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export class RequestBudget {
  readonly #limits: Readonly<Record<string, number>>;
  readonly #now: () => number;
  readonly #used = new Map<string, { window: number; count: number }>();

  constructor(limits: Readonly<Record<string, number>>, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Counts one request; returns the `Remaining-Req` value and whether it is over the limit. */
  take(group: string): { header: string; over: boolean } {
    const limit = this.#limits[group] ?? this.#limits.default ?? 30;
    const window = Math.floor(this.#now() / 1000);
    let used = this.#used.get(group);
    if (!used || used.window !== window) {
      used = { window, count: 0 };
      this.#used.set(group, used);
    }
    used.count += 1;
    const remaining = Math.max(0, limit - used.count);
    return { header: `group=${group}; min=1800; sec=${remaining}`, over: used.count > limit };
  }
}
