// Counts every request the operator makes to the apiserver, by method, status code and resource,
// like client-go's rest_client_requests_total. The TradingBot reconciler proves "zero writes in
// steady state" (DESIGN.md principles) with `writes()`.
import type { Counter } from 'prom-client';

export interface RequestRecord {
  method: string;
  code: number;
  resource: string;
}

// WATCH is how kube-http.ts labels watch requests (client-go also labels them GET).
const READS = new Set(['GET', 'HEAD', 'OPTIONS', 'WATCH']);

export class RequestCounter {
  readonly #counts = new Map<string, number>();
  readonly #metric: Counter<'method' | 'code'> | undefined;

  constructor(metric?: Counter<'method' | 'code'>) {
    this.#metric = metric;
  }

  record(method: string, path: string, code: number): void {
    const m = method.toUpperCase();
    const key = `${m} ${code} ${resourceOfPath(path)}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    this.#metric?.inc({ method: m, code: code === 0 ? '<error>' : String(code) });
  }

  /** Every request recorded so far. */
  records(): Array<RequestRecord & { count: number }> {
    return [...this.#counts].map(([key, count]) => {
      const [method = '', code = '0', resource = ''] = key.split(' ');
      return { method, code: Number(code), resource, count };
    });
  }

  /**
   * Write requests (anything but GET/HEAD/OPTIONS/WATCH). Leases are left out by default: leader
   * election renews its Lease every retry period by design, which is not reconcile churn.
   */
  writes(options: { includeResources?: string[]; excludeResources?: string[] } = {}): number {
    const exclude = options.excludeResources ?? ['leases'];
    let n = 0;
    for (const r of this.records()) {
      if (READS.has(r.method)) continue;
      if (options.includeResources && !options.includeResources.includes(r.resource)) continue;
      if (exclude.includes(r.resource)) continue;
      n += r.count;
    }
    return n;
  }
}

/**
 * The resource (plural, with `/subresource`) a REST path addresses:
 * `/apis/apps/v1/namespaces/ns/deployments/x/status` -> `deployments/status`.
 */
export function resourceOfPath(path: string): string {
  const parts = (path.split('?')[0] ?? '').split('/').filter(Boolean);
  // Skip `api/v1` or `apis/<group>/<version>`.
  let i = parts[0] === 'api' ? 2 : parts[0] === 'apis' ? 3 : 0;
  if (parts[i] === 'namespaces' && parts.length > i + 2) i += 2;
  const resource = parts[i] ?? '';
  const sub = parts[i + 2];
  return sub ? `${resource}/${sub}` : resource;
}
