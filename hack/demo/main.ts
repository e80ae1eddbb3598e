// `npm run demo` after hack/demo.sh has a control plane: the TradingBot CRD, the operator (watching
// only the demo's namespace), examples/tradingbot.yaml paper-trading a replayed real market as its
// Pod would run, `kubectl get tradingbots` changing, /metrics, and the rollback rule tripping on a
// real losing streak. SIGINT/SIGTERM stop everything this process started and delete the namespace.
//
// Environment: KUBETRADE_DEMO_CI=1 (bounded, fast, `[demo:check]` lines, exit 1 on any failure),
// KUBETRADE_DEMO_NAMESPACE (default kubetrade-demo), KUBETRADE_DEMO_DATA (default ../shared/data/binance),
// KUBETRADE_DEMO_KEEP=1 (at the end, wait for Ctrl-C with everything still running, to look around).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { rollbackAct } from './act-rollback.ts';
import { tradeAct } from './act-trade.ts';
import { Demo, root } from './demo-context.ts';
import { DemoError } from './errors.ts';
import { freePort, probeOk } from './local-pod.ts';

/** CI: fast and bounded. Interactive: slow enough to watch the table change for about half a minute. */
const PACE = {
  ci: { speed: 100_000, cycles: 4_000, tableEveryMs: 2_000, rollbackSpeed: 100_000 },
  interactive: { speed: 8_000, cycles: 3_000, tableEveryMs: 5_000, rollbackSpeed: 40_000 },
} as const;

/** How long the operator may take to stop on SIGTERM before it is killed. */
const OPERATOR_STOP_MS = 10_000;
/** The namespace controller emptied a demo namespace in ~5 s here; the bound is for a loaded machine. */
const NAMESPACE_GONE_MS = 120_000;

const ci = process.env.KUBETRADE_DEMO_CI === '1' || process.argv.includes('--ci');
const pace = ci ? PACE.ci : PACE.interactive;
const namespace = process.env.KUBETRADE_DEMO_NAMESPACE || 'kubetrade-demo';
const data = resolve(root, process.env.KUBETRADE_DEMO_DATA || '../shared/data/binance');
const work = mkdtempSync(join(tmpdir(), 'kubetrade-demo-'));
const demo = new Demo(namespace, work);
let operator: ChildProcess | undefined;
let cleaning: Promise<void> | undefined;
let namespaceCreated = false;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const r of demo.runtimes) r.stop();
    await Promise.all([...demo.runtimes].map((r) => r.exited));
    if (operator && operator.exitCode === null && operator.signalCode === null) {
      const gone = new Promise((r) => operator?.once('exit', r));
      operator.kill('SIGTERM');
      // A leader-less operator stops at once; the bound only guards against a hung shutdown.
      await Promise.race([gone, new Promise((r) => setTimeout(r, OPERATOR_STOP_MS))]);
      if (operator.exitCode === null && operator.signalCode === null) operator.kill('SIGKILL');
    }
    if (namespaceCreated) {
      await demo.kubectl(['delete', 'namespace', namespace, '--wait=false']).catch(() => undefined);
      console.log(`[demo] cleaned up: runtimes and operator stopped, namespace ${namespace} deleted`);
    }
    rmSync(work, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    if (cleaning) return; // Ctrl-C reaches the driver and, through hack/demo.sh, a SIGTERM too
    console.log(`\n[demo] ${sig}: cleaning up`);
    void cleanup().then(() => process.exit(130));
  });

/**
 * The demo's namespace, empty: a namespace left by an earlier demo (KUBETRADE_DEMO_KEEP, a killed
 * run, or one still terminating) holds bots whose revisions would change what this run shows.
 */
