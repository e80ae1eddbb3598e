// Demo driver: makes the rollback rule trip on a running bot without waiting three real days.
//   node examples/rollback/trip-rule.ts [namespace] [name]       (uses $KUBECONFIG)
// 1. backdates the current revision's start (annotation kubetrade.io/revision-start on its
//    ControllerRevision) by scenario.yaml's revisionAgeDays: the rule only counts complete KST
//    days inside the revision's lifetime;
// 2. writes scenario.yaml's days into status.performance exactly as the runtime does (server-side
//    apply, field manager kubetrade-runtime, revision = the bot's current revision);
// 3. waits for the operator's RolledBack condition and prints it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { TradingBot } from '@kubetrade/crds';
import { parse } from 'yaml';
import { kubeStatusSink } from '../../bot-runtime/src/status/kube-status.ts';
import { backdateRevision } from '../../hack/demo/revision-start.ts';

interface Scenario {
  revisionAgeDays: number;
  days: Array<{ daysAgo: number; returnPct: number }>;
}

const DAY_MS = 86_400_000;
const KST_OFFSET_MS = 9 * 3_600_000;
const kstDay = (ms: number) => new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 10);

const [namespace = 'default', name = 'rollback-demo'] = process.argv.slice(2);
const scenario = parse(readFileSync(resolve(import.meta.dirname, 'scenario.yaml'), 'utf8')) as Scenario;
const kc = new KubeConfig();
kc.loadFromDefault();
const custom = kc.makeApiClient(CustomObjectsApi);
const readBot = async () =>
  (await custom.getNamespacedCustomObject({
    group: 'kubetrade.io',
    version: 'v1alpha1',
    namespace,
    plural: 'tradingbots',
    name,
  })) as TradingBot;

const bot = await readBot();
const current = bot.status?.currentRevision;
if (!current || !bot.status?.stableRevision || bot.status.stableRevision === current) {
  console.error(
    `${namespace}/${name}: needs a current revision with an earlier stable one (apply tradingbot.yaml, then tradingbot-tuned.yaml); status has current=${current} stable=${bot.status?.stableRevision}`,
  );
  process.exit(1);
}

const start = new Date(Date.now() - scenario.revisionAgeDays * DAY_MS).toISOString();
console.log(`backdating revision ${current} to ${start}`);
await backdateRevision(kc, { namespace, name }, current, new Date(start));

const dailyReturns = scenario.days.map((d) => ({
  date: kstDay(Date.now() - d.daysAgo * DAY_MS),
  returnPct: d.returnPct,
}));
console.log(
  `reporting ${dailyReturns.map((d) => `${d.date} ${d.returnPct}%`).join(', ')} for revision ${current}`,
);
await kubeStatusSink({ namespace, name }, kc).writePerformance({
  revision: current,
  dailyReturns,
  updateTime: new Date().toISOString(),
});

for (let i = 0; i < 60; i++) {
  const now = await readBot();
  const rolledBack = now.status?.conditions?.find((c) => c.type === 'RolledBack' && c.status === 'True');
  if (rolledBack) {
    console.log(
      `phase ${now.status?.phase}; running ${now.status?.runningRevision ?? '(rolling out)'} instead of ${current}`,
    );
    console.log(`RolledBack: ${rolledBack.message}`);
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 500));
}
console.error('the operator did not roll back within 30 s; is it running and watching this namespace?');
process.exit(1);
