// Shared by the exchange tests: a fake Upbit on 127.0.0.1 with one key pair and a client wired to it
// with short back-offs, so error paths run in milliseconds instead of Upbit's real seconds.
import { type ExchangeError, registerSecret } from '../errors.ts';
import { UpbitClient } from '../upbit/client.ts';
import { RateLimiter } from '../upbit/rate-limiter.ts';
import { FakeUpbit, type FakeUpbitOptions } from './server.ts';

export const TEST_KEYS = {
  accessKey: 'kt-test-access-7f3c9a1e2b4d6f80',
  secretKey: 'kt-test-SECRET-9d8c7b6a5f4e3d2c1b0a',
};

export interface Harness {
  fake: FakeUpbit;
  client: UpbitClient;
  limiter: RateLimiter;
  logs: string[];
  close: () => Promise<void>;
}

export async function startHarness(
  opts: FakeUpbitOptions = {},
  client: { timeoutMs?: number; maxAttempts?: number } = {},
): Promise<Harness> {
  registerSecret(TEST_KEYS.secretKey);
  const fake = await FakeUpbit.start({ keys: { [TEST_KEYS.accessKey]: TEST_KEYS.secretKey }, ...opts });
  const logs: string[] = [];
  const limiter = new RateLimiter({ windowMs: 1000, baseBackoffMs: 20, maxBackoffMs: 200 });
  const c = new UpbitClient({
    baseUrl: fake.url,
    credentials: TEST_KEYS,
    limiter,
    timeoutMs: client.timeoutMs ?? 2000,
    maxAttempts: client.maxAttempts ?? 4,
    log: (line) => logs.push(line),
  });
  return { fake, client: c, limiter, logs, close: () => fake.close() };
}

/** The rejection of `p`, asserted to be an ExchangeError. */
export async function failure(p: Promise<unknown>): Promise<ExchangeError> {
  try {
    await p;
  } catch (error) {
    if ((error as Error).name === 'ExchangeError') return error as ExchangeError;
    throw error;
  }
  throw new Error('expected the call to fail');
}
