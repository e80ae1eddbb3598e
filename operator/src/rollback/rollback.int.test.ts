// Issue 7's first "must show", on the real control plane: a bot whose runtime reports three -2%
// KST days is rolled back by the operator to its previous revision's config; RolledBack names the
// days, an Event and the metric exist, the user's spec is byte-for-byte unchanged; re-applying the
// same spec keeps the rollback; a spec edit starts a new revision.
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import type { RuntimeConfig, TradingBot } from '@kubetrade/crds';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kubeStatusSink } from '../../../bot-runtime/src/status/kube-status.ts';
import { cluster, eventually, useNamespace } from '../../../test/cluster.ts';
import { parseConfig } from '../config.ts';
import { Manager, silentLogger } from '../controller/index.ts';
import { tradingBotController } from '../tradingbot/index.ts';
import { ANNOTATION_REVISION } from '../tradingbot/names.ts';
import {
  createBot,
  exampleManifest,
  getBot,
  installCrd,
  patchSpec,
  TIMINGS,
} from '../tradingbot/test-operator.ts';
import { ANNOTATION_REVISION_START, revisionName } from './revisions.ts';

const ns = useNamespace('rb');
const BOT = 'krw-majors';
const DAY_MS = 86_400_000;
const kstDay = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(0, 10);
let manager: Manager | undefined;

beforeAll(installCrd);
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
});

const condition = (bot: TradingBot, type: string) => bot.status?.conditions?.find((c) => c.type === type);
async function runtimeConfigOf(namespace: string): Promise<RuntimeConfig> {
  const cm = (await cluster().core.readNamespacedConfigMap({
    namespace,
    name: `${BOT}-config`,
  })) as V1ConfigMap;
  return JSON.parse(cm.data?.['runtime-config.json'] ?? '{}') as RuntimeConfig;
}
async function deploymentRevision(namespace: string): Promise<string | undefined> {
  const d = (await cluster().apps.readNamespacedDeployment({
    namespace,
    name: `${BOT}-runtime`,
  })) as V1Deployment;
  return d.spec?.template.metadata?.annotations?.[ANNOTATION_REVISION];
}
/** The bot's spec exactly as the apiserver stores it. */
const specText = async (namespace: string) =>
  JSON.stringify(
    JSON.parse(await cluster().kubectl(['get', '-n', namespace, 'tradingbot', BOT, '-o', 'json'])).spec,
  );

