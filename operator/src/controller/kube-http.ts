// The thin I/O shell to the apiserver for what the core does itself (list, watch, Lease):
// node:https with the credentials of a client-node KubeConfig (client certs, bearer tokens, exec
// plugins — applyToHTTPSOptions handles all of them). Every request is counted.
// We do not use client-node's Watch for the watch stream: it hides the HTTP status of a failed
// watch start behind a generic error and it cannot tell an ERROR event from data (see
// docs/decisions/0002-own-controller-core.md).
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './errors.ts';
import type { RequestCounter } from './request-counter.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  /** Per-request deadline; a hung apiserver must not wedge the caller. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const CREDENTIALS_TTL_MS = 60_000;

export class KubeHttp {
  readonly kubeConfig: KubeConfig;
  readonly #counter: RequestCounter | undefined;
  #cached: { at: number; opts: https.RequestOptions } | undefined;
  #agent: { agent: https.Agent; tls: TlsMaterial } | undefined;

  constructor(kubeConfig: KubeConfig, counter?: RequestCounter) {
    this.kubeConfig = kubeConfig;
    this.#counter = counter;
  }

  /** One request/response; resolves with the parsed JSON body, throws KubeApiError on non-2xx. */
  async request<T = unknown>(req: KubeRequest): Promise<T> {
    const res = await this.#open(req);
    const text = await readAll(res, req);
    const status = res.statusCode ?? 0;
    this.#counter?.record(req.method, req.path, status);
    const body = parseJson(text);
    if (status < 200 || status > 299) throw KubeApiError.fromResponse(req.method, req.path, status, body);
    return body as T;
  }

  /**
   * Opens a watch and calls `onEvent` per event until the server ends the stream (resolves) or
   * the connection fails (rejects). Abort `signal` to stop; that resolves.
   */
  async watch(
    path: string,
    query: Query,
    onEvent: (e: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const req: KubeRequest = { method: 'GET', path, query: { ...query, watch: true }, signal };
    const res = await this.#open(req);
    const status = res.statusCode ?? 0;
    this.#counter?.record('WATCH', path, status);
    if (status !== 200) {
      const text = await readAll(res, req);
      throw KubeApiError.fromResponse('WATCH', path, status, parseJson(text));
    }
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          try {
            if (line) onEvent(JSON.parse(line) as WatchEvent);
          } catch (err) {
            // The consumer rejected the stream (e.g. an ERROR event): close it and report why.
            res.destroy();
            reject(err);
            return;
          }
          nl = buffered.indexOf('\n');
        }
      });
      res.on('end', () => resolve());
      res.on('error', (err) => (signal.aborted ? resolve() : reject(unreachable(path, err))));
      res.on('close', () => (signal.aborted || res.complete ? resolve() : reject(unreachable(path))));
    });
  }

  // applyToHTTPSOptions re-reads certificate files on every call; reuse the result for a while.
  // Short enough that rotated service-account tokens (refreshed hourly by the kubelet) are seen.
  async #credentials(): Promise<https.RequestOptions> {
    const now = performance.now();
    if (!this.#cached || now - this.#cached.at > CREDENTIALS_TTL_MS) {
      const opts: https.RequestOptions = {};
      await this.kubeConfig.applyToHTTPSOptions(opts);
      // client-node's agent does not keep connections alive, so every Lease renewal and status
      // write would pay a TLS handshake; keep our own pooled agent unless a proxy is configured.
      const cluster = this.kubeConfig.getCurrentCluster();
      if (cluster?.server.startsWith('https:') && !cluster.proxyUrl) {
        const tls = {
          ca: opts.ca,
          cert: opts.cert,
          key: opts.key,
          pfx: opts.pfx,
          passphrase: opts.passphrase,
        };
        if (!this.#agent || !sameTls(this.#agent.tls, tls)) {
          this.#agent?.agent.destroy();
          const agent = new https.Agent({
            ...tls,
            keepAlive: true,
            ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }),
            ...(opts.servername ? { servername: opts.servername } : {}),
          });
          this.#agent = { agent, tls };
        }
        opts.agent = this.#agent.agent;
      }
      this.#cached = { at: now, opts };
    }
    return this.#cached.opts;
  }

  /** Closes pooled connections (a stopped manager should not keep sockets open). */
  close(): void {
    this.#agent?.agent.destroy();
    this.#agent = undefined;
    this.#cached = undefined;
  }

  async #open(req: KubeRequest): Promise<http.IncomingMessage> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeApiError('KubeUnreachable', 0, 'the kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: https.RequestOptions = { ...(await this.#credentials()), method: req.method };
    opts.headers = { ...opts.headers, Accept: 'application/json' };
    let payload: string | undefined;
    if (req.body !== undefined) {
      payload = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      opts.headers = { ...opts.headers, 'Content-Type': req.contentType ?? 'application/json' };
    }
    const transport = url.protocol === 'http:' ? http : https;
    const isWatch = req.query?.watch === true;
    return new Promise((resolve, reject) => {
      let responded = false;
      const r = transport.request(url, { ...opts, signal: req.signal }, (res) => {
        responded = true;
        resolve(res);
      });
      // Watches have no overall deadline (the inactivity timer guards them); plain requests do.
      if (req.timeoutMs !== 0 && !isWatch) {
        r.setTimeout(req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, () =>
          r.destroy(new KubeApiError('KubeUnreachable', 0, `${req.method} ${req.path} timed out`)),
        );
      }
      r.on('error', (err) => {
        if (responded) return;
        if (!req.signal?.aborted) this.#counter?.record(isWatch ? 'WATCH' : req.method, req.path, 0);
        reject(err instanceof KubeApiError ? err : unreachable(req.path, err));
      });
      r.end(payload);
    });
  }
}

type TlsMaterial = Pick<https.RequestOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase'>;

function sameTls(a: TlsMaterial, b: TlsMaterial): boolean {
  const same = (x: unknown, y: unknown) =>
    Buffer.isBuffer(x) && Buffer.isBuffer(y) ? x.equals(y) : JSON.stringify(x) === JSON.stringify(y);
  return (
    same(a.ca, b.ca) &&
    same(a.cert, b.cert) &&
    same(a.key, b.key) &&
    same(a.pfx, b.pfx) &&
    a.passphrase === b.passphrase
  );
}

function readAll(res: http.IncomingMessage, req: KubeRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      text += c;
    });
    res.on('end', () => resolve(text));
    res.on('error', (err) => reject(unreachable(req.path, err)));
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

function unreachable(path: string, cause?: Error): KubeApiError {
  return new KubeApiError(
    'KubeUnreachable',
    0,
    `connection to the apiserver lost on ${path}${cause ? `: ${cause.message}` : ''}; check the apiserver address in the kubeconfig`,
  );
}
