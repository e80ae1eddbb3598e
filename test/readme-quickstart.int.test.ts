// Issue 8: the README's quick start, followed word for word from a fresh clone. The fenced block
// under "## Quick start" is run as one bash script (as if pasted into one shell) in a `git clone`
// of this repository's HEAD, placed beside a link to ../shared so the examples' data paths resolve.
//
// It runs against a control plane of its own (KUBETRADE_CP_DIR points `hack/control-plane.sh up` at
// a private state folder; binaries come from the shared cache): the quick start installs
// cluster-wide things — the CRD owned by the Helm release, a ClusterRole, an operator watching every
// namespace — which would collide with the other test files sharing this run's control plane. That
// is also what a newcomer has: a cluster with nothing of kubetrade in it yet.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const QUICK_START_HEADING = '## Quick start';

/** The first ```bash block under the quick-start heading of a README. */
function quickStartBlock(readme: string): string {
  const at = readme.indexOf(`\n${QUICK_START_HEADING}\n`);
  if (at < 0) throw new Error(`README.md has no "${QUICK_START_HEADING}" heading`);
  const m = /```bash\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m?.[1]) throw new Error(`README.md has no \`\`\`bash block under "${QUICK_START_HEADING}"`);
  return m[1];
}

const scratch = mkdtempSync(join(tmpdir(), 'kt-quickstart-'));
const clone = join(scratch, 'kubetrade');
// The clone's commands must not touch the developer's or CI's own state.
// A newcomer's PATH: without this checkout's node_modules/.bin (which npm put first for this run).
const newcomerPath = (process.env.PATH ?? '')
  .split(':')
  .filter((p) => !p.includes('node_modules'))
  .join(':');
const env: Record<string, string> = {
  PATH: newcomerPath,
  HOME: process.env.HOME ?? scratch,
  XDG_CACHE_HOME: process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? scratch, '.cache'),
  KUBETRADE_CP_DIR: join(scratch, 'control-plane'),
  KUBETRADE_OPERATOR_POD_DIR: join(scratch, 'operator-pod'),
  HELM_CACHE_HOME: join(scratch, 'helm'),
  HELM_CONFIG_HOME: join(scratch, 'helm'),
  HELM_DATA_HOME: join(scratch, 'helm'),
  // `npm ci` word for word, served from the local npm cache where it can be.
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
};

afterAll(async () => {
  const quiet = { cwd: clone, env, timeout: 60_000 };
  await run('bash', ['hack/demo/operator-pod.sh', 'stop'], quiet).catch(() => undefined);
  // The clone's node_modules (~0.8 GB) goes while the private control plane shuts down.
  await Promise.all([
    run('bash', ['hack/control-plane.sh', 'down'], quiet).catch(() => undefined),
    run('rm', ['-rf', join(clone, 'node_modules')]).catch(() => undefined),
  ]);
  rmSync(scratch, { recursive: true, force: true });
});

describe('README quick start', () => {
  it('is a bash block under a fixed heading', () => {
    const block = quickStartBlock(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(block).toMatch(/^helm install /m);
    expect(block).toMatch(/^kubectl apply -f examples\/tradingbot\.yaml/m);
    expect(block).toMatch(/^kubectl get tradingbots/m);
    expect(block).not.toMatch(/npm (run )?test/);
  });

  it('works word for word from a fresh clone', async () => {
    await run('git', ['clone', '--quiet', root, clone]);
    symlinkSync(resolve(root, '../shared'), join(scratch, 'shared'));
    mkdirSync(env.KUBETRADE_CP_DIR!, { recursive: true });
    // The README of the clone, i.e. of HEAD: what a newcomer reads.
    const block = quickStartBlock(readFileSync(join(clone, 'README.md'), 'utf8'));
    const script = join(scratch, 'quick-start.sh');
    // -x echoes each command before its output, so a failure shows which line it was.
    writeFileSync(script, `set -euxo pipefail\n${block}`);
    const child = spawn('bash', [script], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 170_000);
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    clearTimeout(timer);
    mkdirSync(resolve(root, '.test-results'), { recursive: true });
    writeFileSync(resolve(root, '.test-results/quick-start.out'), out);
    const tail = out.slice(-5000);
    expect(code, tail).toBe(0);

    expect(out).toMatch(/STATUS: deployed/);
    expect(out, 'the installed operator runs').toMatch(/operator Pod \S+ runs here as pid \d+/);
    // `kubectl get tradingbots`: the bot, reconciled by the installed operator (a phase and a
    // revision are only ever written by the operator).
    const header = out.split('\n').findIndex((l) => /^NAME\s+MODE\s+MARKETS\s+PHASE/.test(l));
    expect(header, tail).toBeGreaterThanOrEqual(0);
    const row = out.split('\n')[header + 1] ?? '';
    expect(row).toMatch(/^krw-majors\s+paper\s+\[.*\]\s+(Pending|Running)\s/);
    expect(out).toMatch(/deployment\.apps\/krw-majors-runtime/);
    expect(out).toMatch(/configmap\/krw-majors-config/);
    expect(out).toMatch(/cronjob\.batch\/krw-majors-retrain/);
    // It did so as the chart's ServiceAccount: the chart's RBAC was enough.
    const operatorLog = readFileSync(join(env.KUBETRADE_OPERATOR_POD_DIR!, 'kubetrade-system.log'), 'utf8');
    expect(operatorLog).toMatch(/operator started/);
    expect(operatorLog).not.toMatch(/forbidden/i);
  }, 200_000); // ~75 s here, most of it `npm ci`
});
