// /healthz (the process serves), /readyz (caches synced) and /metrics on one port, like a
// kubebuilder manager's probe + metrics endpoints.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthServerOptions {
  /** `host:port`, `:port` (all interfaces) or `0` to pick a free port (tests). */
  bindAddress: string;
  registry: Registry;
  ready: () => boolean;
}

export class HealthServer {
  readonly #server: http.Server;
  readonly #options: HealthServerOptions;

  constructor(options: HealthServerOptions) {
    this.#options = options;
    this.#server = http.createServer((req, res) => {
      void this.#handle(req, res);
    });
  }

  async listen(): Promise<string> {
    const { host, port } = parseBindAddress(this.#options.bindAddress);
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    const addr = this.#server.address() as AddressInfo;
    return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return text(res, 200, 'ok');
    if (path === '/readyz')
      return this.#options.ready() ? text(res, 200, 'ok') : text(res, 503, 'caches not synced');
    if (path === '/metrics') {
      try {
        const body = await this.#options.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.#options.registry.contentType });
        res.end(body);
      } catch (err) {
        text(res, 500, String(err));
      }
      return;
    }
    text(res, 404, 'not found');
  }
}

function text(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}

export function parseBindAddress(address: string): { host: string | undefined; port: number } {
  const colon = address.lastIndexOf(':');
  const host = colon > 0 ? address.slice(0, colon).replace(/^\[|\]$/g, '') : undefined;
  return { host, port: Number(colon >= 0 ? address.slice(colon + 1) : address) };
}
