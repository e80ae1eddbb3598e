// Issue 7: a runtime in paper mode on a replayed real market fills its bot's status.performance
// (and /metrics) with figures that match its own trade log — here the runtime's own closing line
// and the decision/order log it printed, against the real apiserver.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cluster, installCrd, useNamespace } from '../../../test/cluster.ts';

const root = resolve(import.meta.dirname, '../../..');

interface LogLine {
  msg: string;
  [k: string]: unknown;
}

describe('kubetrade run reports to its TradingBot', () => {
  const ns = useNamespace('runstatus');

  it('fills status.performance and /metrics with the figures of its own trade log', async () => {
    const { kubectl, kubeconfigPath } = cluster();
    await installCrd();
    await kubectl(['apply', '-n', ns(), '-f', resolve(root, 'examples/tradingbot.yaml')]);

    const child = spawn(
      process.execPath,
      [
        resolve(root, 'bot-runtime/src/cli/main.ts'),
        'run',
        '-f',
        resolve(root, 'examples/tradingbot.yaml'),
        '--data',
        resolve(root, '../shared/data/binance'),
        '--speed',
        '20000',
        '--cycles',
        '400',
        '--listen',
        '127.0.0.1:0',
      ],
      {
        env: {
          PATH: process.env.PATH ?? '',
          KUBECONFIG: kubeconfigPath,
          KUBETRADE_BOT_NAMESPACE: ns(),
          KUBETRADE_BOT_NAME: 'krw-majors',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    let metricsText = '';
    let scraping = false;
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.stdout.on('data', (d) => {
      out += d;
      const started = /"msg":"started".*?"metrics":"([^"]+)"/.exec(out);
      // Scrape while it trades: at every output chunk until one scrape shows the arms (no fixed
      // delay — a loaded machine may finish the whole replay within any delay we pick).
      if (started && !scraping && !/kubetrade_arm_equity\{[^}]*arm="enhanced"/.test(metricsText)) {
        scraping = true;
        fetch(started[1]!)
          .then((r) => r.text())
          .then((t) => {
            metricsText = t;
          })
          .catch(() => {})
          .finally(() => {
            scraping = false;
          });
      }
    });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, err.slice(-2000)).toBe(0);

    const lines: LogLine[] = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const stopped = lines.find((l) => l.msg === 'stopped') as unknown as {
      arms: { arm: string; equity: number; trades: number }[];
    };
    expect(stopped).toBeDefined();
    const fills = lines.filter((l) => l.msg === 'fill').length;
    expect(fills, 'the replay traded').toBeGreaterThan(0);

    const bot = JSON.parse(
      await kubectl(['get', 'tradingbot', 'krw-majors', '-n', ns(), '-o', 'json', '--show-managed-fields']),
    );
    const perf = bot.status?.performance;
    expect(perf, 'status.performance written').toBeDefined();
    for (const arm of stopped.arms) {
      const reported = perf.arms.find((a: { name: string }) => a.name === arm.arm);
      expect(reported, arm.arm).toBeDefined();
      expect(reported.trades).toBe(arm.trades);
      expect(Math.abs(reported.equityKRW - arm.equity)).toBeLessThanOrEqual(1); // whole units
    }
    expect(perf.trades).toBe(stopped.arms.reduce((n, a) => n + a.trades, 0));
    expect(Math.abs(perf.equityKRW - stopped.arms.reduce((n, a) => n + a.equity, 0))).toBeLessThanOrEqual(2);
    // The operator's fields are not the runtime's: it wrote performance only.
    const managers = (bot.metadata.managedFields ?? []).map((m: { manager: string }) => m.manager);
    expect(managers).toContain('kubetrade-runtime');

    expect(metricsText).toMatch(/kubetrade_/);
    expect(metricsText).toMatch(/kubetrade_arm_equity\{[^}]*arm="enhanced"[^}]*\} [0-9]/);
  });
});
