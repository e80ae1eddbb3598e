// Act 5 of the demo: the SPEC's rollback rule tripped by a real losing streak. Revision 1 (the seed
// configuration) is applied, then revision 2 (examples/rollback/tradingbot-tuned.yaml); revision 2's
// runtime paper-trades the real July 2025 sell-off (examples/rollback/crash-window.yaml), shifted in
// time onto the last few KST days, and reports its own daily returns; the operator's real rule
// rolls the bot back to revision 1. What is faked, and why, is printed (crash-window.yaml).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { applyDefaults, loadTradingBotYaml } from '@kubetrade/crds';
import { parse } from 'yaml';
import { warmupMs } from '../../bot-runtime/src/loop/warmup.ts';
import { ANNOTATION_REVISION_START } from '../../operator/src/rollback/revisions.ts';
import { type Demo, root } from './demo-context.ts';
import { DemoError } from './errors.ts';
import { backdateRevision } from './revision-start.ts';
import { DAY_MS, kstDay, shiftOntoYesterday, writeShiftedReplay } from './shifted-replay.ts';

interface CrashWindow {
  data: string;
  firstDecision: string;
  end: string;
  lastDay: string;
}

export interface RollbackActOptions {
  speed: number;
  operatorMetricsUrl: string;
}

const dir = resolve(root, 'examples/rollback');
const HOUR_MS = 3_600_000;

