// Kubernetes Events about the objects a controller manages (controller-runtime's
// mgr.GetEventRecorderFor): what `kubectl describe tradingbot` shows under Events — e.g. the
// rollback DESIGN.md asks the operator to announce. events.k8s.io/v1, one write per distinct
// (object, type, reason, note) within the de-duplication window, so a reconcile that re-runs on
// every resync never turns one fact into a stream of writes.
import { randomBytes } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeHttp } from './kube-http.ts';
import { microTime } from './leader-election.ts';
import { type Logger, silentLogger } from './logger.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  /** `reportingController`, e.g. `kubetrade.io/operator`. */
  controller: string;
  /** `reportingInstance`: which replica wrote it. */
  instance: string;
  /** The same event for the same object is written once per window (client-go: 10 min). */
  dedupeWindowMs?: number;
  log?: Logger;
  now?: () => number;
}

const DEFAULT_DEDUPE_WINDOW_MS = 10 * 60_000;
// The apiserver rejects notes over 1 kB.
const MAX_NOTE_LENGTH = 1024;

export class EventRecorder {
  readonly #http: KubeHttp;
  readonly #opts: EventRecorderOptions;
  readonly #log: Logger;
  readonly #recent = new Map<string, number>();

  constructor(http: KubeHttp, options: EventRecorderOptions) {
    this.#http = http;
    this.#opts = options;
    this.#log = options.log ?? silentLogger();
  }

  /**
   * Records an event about `obj`. Never throws: an event is information, and failing a
   * reconcile because it could not be announced would be worse than a missing event.
   * Resolves true when it wrote one, false when de-duplicated or the write failed.
   */
  async record(obj: KubernetesObject, type: EventType, reason: string, note: string): Promise<boolean> {
    const { namespace = 'default', name = '', uid = '' } = obj.metadata ?? {};
    const now = (this.#opts.now ?? Date.now)();
    const key = `${uid || `${namespace}/${name}`}|${type}|${reason}|${note}`;
    const last = this.#recent.get(key);
    if (last !== undefined && now - last < (this.#opts.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS))
      return false;
    this.#recent.set(key, now);
    this.#forgetOlderThan(now);
    try {
      await this.#http.request({
        method: 'POST',
        path: `/apis/events.k8s.io/v1/namespaces/${namespace}/events`,
        body: {
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          // client-go's naming: unique per object and time; generateName would end the prefix in '.'.
          metadata: {
            namespace,
            name: `${name.slice(0, 230)}.${now.toString(16)}${randomBytes(3).toString('hex')}`,
          },
          regarding: {
            apiVersion: obj.apiVersion,
            kind: obj.kind,
            namespace,
            name,
            uid,
            resourceVersion: obj.metadata?.resourceVersion,
          },
          type,
          reason,
          action: reason,
          note: note.slice(0, MAX_NOTE_LENGTH),
          eventTime: microTime(new Date(now)),
          reportingController: this.#opts.controller,
          reportingInstance: this.#opts.instance,
        },
      });
      return true;
    } catch (err) {
      this.#recent.delete(key);
      this.#log.warn('could not record event', { err, namespace, name, reason });
      return false;
    }
  }

  #forgetOlderThan(now: number): void {
    const window = this.#opts.dedupeWindowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
    for (const [key, at] of this.#recent) if (now - at >= window) this.#recent.delete(key);
  }
}