async function freshNamespace(): Promise<void> {
  const existing = await demo.core.readNamespace({ name: namespace }).catch(() => undefined);
  if (existing) {
    console.log(`  namespace ${namespace} is left from an earlier demo: deleting it first`);
    await demo.core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await demo.waitFor(
      `namespace ${namespace} to be deleted`,
      async () => !(await demo.core.readNamespace({ name: namespace }).catch(() => undefined)),
      NAMESPACE_GONE_MS,
    );
  }
  await demo.core.createNamespace({ body: { metadata: { name: namespace } } });
  namespaceCreated = true;
}

async function main(): Promise<void> {
  if (!existsSync(data))
    throw new DemoError(
      'NoData',
      `no candle folder at ${data}: the demo replays real candles from ../shared/data/binance (a sibling of the repo); point KUBETRADE_DEMO_DATA at a folder of ccxt-layout CSVs to use others`,
    );
  console.log(`  temp files in ${work}`);
  demo.say('2/5 the TradingBot CRD, the operator, and examples/tradingbot.yaml');
  await demo.kubectl(
    ['apply', '--server-side', '--force-conflicts', '-f', resolve(root, 'crds/tradingbot.yaml')],
    true,
  );
  // A CRD created a moment ago has no conditions yet, and kubectl wait fails on that instead of waiting.
  await demo.waitFor('the TradingBot CRD to be Established', () =>
    demo.kubectl(['wait', '--for=condition=Established', '--timeout=10s', 'crd/tradingbots.kubetrade.io']),
  );
  await freshNamespace();
  const port = await freePort();
  operator = spawn(
    process.execPath,
    [
      resolve(root, 'operator/src/main.ts'),
      '--leader-elect=false',
      `--metrics-bind-address=127.0.0.1:${port}`,
      `--watch-namespace=${namespace}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const operatorUrl = `http://127.0.0.1:${port}`;
  if (!(await probeOk(`${operatorUrl}/readyz`, 30_000)))
    throw new Error('the operator did not become ready in 30 s');
  console.log(
    `  operator pid ${operator.pid}, watching namespace ${namespace}; metrics ${operatorUrl}/metrics`,
  );

  const bot = 'krw-majors';
  await demo.kubectl(['apply', '-f', resolve(root, 'examples/tradingbot.yaml')], true);
  await demo.waitFor(
    'the operator to reconcile the bot',
    async () => (await demo.bot(bot)).status?.observedGeneration,
  );
  await demo.kubectl(['get', 'tradingbots'], true);
  await demo.kubectl(
    [
      'get',
      'deployments,cronjobs,services,configmaps,serviceaccounts,roles,rolebindings',
      '-l',
      `kubetrade.io/bot=${bot}`,
    ],
    true,
  );
  const b = await demo.bot(bot);
  for (const c of b.status?.conditions ?? [])
    console.log(`  ${c.type}=${c.status} (${c.reason}): ${c.message}`);
  demo.check('reconciled', { bot, phase: b.status?.phase ?? '', revision: b.status?.currentRevision ?? '' });

  await tradeAct(demo, {
    bot,
    data,
    speed: pace.speed,
    cycles: pace.cycles,
    tableEveryMs: pace.tableEveryMs,
  });
  await rollbackAct(demo, { speed: pace.rollbackSpeed, operatorMetricsUrl: `${operatorUrl}/metrics` });

  demo.say('done');
  demo.check('done', { ok: 1 });
  if (process.env.KUBETRADE_DEMO_KEEP === '1') {
    console.log(
      `[demo] KUBETRADE_DEMO_KEEP=1: operator pid ${operator.pid} and namespace ${namespace} stay; Ctrl-C cleans up`,
    );
    await new Promise(() => undefined);
  }
}

main()
  .then(cleanup)
  .catch(async (err) => {
    // Interrupted: the steps in flight fail because their processes were stopped; nothing to report.
    if (cleaning) return;
    console.error(`[demo] FAILED: ${(err as Error).message}`);
    demo.check('failed', { code: (err as { code?: string }).code ?? 'Error' });
    await cleanup();
    process.exit(1);
  });