async function rollbackCount(namespace: string): Promise<number> {
  const text = (await manager?.metrics.registry.getSingleMetricAsString('kubetrade_rollbacks_total')) ?? '';
  const line = text
    .split('\n')
    .find((l) => l.includes(`namespace="${namespace}"`) && l.includes(`name="${BOT}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * The operator in-process, watching one namespace, resyncing every second like the reconciler's
 * tests; the lease is generous because this test is about rollback, not fail-over: on the shared
 * 2-core machine a 2 s renew deadline was missed under load and the operator stepped down mid-test.
 */
async function startOperator(namespace: string): Promise<Manager> {
  const config = { ...parseConfig([], {}), syncPeriodMs: TIMINGS.resyncMs, watchNamespace: namespace };
  const m = new Manager({
    kubeConfig: cluster().kc,
    log: silentLogger(),
    bindAddress: false,
    watchNamespace: namespace,
    informerTimings: { resyncPeriodMs: TIMINGS.resyncMs, backoffInitialMs: 100 },
    leaderElection: {
      namespace,
      name: 'kubetrade-operator',
      timings: { leaseDurationMs: 60_000, renewDeadlineMs: 45_000, retryPeriodMs: 1_000 },
    },
  });
  m.addController({ ...tradingBotController({ manager: m, config }), concurrency: 2 });
  await m.start();
  return m;
}

describe('automatic drawdown rollback', () => {
  it('runs the previous revision after three -2% KST days, keeps the spec, survives a re-apply, retries on an edit', async () => {
    const namespace = ns();
    manager = await startOperator(namespace);
    await createBot(exampleManifest(namespace));
    const v1 = await eventually(async () => (await getBot(namespace, BOT)).status?.currentRevision, {
      what: 'revision 1',
    });

    // Revision 2: the seed's tuning candidate RSI oversold 25.
    await patchSpec(namespace, BOT, { engine: { technical: { rsi: { oversold: 25 } } } });
    const v2bot = await eventually(
      async () => {
        const bot = await getBot(namespace, BOT);
        return bot.status?.currentRevision !== v1 && bot.status?.stableRevision === v1 && bot;
      },
      { what: 'revision 2 with revision 1 as stable' },
    );
    const v2 = v2bot.status?.currentRevision ?? '';
    await eventually(async () => (await runtimeConfigOf(namespace)).revision === v2, {
      what: 'revision 2 running',
    });

    // Revision 2 has been running for 4 days (the rule counts only complete days inside it).
    await cluster().kubectl([
      'annotate',
      '--overwrite',
      '-n',
      namespace,
      'controllerrevision',
      revisionName(BOT, v2),
      `${ANNOTATION_REVISION_START}=${new Date(Date.now() - 4 * DAY_MS).toISOString()}`,
    ]);
    const specBefore = await specText(namespace);
    const days = [3, 2, 1].map((ago, i) => ({
      date: kstDay(Date.now() - ago * DAY_MS),
      returnPct: [-2.4, -2, -3.1][i] as number,
    }));

    // What the runtime writes: status.performance, field manager kubetrade-runtime.
    await kubeStatusSink({ namespace, name: BOT }, cluster().kc).writePerformance({
      revision: v2,
      dailyReturns: days,
      updateTime: new Date().toISOString(),
    });

    const rolled = await eventually(
      async () => {
        const bot = await getBot(namespace, BOT);
        return condition(bot, 'RolledBack')?.status === 'True' && bot;
      },
      { what: 'RolledBack=True' },
    );
    const message = condition(rolled, 'RolledBack')?.message ?? '';
    for (const d of days) expect(message).toContain(d.date);
    expect(message).toContain('-2.40%');
    expect(message).toContain('-3.10%');
    expect(condition(rolled, 'RolledBack')?.reason).toBe('DrawdownRule');
    expect(rolled.status?.phase).toBe('RolledBack');
    expect(rolled.status?.currentRevision).toBe(v2);
    expect(rolled.status?.rollbacks).toEqual([
      expect.objectContaining({ fromRevision: v2, toRevision: v1, days }),
    ]);

    // The children run revision 1's config again.
    const config = await eventually(async () => {
      const c = await runtimeConfigOf(namespace);
      return c.revision === v1 && c;
    });
    expect(config.spec.engine.technical.rsi.oversold).toBe(30);
    expect(await eventually(async () => (await deploymentRevision(namespace)) === v1)).toBe(true);

    // Announced: an Event on the bot and the metric.
    const events = await eventually(
      async () => {
        const list = JSON.parse(
          await cluster().kubectl(['get', '-n', namespace, 'events.events.k8s.io', '-o', 'json']),
        ) as {
          items: Array<{ reason: string; note?: string; regarding?: { name?: string; kind?: string } }>;
        };
        const found = list.items.filter(
          (e) =>
            e.reason === 'DrawdownRule' && e.regarding?.kind === 'TradingBot' && e.regarding?.name === BOT,
        );
        return found.length > 0 && found;
      },
      { what: 'the DrawdownRule Event' },
    );
    expect(events[0]?.note).toContain(days[0]?.date);
    expect(await rollbackCount(namespace)).toBe(1);

    // The user's spec is untouched.
    expect(await specText(namespace)).toBe(specBefore);

    // A GitOps-style re-apply of the same spec does not undo the rollback.
    const manifest = JSON.parse(
      await cluster().kubectl(['get', '-n', namespace, 'tradingbot', BOT, '-o', 'json']),
    );
    await cluster().kubectl(
      ['apply', '--server-side', '--force-conflicts', '--field-manager=gitops', '-f', '-'],
      JSON.stringify({
        apiVersion: manifest.apiVersion,
        kind: manifest.kind,
        metadata: { namespace, name: BOT },
        spec: manifest.spec,
      }),
    );
    await new Promise((r) => setTimeout(r, 3 * TIMINGS.resyncMs));
    const after = await getBot(namespace, BOT);
    expect(condition(after, 'RolledBack')?.status).toBe('True');
    expect((await runtimeConfigOf(namespace)).revision).toBe(v1);
    expect(after.status?.rollbacks).toHaveLength(1);
    expect(await rollbackCount(namespace)).toBe(1);

    // A spec edit is a new revision, and it runs.
    await patchSpec(namespace, BOT, { cycleSeconds: 120 });
    const v3bot = await eventually(
      async () => {
        const bot = await getBot(namespace, BOT);
        const current = bot.status?.currentRevision;
        return current !== v2 && current !== v1 && condition(bot, 'RolledBack')?.status === 'False' && bot;
      },
      { what: 'revision 3, not rolled back' },
    );
    const v3 = v3bot.status?.currentRevision;
    const c3 = await eventually(async () => {
      const c = await runtimeConfigOf(namespace);
      return c.revision === v3 && c;
    });
    expect(c3.spec.cycleSeconds).toBe(120);
    expect(c3.spec.engine.technical.rsi.oversold).toBe(25);
  });
});
