// Operator benchmarks (DESIGN.md targets): apply -> all children present (p50/p99), 1,000 bots
// converging vs. the raw creates of the same objects, operator RSS at 1,000 bots, and writes in
// steady state. `npm run bench` calls the exported functions; each returns plain numbers and
// asserts nothing. CLI: `node operator/src/bench.ts [--bots N] [--latency-bots N] [--steady-seconds S]`.
// Runs against $KUBECONFIG (or the control plane hack/control-plane.sh runs); it never starts one.
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { loadTradingBotYaml, type TradingBot } from '@kubetrade/crds';
import { parse as parseYaml } from 'yaml';
import { ChildTracker } from '../bench/child-tracker.ts';
import type { Reply, Request } from '../bench/operator-process.ts';
import { desiredChildren } from './tradingbot/children.ts';
import { DEFAULT_WORKLOAD_CONFIG } from './tradingbot/workload-config.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE = resolve(ROOT, 'examples/tradingbot.yaml');
/** The operator's default --max-concurrent-reconciles; the raw baseline uses the same parallelism. */
const CONCURRENCY = 4;

export interface BenchOptions {
  kubeConfig?: KubeConfig;
}

export function benchKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  if (!process.env.KUBECONFIG) {
    const out = execFileSync('bash', [resolve(ROOT, 'hack/control-plane.sh'), 'status'], {
      encoding: 'utf8',
    });
    const path = /export KUBECONFIG='([^']+)'/.exec(out)?.[1];
    if (!path)
      throw new Error(
        'no KUBECONFIG and no running control plane; run `bash hack/control-plane.sh up` first',
      );
    process.env.KUBECONFIG = path;
  }
  kc.loadFromDefault();
  return kc;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function installCrd(objects: KubernetesObjectApi): Promise<void> {
  const crd = parseYaml(readFileSync(resolve(ROOT, 'crds/tradingbot.yaml'), 'utf8')) as KubernetesObject;
  await objects.patch(crd, undefined, undefined, 'kubetrade-bench', true, PatchStrategy.ServerSideApply);
  for (;;) {
    const got = (await objects.read(crd as Parameters<typeof objects.read>[0])) as {
      status?: { conditions?: Array<{ type: string; status: string }> };
    };
    if (got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    await sleep(100);
  }
}

async function createNamespace(objects: KubernetesObjectApi, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await objects.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

const deleteNamespace = (objects: KubernetesObjectApi, name: string) =>
  objects.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }).catch(() => undefined);

