// /metrics, /healthz and /readyz of a live runtime. Readiness is the dependency gate's (issue 6
// item 5: "/readyz fails with the reason"): 503 with every down dependency and its error, so
// `kubectl describe pod` shows why the bot is not trading. Health is "the loop is cycling".
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface LiveHealth {
  readiness(): { ready: boolean; reasons: string[] };
  /** Wall-clock ms of the last completed cycle, undefined before the first. */
  lastCycleWallMs(): number | undefined;
}

export async function startLiveHttp(opts: {
  registry: Registry;
  health: LiveHealth;
  staleAfterMs: number;
  host: string;
  port: number;
}): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const json = (res: import('node:http').ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      opts.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': opts.registry.contentType });
          res.end(text);
        })
        .catch((e: Error) => json(res, 500, { error: e.message }));
      return;
    }
    if (req.url === '/healthz') {
      const last = opts.health.lastCycleWallMs();
      const age = last === undefined ? undefined : Date.now() - last;
      const ok = age !== undefined && age <= opts.staleAfterMs;
      return json(res, ok ? 200 : 503, { ok, lastCycleAgeMs: age ?? null, staleAfterMs: opts.staleAfterMs });
    }
    if (req.url === '/readyz') {
      const r = opts.health.readiness();
      return json(res, r.ready ? 200 : 503, { ok: r.ready, reasons: r.reasons });
    }
    res.writeHead(404);
    res.end('not found: try /metrics, /healthz or /readyz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
