// Replays the Dockerfile's steps for one target in a temporary folder — there is no Docker engine
// here — and starts the target's entry point from the pruned tree. What it proves: the COPY lines
// name every file the program needs, `npm ci --omit=dev` installs enough to start, and nothing
// outside the image's tree is loaded (the tree lives under a fresh temporary folder, so Node cannot
// resolve modules from the repository). What it cannot prove: the base image itself, `USER`
// (we run as whoever runs this) and system packages (`apt-get` lines are reported, not run).
//
//   node hack/image-smoke.ts <target> [-- <entry-point args>]     e.g. node hack/image-smoke.ts runtime -- version
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

interface Stage {
  name: string;
  from: string;
  steps: { op: string; args: string }[];
}

/** The stages of a Dockerfile: FROM lines open a stage; continuation lines are joined. */
export function parseDockerfile(text: string): { stages: Stage[]; args: Record<string, string> } {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const stages: Stage[] = [];
  const args: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [op = '', ...rest] = line.split(/\s+/);
    const argText = rest.join(' ');
    const upper = op.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [k = '', v = ''] = argText.split('=');
      args[k] = v;
    } else if (upper === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(argText);
      if (!m) throw new Error(`Dockerfile: cannot read FROM ${argText}`);
      stages.push({ name: m[2] ?? String(stages.length), from: m[1]!, steps: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`Dockerfile: ${op} before FROM`);
      stage.steps.push({ op: upper, args: argText });
    }
  }
  return { stages, args };
}

