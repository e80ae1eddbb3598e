// A TCP proxy on 127.0.0.1 between a client and the apiserver, for tests that break the network
// on purpose: `cut()` destroys every open connection (like a load balancer or apiserver restart),
// `stall()` freezes the open ones without closing them (a half-dead connection that never errors —
// what the informer's inactivity timeout exists for). TLS passes through untouched.
import net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

export class TcpProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<Pair>();
  readonly #target: { host: string; port: number };
  readonly #frozen: Pair[] = [];
  #blocked = false;
  /** Connections opened through the proxy so far. */
  connections = 0;

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
    this.#server = net.createServer((client) => this.#accept(client));
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as net.AddressInfo).port;
  }

  get open(): number {
    return this.#pairs.size;
  }

  /** Destroys every open connection; returns how many. */
  cut(): number {
    const n = this.#pairs.size;
    for (const p of this.#pairs) this.#destroy(p);
    return n;
  }

  /** Freezes every open connection: no byte moves, no socket closes. New connections work. */
  stall(): number {
    for (const { client, upstream } of this.#pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    const n = this.#pairs.size;
    // Frozen pairs no longer count as open; they are destroyed on close().
    this.#frozen.push(...this.#pairs);
    this.#pairs.clear();
    return n;
  }

  async close(): Promise<void> {
    this.cut();
    for (const p of this.#frozen.splice(0)) this.#destroy(p);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Cuts every connection and refuses new ones until `unblock()` (the apiserver is unreachable). */
  block(): void {
    this.#blocked = true;
    this.cut();
  }

  unblock(): void {
    this.#blocked = false;
  }

  #accept(client: net.Socket): void {
    if (this.#blocked) {
      client.destroy();
      return;
    }
    this.connections++;
    const upstream = net.connect(this.#target.port, this.#target.host);
    const pair = { client, upstream };
    this.#pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => this.#destroy(pair);
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  }

  #destroy(pair: Pair): void {
    this.#pairs.delete(pair);
    pair.client.destroy();
    pair.upstream.destroy();
  }
}