function botManifest(namespace: string, name: string): TradingBot {
  const bot = loadTradingBotYaml(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
  return { ...bot, metadata: { name, namespace } };
}

/** Runs `task(i)` for i in [0, n) on `workers` parallel lanes. */
async function inParallel(n: number, workers: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

class OperatorProcess {
  readonly #child: ChildProcess;
  /** Replies that came before anyone asked (e.g. 'ready' while the raw creates ran). */
  readonly #early: Reply[] = [];
  readonly #pending: Array<(r: Reply) => void> = [];

  constructor(namespace: string, syncPeriod: string) {
    this.#child = fork(
      resolve(ROOT, 'operator/bench/operator-process.ts'),
      [
        '--metrics-bind-address=0',
        '--leader-elect=false',
        `--sync-period=${syncPeriod}`,
        `--max-concurrent-reconciles=${CONCURRENCY}`,
      ],
      {
        env: { ...process.env, BENCH_NAMESPACE: namespace },
        execArgv: ['--expose-gc'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    this.#child.on('message', (r: Reply) => {
      const waiter = this.#pending.shift();
      if (waiter) waiter(r);
      else this.#early.push(r);
    });
  }

  next(): Promise<Reply> {
    const early = this.#early.shift();
    if (early) return Promise.resolve(early);
    return new Promise((resolve) => this.#pending.push(resolve));
  }

  ask(req: Request): Promise<Reply> {
    const reply = this.next();
    this.#child.send(req);
    return reply;
  }

  async stop(): Promise<void> {
    await this.ask({ type: 'stop' });
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

/** Apply -> all seven children visible in a watch, one bot at a time (DESIGN.md: p50 <= 50 ms). */
export async function benchApplyToChildren(opts: BenchOptions & { bots?: number } = {}) {
  const bots = opts.bots ?? 100;
  const kc = opts.kubeConfig ?? benchKubeConfig();
  const objects = KubernetesObjectApi.makeApiClient(kc);
  await installCrd(objects);
  const namespace = await createNamespace(objects, 'kt-bench-lat');
  const operator = new OperatorProcess(namespace, '10m');
  const tracker = new ChildTracker(kc, namespace);
  try {
    await operator.next();
    await tracker.start();
    const latencies: number[] = [];
    for (let i = 0; i < bots; i++) {
      const name = `lat-${i}`;
      const started = performance.now();
      await objects.create(botManifest(namespace, name) as unknown as KubernetesObject);
      await tracker.until(() => tracker.childrenPresent(name));
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    return {
      bots,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? 0,
    };
  } finally {
    await tracker.stop();
    await operator.stop();
    await deleteNamespace(objects, namespace);
  }
}

/** The same 7 children per bot the operator makes, created directly (no ownerReferences: no owner exists). */
async function rawCreates(objects: KubernetesObjectApi, namespace: string, bots: number): Promise<number> {
  const started = performance.now();
  await inParallel(bots, CONCURRENCY, async (i) => {
    const bot = {
      ...botManifest(namespace, `raw-${i}`),
      metadata: { name: `raw-${i}`, namespace, uid: 'none' },
    };
    const children = desiredChildren(bot, DEFAULT_WORKLOAD_CONFIG, { runnable: true });
    for (const wave of [0, 1]) {
      await Promise.all(
        children
          .filter((c) => c.wave === wave)
          .map(({ object }) =>
            objects.create({ ...object, metadata: { ...object.metadata, ownerReferences: undefined } }),
          ),
      );
    }
  });
  return (performance.now() - started) / 1000;
}

/**
 * `bots` TradingBots created at once -> all reconciled (children present + status written), as a
 * ratio to the raw creates of the same objects; then operator RSS and writes in steady state.
 */
export async function benchScale(
  opts: BenchOptions & {
    bots?: number;
    steadySeconds?: number;
    settleSeconds?: number;
    settleTimeoutSeconds?: number;
    /** --sync-period while converging (default: the operator's default, 10m). */
    convergeSyncPeriod?: string;
    /** --sync-period of the restarted operator in steady state; each period re-lists and re-reconciles all. */
    syncPeriod?: string;
  } = {},
) {
  const bots = opts.bots ?? 1000;
  const steadySeconds = opts.steadySeconds ?? 60;
  const kc = opts.kubeConfig ?? benchKubeConfig();
  const objects = KubernetesObjectApi.makeApiClient(kc);
  await installCrd(objects);
  const rawNs = await createNamespace(objects, 'kt-bench-raw');
  const namespace = await createNamespace(objects, 'kt-bench-scale');
  // Converge with the production sync period, so convergence is not slowed by full re-lists.
  let operator = new OperatorProcess(namespace, opts.convergeSyncPeriod ?? '10m');
  const tracker = new ChildTracker(kc, namespace);
  try {
    const rawCreateSeconds = await rawCreates(objects, rawNs, bots);
    await operator.next();
    await tracker.start();
    const started = performance.now();
    await inParallel(bots, CONCURRENCY, async (i) => {
      await objects.create(botManifest(namespace, `bot-${i}`) as unknown as KubernetesObject);
    });
    await tracker.until(() => tracker.reconciledCount() >= bots);
    const convergeSeconds = (performance.now() - started) / 1000;
    // Steady state starts when the Deployment controller has caught up too: its status updates
    // legitimately move bots' Progressing messages. Settled = no operator write for settleSeconds.
    const settleStarted = performance.now();
    await settle(operator, opts.settleSeconds ?? 5, opts.settleTimeoutSeconds ?? 300);
    const settleSeconds = (performance.now() - settleStarted) / 1000;
    const convergedMemory = await operator.ask({ type: 'memory' });
    // A fresh operator over the converged bots: its first full reconcile of every bot and the
    // resyncs (default 10 s, the config minimum) inside the window must all be write-free.
    await operator.stop();
    operator = new OperatorProcess(namespace, opts.syncPeriod ?? '10s');
    await operator.next();
    const restartStarted = performance.now();
    await settle(operator, opts.settleSeconds ?? 5, opts.settleTimeoutSeconds ?? 300);
    const before = await operator.ask({ type: 'writes' });
    const restartSeconds = (performance.now() - restartStarted) / 1000;
    await sleep(steadySeconds * 1000);
    const after = await operator.ask({ type: 'writes' });
    const memory = await operator.ask({ type: 'memory' });
    const mib = (b = 0) => Math.round((b / 2 ** 20) * 10) / 10;
    return {
      bots,
      rawCreateSeconds,
      convergeSeconds,
      convergeRatio: convergeSeconds / rawCreateSeconds,
      settleSeconds,
      operatorRssMiB: mib(convergedMemory.vmRssBytes),
      operatorHeapMiB: mib(convergedMemory.heapUsedBytes),
      restartedOperatorRssMiB: mib(memory.vmRssBytes),
      restartSeconds,
      restartWrites: before.writes ?? 0,
      steadySeconds,
      steadyStateReconciles: (after.reconciles ?? 0) - (before.reconciles ?? 0),
      steadyStateWrites: (after.writes ?? 0) - (before.writes ?? 0),
      steadyStateWritesByResource: diff(before.writesByResource ?? {}, after.writesByResource ?? {}),
    };
  } finally {
    await tracker.stop();
    await operator.stop();
    await Promise.all([deleteNamespace(objects, namespace), deleteNamespace(objects, rawNs)]);
  }
}

async function settle(
  operator: OperatorProcess,
  quietSeconds: number,
  timeoutSeconds: number,
): Promise<void> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  let last = (await operator.ask({ type: 'writes' })).writes;
  let quietSince = performance.now();
  while (performance.now() < deadline && performance.now() - quietSince < quietSeconds * 1000) {
    await sleep(500);
    const now = (await operator.ask({ type: 'writes' })).writes;
    if (now !== last) quietSince = performance.now();
    last = now;
  }
}

function diff(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v !== (before[k] ?? 0)) out[k] = v - (before[k] ?? 0);
  return out;
}

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
  return v;
}

async function cli(args: string[]): Promise<void> {
  const bots = flag(args, 'bots', 1000);
  const latencyBots = flag(args, 'latency-bots', 100);
  const steadySeconds = flag(args, 'steady-seconds', 60);
  const kubeConfig = benchKubeConfig();
  const latency = await benchApplyToChildren({ kubeConfig, bots: latencyBots });
  process.stderr.write(`${JSON.stringify({ benchApplyToChildren: latency })}\n`);
  const scale = await benchScale({ kubeConfig, bots, steadySeconds });
  const rows: Array<[string, string, string]> = [
    [`apply -> children p50 (${latency.bots} bots)`, `${latency.p50Ms.toFixed(1)} ms`, '<= 50 ms'],
    ['apply -> children p99', `${latency.p99Ms.toFixed(1)} ms`, ''],
    [`raw creates (${scale.bots} x 7 objects)`, `${scale.rawCreateSeconds.toFixed(2)} s`, ''],
    [`${scale.bots} bots reconciled`, `${scale.convergeSeconds.toFixed(2)} s`, ''],
    ['converge / raw creates', `${scale.convergeRatio.toFixed(2)}x`, '<= 1.5x'],
    [`operator RSS at ${scale.bots} bots`, `${scale.operatorRssMiB} MiB`, '<= 150 MB'],
    [`writes in ${scale.steadySeconds} s steady state`, String(scale.steadyStateWrites), '0'],
    ['  (reconciles in that window)', String(scale.steadyStateReconciles), ''],
    [`writes of a restarted operator over ${scale.bots} converged bots`, String(scale.restartWrites), '0'],
    ['RSS of the restarted operator', `${scale.restartedOperatorRssMiB} MiB`, ''],
  ];
  process.stderr.write(`${JSON.stringify({ benchScale: scale })}\n`);
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`${'measure'.padEnd(w)}  ${'value'.padStart(12)}  target\n`);
  for (const [k, v, t] of rows) process.stdout.write(`${k.padEnd(w)}  ${v.padStart(12)}  ${t}\n`);
}

if (import.meta.main) await cli(process.argv.slice(2));
