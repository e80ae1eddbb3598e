// A Redis server of the test's own (Debian's redis-server, as hack/services.sh starts the shared
// one) on a free loopback port, which the test may stop and start again ON THE SAME PORT: a real
// outage for the runtime under test without touching the shared server other tests use. No
// persistence, as in hack/services.sh: a restart comes back EMPTY (lease and fencing counter gone).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const START_TIMEOUT_MS = 10_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export class PrivateRedis {
  readonly port: number;
  readonly #dir: string;
  #proc: ChildProcess | undefined;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.#dir = dir;
  }

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), await mkdtemp(join(tmpdir(), 'kt-redis-')));
    await r.up();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) on its port and waits until it accepts connections. */
  async up(): Promise<void> {
    if (this.#proc) return;
    const proc = spawn(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.#dir,
      ],
      { stdio: 'ignore' },
    );
    this.#proc = proc;
    const end = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(this.port))) {
      if (proc.exitCode !== null || Date.now() > end)
        throw new Error(`redis-server did not start on 127.0.0.1:${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the server (SIGKILL: like a crash, every client connection drops at once). */
  async down(): Promise<void> {
    const proc = this.#proc;
    this.#proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    await this.down();
    await rm(this.#dir, { recursive: true, force: true });
  }
}