export async function rollbackAct(demo: Demo, o: RollbackActOptions): Promise<void> {
  demo.say('5/5 the rollback rule on a real losing streak (examples/rollback/)');
  const stableFile = join(dir, 'tradingbot.yaml');
  const tunedFile = join(dir, 'tradingbot-tuned.yaml');
  const tuned = loadTradingBotYaml(readFileSync(tunedFile, 'utf8'), tunedFile);
  const name = tuned.metadata.name ?? '';
  await demo.kubectl(['apply', '-f', stableFile], true);
  const rev1 = await demo.waitFor('revision 1', async () => (await demo.bot(name)).status?.currentRevision);
  await demo.kubectl(['apply', '-f', tunedFile], true);
  const rev2 = await demo.waitFor('revision 2 with revision 1 as its stable one', async () => {
    const s = (await demo.bot(name)).status;
    return s?.currentRevision && s.currentRevision !== rev1 && s.stableRevision === rev1
      ? s.currentRevision
      : undefined;
  });
  console.log(`  revision 1 (seed) ${rev1} is stable; revision 2 (tuned) ${rev2} is current`);

  const window = parse(readFileSync(join(dir, 'crash-window.yaml'), 'utf8')) as CrashWindow;
  const first = Date.parse(window.firstDecision);
  const end = Date.parse(window.end);
  const shiftMs = shiftOntoYesterday(window.lastDay, Date.now());
  const spec = applyDefaults(tuned.spec);
  const cycleMs = spec.cycleSeconds * 1000;
  const data = join(demo.work, 'crash-window');
  // The runtime's clock starts one warm-up after the first candle (bot-runtime run-command.ts), so
  // the files start one warm-up before the first decision; an hour after the end keeps it fed.
  const rows = writeShiftedReplay(resolve(dir, window.data), data, {
    from: first - warmupMs(spec),
    to: end + HOUR_MS,
    shiftMs,
  });
  const days = Math.round(shiftMs / DAY_MS);
  console.log(
    `  real candles ${kstDay(first)} .. ${window.lastDay} (KST) of ${[...rows.keys()].length} files, shifted by ${days} days onto ${kstDay(first + shiftMs)} .. ${kstDay(end - 1 + shiftMs)}`,
  );
  const cycles = Math.round((end - first) / cycleMs);
  const tunedRun = await demo.startRuntimeAsPod(name, {
    data,
    speed: o.speed,
    cycles,
    showFills: 4,
    revision: rev2,
  });
  const exit = await tunedRun.proc.exited;
  if (exit.code !== 0 || !exit.arms)
    throw new DemoError(
      'RuntimeFailed',
      `the tuned runtime exited with code ${exit.code}:\n${exit.stderr.slice(-2000)}`,
    );
  await demo.podStopped(tunedRun.pod);
  console.log(
    `  the tuned runtime paper-traded ${cycles} cycles: ${exit.fills} fills, equity ${exit.arms.map((a) => `${a.arm} ${Math.round(a.equity)}`).join(', ')}`,
  );

  // The rule counts only complete days inside the revision's lifetime. Only now that the replay
  // has put those days behind it is revision 2 made to look as if it had been applied just before
  // them — the one thing this act fakes. (Backdated earlier, the operator would judge the runtime's
  // half-replayed days as complete ones while the replay races through them.)
  const start = new Date(first + shiftMs - HOUR_MS).toISOString();
  await backdateRevision(demo.kc, { namespace: demo.namespace, name }, rev2, new Date(start));
  console.log(`  FAKED: revision ${rev2}'s start backdated to ${start} (${ANNOTATION_REVISION_START})`);

  const rolled = await demo
    .waitFor('the operator to roll back', async () => {
      const b = await demo.bot(name);
      const c = b.status?.conditions?.find((x) => x.type === 'RolledBack' && x.status === 'True');
      return c ? { bot: b, condition: c } : undefined;
    })
    .catch(async (err) => {
      const s = (await demo.bot(name)).status;
      throw new DemoError(
        'NoRollback',
        `${(err as Error).message}; the bot's status: ${JSON.stringify({ ...s, performance: { ...s?.performance, arms: undefined } })}`,
      );
    });
  const reported = rolled.bot.status?.performance?.dailyReturns ?? [];
  console.log(
    `  daily returns the runtime reported (KST): ${reported.map((d) => `${d.date} ${d.returnPct.toFixed(2)}%`).join(', ')}`,
  );
  console.log(`  phase ${rolled.bot.status?.phase}; RolledBack: ${rolled.condition.message}`);
  await demo.kubectl(['get', 'events', '--field-selector', 'reason=DrawdownRule'], true);
  const metrics = await (await fetch(o.operatorMetricsUrl, { signal: AbortSignal.timeout(5_000) })).text();
  const counter = metrics
    .split('\n')
    .find((l) => l.startsWith('kubetrade_rollbacks_total') && l.includes(name));
  console.log(
    `GET ${o.operatorMetricsUrl} (the operator), kubetrade_rollbacks_total:\n  ${counter ?? '(none)'}`,
  );
  const kept = JSON.parse(await demo.kubectl(['get', 'tradingbot', name, '-o', 'json']));
  console.log(
    `  your spec is untouched: spec.risk.maxPositionPct=${kept.spec.risk.maxPositionPct}, rsi.oversold=${kept.spec.engine.technical.rsi.oversold}`,
  );

  // The operator re-rendered the children from revision 1: its Pod runs the stable config again
  // (here on the same replayed window, only to show it running).
  console.log(`  revision ${rev1}'s runtime starts again from the re-rendered ConfigMap`);
  const stableRun = await demo.startRuntimeAsPod(name, {
    data,
    speed: o.speed,
    cycles,
    showFills: 0,
    revision: rev1,
  });
  const now = await demo.waitFor('the bot to show revision 1 running', async () => {
    const b = await demo.bot(name);
    return b.status?.runningRevision === rev1 ? b : undefined;
  });
  await demo.kubectl(['get', 'tradingbots'], true);
  demo.check('rollback', {
    bot: name,
    phase: now.status?.phase ?? '',
    from: rev2,
    running: now.status?.runningRevision ?? '',
    runtime_revision: stableRun.started.revision,
    stable: now.status?.stableRevision ?? '',
    reason: rolled.condition.reason,
    event: (
      await demo.kubectl(['get', 'events', '--field-selector', 'reason=DrawdownRule', '-o', 'name'])
    ).trim()
      ? 'DrawdownRule'
      : 'none',
    rollbacks_total: counter?.split(' ').at(-1) ?? 0,
  });
  stableRun.proc.stop();
  await stableRun.proc.exited;
  await demo.podStopped(stableRun.pod);
}
