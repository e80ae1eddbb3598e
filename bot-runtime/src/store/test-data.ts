// Test data shared by the store suite, the lease tests and their child-process fixture (which runs
// outside Vitest, hence no vitest import here).
import { randomBytes } from 'node:crypto';
import type { OrderIntent, Signal } from '../types.ts';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function signalFor(market: string, time: number): Signal {
  return {
    market,
    time,
    action: 'BUY',
    confidence: 0.9,
    reasons: ['UP + STRONG + BUY'],
    layers: {
      technical: { action: 'BUY', confidence: 0.65, reasons: ['RSI 27.1 < 30', 'volume 2.3x'] },
      multiTimeframe: { action: 'BUY', confidence: 0.9, reasons: ['1h UP', '15m STRONG', '5m BUY'] },
    },
  };
}

export function intentFor(bot: string, id: string, overrides: Partial<OrderIntent> = {}): OrderIntent {
  const time = Date.UTC(2026, 10, 20, 0, 5);
  return {
    clientOrderId: id,
    bot,
    revision: 'rev-1',
    arm: 'enhanced',
    market: 'KRW-BTC',
    side: 'buy',
    quoteAmount: 1_234_567,
    time,
    confidence: 0.9,
    signal: signalFor('KRW-BTC', time),
    ...overrides,
  };
}
