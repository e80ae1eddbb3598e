// Upbit's JWT authentication (docs.upbit.com "인증"): HS512 over {access_key, nonce, [query_hash,
// query_hash_alg]}. `query_hash` is the SHA512 hex of the request's parameters written as a query
// string (GET/DELETE: the URL's; POST: the JSON body's fields in order), unencoded (hashedQuery). A fresh UUID v4 nonce per call: Upbit refuses a
// reused one (`nonce_used`). Built on node:crypto; no JWT dependency for three base64url segments.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { ExchangeError, registerSecret } from '../errors.ts';

export interface UpbitCredentials {
  accessKey: string;
  secretKey: string;
}

export type QueryValue = string | number | readonly (string | number)[];
export type QueryParams = Readonly<Record<string, QueryValue | undefined>>;

/**
 * Credentials come only from the environment (the operator mounts the Secret as env in live mode).
 * The values are registered for redaction before anything else can see them.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): UpbitCredentials {
  const accessKey = env.UPBIT_ACCESS_KEY ?? '';
  const secretKey = env.UPBIT_SECRET_KEY ?? '';
  registerSecret(accessKey);
  registerSecret(secretKey);
  if (accessKey === '' || secretKey === '') {
    throw new ExchangeError(
      'EXCHANGE_CREDENTIALS_MISSING',
      'auth',
      'set UPBIT_ACCESS_KEY and UPBIT_SECRET_KEY in the environment (spec.credentialsSecretRef names the Secret the operator mounts)',
    );
  }
  return { accessKey, secretKey };
}

/**
 * The query string as sent on the URL: parameters in the caller's order, arrays as `key[]=v`
 * repeated, values percent-encoded (brackets literal, as Upbit's examples send them).
 */
export function queryString(params: QueryParams): string {
  return join(params, encodeURIComponent);
}

/**
 * The string `query_hash` is computed over: the same parameters NOT percent-encoded, which is what
 * Upbit's own example builds (`unquote(urlencode(params, doseq=True))`). For every parameter the
 * runtime signs today (uuid, identifier `kt-<hex>`, market, side, ord_type, decimals) both forms are
 * byte-identical; they differ only for values with reserved characters (a `to` time's colons).
 */
export function hashedQuery(params: QueryParams): string {
  return join(params, String);
}

function join(params: QueryParams, encode: (v: string) => string): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const v of value) parts.push(`${key}[]=${encode(String(v))}`);
    } else {
      parts.push(`${key}=${encode(String(value))}`);
    }
  }
  return parts.join('&');
}

export function queryHash(query: string): string {
  return createHash('sha512').update(query, 'utf8').digest('hex');
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

const HEADER = base64url(JSON.stringify({ alg: 'HS512', typ: 'JWT' }));

export interface UpbitJwtPayload {
  access_key: string;
  nonce: string;
  query_hash?: string;
  query_hash_alg?: 'SHA512';
}

/** A signed token for one call. `query` is hashedQuery(params) (empty: no parameters, no query_hash). */
export function signUpbitJwt(creds: UpbitCredentials, query: string, nonce: string = randomUUID()): string {
  const payload: UpbitJwtPayload = { access_key: creds.accessKey, nonce };
  if (query !== '') {
    payload.query_hash = queryHash(query);
    payload.query_hash_alg = 'SHA512';
  }
  const body = `${HEADER}.${base64url(JSON.stringify(payload))}`;
  const signature = createHmac('sha512', creds.secretKey).update(body).digest('base64url');
  return `${body}.${signature}`;
}

export type JwtCheck =
  | { ok: true; payload: UpbitJwtPayload }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'bad_algorithm' };

/** Verifies an HS512 token against `secretKey` (the fake exchange's side of the handshake). */
export function verifyUpbitJwt(
  token: string,
  secretOf: (accessKey: string) => string | undefined,
): JwtCheck & {
  accessKey?: string;
} {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: unknown };
  let payload: Partial<UpbitJwtPayload>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (header.alg !== 'HS512') return { ok: false, reason: 'bad_algorithm' };
  if (typeof payload.access_key !== 'string' || typeof payload.nonce !== 'string') {
    return { ok: false, reason: 'malformed' };
  }
  const secret = secretOf(payload.access_key);
  if (secret === undefined) return { ok: false, reason: 'bad_signature', accessKey: payload.access_key };
  const expected = createHmac('sha512', secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature', accessKey: payload.access_key };
  }
  return { ok: true, payload: payload as UpbitJwtPayload, accessKey: payload.access_key };
}
