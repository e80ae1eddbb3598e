// Typed exchange errors (STYLE.md rule 6): a `code` the broker and the fail-closed logic branch on,
// and a message a person can act on. Messages pass through `redact` so a credential can never
// reach a log line or an error report, whatever text an upstream layer put in them (issue 6 item 3).

export type ExchangeErrorCode =
  /** HTTP 418: the exchange blocked us after ignored 429s; stop trading until a person looks. */
  | 'EXCHANGE_BLOCKED'
  /** HTTP 429 still after every back-off attempt. */
  | 'EXCHANGE_RATE_LIMITED'
  /** A response arrived but is malformed: missing field, wrong type, impossible value. Never used. */
  | 'EXCHANGE_INVALID_RESPONSE'
  /** No answer within the call's timeout; for an order the outcome is UNKNOWN (reconcile). */
  | 'EXCHANGE_TIMEOUT'
  /** Connection refused/reset or 5xx after retries; for an order the outcome is UNKNOWN. */
  | 'EXCHANGE_UNAVAILABLE'
  /** 401: signature, query hash, nonce or key refused. */
  | 'EXCHANGE_AUTH'
  /** Any other 4xx with Upbit's error name in `upbitName` (e.g. under_min_total_bid). */
  | 'EXCHANGE_REJECTED'
  /** UPBIT_ACCESS_KEY / UPBIT_SECRET_KEY missing from the environment. */
  | 'EXCHANGE_CREDENTIALS_MISSING';

/** Codes after which an order placement may or may not have happened: only a lookup can tell. */
export const OUTCOME_UNKNOWN: ReadonlySet<ExchangeErrorCode> = new Set([
  'EXCHANGE_TIMEOUT',
  'EXCHANGE_UNAVAILABLE',
]);

export class ExchangeError extends Error {
  readonly code: ExchangeErrorCode;
  /** `METHOD /path` of the call, e.g. `POST /v1/orders`. */
  readonly endpoint: string;
  readonly status: number | undefined;
  /** Upbit's `error.name` when the exchange sent one. */
  readonly upbitName: string | undefined;

  constructor(
    code: ExchangeErrorCode,
    endpoint: string,
    detail: string,
    extra: { status?: number; upbitName?: string; cause?: unknown } = {},
  ) {
    super(redact(`${code}: ${endpoint}: ${detail}`), extra.cause === undefined ? {} : { cause: extra.cause });
    this.name = 'ExchangeError';
    this.code = code;
    this.endpoint = endpoint;
    this.status = extra.status;
    this.upbitName = extra.upbitName;
  }
}

export function isExchangeError(e: unknown, code?: ExchangeErrorCode): e is ExchangeError {
  return e instanceof ExchangeError && (code === undefined || e.code === code);
}

const secrets = new Set<string>();

/**
 * Registers a credential so every later error message and log line built with `redact` masks it.
 * Called by `credentialsFromEnv`; values shorter than 8 characters are not registered because
 * masking them would garble ordinary words (real Upbit keys are 40 characters).
 */
export function registerSecret(value: string): void {
  if (value.length >= 8) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  // A bearer token embeds the access key and is signed with the secret: never print one.
  return out.replace(/Bearer\s+[A-Za-z0-9._-]+/g, 'Bearer [REDACTED]');
}
