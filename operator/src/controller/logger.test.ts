import { describe, expect, it } from 'vitest';
import { KubeApiError } from './errors.ts';
import { parseBindAddress } from './health-server.ts';
import { Logger } from './logger.ts';

describe('Logger', () => {
  it('writes one JSON object per line with level, time, msg and inherited fields', () => {
    const lines: string[] = [];
    const log = new Logger({ level: 'info', sink: (l) => lines.push(l) }).child({ controller: 'tradingbot' });
    log.child({ namespace: 'ns', name: 'bot' }).info('reconciled', { result: 'success' });
    log.debug('dropped below the level');
    log.error('failed', { err: new KubeApiError('KubeRequestFailed', 500, 'PATCH x failed') });
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({
      level: 'info',
      msg: 'reconciled',
      controller: 'tradingbot',
      namespace: 'ns',
      name: 'bot',
      result: 'success',
    });
    expect(Number.isNaN(Date.parse(first.time))).toBe(false);
    expect(JSON.parse(lines[1]!).err).toEqual({
      message: 'PATCH x failed',
      code: 'KubeRequestFailed',
      name: 'KubeApiError',
    });
  });
});

describe('parseBindAddress', () => {
  it.each([
    [':8080', undefined, 8080],
    ['127.0.0.1:0', '127.0.0.1', 0],
    ['[::1]:9090', '::1', 9090],
  ])('%s', (address, host, port) => {
    expect(parseBindAddress(address)).toEqual({ host, port });
  });
});
