// One HTTP call to Upbit with everything a call needs: signing, a timeout (AbortSignal.timeout),
// the per-group rate limit, back-off on 429, a stop on 418, and retries ONLY for idempotent calls.
// A POST that timed out or lost its connection is never re-sent here: its outcome is unknown and only
// a lookup by identifier can settle it (the broker does that, see execution/upbit-broker.ts).
import { ExchangeError, redact } from '../errors.ts';
import { hashedQuery, type QueryParams, queryString, signUpbitJwt, type UpbitCredentials } from './auth.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface TransportConfig {
  /** e.g. https://api.upbit.com (spec.exchange.baseUrl); `/v1` is added here. */
  baseUrl: string;
  credentials?: UpbitCredentials;
  /** Per-call timeout; Upbit answers in well under a second, 10 s means something is wrong. */
  timeoutMs: number;
  /** Attempts for idempotent calls on timeout / network error / 5xx, and for any call on 429. */
  maxAttempts: number;
  limiter: RateLimiter;
  /** Receives one line per notable event (retry, back-off, block); lines are already redacted. */
  log?: (line: string) => void;
  /** Sees every request's outcome (for metrics): no ids, no parameters, no credentials. */
  observe?: ExchangeObserver;
}

/** One request's outcome: `code` is the HTTP status, or `timeout` / `unreachable` without one. */
export interface ExchangeObservation {
  endpoint: string;
  code: string;
  /** The raw `Remaining-Req` header, e.g. `group=order; min=199; sec=7`, when the answer had one. */
  remainingReq: string | null;
}
export type ExchangeObserver = (o: ExchangeObservation) => void;

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ATTEMPTS = 4;

export interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  params?: QueryParams;
  /** Rate-limit group the call is counted in before its first response names it. */
  group: string;
  auth: boolean;
  /** GET/DELETE-by-id are safe to repeat; POST /orders is not. */
  idempotent: boolean;
}

export class UpbitTransport {
  readonly #cfg: TransportConfig;

  constructor(cfg: TransportConfig) {
    this.#cfg = cfg;
  }

  get limiter(): RateLimiter {
    return this.#cfg.limiter;
  }

  async call(call: Call): Promise<unknown> {
    const endpoint = `${call.method} /v1${call.path}`;
    const query = call.params ? queryString(call.params) : '';
    let lastError: ExchangeError | undefined;
    for (let attempt = 0; attempt < this.#cfg.maxAttempts; attempt++) {
      await this.#cfg.limiter.acquire(call.group, endpoint);
      const outcome = await this.#once(call, endpoint, query);
      if (outcome.ok) return outcome.body;
      lastError = outcome.error;
      const retry = outcome.retry === 'always' || (outcome.retry === 'idempotent' && call.idempotent);
      if (!retry || attempt === this.#cfg.maxAttempts - 1) break;
      this.#log(
        `${endpoint}: ${outcome.error.code} (attempt ${attempt + 1}/${this.#cfg.maxAttempts}), backing off`,
      );
      await this.#cfg.limiter.backoff(attempt);
    }
    throw lastError!;
  }

  async #once(
    call: Call,
    endpoint: string,
    query: string,
  ): Promise<
    | { ok: true; body: unknown }
    | { ok: false; error: ExchangeError; retry: 'never' | 'idempotent' | 'always' }
  > {
    const headers: Record<string, string> = { accept: 'application/json' };
    const hasBody = call.method === 'POST';
    if (call.auth) {
      if (!this.#cfg.credentials) {
        return {
          ok: false,
          retry: 'never',
          error: new ExchangeError(
            'EXCHANGE_CREDENTIALS_MISSING',
            endpoint,
            'this call needs UPBIT_ACCESS_KEY and UPBIT_SECRET_KEY',
          ),
        };
      }
      headers.authorization = `Bearer ${signUpbitJwt(this.#cfg.credentials, call.params ? hashedQuery(call.params) : '')}`;
    }
    if (hasBody) headers['content-type'] = 'application/json; charset=utf-8';
    const url = `${this.#cfg.baseUrl.replace(/\/+$/, '')}/v1${call.path}${!hasBody && query ? `?${query}` : ''}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: call.method,
        headers,
        body: hasBody ? JSON.stringify(call.params ?? {}) : null,
        // Upbit never redirects; following one could re-send an order (307/308) to another URL.
        redirect: 'error',
        signal: AbortSignal.timeout(this.#cfg.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
      this.#cfg.observe?.({ endpoint, code: timedOut ? 'timeout' : 'unreachable', remainingReq: null });
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return {
        ok: false,
        retry: 'idempotent',
        error: timedOut
          ? new ExchangeError('EXCHANGE_TIMEOUT', endpoint, `no answer within ${this.#cfg.timeoutMs} ms`)
          : new ExchangeError(
              'EXCHANGE_UNAVAILABLE',
              endpoint,
              `connection failed (${cause?.code ?? cause?.message ?? (error as Error).message})`,
            ),
      };
    }
    this.#cfg.limiter.observe(response.headers.get('remaining-req'));
    this.#cfg.observe?.({
      endpoint,
      code: String(response.status),
      remainingReq: response.headers.get('remaining-req'),
    });
    if (response.ok) {
      try {
        return { ok: true, body: JSON.parse(text) };
      } catch {
        return {
          ok: false,
          retry: 'never',
          error: new ExchangeError(
            'EXCHANGE_INVALID_RESPONSE',
            endpoint,
            `body is not JSON (${text.length} bytes); response refused`,
          ),
        };
      }
    }
    const upbit = upbitError(text);
    const detail = upbit ? `${upbit.name}: ${upbit.message}` : `HTTP ${response.status}`;
    const extra = { status: response.status, ...(upbit ? { upbitName: upbit.name } : {}) };
    if (response.status === 418) {
      this.#cfg.limiter.block(endpoint);
      this.#log(`${endpoint}: 418 blocked by the exchange; trading stops`);
      return {
        ok: false,
        retry: 'never',
        error: new ExchangeError('EXCHANGE_BLOCKED', endpoint, `${detail}; trading stopped`, extra),
      };
    }
    if (response.status === 429) {
      // A 429 is a definite refusal (nothing was executed), so even a POST may be sent again.
      return {
        ok: false,
        retry: 'always',
        error: new ExchangeError('EXCHANGE_RATE_LIMITED', endpoint, detail, extra),
      };
    }
    if (response.status >= 500) {
      return {
        ok: false,
        retry: 'idempotent',
        error: new ExchangeError('EXCHANGE_UNAVAILABLE', endpoint, detail, extra),
      };
    }
    const code = response.status === 401 ? 'EXCHANGE_AUTH' : 'EXCHANGE_REJECTED';
    return { ok: false, retry: 'never', error: new ExchangeError(code, endpoint, detail, extra) };
  }

  #log(line: string): void {
    this.#cfg.log?.(redact(line));
  }
}

/** Upbit's error body: {"error": {"name": "...", "message": "..."}}. */
function upbitError(text: string): { name: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as { error?: { name?: unknown; message?: unknown } };
    const name = body.error?.name;
    if (typeof name !== 'string' && typeof name !== 'number') return undefined;
    const message = body.error?.message;
    return { name: String(name), message: typeof message === 'string' ? message : '' };
  } catch {
    return undefined;
  }
}