function dockerignore(): (rel: string) => boolean {
  const file = join(root, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  const regexes = patterns.map(
    (p) =>
      new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]]/g, '\\$&')
          .replace(/\*\*\//g, '@@')
          .replace(/\*/g, '[^/]*')
          .replace(/@@/g, '(.*/)?')}(/.*)?$`,
      ),
  );
  return (rel) => regexes.some((r) => r.test(rel));
}

/**
 * The trainer's `python3 -m venv V && V/bin/pip install --no-cache-dir -r REQS` installs ~1 GB (JAX,
 * LightGBM, onnxruntime) — too much to download on every test run. The smoke runs the same command
 * with the same pins ONCE per requirements hash into ~/.cache/kubetrade/image-smoke/venv-<hash>
 * (with pip's cache allowed, so a pin change downloads only what changed), links the tree's venv to
 * it, and verifies it: every `name==version` pin of REQS must be what `pip freeze` reports. A changed
 * requirements file is a new hash, hence a fresh install: nothing is faked, only repeated work is
 * skipped. Returns false when `args` is not that step.
 */
export const PIP_VENV_STEP = /^python3 -m venv (\S+) && \1\/bin\/pip install --no-cache-dir -r (\S+)$/;

function cachedVenvStep(args: string, cwd: string): boolean {
  const m = PIP_VENV_STEP.exec(args.trim());
  if (!m) return false;
  const [, venv = '', reqs = ''] = m;
  const text = readFileSync(join(cwd, reqs), 'utf8');
  const key = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const cacheRoot = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubetrade', 'image-smoke');
  const cached = join(cacheRoot, `venv-${key}`);
  if (!existsSync(join(cached, '.complete'))) {
    // Built in place (a venv's scripts name their absolute path, so it cannot be moved afterwards);
    // the .complete marker, written last, is what makes it count as built.
    log(`RUN ${args} -> once into ${cached} (requirements ${key})`);
    rmSync(cached, { recursive: true, force: true });
    mkdirSync(cacheRoot, { recursive: true });
    execFileSync('python3', ['-m', 'venv', cached], { stdio: ['ignore', 'inherit', 'inherit'] });
    execFileSync(
      join(cached, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '-q', '-r', join(cwd, reqs)],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    writeFileSync(join(cached, '.complete'), `${key}\n`);
  } else log(`RUN ${args} -> cached ${cached} (requirements ${key})`);
  symlinkSync(cached, join(cwd, venv));
  const norm = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
  const frozen = new Set(
    execFileSync(join(cwd, venv, 'bin', 'python'), ['-m', 'pip', 'freeze', '--disable-pip-version-check'], {
      encoding: 'utf8',
    })
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.includes('=='))
      .map((l) => {
        const [n = '', v = ''] = l.split('==');
        return `${norm(n)}==${v}`;
      }),
  );
  const missing = text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l.includes('=='))
    .map((l) => {
      const [n = '', v = ''] = l.split('==');
      return `${norm(n)}==${v.trim()}`;
    })
    .filter((pin) => !frozen.has(pin));
  if (missing.length > 0) throw new Error(`${reqs}: the venv lacks ${missing.join(', ')}`);
  return true;
}

function log(msg: string): void {
  process.stderr.write(`[image-smoke] ${msg}\n`);
}

/** Builds `target` into a temporary folder; returns the folder holding the image's root. */
export function buildTarget(target: string, workRoot = mkdtempSync(join(tmpdir(), 'kt-image-'))): string {
  const { stages } = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const byName = new Map(stages.map((s) => [s.name, s]));
  const ignored = dockerignore();
  const built = new Map<string, string>();
  const finalWorkdir = new Map<string, string>();

  const build = (name: string): string => {
    const done = built.get(name);
    if (done) return done;
    const stage = byName.get(name);
    if (!stage) throw new Error(`Dockerfile has no stage ${name}`);
    const fs = join(workRoot, stage.name);
    if (byName.has(stage.from)) cpSync(build(stage.from), fs, { recursive: true, verbatimSymlinks: true });
    else mkdirSync(fs, { recursive: true }); // an external base image: Node comes from this machine
    let workdir = finalWorkdir.get(stage.from) ?? '/';
    const env: Record<string, string> = {};
    const inImage = (p: string) => join(fs, isAbsolute(p) ? p : posix.join(workdir, p));
    for (const step of stage.steps) {
      switch (step.op) {
        case 'WORKDIR':
          workdir = posix.resolve(workdir, step.args);
          mkdirSync(inImage('.'), { recursive: true });
          break;
        case 'ENV':
          for (const m of step.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
          break;
        case 'COPY': {
          const words = step.args.split(/\s+/);
          const fromFlag = words.find((w) => w.startsWith('--from='));
          const paths = words.filter((w) => !w.startsWith('--'));
          const dest = paths.pop()!;
          for (const src of paths) {
            const source = fromFlag ? join(build(fromFlag.slice(7)), src) : join(root, src);
            if (!existsSync(source))
              throw new Error(`COPY ${src}: no such file in the ${fromFlag ? 'stage' : 'build context'}`);
            const target =
              dest.endsWith('/') || paths.length > 1
                ? join(inImage(dest), posix.basename(src))
                : inImage(dest);
            mkdirSync(dirname(target), { recursive: true });
            cpSync(source, target, {
              recursive: true,
              verbatimSymlinks: true,
              filter: (f) => fromFlag !== undefined || !ignored(posix.relative(root, f)),
            });
          }
          break;
        }
        case 'RUN': {
          if (/^apt-get\b/.test(step.args)) {
            log(`${stage.name}: not run (system packages): ${step.args.slice(0, 80)}`);
            break;
          }
          if (cachedVenvStep(step.args, inImage('.'))) break;
          log(`${stage.name}: RUN ${step.args}`);
          execFileSync('bash', ['-euo', 'pipefail', '-c', step.args], {
            cwd: inImage('.'),
            env: { ...process.env, ...env },
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          break;
        }
        default:
          break; // USER, EXPOSE, ENTRYPOINT, LABEL: nothing to build
      }
    }
    built.set(name, fs);
    finalWorkdir.set(name, workdir);
    return fs;
  };
  return build(target);
}

/** The target's ENTRYPOINT (exec form) and WORKDIR. */
export function entryPoint(target: string): { argv: string[]; workdir: string } {
  const { stages } = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const byName = new Map(stages.map((s) => [s.name, s]));
  let argv: string[] | undefined;
  let workdir = '/';
  const chain: Stage[] = [];
  for (let s = byName.get(target); s; s = byName.get(s.from)) chain.unshift(s);
  for (const s of chain) {
    for (const step of s.steps) {
      if (step.op === 'ENTRYPOINT') argv = JSON.parse(step.args);
      if (step.op === 'WORKDIR') workdir = posix.resolve(workdir, step.args);
    }
  }
  if (!argv) throw new Error(`target ${target} has no ENTRYPOINT`);
  return { argv, workdir };
}

if (import.meta.main) {
  const [target = '', sep, ...rest] = process.argv.slice(2);
  if (!target) {
    log('usage: node hack/image-smoke.ts <target> [-- <args>]');
    process.exit(2);
  }
  const started = Date.now();
  const fs = buildTarget(target);
  const { argv, workdir } = entryPoint(target);
  const args = sep === '--' ? rest : ['--help'];
  const cwd = join(fs, workdir);
  const size = execFileSync('du', ['-sm', fs], { encoding: 'utf8' }).split('\t')[0];
  log(
    `${target}: tree ${size} MiB at ${fs}, built in ${Date.now() - started} ms; starting ${argv.join(' ')} ${args.join(' ')}`,
  );
  try {
    const out = execFileSync(argv[0]!, [...argv.slice(1), ...args], {
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
    });
    process.stdout.write(out);
  } finally {
    if (process.env.KUBETRADE_KEEP_IMAGE_TREE !== '1' && statSync(fs).isDirectory()) {
      rmSync(dirname(fs), { recursive: true, force: true });
    }
  }
}
