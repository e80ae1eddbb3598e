// RetrainFailed on the real apiserver: the operator reads the retrain CronJob's status (written here
// the way the CronJob controller writes it after a run — the test control plane has no kubelet, so
// no Job can really run) and shows a failed run as a condition on the bot and in
// kubetrade_retrain_failed; a later successful run clears it.
import { PatchStrategy, setHeaderOptions, type V1CronJob } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { cluster, eventually, useNamespace } from '../../../test/cluster.ts';
import type { Manager } from '../controller/index.ts';
import { createBot, exampleManifest, getBot, installCrd, startOperator } from './test-operator.ts';

const ns = useNamespace('retrainfail');
const BOT = 'krw-majors';
let manager: Manager | undefined;

beforeAll(installCrd);
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
});

const retrainFailed = (bot: TradingBot) => bot.status?.conditions?.find((c) => c.type === 'RetrainFailed');

async function setCronJobStatus(namespace: string, status: V1CronJob['status']): Promise<void> {
  await cluster().batch.patchNamespacedCronJobStatus(
    { namespace, name: `${BOT}-retrain`, body: { status } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}

it('a failed retrain Job shows as RetrainFailed on the bot and in the metric, and clears on success', {
  timeout: 180_000,
}, async () => {
  const namespace = ns();
  manager = await startOperator(namespace);
  await createBot(exampleManifest(namespace));
  await eventually(() => cluster().batch.readNamespacedCronJob({ namespace, name: `${BOT}-retrain` }));
  expect(retrainFailed(await getBot(namespace, BOT))).toBeUndefined();

  const scheduled = new Date(Date.now() - 3_600_000);
  await setCronJobStatus(namespace, { lastScheduleTime: scheduled });
  const failed = await eventually(
    async () => {
      const c = retrainFailed(await getBot(namespace, BOT));
      return c?.status === 'True' && c;
    },
    { what: 'RetrainFailed=True' },
  );
  expect(failed.reason).toBe('RetrainJobFailed');
  expect(failed.message).toMatch(
    new RegExp(`CronJob ${BOT}-retrain: the retrain scheduled ${scheduled.toISOString().slice(0, 16)}`),
  );
  const metrics = await manager.metrics.registry.metrics();
  expect(metrics).toContain(`kubetrade_retrain_failed{namespace="${namespace}",name="${BOT}"} 1`);

  await setCronJobStatus(namespace, { lastScheduleTime: scheduled, lastSuccessfulTime: new Date() });
  const cleared = await eventually(
    async () => {
      const c = retrainFailed(await getBot(namespace, BOT));
      return c?.status === 'False' && c;
    },
    { what: 'RetrainFailed=False' },
  );
  expect(cleared.reason).toBe('RetrainSucceeded');
  expect(await manager.metrics.registry.metrics()).toContain(
    `kubetrade_retrain_failed{namespace="${namespace}",name="${BOT}"} 0`,
  );
});
