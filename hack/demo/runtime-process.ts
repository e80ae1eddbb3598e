// The bot runtime as a local process, started the way its Pod starts it: the Deployment's command
// (`kubetrade run --config <the mounted RuntimeConfig>`) with the Pod's environment and identity,
// plus the demo's own flags (replayed candles, a sped-up clock, a cycle bound, a local port). Its
// JSON-line log is read for the few facts the demo prints and checks.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface RuntimeStarted {
  revision: string;
  source: string;
  markets: string[];
  metricsUrl: string;
  readyzUrl: string;
}

export interface ArmFigures {
  arm: string;
  equity: number;
  trades: number;
}

export interface RuntimeExit {
  code: number | null;
  /** The runtime's closing line (its own figures per arm); missing when it did not stop cleanly. */
  arms: ArmFigures[] | undefined;
  fills: number;
  stderr: string;
}

export interface RuntimeOptions {
  configFile: string;
  data: string;
  speed: number;
  cycles: number;
  env: Record<string, string>;
  /** Called with every fill line (the demo prints a few). */
  onFill?: (fill: Record<string, unknown>) => void;
}

interface LogLine {
  msg?: string;
  [k: string]: unknown;
}

export class RuntimeProcess {
  readonly child: ChildProcess;
  readonly started: Promise<RuntimeStarted>;
  readonly exited: Promise<RuntimeExit>;

  constructor(options: RuntimeOptions) {
    const args = [
      resolve(root, 'bot-runtime/src/cli/main.ts'),
      'run',
      '--config',
      options.configFile,
      '--data',
      options.data,
      '--speed',
      String(options.speed),
      '--cycles',
      String(options.cycles),
      '--listen',
      '127.0.0.1:0',
    ];
    this.child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let buffer = '';
    let fills = 0;
    let arms: ArmFigures[] | undefined;
    let onStarted: (s: RuntimeStarted) => void = () => undefined;
    let onNoStart: (e: Error) => void = () => undefined;
    this.started = new Promise((res, rej) => {
      onStarted = res;
      onNoStart = rej;
    });
    this.child.stderr?.on('data', (d) => {
      stderr += d;
    });
    this.child.stdout?.on('data', (d) => {
      buffer += d;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const text = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
        if (!text.startsWith('{')) continue;
        const line = JSON.parse(text) as LogLine;
        if (line.msg === 'started') {
          const metricsUrl = String(line.metrics);
          onStarted({
            revision: String(line.revision),
            source: String(line.source),
            markets: line.markets as string[],
            metricsUrl,
            readyzUrl: metricsUrl.replace(/\/metrics$/, '/readyz'),
          });
        } else if (line.msg === 'fill') {
          fills++;
          options.onFill?.(line);
        } else if (line.msg === 'stopped') {
          arms = line.arms as ArmFigures[];
        }
      }
    });
    this.exited = new Promise((res) => {
      this.child.on('exit', (code) => {
        onNoStart(new Error(`the runtime exited (code ${code}) before it started:\n${stderr.slice(-2000)}`));
        res({ code, arms, fills, stderr });
      });
    });
    // A start failure is reported through `started`; nobody has to await `exited` for that.
    this.started.catch(() => undefined);
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}
