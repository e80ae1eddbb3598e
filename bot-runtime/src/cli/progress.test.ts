import { describe, expect, it } from 'vitest';
import { progressReporter } from './progress.ts';

function stream(isTTY: boolean): { s: NodeJS.WriteStream; text: () => string } {
  const parts: string[] = [];
  const s = {
    isTTY,
    write: (x: string) => {
      parts.push(x);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { s, text: () => parts.join('') };
}

describe('backtest progress on stderr', () => {
  it('draws a bar on a TTY and ends it with a newline', () => {
    const { s, text } = stream(true);
    const report = progressReporter(s, 'backtest');
    report(50, 100);
    report(100, 100);
    expect(text()).toContain('\rbacktest [###############...............]  50%');
    expect(text().endsWith('\rbacktest [##############################] 100%\n')).toBe(true);
  });

  it('prints one plain line per 10 % otherwise', () => {
    const { s, text } = stream(false);
    const report = progressReporter(s, 'backtest');
    for (let i = 0; i <= 100; i++) report(i, 100);
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('backtest: 0% (0/100)');
    expect(lines[10]).toBe('backtest: 100% (100/100)');
    expect(text()).not.toContain('\r');
  });
});
