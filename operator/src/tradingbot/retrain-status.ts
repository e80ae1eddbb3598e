// The nightly retrain's outcome as seen by the operator (issue 9: "fails visibly"): the CronJob
// controller records lastScheduleTime when it starts a Job, lastSuccessfulTime when one succeeds, and
// lists running Jobs in `active`. A scheduled run that is no longer active and never succeeded
// failed (`kubetrade retrain` exits non-zero on any error, and the Job gives up after backoffLimit).
// Judged from the CronJob the cache already holds, so no Job informer is needed.
import type { KubernetesObject, V1CronJob } from '@kubernetes/client-node';
import type { Condition } from '@kubetrade/crds';
import { Gauge, type Registry } from 'prom-client';
import { setCondition } from './status.ts';

export const CONDITION_RETRAIN_FAILED = 'RetrainFailed';

type ConditionInput = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

const ms = (t: Date | string | undefined): number | undefined =>
  t === undefined ? undefined : new Date(t).getTime();

/** RetrainFailed True/False from the CronJob's status; undefined before the first scheduled run. */
export function retrainCondition(cronJob: V1CronJob | undefined): ConditionInput | undefined {
  const s = cronJob?.status;
  const scheduled = ms(s?.lastScheduleTime);
  if (!cronJob || scheduled === undefined) return undefined;
  const name = cronJob.metadata?.name ?? '';
  const succeeded = ms(s?.lastSuccessfulTime);
  if (succeeded !== undefined && succeeded >= scheduled) {
    return {
      type: CONDITION_RETRAIN_FAILED,
      status: 'False',
      reason: 'RetrainSucceeded',
      message: `CronJob ${name}: the last retrain (scheduled ${new Date(scheduled).toISOString()}) succeeded; status.lastRetrain has its result`,
    };
  }
  if ((s?.active ?? []).length > 0) return undefined; // running: judged when it ends
  return {
    type: CONDITION_RETRAIN_FAILED,
    status: 'True',
    reason: 'RetrainJobFailed',
    message: `CronJob ${name}: the retrain scheduled ${new Date(scheduled).toISOString()} failed${succeeded !== undefined ? ` (last success ${new Date(succeeded).toISOString()})` : ''}; the serving model is unchanged — see kubectl logs job/<its Job>`,
  };
}

/** The operator's conditions plus RetrainFailed when the CronJob has run at least once. */
export function withRetrainCondition<S extends { conditions: Condition[] }>(
  status: S,
  cronJob: V1CronJob | undefined,
  previous: readonly Condition[],
  generation: number,
  now: string,
): S {
  const c = retrainCondition(cronJob);
  if (!c) {
    // Keep a condition already reported while its Job runs again: it is still the latest outcome.
    const kept = previous.find((p) => p.type === CONDITION_RETRAIN_FAILED);
    return kept ? { ...status, conditions: [...status.conditions, kept] } : status;
  }
  return { ...status, conditions: [...status.conditions, setCondition(previous, c, generation, now)] };
}

/** `kubetrade_retrain_failed{namespace,name}`: 1 while a bot's latest retrain failed, from the cache at scrape time. */
export function registerRetrainMetrics(registry: Registry, listCronJobs: () => KubernetesObject[]): void {
  new Gauge({
    name: 'kubetrade_retrain_failed',
    help: "1 while a TradingBot's latest nightly retrain Job failed (RetrainFailed condition)",
    labelNames: ['namespace', 'name'],
    registers: [registry],
    collect() {
      this.reset();
      for (const o of listCronJobs()) {
        const c = retrainCondition(o as V1CronJob);
        if (!c) continue;
        // The owning TradingBot's name (a label value may be truncated for long names).
        const bot =
          o.metadata?.ownerReferences?.find((r) => r.kind === 'TradingBot')?.name ?? o.metadata?.name ?? '';
        this.set({ namespace: o.metadata?.namespace ?? '', name: bot }, c.status === 'True' ? 1 : 0);
      }
    },
  });
}
