// A scripted stand-in for the apiserver's list/watch of one ConfigMap collection, on 127.0.0.1,
// for the informer paths a real apiserver will not produce on demand (410 Gone).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export type WatchScript = 'gone-status' | 'gone-event' | 'hold';

interface Item {
  metadata: { namespace: string; name: string; resourceVersion: string };
  data?: Record<string, string>;
}

export class FakeApiserver {
  readonly items = new Map<string, Item>();
  readonly watchRequests: string[] = [];
  lists = 0;
  #rv = 100;
  readonly #server: http.Server;
  readonly #watchers = new Set<http.ServerResponse>();
  readonly #script: WatchScript[];

  private constructor(script: WatchScript[]) {
    this.#script = script;
    this.#server = http.createServer((req, res) => this.#handle(req, res));
  }

  static async start(script: WatchScript[]): Promise<FakeApiserver> {
    const fake = new FakeApiserver(script);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    const { port } = this.#server.address() as AddressInfo;
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'nobody' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'nobody' }],
      currentContext: 'fake',
    });
    return kc;
  }

  /** Changes state without telling watchers (as if the events fell out of the watch window). */
  putSilently(name: string, v: string): void {
    this.#rv++;
    this.items.set(name, {
      metadata: { namespace: 'ns', name, resourceVersion: String(this.#rv) },
      data: { v },
    });
  }

  deleteSilently(name: string): void {
    this.#rv++;
    this.items.delete(name);
  }

  /** Sends an ERROR 410 event on every open watch and ends it. */
  expireWatches(): void {
    for (const res of this.#watchers) {
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } })}\n`,
      );
    }
    this.#watchers.clear();
  }

  async close(): Promise<void> {
    for (const res of this.#watchers) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('Content-Type', 'application/json');
    if (url.searchParams.get('watch') !== 'true') {
      this.lists++;
      res.end(
        JSON.stringify({
          kind: 'ConfigMapList',
          metadata: { resourceVersion: String(this.#rv) },
          items: [...this.items.values()],
        }),
      );
      return;
    }
    this.watchRequests.push(url.searchParams.get('resourceVersion') ?? '');
    const step = this.#script.shift() ?? 'hold';
    if (step === 'gone-status') {
      res.statusCode = 410;
      res.end(
        JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' }),
      );
      return;
    }
    res.writeHead(200);
    res.flushHeaders();
    this.#watchers.add(res);
    if (step === 'gone-event') this.expireWatches();
  }
}
