// The flags of `kubetrade sweep` (one table: help text and parsing come from it, cli/args.ts).
import type { FlagSpec } from '../cli/args.ts';
import { BACKTEST_FLAGS } from '../cli/backtest-command.ts';

export const SWEEP_FLAGS = {
  // The data and range flags mean exactly what they mean for `kubetrade backtest`.
  file: BACKTEST_FLAGS.file,
  grid: {
    type: 'string',
    value: 'FILE',
    description: 'grid: spec paths -> values, walk-forward plan (required)',
  },
  data: BACKTEST_FLAGS.data,
  synthetic: BACKTEST_FLAGS.synthetic,
  from: BACKTEST_FLAGS.from,
  to: BACKTEST_FLAGS.to,
  workers: { type: 'string', value: 'N', description: 'worker threads (default: os.availableParallelism())' },
  out: {
    type: 'string',
    value: 'DIR',
    description: 'results.jsonl, report.txt/html, winner files (default sweep-out)',
  },
  sample: { type: 'string', value: 'K', description: 'a seeded random sample of K grid points' },
  seed: { type: 'string', value: 'S', description: 'seed of --sample (default: the grid file seed, else 1)' },
  cluster: { type: 'boolean', description: 'run as a Kubernetes Indexed Job instead of locally' },
  gather: { type: 'boolean', description: 'collect the Indexed Job results and write the report' },
  name: {
    type: 'string',
    value: 'NAME',
    description: '--cluster/--gather: sweep name (default <bot>-sweep)',
  },
  namespace: {
    type: 'string',
    short: 'n',
    value: 'NS',
    description: 'namespace (default: kubeconfig context)',
  },
  image: { type: 'string', value: 'IMAGE', description: '--cluster: runtime image' },
  shards: {
    type: 'string',
    value: 'N',
    description: 'number of shards = Job completions (--cluster default: min(candidates, 4))',
  },
  parallelism: { type: 'string', value: 'N', description: '--cluster: pods at once (default: shards)' },
  'data-claim': {
    type: 'string',
    value: 'PVC',
    description: '--cluster: PersistentVolumeClaim mounted read-only at the --data path',
  },
  shard: {
    type: 'string',
    value: 'I',
    description:
      'run only candidates i with i % shards == I (with --results-configmap: default $JOB_COMPLETION_INDEX)',
  },
  'results-configmap': {
    type: 'string',
    value: 'PREFIX',
    description: 'with --shard: results go to ConfigMap PREFIX-I (in-cluster)',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} satisfies FlagSpec;

export const SWEEP_SUMMARY =
  'Tunes numeric spec fields over a grid with walk-forward scoring on every core (or as a Kubernetes Indexed Job) and writes the winner as a TradingBot, with how much of it is luck (deflated Sharpe, PBO).';
