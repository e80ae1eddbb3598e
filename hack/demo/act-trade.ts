// Act 2 of the demo: examples/tradingbot.yaml paper-trading a replayed real market. The runtime
// runs as its Pod would (demo-context.ts), reports status.performance to its own bot, and the act
// shows `kubectl get tradingbots` changing, the runtime's /metrics, and checks that the trades the
// runtime logged are the trades its bot's status shows.
import { join } from 'node:path';
import { applyDefaults } from '@kubetrade/crds';
import { warmupMs } from '../../bot-runtime/src/loop/warmup.ts';
import type { Demo } from './demo-context.ts';
import { DemoError } from './errors.ts';
import { commonStart, DAY_MS, writeShiftedReplay } from './shifted-replay.ts';

export interface TradeActOptions {
  bot: string;
  data: string;
  speed: number;
  cycles: number;
  /** How often to print `kubectl get tradingbots` while the runtime trades. */
  tableEveryMs: number;
}

/** kubetrade_ sample lines worth showing first (equity, trades, decisions per arm). */
const SHOWN_SERIES = /^kubetrade_(arm_equity|arm_trades|decisions_total|orders_total|cycle_seconds_count)/;

export async function tradeAct(demo: Demo, o: TradeActOptions): Promise<void> {
  demo.say(`3/5 the runtime, as its Pod runs it, paper-trading real candles (${o.data})`);
  // The run needs its warm-up plus `cycles` cycles of the replay's first days: cut those out so
  // the runtime reads days, not the folder's 14 months (2.6 s of its start-up, measured under load).
  const spec = applyDefaults((await demo.bot(o.bot)).spec);
  const from = commonStart(o.data);
  const data = join(demo.work, 'replay');
  const to = from + warmupMs(spec) + o.cycles * spec.cycleSeconds * 1000 + DAY_MS;
  writeShiftedReplay(o.data, data, {
    from,
    to,
    shiftMs: 0,
  });
  const { proc, pod, started } = await demo.startRuntimeAsPod(o.bot, {
    data,
    speed: o.speed,
    cycles: o.cycles,
    showFills: 6,
  });
  console.log(
    `  replay: the first ${Math.round((to - from) / DAY_MS)} days of ${o.data} (${started.source}) — markets ${started.markets.join(', ')}; clock x${o.speed}, ${o.cycles} cycles`,
  );
  console.log(
    '  (Binance USDT candles: the closest real intraday data here; KRW-only rules stay off for them)',
  );
  const running = await demo.waitFor(`${o.bot} to reach phase Running`, async () => {
    const b = await demo.bot(o.bot);
    return b.status?.phase === 'Running' ? b : undefined;
  });
  demo.check('phase', {
    bot: o.bot,
    phase: running.status?.phase ?? '',
    revision: running.status?.runningRevision ?? '',
  });

  demo.say('4/5 kubectl get tradingbots while it trades, and its /metrics');
  let scraped = '';
  const scrape = async () => {
    const res = await fetch(started.metricsUrl, { signal: AbortSignal.timeout(5_000) });
    scraped = await res.text();
  };
  let done = false;
  const finished = proc.exited.finally(() => {
    done = true;
  });
  while (!done) {
    await demo.kubectl(['get', 'tradingbots', o.bot], true).catch(() => undefined);
    if (!scraped) await scrape().catch(() => undefined);
    await Promise.race([finished, new Promise((r) => setTimeout(r, o.tableEveryMs))]);
  }
  const exit = await finished;
  if (exit.code !== 0 || !exit.arms)
    throw new DemoError(
      'RuntimeFailed',
      `the runtime exited with code ${exit.code}:\n${exit.stderr.slice(-2000)}`,
    );
  await demo.podStopped(pod);

  const series = scraped.split('\n').filter((l) => l.startsWith('kubetrade_'));
  console.log(`GET ${started.metricsUrl} (the runtime): ${series.length} kubetrade_ samples; a few:`);
  for (const l of series.filter((s) => SHOWN_SERIES.test(s)).slice(0, 10)) console.log(`  ${l}`);
  demo.check('metrics', { url: started.metricsUrl, kubetrade_samples: series.length });

  const runtimeTrades = exit.arms.reduce((n, a) => n + a.trades, 0);
  console.log(
    `  the runtime stopped after ${o.cycles} cycles: ${exit.fills} fills, ${runtimeTrades} round-trip trades (${exit.arms
      .map((a) => `${a.arm} ${a.trades} trades, equity ${Math.round(a.equity)}`)
      .join('; ')})`,
  );
  // The runtime's final report lands with its last write; wait until the status shows it.
  const reported = await demo
    .waitFor(
      'status.performance with the final figures',
      async () => {
        const p = (await demo.bot(o.bot)).status?.performance;
        return p && p.trades === runtimeTrades ? p : undefined;
      },
      30_000,
    )
    .catch(async () => (await demo.bot(o.bot)).status?.performance);
  await demo.kubectl(['get', 'tradingbots', o.bot], true);
  demo.check('trades', {
    bot: o.bot,
    runtime: runtimeTrades,
    status: reported?.trades ?? -1,
    fills: exit.fills,
    equity: reported?.equityKRW ?? -1,
  });
}
